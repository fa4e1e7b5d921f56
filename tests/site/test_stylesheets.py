"""One stylesheet for the wizard's markup (browser/wizard.css), the same on the site and
in the embed pages; the site's tebiki.css and the frame's embed.css keep only their own."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest

from tebiki.core import engine, layout
from tebiki.core.render import render_state
from tebiki.site.plugin import THEME
from tebiki.site.runtime import BROWSER, page_scripts

from .conftest import LANGS
from .test_browser import PREFIX, page_types

WIZARD_CSS = BROWSER / "wizard.css"
HOST_SHEETS = {"tebiki.css": THEME / "assets" / "tebiki.css", "embed.css": BROWSER / "embed.css"}
_CLASS = re.compile(r"\.(tebiki-[A-Za-z0-9_-]+)")


# --- a small CSS reader: the selectors of every rule, inside @media too --------------------


def selectors(css: str) -> list[str]:
    """Every selector of every style rule (each one of a comma list), in @media and
    @supports blocks too; at-rules without selectors (@font-face, @page) are skipped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found: list[str] = []
    _read_block(css, found)
    return found


def _read_block(css: str, found: list[str]) -> None:
    pos = 0
    while True:
        start = css.find("{", pos)
        if start == -1:
            return
        prelude = css[pos:start].strip()
        depth, end = 1, start + 1
        while depth:
            if end >= len(css):
                raise ValueError(f"unbalanced braces after {prelude!r}")
            if css[end] in "\"'":  # a string (content: "}") ends at its own quote
                end = css.index(css[end], end + 1)
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        body = css[start + 1:end - 1]
        if prelude.startswith(("@media", "@supports", "@layer", "@scope")):
            _read_block(body, found)
        elif not prelude.startswith("@"):
            found.extend(" ".join(s.split()) for s in prelude.split(",") if s.strip())
        pos = end


def test_the_css_reader_finds_selectors_in_lists_and_media_blocks():
    css = """/* .tebiki-comment { } */
    :root { --x: 1; }
    .a .tebiki-one,
    .tebiki-two > li { color: red; }
    @media print { @supports (display: grid) { .tebiki-three::after { content: "}"; } } }
    @font-face { font-family: X; }"""
    assert selectors(css) == [":root", ".a .tebiki-one", ".tebiki-two > li", ".tebiki-three::after"]


# --- what the wizard's markup is: every state's HTML, in every language -------------------


@pytest.fixture(scope="module")
def wizard_classes(site_bundle) -> set[str]:
    """Every class tebiki.core.render writes into the wizard's region, over every state of
    every tree in every language, on the site and in the embed pages."""
    classes: set[str] = set()
    for tree in site_bundle.trees.values():
        for state in layout.states(tree):
            result = engine.next_step(tree, dict(state))
            for lang in LANGS:
                for embed in (False, True):
                    html = render_state(result, site_bundle.labels, lang, root="../",
                                        trees=site_bundle.trees, guide_url="../guide/",
                                        embed=embed)
                    for value in re.findall(r'class="([^"]*)"', html):
                        classes.update(c for c in value.split() if c.startswith("tebiki-"))
    return classes


def _named(sheet: Path, wizard_classes: set[str]) -> dict[str, list[str]]:
    """The wizard's classes a stylesheet's selectors name: class -> those selectors."""
    named: dict[str, list[str]] = {}
    for selector in selectors(sheet.read_text(encoding="utf-8")):
        for cls in set(_CLASS.findall(selector)) & wizard_classes:
            named.setdefault(cls, []).append(selector)
    return named


def test_the_wizard_markup_has_the_classes_the_stylesheet_is_for(wizard_classes):
    # a question, an outcome and its parts: if render.py's names changed, say so here
    assert {"tebiki-wizard", "tebiki-option", "tebiki-panel", "tebiki-checklist",
            "tebiki-contact", "tebiki-sources", "tebiki-back"} <= wizard_classes


def test_no_wizard_class_is_styled_by_both_the_site_and_the_frame(wizard_classes):
    site = _named(HOST_SHEETS["tebiki.css"], wizard_classes)
    frame = _named(HOST_SHEETS["embed.css"], wizard_classes)
    both = {cls: (site[cls], frame[cls]) for cls in sorted(site.keys() & frame.keys())}
    assert not both, ("styled in tebiki.css and in embed.css: move the rule to wizard.css "
                      f"(class: (tebiki.css selectors, embed.css selectors)): {both}")
    # the frame's sheet is about the frame alone: where its wizard differs from the
    # site's, it sets one of wizard.css's custom properties
    assert not frame, f"embed.css styles the wizard's markup: {frame}"


def test_the_wizard_stylesheet_styles_the_markup_and_knows_no_theme(wizard_classes):
    css = WIZARD_CSS.read_text(encoding="utf-8")
    named = _named(WIZARD_CSS, wizard_classes)
    for part in ("tebiki-option", "tebiki-panel", "tebiki-checklist", "tebiki-contact",
                 "tebiki-sources", "tebiki-print", "tebiki-visually-hidden"):
        assert part in named, f"wizard.css does not style .{part}"
    # theme-free: no selector names Material's classes or attributes; nothing to fetch
    themed = [s for s in selectors(css) if re.search(r"\.md-|\[dir|\[data-md", s)]
    assert not themed, themed
    assert "url(" not in css and "@import" not in css
    # the page script's stylesheet is the build's copy of this very file
    assert page_scripts()["wizard.css"].data == css.encode("utf-8")


def test_every_custom_property_a_host_sets_is_one_the_stylesheets_read():
    # a misspelt setting would be ignored without a word, and the wizard would look
    # like the site's in the frame (or the other way round)
    read = set()
    for sheet in (WIZARD_CSS, *HOST_SHEETS.values()):
        read |= set(re.findall(r"var\((--tebiki-[a-z-]+)", sheet.read_text(encoding="utf-8")))
    for name, sheet in HOST_SHEETS.items():
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        set_here = set(re.findall(r"(--tebiki-[a-z-]+)\s*:", css))
        assert set_here <= read, f"{name} sets what nothing reads: {sorted(set_here - read)}"
    assert "--tebiki-summary-size" in read  # the reader above finds them


# --- the built site: every page with the wizard's markup loads the one stylesheet ---------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sheets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.sheets.append(attrs["href"])


def _stylesheets(site: Path, page: Path) -> list[str]:
    """The stylesheets a page links, as paths from the site root, in order."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    folder = PurePosixPath(page.parent.relative_to(site).as_posix())
    out = []
    for href in parser.sheets:
        parts: list[str] = []
        for part in (folder / href).parts:
            if part == "..":
                parts.pop()
            elif part != ".":
                parts.append(part)
        out.append("/".join(parts))
    return out


def test_wizard_guide_and_embed_pages_load_the_same_wizard_stylesheet_last(site: Path):
    wanted = f"{layout.RUNTIME}/{page_scripts()['wizard.css'].name}"
    assert (site / wanted).read_bytes() == WIZARD_CSS.read_bytes()
    pages = {kind: sorted(site.glob(f"{prefix}{kind}/**/index.html"))
             for prefix in PREFIX.values() for kind in ("wizard", "embed", "guide")}
    for kind in ("wizard", "embed", "guide"):
        assert len(pages[kind]) >= 9, kind
    embed_css = f"{layout.RUNTIME}/{page_scripts()['embed.css'].name}"
    for kind, found in pages.items():
        for page in found:
            if page.parent.name == "embed":  # the page for web teams: a content page
                continue
            sheets = _stylesheets(site, page)
            where = page.relative_to(site)
            assert sheets[-1] == wanted, (where, sheets)  # after the host's: its rules win
            assert [s for s in sheets if "wizard-" in s] == [wanted], (where, sheets)
            if kind == "embed":
                assert sheets == [embed_css, wanted], (where, sheets)
            else:
                assert "assets/tebiki.css" in sheets, (where, sheets)


# --- in Chromium: the same rules reach the options on the site and in the frame ----------


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_an_option_looks_the_same_on_the_site_and_in_the_frame(browser, server, site_bundle,
                                                               lang):
    question = page_types(site_bundle)["question"]
    embedded = question.replace(layout.WIZARD + "/", layout.EMBED + "/", 1)
    look = """() => {
      const sheet = [...document.styleSheets].map(s => s.href).find(h => /wizard-/.test(h));
      const option = getComputedStyle(document.querySelector('.tebiki-option'));
      const hint = getComputedStyle(document.querySelector('.tebiki-option__hint'));
      const li = getComputedStyle(document.querySelector('.tebiki-options > li'));
      return {sheet: new URL(sheet).pathname,
              option: ['border-top', 'border-radius', 'background-color', 'color',
                       'font-weight', 'font-size', 'text-decoration-line', 'display']
                        .map(p => p + ': ' + option.getPropertyValue(p)),
              hint: [hint.color, hint.fontWeight, hint.display],
              li: [li.listStyleType, li.marginLeft, li.paddingLeft]};
    }"""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + PREFIX[lang] + question)
        on_site = page.evaluate(look)
        page.goto(server + PREFIX[lang] + embedded)
        in_frame = page.evaluate(look)
    finally:
        context.close()
    assert on_site["sheet"] == in_frame["sheet"] == (
        f"/{layout.RUNTIME}/{page_scripts()['wizard.css'].name}")
    assert on_site == in_frame
    # and it is wizard.css's look, not a browser's default
    assert "border-top: 2px solid rgb(29, 91, 121)" in on_site["option"]
    assert "text-decoration-line: none" in on_site["option"]
