"""The built site as files: pages, languages, links, phone numbers, no template leaks."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tebiki.core import engine
from tebiki.core.layout import states as wizard_states
from tebiki.site.output import write_marker

from .conftest import CONTENT, build

SKIP_DIRS = ("assets/", "pagefind/")


class Page(HTMLParser):
    """What the tests need from one HTML file: lang, ids, links, tel: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.ids: set = set()
        self.links: list = []  # (tag, attribute, value)
        self.tels: list = []  # (href, text)
        self.wizard: dict | None = None
        self.switch: list = []  # (hreflang, href) of the header's language links
        self._tel: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append((tag, name, attrs[name]))
        if tag == "a" and (attrs.get("href") or "").startswith("tel:"):
            self._tel = [attrs["href"], ""]
        if attrs.get("id") == "tebiki-wizard":
            self.wizard = attrs
        if tag == "a" and "tebiki-header-link" in (attrs.get("class") or "") \
                and attrs.get("hreflang"):
            self.switch.append((attrs["hreflang"], attrs["href"]))

    def handle_data(self, data):
        if self._tel is not None:
            self._tel[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._tel is not None:
            self.tels.append(tuple(self._tel))
            self._tel = None


@cache
def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pages(site: Path) -> list:
    """Every HTML page, as its path relative to the site root (like 'en/faq/index.html')."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith(SKIP_DIRS))


def test_every_page_exists_in_both_languages(site):
    all_pages = set(pages(site))
    japanese = {p for p in all_pages if not p.startswith("en/")}
    english = {p[len("en/"):] for p in all_pages if p.startswith("en/")}
    japanese.discard("404.html")  # one error page, at the root
    assert japanese == english
    assert len(japanese) > 20


def test_html_lang_matches_the_language_folder(site):
    for rel in pages(site):
        expected = "en" if rel.startswith("en/") else "ja"
        assert parse(site / rel).lang == expected, rel


def test_the_language_switch_keeps_the_reader_on_the_same_page(site):
    for rel in pages(site):
        if rel == "404.html":
            continue
        page = parse(site / rel)
        other = "ja" if rel.startswith("en/") else "en"
        twin = rel[len("en/"):] if other == "ja" else "en/" + rel
        assert [lang for lang, _href in page.switch] == [other], rel
        target, _ = _target(site, rel, page.switch[0][1])
        assert target == (site / twin).resolve(), rel


def test_every_reachable_wizard_state_has_a_page_and_no_other(site, site_bundle):
    expected = set()
    for tree_id, tree in site_bundle.trees.items():
        for state in wizard_states(tree):
            options = "".join(o + "/" for _q, o in state)
            expected.add(f"wizard/{tree_id}/{options}index.html")
    for prefix in ("", "en/"):
        found = {p[len(prefix):] for p in pages(site)
                 if p.startswith(prefix + "wizard/")}
        assert found == expected


def test_wizard_pages_carry_the_hooks_the_browser_runtime_reads(site, site_bundle):
    for tree_id, tree in site_bundle.trees.items():
        for state in wizard_states(tree):
            options = "".join(o + "/" for _q, o in state)
            for prefix, lang in (("", "ja"), ("en/", "en")):
                page = parse(site / f"{prefix}wizard/{tree_id}/{options}index.html")
                hooks = page.wizard
                assert hooks is not None
                result = engine.next_step(tree, dict(state))
                assert hooks["data-tree"] == tree_id
                assert hooks["data-lang"] == lang
                assert hooks["data-state"] == result["type"]
                assert hooks["data-node"] == result["id"]
                assert hooks["data-root"] == "../" * (len(state) + 1)
                assert list(json.loads(hooks["data-answers"]).items()) == list(state)
                assert "tebiki-heading" in page.ids


def _target(site: Path, rel: str, url: str) -> tuple:
    """The file a relative URL on page `rel` points to, and its fragment."""
    parts = urlsplit(url)
    base = Path(rel).parent
    path = unquote(parts.path)
    target = (site / base / path) if path else site / rel
    target = Path(str(target.resolve()))
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def test_internal_links_and_anchors_resolve(site):
    site_root = site.resolve()
    broken = []
    for rel in pages(site):
        for tag, attr, url in parse(site / rel).links:
            scheme = urlsplit(url).scheme
            if scheme in ("http", "https", "tel", "mailto"):
                continue
            if scheme == "data" and tag == "link":  # the icon, inlined: nothing to fetch
                continue
            assert not scheme, f"{rel}: unexpected link {url}"
            if rel == "404.html":  # shown at any depth, so its links start at the root
                assert url.startswith("/"), url
                url = url.lstrip("/")
            else:
                assert not url.startswith("/"), f"{rel}: absolute link {url} (breaks on a subpath)"
            target, fragment = _target(site, "index.html" if rel == "404.html" else rel, url)
            if not target.is_relative_to(site_root) or not target.is_file():
                broken.append(f"{rel}: <{tag} {attr}={url}> -> missing {target}")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{rel}: <{tag} {attr}={url}> -> no id '{fragment}'")
    assert not broken, "\n".join(broken[:30])


TEL = re.compile(r"^tel:(0\d{9,10}|\+81\d{9,10})$")


def test_every_tel_link_is_a_valid_number_and_says_so(site):
    seen = 0
    for rel in pages(site):
        for href, text in parse(site / rel).tels:
            seen += 1
            assert TEL.match(href), f"{rel}: {href}"
            digits = ("+" if text.strip().startswith("+") else "") + re.sub(r"\D", "", text)
            assert href == "tel:" + digits, f"{rel}: {href} shows '{text}'"
    assert seen > 10


def test_no_template_syntax_in_any_output(site):
    leaks = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".xml", ".json") and "pagefind" not in path.parts:
            text = path.read_text(encoding="utf-8")
            for marker in ("{{", "{%"):
                if marker in text:
                    leaks.append(f"{path.relative_to(site)}: {marker}")
    assert not leaks, "\n".join(leaks[:20])


def test_no_markdown_left_in_rendered_texts(site):
    for rel in pages(site):
        text = (site / rel).read_text(encoding="utf-8")
        assert "**" not in text, rel


def test_nothing_is_loaded_from_another_origin(site):
    for rel in pages(site):
        for tag, attr, url in parse(site / rel).links:
            if tag in ("script", "link", "img", "iframe", "source") and attr in ("src", "href"):
                scheme = urlsplit(url).scheme
                if tag == "link" and scheme == "data":  # the icon, inlined
                    continue
                assert not scheme, f"{rel}: <{tag} {attr}={url}>"
    for path in site.rglob("*.css"):
        assert "fonts.googleapis" not in path.read_text(encoding="utf-8")


def test_search_index_has_one_index_per_language(site):
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"ja", "en"}
    assert entry["languages"]["ja"]["page_count"] == entry["languages"]["en"]["page_count"]


# --- the build itself -----------------------------------------------------------------------


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_identical(site, tmp_path):
    again = tmp_path / "again"
    result = build(again)
    assert result.returncode == 0, result.stderr
    assert _digest(again) == _digest(site)


def test_content_errors_stop_the_build_and_keep_the_old_site(tmp_path):
    content = tmp_path / "decision_trees"
    shutil.copytree(CONTENT, content)
    tree = content / "pin-reset.yaml"
    tree.write_text(tree.read_text(encoding="utf-8").replace("start: which-pin",
                                                             "start: no-such-question"),
                    encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    write_marker(out)  # an earlier build's output: its marker lists index.html
    result = build(out, content)
    assert result.returncode == 1
    assert re.search(r"pin-reset\.yaml:\d+: ", result.stderr), result.stderr
    marker = (out / ".tebiki-output").read_bytes()
    assert _digest(out) == {"index.html": hashlib.sha256(b"old").hexdigest(),
                            ".tebiki-output": hashlib.sha256(marker).hexdigest()}
    assert not list(tmp_path.glob(".site.tebiki-staging-*"))


def test_a_failing_page_keeps_the_old_site(tmp_path):
    """Content that is valid but lacks a tree a page names: MkDocs fails, site/ stays."""
    content = tmp_path / "decision_trees"
    shutil.copytree(CONTENT, content)
    (content / "lost-card.yaml").unlink()
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    write_marker(out)  # an earlier build's output: its marker lists index.html
    result = build(out, content, "--no-search")
    assert result.returncode != 0
    assert "lost-card" in result.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob(".site.tebiki-staging-*"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_guide_pages_show_every_question_and_outcome(site, site_bundle, lang):
    prefix = "" if lang == "ja" else "en/"
    for tree_id, tree in site_bundle.trees.items():
        ids = parse(site / f"{prefix}guide/{tree_id}/index.html").ids
        for qid in tree["questions"]:
            assert f"{tree_id}-q-{qid}" in ids
        for oid in tree["outcomes"]:
            assert f"{tree_id}-o-{oid}" in ids


def test_the_not_found_page_stands_alone(site):
    """A host shows it at any address and depth: it fetches nothing (no stylesheet,
    script or image), and its links go to the home pages from the site's root."""
    page = parse(site / "404.html")
    assert [link for link in page.links if link[0] != "a"] == []
    assert {url for _tag, _attr, url in page.links} == {"/", "/en/"}
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "<script" not in html and 'rel="stylesheet"' not in html
