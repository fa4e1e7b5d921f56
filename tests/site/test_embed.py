"""The widget for other sites (tebiki.embed): embed pages, the loader, the snippets.

The site is built once for this module (no handbook, no search index) and served
on one port; a demo host page, written here, is served on another port (another
origin) with a strict Content-Security-Policy (no 'wasm-unsafe-eval') that only
adds what the page for web teams tells a host to add. Chromium loads the host
page, which embeds the wizard both ways (a plain iframe; the loader).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tebiki.build import build_site
from tebiki.core import engine
from tebiki.core.layout import states as wizard_states
from tebiki.load.content import load_bundle
from tebiki.site import embed
from tests.support.pyodide import SiteServer, needs_chromium, needs_node

from ..conftest import CONTENT, LANGUAGES, ROOT

LANGS = {"ja": "", "en": "en/"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TREE = "pin-reset"
# the trees the page for web teams offers, every one of the guide's
EMBEDDED = ("pin-reset", "pin-change", "lost-card", "certificate-expired", "which-pin",
            "lost-smartphone", "damaged-card", "period-of-stay", "living-abroad")
# The loader as published: host pages carry this hash in their snippets, so its bytes
# must never change. A new loader is embed-v2.js beside it (widget/README.md), not a
# new hash here. (Comments and indents in widget/embed-v1.js may change: the build
# drops them.)
LOADER_SRI = "sha384-cocZcbcjSUSgI/ERZ2VN7IF6+0nABw9Ubcy50Ka0d6NK8id9gM/+2n6shzZLB9Kd"

pytestmark = [needs_node, needs_chromium, pytest.mark.browser]

# Records what the host page receives, and any CSP violation on it (a file: the
# host's policy allows no inline script).
RECORD_JS = """window.__messages = [];
window.__violations = [];
window.addEventListener("message", (e) => window.__messages.push({origin: e.origin, data: e.data}));
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture(scope="module")
def bundle():
    return load_bundle(CONTENT, languages=LANGUAGES)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("embed") / "site"
    assert build_site(ROOT / "mkdocs.yml", out, handbook=False, search=False) == 0
    return out


def longest_path(tree: dict) -> dict:
    paths = [p for p in engine.iter_paths(tree) if p["end"] == "outcome"]
    return max(paths, key=lambda p: len(p["answers"]))


# --- the built files ---------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.region: dict | None = None
        self.links: list = []  # attrs of every <a>
        self.csp: list = []
        self.scripts: list = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if attrs.get("id") == "tebiki-wizard":
            self.region = attrs
        if tag == "a":
            self.links.append(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(attrs["content"])
        if tag == "script":
            self.scripts.append(attrs.get("src"))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_every_state_has_an_embed_page_in_both_languages_with_its_own_policy(site, bundle):
    for tree_id, tree in bundle.trees.items():
        expected = {f"{tree_id}/" + "".join(o + "/" for _q, o in s) for s in wizard_states(tree)}
        for lang, prefix in LANGS.items():
            folder = site / prefix / "embed" / tree_id
            found = {p.parent.relative_to(folder.parent).as_posix() + "/"
                     for p in folder.rglob("index.html")}
            assert found == expected, (lang, tree_id)
            for state in wizard_states(tree):
                rel = f"{prefix}embed/{tree_id}/" + "".join(o + "/" for _q, o in state)
                path = site / rel / "index.html"
                text = path.read_text(encoding="utf-8")
                page = _parse(path)
                assert page.lang == lang, rel
                assert page.csp == [embed.POLICY], rel
                assert text.index("Content-Security-Policy") < text.index("<script"), rel
                assert "{{" not in text and "{%" not in text and "**" not in text, rel
                assert page.region["data-embed"] == "true"
                assert page.region["data-root"] == "../" * (len(state) + 1)
                assert list(json.loads(page.region["data-answers"]).items()) == list(state)
                # the language link: the same state in the other language
                other = [a for a in page.links if a.get("hreflang")]
                twin = ("en/" if lang == "ja" else "") + rel[len(prefix):]
                assert len(other) == 1
                target = (path.parent / other[0]["href"]).resolve()
                assert target == (site / twin).resolve(), rel
                # nothing but the wizard: no site header, navigation, footer or search
                assert "md-header" not in text and "md-footer" not in text, rel
                assert "search" not in " ".join(str(s) for s in page.scripts), rel


def test_links_that_leave_the_wizard_open_in_a_new_tab_and_say_so(site, bundle):
    tree = bundle.trees[TREE]
    options = "".join(o + "/" for _q, o in longest_path(tree)["answers"])
    for lang, prefix in LANGS.items():
        page = _parse(site / f"{prefix}embed/{TREE}/{options}index.html")
        outside = [a for a in page.links if a["href"].startswith("http")
                   or "/guide/" in a["href"]]
        assert len(outside) >= 2, outside
        for a in outside:
            assert a.get("target") == "_blank" and a.get("rel") == "noopener", a
        inside = [a for a in page.links if a not in outside and not a["href"].startswith("tel:")]
        assert inside and all("target" not in a for a in inside)
        text = (site / f"{prefix}embed/{TREE}/{options}index.html").read_text(encoding="utf-8")
        assert text.count(bundle.labels["new-tab"][lang]) == len(outside)
        # the site's own wizard pages keep ordinary links
        wizard = _parse(site / f"{prefix}wizard/{TREE}/{options}index.html")
        assert not [a for a in wizard.links if a.get("target")]


def test_the_loader_is_built_from_its_source_and_the_snippets_carry_its_hash(site):
    built = (site / "_tebiki" / embed.LOADER).read_bytes()
    assert built == embed.loader_bytes()
    assert b"//" not in built.replace(b"://", b"")  # comments dropped
    sri = "sha384-" + base64.b64encode(hashlib.sha384(built).digest()).decode()
    for lang, prefix in LANGS.items():
        text = (site / prefix / "embed" / "index.html").read_text(encoding="utf-8")
        assert text.count(f'integrity="{sri}"') == len(EMBEDDED), lang  # one loader per tree
        assert text.count("&lt;iframe src=") == len(EMBEDDED), lang
        # built without TEBIKI_SITE_URL: the placeholder address, and the note about it
        assert text.count(embed.PLACEHOLDER) > 8
        assert "admonition warning" in text and embed.PLACEHOLDER in text.split("<h2")[0]
        for tree_id in EMBEDDED:
            assert f"{embed.PLACEHOLDER}{prefix}embed/{tree_id}/" in text
        assert "frame-src https://GUIDE.example" in text


def test_the_published_loader_never_changes():
    data = embed.loader_bytes()
    assert embed.integrity(data) == LOADER_SRI, (
        "widget/embed-v1.js changed: published snippets pin its hash. Put a new loader "
        "in embed-v2.js and keep v1 as it was")
    assert len(data) < 2048  # the page for web teams says "under 2 KB"


def test_the_snippets_use_the_published_address_when_there_is_one(bundle):
    base = embed.guide_base("https://example.jp/tebiki")
    assert base == "https://example.jp/tebiki/"
    code = embed.snippets(bundle, ["pin-reset"], "en", "loader", site_url=base, prefix="en/")
    assert 'data-src="https://example.jp/tebiki/en/embed/pin-reset/"' in code
    assert 'src="https://example.jp/tebiki/_tebiki/embed-v1.js"' in code
    assert embed.host_policy("loader", base=base) == (
        "script-src https://example.jp/tebiki/_tebiki/embed-v1.js; frame-src https://example.jp")


# --- in Chromium: a host page on another origin ---------------------------------------------


def _host_policy(way: str, guide_base: str) -> str:
    """A strict policy, plus exactly what the page for web teams says to add."""
    directives = {"default-src": ["'self'"]}
    for part in embed.host_policy(way, base=guide_base).split(";"):
        name, *sources = part.split()
        directives[name] = ["'self'", *sources]
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


def _host_page(snippet: str) -> str:
    return ('<!doctype html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
            "<title>市役所のページ</title>\n<script src=\"/record.js\"></script>\n</head>\n"
            '<body>\n<main>\n<h1>市役所のページ</h1>\n<p><a id="before" href="#before">前</a></p>\n'
            f"{snippet}\n<p><a href=\"#after\">後</a></p>\n</main>\n</body>\n</html>\n")


@pytest.fixture(scope="module")
def guide(site):
    cors = {"Access-Control-Allow-Origin": "*"}
    with SiteServer(site, headers=lambda path: cors if path.endswith(embed.LOADER) else {}) \
            as server:
        yield server


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, guide, bundle):
    """Two host servers (origins) on other ports: one page per way of embedding."""
    base = guide.origin + "/"
    servers = {}
    for way in ("iframe", "loader"):
        folder = tmp_path_factory.mktemp(f"host-{way}")
        (folder / "record.js").write_text(RECORD_JS, encoding="utf-8")
        (folder / "favicon.ico").write_bytes(b"")
        make = embed.iframe_snippet if way == "iframe" else embed.loader_snippet
        for lang, prefix in LANGS.items():
            snippet = make(bundle, TREE, lang, base=base, prefix=prefix)
            (folder / f"{lang}.html").write_text(_host_page(snippet), encoding="utf-8")
        servers[way] = SiteServer(folder, csp=_host_policy(way, base))
    yield servers
    for server in servers.values():
        server.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 800, "height": 700})
    yield context
    context.close()


def until(page, check, what: str, timeout_s: float = 30):
    """Poll `check()` from Python (the pages' policies forbid evaluating strings in them)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(50)


def embed_frame(page):
    return until(page, lambda: next((f for f in page.frames if "/embed/" in f.url), None),
                 "the embed frame")


def ready(page, frame):
    until(page, lambda: frame.evaluate("document.documentElement.dataset.tebiki") == "ready",
          "the engine in the frame")


def frame_height(page) -> int:
    return page.evaluate("Math.round(document.querySelector('iframe').getBoundingClientRect()"
                         ".height)")


def content_height(frame) -> int:
    return frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")


# embed-frame.js rounds the height it reports up to a multiple of this (a state's own
# height would tell the host page which outcome the visitor reached)
HEIGHT_STEP = 200


def fitted(page, frame) -> bool:
    """The frame shows the whole page, at a height that is a multiple of the step."""
    height = frame_height(page)
    return height >= content_height(frame) and height % HEIGHT_STEP == 0


def press_until_focused(page, frame, selector: str) -> None:
    for _ in range(40):
        if frame.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} in the frame")


def test_the_loader_embeds_the_wizard_from_another_origin_and_a_path_completes(
        context, guide, hosts, bundle):
    """Under the host's strict policy: the frame is inserted with its title, the engine
    starts inside it, a whole path completes by keyboard, the frame's height follows
    each step, and the host sees nothing but heights."""
    host = hosts["loader"]
    tree = bundle.trees[TREE]
    path = longest_path(tree)
    options = [o for _q, o in path["answers"]]
    requests: list = []
    errors: list = []
    context.on("request", lambda r: requests.append(r))
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.goto(host.url("/ja.html"))
    frame = embed_frame(page)
    iframe = page.locator("iframe")
    assert iframe.get_attribute("title") == tree["title"]["ja"]
    assert iframe.get_attribute("src") == f"{guide.origin}/embed/{TREE}/"
    ready(page, frame)
    frame.evaluate("window.__sameDocument = true")
    # the host can neither reach into the frame nor ask it anything
    assert page.evaluate("document.querySelector('iframe').contentDocument") is None
    until(page, lambda: fitted(page, frame), "the frame to fit the first question")
    heights = [frame_height(page)]
    answered_at = len(requests)

    page.focus("#before")
    for n, (question, option) in enumerate(path["answers"]):
        assert frame.get_attribute("#tebiki-wizard", "data-node") == question
        press_until_focused(page, frame, f'a[data-option="{option}"]')
        page.keyboard.press("Enter")
        until(page, lambda n=n: len(json.loads(frame.get_attribute(
            "#tebiki-wizard", "data-answers"))) == n + 1, f"step {n + 1}")
        # focus on the new heading, inside the frame; the URL changes inside it only
        assert frame.evaluate("document.activeElement.id") == "tebiki-heading"
        assert page.evaluate("document.activeElement.tagName") == "IFRAME"
        assert frame.url.endswith(f"/embed/{TREE}/" + "".join(o + "/" for o in options[:n + 1]))
        assert page.url == host.url("/ja.html")
        until(page, lambda: fitted(page, frame), f"the frame to fit step {n + 1}")
        heights.append(frame_height(page))
    assert frame.get_attribute("#tebiki-wizard", "data-node") == path["id"]
    assert frame.inner_text("#tebiki-heading") == engine.next_step(
        tree, dict(path["answers"]))["title"]["ja"]
    assert frame.evaluate("window.__sameDocument === true")
    assert heights[-1] >= max(heights[:-1]) + HEIGHT_STEP, heights  # the outcome is longer
    parity_at = len(requests)

    # the enhanced state is the static embed page at its URL (clock notes aside)
    same = frame.evaluate("""async () => {
        const strip = (el) => { el.querySelectorAll('.tebiki-status').forEach(s => s.remove());
                                return el.outerHTML; };
        const doc = new DOMParser().parseFromString(await (await fetch(location.href)).text(),
                                                    'text/html');
        return [strip(document.getElementById('tebiki-wizard').cloneNode(true)),
                strip(doc.getElementById('tebiki-wizard'))];
    }""")
    assert same[0] == same[1]
    parity_end = len(requests)

    # start again: back to a short question; the frame keeps its height, so the host
    # cannot tell a visitor who starts again (or goes back) from one still reading
    sent = len(page.evaluate("window.__messages"))
    frame.click(".tebiki-restart a")
    until(page, lambda: frame.get_attribute("#tebiki-wizard", "data-answers") == "{}",
          "start again")
    page.wait_for_timeout(500)
    assert content_height(frame) < heights[-1] - HEIGHT_STEP
    assert frame_height(page) == heights[-1]
    messages = page.evaluate("window.__messages")
    assert len(messages) == sent
    # nor when the frame loads the start page anew (a step without the engine): it
    # says the tallest height again, no other
    frame.goto(frame.url)  # (location.reload() in evaluate races its own navigation)
    ready(page, frame)
    page.wait_for_timeout(500)
    assert frame_height(page) == heights[-1]
    assert {m["data"]["height"] for m in page.evaluate("window.__messages")[sent:]} \
        <= {heights[-1]}

    # what the host received: heights from the frame's origin, nothing else; each a
    # multiple of the step, each taller than the one before
    assert len(messages) >= 2
    for message in messages:
        assert message["origin"] == guide.origin
        assert set(message["data"]) == {"type", "height"}, message
        assert message["data"]["type"] == "tebiki:height"
        assert message["data"]["height"] % HEIGHT_STEP == 0, message
    sizes = [m["data"]["height"] for m in messages]
    assert sizes == sorted(set(sizes)), sizes
    assert page.evaluate("window.__violations") == []
    assert not errors, errors

    # no request left the two origins; none carried an answer
    origins = {guide.origin, host.origin}
    outside = [r.url for r in requests if f"{urlsplit(r.url).scheme}://{urlsplit(r.url).netloc}"
               not in origins]
    assert not outside, outside
    # while answering, nothing at all: the engine answers in the frame
    assert [r.url for r in requests[answered_at:parity_at]] == []
    for request in requests[:parity_at] + requests[parity_end:]:  # not the test's own fetch
        segments = set(unquote(urlsplit(request.url).path).split("/"))
        referer = request.headers.get("referer", "")
        assert not segments & set(options), request.url
        assert request.post_data is None, request.url
        assert not any(f"/{o}/" in referer for o in options), (request.url, referer)
    assert not [r for r in host.requests if r["path"] not in ("/ja.html", "/record.js",
                                                               "/favicon.ico")]


def test_the_host_ignores_height_messages_from_anywhere_else(context, hosts):
    page = context.new_page()
    page.goto(hosts["loader"].url("/en.html"))
    frame = embed_frame(page)
    ready(page, frame)  # its redraw with the clock's notes may change the height
    until(page, lambda: fitted(page, frame), "the frame to fit")
    page.wait_for_timeout(200)
    before = frame_height(page)
    # from the host page itself, and from the frame with nonsense
    page.evaluate("window.postMessage({type: 'tebiki:height', height: 77}, '*')")
    frame.evaluate("parent.postMessage({type: 'tebiki:height', height: 1e9}, '*')")
    frame.evaluate("parent.postMessage({type: 'tebiki:height', height: '300'}, '*')")
    frame.evaluate("parent.postMessage({type: 'other', height: 300}, '*')")
    page.wait_for_timeout(300)
    assert frame_height(page) == before
    # English: the frame's page and title are English
    assert page.locator("iframe").get_attribute("title") == frame.evaluate(
        "document.querySelector('.tebiki-caption').textContent")
    assert frame.evaluate("document.documentElement.lang") == "en"


def test_a_tampered_loader_is_refused_and_the_link_stays(context, guide, hosts):
    def tamper(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.body().replace(b"600", b"601"))

    errors: list = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text))
    page.route(re.compile(re.escape(guide.origin) + r"/_tebiki/embed-v1\.js"), tamper)
    page.goto(hosts["loader"].url("/ja.html"), wait_until="load")
    page.wait_for_timeout(500)
    assert page.locator("iframe").count() == 0
    assert page.locator("[data-tebiki-embed] a").get_attribute("href") == \
        f"{guide.origin}/wizard/{TREE}/"
    assert any("integrity" in e.lower() for e in errors), errors


def test_a_plain_iframe_works_with_javascript_off(browser, guide, hosts, bundle):
    """No script on the host, none in the frame: a path completes by static pages."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        tree = bundle.trees[TREE]
        path = longest_path(tree)
        page.goto(hosts["iframe"].url("/en.html"))
        iframe = page.locator("iframe")
        assert iframe.get_attribute("title") == tree["title"]["en"]
        assert iframe.get_attribute("height") == str(embed.FRAME_HEIGHT)
        frame = embed_frame(page)
        frame.wait_for_load_state()
        for question, option in path["answers"]:
            assert frame.inner_text("h1") == tree["questions"][question]["text"]["en"]
            frame.click(f'a[data-option="{option}"]')
            frame.wait_for_url(re.compile(f"/{option}/$"))
        assert frame.inner_text("h1") == engine.next_step(
            tree, dict(path["answers"]))["title"]["en"]
        assert page.url == hosts["iframe"].url("/en.html")
        # the language link switches the frame, not the host
        frame.click("a[hreflang=ja]")
        twin = "".join(o + "/" for _q, o in path["answers"])
        frame.wait_for_url(guide.url(f"/embed/{TREE}/{twin}"))
        assert frame.inner_text("h1") == engine.next_step(
            tree, dict(path["answers"]))["title"]["ja"]
        assert page.url == hosts["iframe"].url("/en.html")
    finally:
        context.close()


def test_a_plain_iframe_gets_the_engine_too(context, hosts):
    page = context.new_page()
    page.goto(hosts["iframe"].url("/ja.html"))
    frame = embed_frame(page)
    ready(page, frame)  # under the host's strict policy, which does not reach the frame
    frame.click("a[data-option]")
    until(page, lambda: frame.get_attribute("#tebiki-wizard", "data-answers") != "{}", "a step")
    assert frame.evaluate("document.activeElement.id") == "tebiki-heading"
    assert page.evaluate("window.__violations") == []
    # no loader: the height stays the snippet's
    assert page.locator("iframe").get_attribute("height") == str(embed.FRAME_HEIGHT)


@pytest.mark.parametrize("lang", list(LANGS))
@pytest.mark.parametrize("kind", ["question", "outcome"])
def test_axe_finds_nothing_on_the_embed_page(browser, guide, bundle, kind, lang):
    from axe_playwright_python.sync_playwright import Axe

    tree = bundle.trees[TREE]
    answers = longest_path(tree)["answers"]
    options = [answers[0][1]] if kind == "question" else [o for _q, o in answers]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(guide.url(f"/{LANGS[lang]}embed/{TREE}/" + "".join(o + "/" for o in options)))
        ready(page, page.main_frame)  # axe sees the enhanced page (with the clock's notes)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = [f"{v['id']}: {v['help']} ({len(v['nodes'])}x: {v['nodes'][0]['target']})"
                      for v in results.response["violations"]]
        assert not violations, "\n".join(violations)
    finally:
        context.close()


def test_axe_finds_nothing_on_the_page_for_web_teams(browser, guide):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        for prefix in LANGS.values():
            page.goto(guide.url(f"/{prefix}embed/"))
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            violations = [f"{v['id']}: {v['help']} ({v['nodes'][0]['target']})"
                          for v in results.response["violations"]]
            assert not violations, "\n".join(violations)
    finally:
        context.close()



def test_the_widget_doc_gives_the_embed_pages_policy_as_it_is():
    """docs/WIDGET.md listed the policy without its img-src: webmasters read it there."""
    doc = " ".join((ROOT / "docs" / "WIDGET.md").read_text(encoding="utf-8").split())
    assert f"`{embed.POLICY}`" in doc
