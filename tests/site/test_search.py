"""The site's search as residents use it, on the built site in Chromium.

What is in the index (the pages for residents, never the page for web teams
or an embed page), what comes first for the queries people type (a wizard
when the query is about one; otherwise the page, at the section that
answers), and the page without JavaScript.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from ..conftest import poll_until

pytestmark = pytest.mark.browser

PREFIX = {"ja": "", "en": "en/"}

# What a resident types, and the first result they should get (its link's path;
# the language prefix is added for English). A query about a tree offers its
# wizard (wizard/<tree>/, its first question), not the long guide page.
FIRST: dict[str, list[tuple[str, str]]] = {
    "ja": [
        ("暗証番号 忘れた", "wizard/pin-reset/"),
        ("暗証番号を忘れた", "wizard/pin-reset/"),
        ("暗証番号忘れた", "wizard/pin-reset/"),
        ("パスワード 忘れた", "wizard/pin-reset/"),
        ("ロックされた", "wizard/pin-reset/"),
        ("暗証番号 ロック 解除", "wizard/pin-reset/"),
        ("コンビニ 再設定", "wizard/pin-reset/"),
        ("暗証番号初期化", "wizard/pin-reset/"),
        ("暗証番号 変更", "wizard/pin-change/"),
        ("暗証番号を変えたい", "wizard/pin-change/"),
        ("カード なくした", "wizard/lost-card/"),
        ("カードなくした", "wizard/lost-card/"),
        ("カード 落とした", "wizard/lost-card/"),
        ("カード 盗まれた", "wizard/lost-card/"),
        ("紛失", "wizard/lost-card/"),
        ("一時利用停止", "wizard/lost-card/"),
        ("どの暗証番号", "wizard/which-pin/"),
        ("暗証番号 何桁", "wizard/which-pin/"),
        ("電子証明書 期限切れ", "wizard/certificate-expired/"),
        ("正しい暗証番号 使えない", "wizard/certificate-expired/"),
        ("スマホ なくした", "wizard/lost-smartphone/"),
        ("カード 割れた", "wizard/damaged-card/"),
        ("ICチップ 読み取れない", "wizard/damaged-card/"),
        ("在留期間 更新", "wizard/period-of-stay/"),
        ("海外 住んでいる", "wizard/living-abroad/"),
        ("大使館", "wizard/living-abroad/"),
        ("暗証番号 安全", "safety/"),
        ("暗証番号 メモ", "safety/"),
        ("電話で暗証番号を聞かれた", "safety/"),
        ("暗証番号のちがい", "pins/"),
        ("よくある質問", "faq/"),
        ("何回まちがえるとロック", "faq/"),
        ("何回間違えるとロック", "faq/"),
        ("何回まちがえたらロックされる", "faq/"),
        ("暗証番号を教えてと言われた", "safety/"),
        ("詐欺", "safety/"),
    ],
    "en": [
        ("forgot pin", "wizard/pin-reset/"),
        ("i forgot my pin", "wizard/pin-reset/"),
        ("forgot password", "wizard/pin-reset/"),
        ("pin locked", "wizard/pin-reset/"),
        ("reset pin", "wizard/pin-reset/"),
        ("reset", "wizard/pin-reset/"),
        ("change pin", "wizard/pin-change/"),
        ("card stolen", "wizard/lost-card/"),
        ("lost card", "wizard/lost-card/"),
        ("I lost my card", "wizard/lost-card/"),
        ("lost", "wizard/lost-card/"),
        ("stolen", "wizard/lost-card/"),
        ("suspend card", "wizard/lost-card/"),
        ("which pin", "wizard/which-pin/"),
        ("certificate expired", "wizard/certificate-expired/"),
        ("right pin not working", "wizard/certificate-expired/"),
        ("lost phone", "wizard/lost-smartphone/"),
        ("damaged card", "wizard/damaged-card/"),
        ("chip cannot be read", "wizard/damaged-card/"),
        ("visa renewal", "wizard/period-of-stay/"),
        ("residence card renewed", "wizard/period-of-stay/"),
        ("living abroad", "wizard/living-abroad/"),
        ("embassy", "wizard/living-abroad/"),
        ("keep pin safe", "safety/"),
        ("write down pin", "safety/"),
        ("someone called asking for my pin", "safety/"),
        ("four pins", "pins/"),
        ("questions and answers", "faq/"),
        ("how many tries", "faq/"),
        ("how many times can i enter a wrong pin", "faq/"),
        ("someone phoned asking for my pin", "safety/"),
        ("scam", "safety/"),
    ],
}

# Queries whose answer is one section of a page: the first result links to it.
SECTION: dict[str, list[tuple[str, str]]] = {
    "ja": [("電話で暗証番号を聞かれた", "safety/#phishing"),
           ("何回まちがえるとロック", "faq/#tries"),
           ("何回間違えるとロック", "faq/#tries")],
    "en": [("write down pin", "safety/#writing-down"),
           ("someone called asking for my pin", "safety/#phishing"),
           ("how many tries", "faq/#tries")],
}

# Words of the page for web teams (code, its own title): none may bring it up.
EMBED_WORDS = {"ja": ["埋め込む", "ウェブサイト担当", "iframe", "script", "なくした", "lost"],
               "en": ["embed", "iframe", "script", "integrity", "web teams", "lost", "loader"]}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, errors


def ask(page, query: str) -> list[dict]:
    """Type a query on the open search page; each result: its links (path and
    #section), its class, its text."""
    page.fill("#tebiki-search-input", query)
    page.press("#tebiki-search-input", "Enter")
    poll_until(page, "() => { const s = document.getElementById('tebiki-search-status')"
                     ".textContent; return s && !s.endsWith('…'); }", timeout_s=15)
    return page.eval_on_selector_all("#tebiki-search-results > li", """items => items.map(li => ({
        links: [...li.querySelectorAll('a')].map(a => {
          const u = new URL(a.href); return u.pathname + decodeURIComponent(u.hash); }),
        wizard: li.classList.contains('tebiki-search__result--wizard'),
        text: li.textContent }))""")


def open_search(page, server: str, lang: str) -> None:
    page.goto(server + PREFIX[lang] + "search/")
    poll_until(page, "() => !document.querySelector('#tebiki-search form').hidden")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_first_result_is_what_residents_look_for(page, server, lang):
    assert len(FIRST[lang]) >= 20
    open_search(page, server, lang)
    wrong = []
    for query, expected in FIRST[lang]:
        results = ask(page, query)
        first = results[0]["links"][0] if results else None
        want = "/" + PREFIX[lang] + expected
        if first is None or first.split("#")[0] != want:
            wrong.append(f"{query!r}: first {first}, want {want}; then "
                         f"{[r['links'][0] for r in results[1:4]]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_wizard_result_starts_the_wizard_and_points_into_its_guide(page, server, site, lang):
    open_search(page, server, lang)
    results = ask(page, {"ja": "カード なくした", "en": "card stolen"}[lang])
    first = results[0]
    assert first["wizard"]
    wizard, *rest = first["links"]
    assert wizard == f"/{PREFIX[lang]}wizard/lost-card/"
    guide = f"/{PREFIX[lang]}guide/lost-card/"
    sections = [link for link in rest if link.startswith(guide + "#")]
    assert sections, first
    assert guide in rest  # and the whole guide, for those who want to read it all
    html = (site / PREFIX[lang] / "guide/lost-card/index.html").read_text(encoding="utf-8")
    for link in sections:
        assert f'id="{link.split("#")[1]}"' in html, link
    # the guide is not listed a second time below its wizard
    assert not [r for r in results[1:] if r["links"][0].split("#")[0] == guide]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_page_result_links_to_the_section_that_answers(page, server, site, lang):
    open_search(page, server, lang)
    for query, expected in SECTION[lang]:
        first = ask(page, query)[0]["links"][0]
        assert first == "/" + PREFIX[lang] + expected, (query, first)
        path, anchor = first.split("#")
        html = (site / path.strip("/") / "index.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_only_pages_for_residents_are_in_the_index(page, server, site, site_bundle, lang):
    open_search(page, server, lang)
    indexed = page.evaluate("""async () => {
        const box = document.getElementById('tebiki-search');
        const pagefind = await import(new URL('pagefind.js', new URL(box.dataset.bundle,
                                                                     document.baseURI)).href);
        const all = await pagefind.search(null);
        return Promise.all(all.results.map(async (r) => (await r.data()).url));
    }""")
    prefix = "/" + PREFIX[lang]
    guides = {f"{prefix}guide/{tree}/" for tree in site_bundle.trees}
    assert sorted(indexed) == sorted({prefix, *guides, f"{prefix}pins/", f"{prefix}safety/",
                                      f"{prefix}faq/"})


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_page_for_web_teams_never_comes_up(page, server, lang):
    open_search(page, server, lang)
    for query in EMBED_WORDS[lang]:
        for result in ask(page, query):
            assert not [link for link in result["links"] if "/embed/" in link], (query, result)
            assert not re.search(r"<(script|iframe)\b", result["text"]), (query, result)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_without_javascript_the_page_says_so_and_lists_the_guides(browser, server, site_bundle,
                                                                    lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + PREFIX[lang] + "search/")
    # no search box that would do nothing
    assert not page.locator("#tebiki-search-input").is_visible()
    # (Playwright's text selectors skip <noscript>: read what the page shows)
    assert site_bundle.labels["search-needs-js"][lang] in page.inner_text("article")
    links = page.eval_on_selector_all("article a", "as => as.map(a => new URL(a.href).pathname)")
    for tree in site_bundle.trees:
        assert f"/{PREFIX[lang]}guide/{tree}/" in links, tree
    context.close()


class _SubFolder(SimpleHTTPRequestHandler):
    """The built site published under /guide-site/ (as on a city's own server)."""

    def log_message(self, format, *args):
        pass

    def translate_path(self, path):
        path = urlsplit(path).path
        if not path.startswith("/guide-site/"):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path(unquote(path)[len("/guide-site"):])


def test_results_link_into_a_site_published_in_a_sub_folder(page, site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(_SubFolder, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        root = f"http://127.0.0.1:{httpd.server_port}/guide-site/"
        open_search(page, root, "en")
        results = ask(page, "card stolen")
        links = [link for result in results for link in result["links"]]
        assert links[0] == "/guide-site/en/wizard/lost-card/"
        assert len(links) > 3 and all(link.startswith("/guide-site/en/") for link in links)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_wizards_entries_name_pages_that_exist(site, site_bundle):
    for lang, prefix in PREFIX.items():
        entries = json.loads((site / "pagefind" / f"tebiki-trees.{lang}.json")
                             .read_text(encoding="utf-8"))
        assert [e["id"] for e in entries] == sorted(site_bundle.trees)
        for entry in entries:
            assert entry["wizard"] == f"{prefix}wizard/{entry['id']}/"
            assert (site / entry["wizard"] / "index.html").is_file()
            assert (site / entry["guide"] / "index.html").is_file()
            tree = site_bundle.trees[entry["id"]]
            assert entry["keywords"] == tree["keywords"][lang]
            assert entry["title"] and entry["summary"]


def test_the_pages_search_words_name_sections_that_exist(site):
    for lang, prefix in PREFIX.items():
        entries = json.loads((site / "pagefind" / f"tebiki-pages.{lang}.json")
                             .read_text(encoding="utf-8"))
        assert {(e["url"], e["anchor"]) for e in entries} >= {(prefix + "faq/", "tries"),
                                                             (prefix + "safety/", "phishing")}
        for entry in entries:
            html = (site / entry["url"] / "index.html").read_text(encoding="utf-8")
            assert f'id="{entry["anchor"]}"' in html, entry
            assert entry["title"] and entry["page"] and entry["keywords"]
            # search words are for the search only, never shown on the page
            assert entry["keywords"][0] not in html, entry
