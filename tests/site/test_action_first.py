"""An outcome opens with what to do now, and its plan prints on two A4 pages: in Chromium,
on the session's built site (issue 12, items 5 and 7; the residents' U1-U4).

Before: at 375 px the lost-card outcome's first tel: link was 3,849 px down an 8,838 px
page, and the store route's plan printed on 6 A4 pages (8 for a legal representative)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tebiki.core import engine

from .test_browser import PREFIX

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}  # the first screen of a small phone


def first_call(tree: dict, answers: list) -> str | None:
    """The number an outcome's first step asks the reader to call (None: not a call)."""
    steps = engine.next_step(tree, dict(answers)).get("steps") or []
    if not steps:
        return None
    text = steps[0]["text"]["ja"]
    for start, end in engine.phones_in_text(text):
        if not engine.written_as_fax(text, start):
            return text[start:end]
    return None


def call_first_states(bundle) -> list:
    """Every outcome state, of every tree, whose first step is a call: (tree, path, number)."""
    found = []
    for tid, tree in sorted(bundle.trees.items()):
        for path in engine.iter_paths(tree):
            number = first_call(tree, path["answers"]) if path["end"] == "outcome" else None
            if number:
                found.append((tid, "".join(o + "/" for _q, o in path["answers"]), number))
    return found


def test_the_content_has_outcomes_that_start_with_a_call(site_bundle):
    # the lost card and the lost smartphone: if none were found, the test below
    # would pass on nothing
    trees = {tid for tid, _path, _number in call_first_states(site_bundle)}
    assert {"lost-card", "lost-smartphone"} <= trees


@pytest.mark.parametrize("folder", ["wizard", "embed"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_call_first_outcome_has_its_number_to_tap_in_the_first_screen(
        browser, server, site_bundle, lang, folder):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    late = []
    try:
        for tid, path, number in call_first_states(site_bundle):
            page.goto(f"{server}{PREFIX[lang]}{folder}/{tid}/{path}")
            href = "tel:" + number.replace("-", "")
            link = page.locator(f'#tebiki-wizard a[href="{href}"]').first
            box = link.bounding_box()
            if box is None or box["y"] + box["height"] > PHONE["height"]:
                late.append((tid, path, number, box and round(box["y"])))
    finally:
        context.close()
    assert not late, f"the number to call first is below the first screen: {late}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_urgent_warning_comes_before_the_steps(browser, server, lang):
    # U3: the eligibility certificate (資格確認書) was step 7 of 8 on the lost-card outcome
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}{PREFIX[lang]}wizard/lost-card/missing/own/lost-outside/normal/")
        urgent = page.locator(".tebiki-warning--urgent")
        assert "資格確認書" in urgent.inner_text()
        steps = page.locator(".tebiki-steps")
        assert urgent.bounding_box()["y"] < steps.bounding_box()["y"]
        assert "資格確認書" not in steps.inner_text()
    finally:
        context.close()


def test_folds_are_closed_on_screen_and_open_on_paper_without_javascript(browser, server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}wizard/lost-card/missing/own/lost-outside/normal/")
        folds = page.locator("#tebiki-wizard details.tebiki-fold")
        assert folds.count() == 2  # what each document is; the sources
        assert page.locator("#tebiki-wizard details[open]").count() == 0
        licence = page.locator(".tebiki-docs__list").get_by_text("運転免許証").first
        assert not licence.is_visible()
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(
            format="A4"))).pages)
    finally:
        context.close()
    assert "運転免許証" in text  # a document's examples
    # a source's address (a line may break inside it)
    assert "www2.jpki.go.jp/procedure/lost.html" in text.replace("\n", "")


def test_the_page_script_opens_every_fold_for_printing_and_closes_it_after(browser, server):
    # for browsers whose print stylesheet cannot open a <details> (no ::details-content)
    page = browser.new_page()
    try:
        page.goto(f"{server}wizard/lost-card/missing/own/lost-outside/normal/")
        page.wait_for_function("document.documentElement.classList.contains('tebiki-js')")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator("#tebiki-wizard details:not([open])").count() == 0
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        assert page.locator("#tebiki-wizard details[open]").count() == 0
    finally:
        page.close()


# A typical plan of each route the residents tried: the store, the counter for a legal
# representative (parent and guardian), a lost card (normal and express issue).
TYPICAL = ["pin-reset/signature/forgot-or-wrong/holder/knows-other/has-nfc-phone/",
           "pin-reset/signature/forgot-or-wrong/parent/",
           "pin-reset/resident-register/guardian/",
           "lost-card/missing/own/lost-outside/normal/",
           "lost-card/missing/own/lost-outside/express/"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_typical_plan_prints_on_two_a4_pages(browser, server, lang):
    page = browser.new_page()
    long = []
    try:
        for state in TYPICAL:
            page.goto(f"{server}{PREFIX[lang]}wizard/{state}")
            reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
            # the plan starts on the first page (Chromium can leave it blank)
            assert len(reader.pages[0].extract_text().strip()) > 200, state
            if len(reader.pages) > 2:
                long.append((state, len(reader.pages)))
    finally:
        page.close()
    assert not long, f"plans longer than 2 A4 pages: {long}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_home_page_has_the_suspension_numbers_above_the_buttons(browser, server, lang):
    # U4: the emergency box was below nine buttons
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}{PREFIX[lang]}")
        line = page.locator(".tebiki-now-line")
        assert line.count() == 1
        for dial in ("tel:0120950178", "tel:0120017827"):
            assert line.locator(f'a[href="{dial}"]').count() == 1
        assert "FAX 0120-601-785" in line.inner_text()
        first_button = page.locator("a[href*='wizard/']").first
        assert line.bounding_box()["y"] < first_button.bounding_box()["y"]
    finally:
        context.close()
