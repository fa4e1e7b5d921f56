"""Each tree's whole flow as a picture on the built site, and the guide's name in the menu.

Every guide page shows its tree's flow as an SVG drawn at build time (an <img>:
no script, nothing inline the policy refuses), a file of its own at
<lang>/guide/<tree>/flow.svg, with the flow in words below as its text
alternative and a link to a page showing the picture full size,
<lang>/guide/<tree>/flow/. A phone shrinks a bare SVG to its screen (its text
about 4 px high), so that page has the phone's width and lets the picture
scroll sideways at its own size. The largest tree (by wizard states) is the
test of readability: every question and outcome is in its picture, and on a
phone no text of it is under 12 px while the page itself fits the screen.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tebiki.core import layout
from tebiki.core.render import plain
from tebiki.render import graph

from ..conftest import LANGS

PREFIX = {"ja": "", "en": "en/"}
SVG = "{http://www.w3.org/2000/svg}"
SMALLEST_PX = 12  # CSS px on screen: the smallest text a reader gets on a phone
# a phone as Playwright emulates one: its own viewport rules (a page without a viewport
# tag is laid out 980 px wide and shrunk), touch, a high-density screen
PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
# Every text of the picture: its size on screen in CSS px, by its font size and by its
# box, both scaled as the page is drawn and as the phone zooms it (1 when it does not)
TEXTS = """() => [...document.querySelectorAll('svg text')].map((t) => {
    const zoom = window.visualViewport.scale;
    return {text: t.textContent,
            px: parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a * zoom,
            box: t.getBoundingClientRect().height * zoom};
})"""
CSP_REFUSED = re.compile(r"Content Security Policy|Refused to", re.I)


def largest(bundle) -> str:
    return max(bundle.trees, key=lambda t: len(layout.states(bundle.trees[t])))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_picture_served_is_shapes_and_text_only(site, site_bundle):
    """The texts come from YAML: the files the site serves hold no script, no link, no
    style and no reference to anything outside them."""
    pictures = sorted(site.rglob(layout.FLOW))
    assert len(pictures) == len(site_bundle.trees) * len(LANGS)
    for path in pictures:
        text = path.read_text(encoding="utf-8")
        root = ET.fromstring(text)
        tags = {element.tag.replace(SVG, "") for element in root.iter()}
        assert tags <= set(graph.ALLOWED), (path, tags - set(graph.ALLOWED))
        for element in root.iter():
            for name, value in element.attrib.items():
                assert "href" not in name and not name.startswith("on") and name != "style", \
                    (path, name)
                assert "url(" not in value and "://" not in value, (path, name, value)
        assert "<!DOCTYPE" not in text and "<!ENTITY" not in text


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_each_guide_shows_its_picture_with_the_words_as_its_alternative(
        browser, server, site_bundle, lang):
    words = site_bundle.labels
    page = browser.new_page()
    refused: list = []
    page.on("console", lambda m: refused.append(m.text) if CSP_REFUSED.search(m.text) else None)
    try:
        for tree_id, tree in site_bundle.trees.items():
            page.goto(f"{server}{PREFIX[lang]}guide/{tree_id}/", wait_until="load")
            figure = page.locator(f"figure#{tree_id}-flow")
            figure.scroll_into_view_if_needed()
            found = figure.evaluate("""(f) => {
                const img = f.querySelector('img');
                return {src: img.src, alt: img.alt, loaded: img.complete && img.naturalWidth,
                        shown: img.getBoundingClientRect().width,
                        words: f.querySelector('figcaption a[href^="#"]').getAttribute('href'),
                        open: f.querySelector('a.tebiki-flow__open').href};
            }""")
            assert found["src"] == f"{server}{PREFIX[lang]}guide/{tree_id}/flow.svg", found
            assert found["loaded"] and found["shown"] > 200, (tree_id, found)
            assert found["open"] == f"{server}{PREFIX[lang]}{layout.flow_page_path(tree_id)}"
            # the alternative: the alt says where the flow is in words, the caption links there
            assert plain(tree["title"][lang]) in found["alt"]
            assert words["guide-questions"][lang] in found["alt"]
            assert found["words"] == f"#{tree_id}-questions"
            assert page.locator(f"h2#{tree_id}-questions").count() == 1
    finally:
        page.close()
    assert refused == [], refused


def test_every_guide_has_its_picture_page_for_phones_and_outside_the_search(site,
                                                                          site_bundle):
    """The page the guide links to, in every language: the phone's width, the picture in
    it (no id of the page's own clashes with it), and no search entry (the guide has the
    same flow in words, and is found instead)."""
    for lang in LANGS:
        for tree_id in site_bundle.trees:
            path = site / PREFIX[lang] / layout.flow_page_path(tree_id) / "index.html"
            text = path.read_text(encoding="utf-8")
            assert re.search(r'<meta name="viewport" content="width=device-width,\s*'
                             r'initial-scale=1">', text), path
            assert 'http-equiv="Content-Security-Policy"' in text, path
            assert "data-pagefind-body" not in text, path
            picture = re.search(r'<div class="tebiki-flow-page__picture"[^>]*>(<svg.*?</svg>)',
                                text, re.S)
            assert picture, path
            assert ' id="' not in picture.group(1), path


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_the_largest_tree_opened_full_size_on_a_phone_reads_without_zooming(
        browser, server, site_bundle, lang):
    tree_id = largest(site_bundle)
    tree = site_bundle.trees[tree_id]
    guide_url = f"{server}{PREFIX[lang]}guide/{tree_id}/"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    refused: list = []
    page.on("console", lambda m: refused.append(m.text) if CSP_REFUSED.search(m.text) else None)
    try:
        # the bare picture, as the guide linked it before: the phone shrinks it
        page.goto(f"{server}{PREFIX[lang]}{layout.flow_path(tree_id)}", wait_until="load")
        bare = min(t["px"] for t in page.evaluate(TEXTS))
        # the guide's link, tapped, opens the picture's page
        page.goto(guide_url, wait_until="load")
        page.locator(f"figure#{tree_id}-flow a.tebiki-flow__open").tap()
        page.wait_for_url(f"{server}{PREFIX[lang]}{layout.flow_page_path(tree_id)}")
        page.wait_for_load_state("load")
        texts = page.evaluate(TEXTS)
        fit = page.evaluate("""() => {
            const box = document.querySelector('.tebiki-flow-page__picture');
            const root = document.documentElement;
            const before = {page: root.scrollWidth, box: box.scrollWidth, shown: box.clientWidth,
                            right: box.getBoundingClientRect().right};
            box.scrollLeft = box.scrollWidth;  // the reader swipes the picture sideways
            return {...before, screen: window.innerWidth, zoom: window.visualViewport.scale,
                    scrolled: box.scrollLeft, pageAfter: root.scrollWidth,
                    pageLeft: window.scrollX};
        }""")
        heading = page.locator("h1").inner_text().strip()
        back = page.locator(".tebiki-flow-page__back a").evaluate("(a) => a.href")
        words = page.locator(".tebiki-flow-page__words a").evaluate("(a) => a.href")
        page.locator(".tebiki-flow-page__words a").tap()
        page.wait_for_url(f"{guide_url}#{tree_id}-questions")
        assert page.locator(f"h2#{tree_id}-questions").is_visible()
    finally:
        context.close()
    assert bare < SMALLEST_PX, f"a phone no longer shrinks a bare SVG ({bare:.1f} px)"
    smallest = min(texts, key=lambda t: t["px"])
    assert smallest["px"] >= SMALLEST_PX and smallest["box"] >= SMALLEST_PX, smallest
    assert min(t["box"] for t in texts) >= SMALLEST_PX
    # the page fits the phone; only the picture's box scrolls sideways
    assert fit["zoom"] == 1 and fit["screen"] == 375, fit
    assert fit["page"] <= fit["screen"] and fit["right"] <= fit["screen"], fit
    assert fit["box"] > fit["shown"] and fit["scrolled"] > 0, fit
    assert fit["pageAfter"] <= fit["screen"] and fit["pageLeft"] == 0, fit
    assert heading == plain(tree["title"][lang])
    assert back == guide_url and words == f"{guide_url}#{tree_id}-questions"
    shown = squeeze("".join(t["text"] for t in texts))
    for question in tree["questions"].values():
        assert squeeze(plain(question["text"][lang])) in shown, question["text"][lang]
    for outcome in tree["outcomes"].values():
        assert squeeze(plain(outcome["title"][lang])) in shown, outcome["title"][lang]
    assert refused == [], refused


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_a_guide_in_the_menu_reads_apart_from_its_wizard_button(browser, server, site_bundle,
                                                                lang):
    """The home page's button for a tree starts its wizard and says so; the menu's entry
    for the same tree opens its whole guide and says that."""
    labels = site_bundle.labels
    full_guide = labels["guide-nav-title"][lang].replace("{title}", "")
    page = browser.new_page()
    try:
        page.goto(f"{server}{PREFIX[lang]}", wait_until="load")
        buttons = page.evaluate("""() => Object.fromEntries(
            [...document.querySelectorAll('a.tebiki-start-link')].map(
                (a) => [a.getAttribute('href'), a.innerText.replace(/\\s+/g, ' ').trim()]))""")
        assert len(buttons) == len(site_bundle.trees)
        for tree_id, tree in site_bundle.trees.items():
            title = plain(tree["title"][lang])
            button = buttons[f"wizard/{tree_id}/"]
            assert title in button and labels["start-wizard"][lang] in button, button
            page.goto(f"{server}{PREFIX[lang]}guide/{tree_id}/", wait_until="load")
            menu = page.locator('.md-sidebar--primary a.md-nav__link[href="./"], '
                                '.md-sidebar--primary a.md-nav__link[href="."]')
            if menu.count() == 0:  # the current page may be a label, not a link
                menu = page.locator(".md-sidebar--primary .md-nav__link--active")
            entry = re.sub(r"\s+", " ", menu.first.inner_text()).strip()
            assert entry != button and title in entry and full_guide in entry, (entry, button)
            assert full_guide not in button
            # the page itself keeps the tree's title as its heading
            assert page.locator("h1").first.inner_text().strip() == title
    finally:
        page.close()
