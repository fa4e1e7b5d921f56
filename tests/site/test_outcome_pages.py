"""Outcome pages as residents met them, in Chromium on the session's built site: public
holidays in the open-now notes, paper without live notes, one number once, tap-to-call
numbers on every page, and no stray date tag without JavaScript."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tebiki.core import engine

from ..conftest import poll_until
from ..support.pyodide import SiteServer, needs_chromium, needs_node

pytestmark = [needs_node, needs_chromium, pytest.mark.browser]

JST = timezone(timedelta(hours=9))
# pin-reset: the resident-register PIN, reset by the cardholder at the counter. Its
# contacts: the general line (weekdays 9:30–20:00, weekends and holidays 9:30–17:30)
# and the foreign-language line.
COUNTER = "wizard/pin-reset/resident-register/holder/"
GENERAL = '.tebiki-contact:has(a[href="tel:0120950178"])'
LIVE = re.compile("今は受付中|今は受付時間外|Open now|Closed now")  # the status labels


@pytest.fixture(scope="module")
def served(site):
    with SiteServer(site) as server:
        yield server


def enhanced_at(browser, url: str, moment: datetime):
    """A page (and its context) on `url`, the engine ready and its notes drawn at `moment`."""
    context = browser.new_context()
    page = context.new_page()
    page.clock.set_fixed_time(moment)
    page.goto(url)
    poll_until(page, "document.documentElement.dataset.tebiki === 'ready'", timeout_s=60)
    poll_until(page, "document.querySelector('.tebiki-status') !== null", timeout_s=60)
    return context, page


def printed_text(page) -> str:
    """The page printed to PDF by Chromium, read back as text."""
    from pypdf import PdfReader

    pdf = page.pdf(format="A4", print_background=True)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", text)  # 口, not the Kangxi radical ⼝ it copies as


# --- 1. public holidays --------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "moment", "note"), [
    ("", datetime(2026, 11, 23, 18, 30, tzinfo=JST),
     "今は受付時間外です。次は明日の9:30からです。"),
    ("en/", datetime(2027, 1, 11, 19, 0, tzinfo=JST), "Closed now. Opens tomorrow at 9:30."),
])
def test_on_a_public_holiday_the_general_line_shows_closed(served, browser, prefix, moment,
                                                          note):
    context, page = enhanced_at(browser, served.url(f"/{prefix}{COUNTER}"), moment)
    try:
        general = page.locator(GENERAL)
        assert general.locator(":scope > .tebiki-status").inner_text().strip() == note
        assert re.search("土日・祝日 9:30〜17:30|Weekends and public holidays 9:30–17:30",
                         general.inner_text())
        # U9: the hours are Japan time, said once for the block, not on every line
        zone = general.locator(".tebiki-timezone")
        assert zone.count() == 1
        assert re.search("日本時間|Japan time", zone.inner_text())
    finally:
        context.close()


def test_in_a_year_the_build_did_not_ship_the_line_shows_hours_only(served, browser):
    moment = datetime(2029, 11, 22, 18, 30, tzinfo=JST)
    context, page = enhanced_at(browser, served.url(f"/{COUNTER}"), moment)
    try:
        general = page.locator(GENERAL)
        assert general.locator(":scope > .tebiki-status").count() == 0
        assert "平日 9:30〜20:00" in general.inner_text()
        # its call centre number and its FAX keep every-day hours: their notes stay
        assert general.locator(".tebiki-phones .tebiki-status").count() == 2
    finally:
        context.close()


# --- 5. paper shows hours, never a live note -----------------------------------------------


@pytest.mark.parametrize("path", [COUNTER, "en/" + COUNTER, "embed/pin-reset/resident-register/"
                                  "holder/", "wizard/lost-card/missing/own/lost-outside/normal/"])
def test_print_has_the_hours_and_no_live_note(served, browser, path):
    moment = datetime(2026, 11, 28, 2, 0, tzinfo=JST)  # a Saturday, 2 a.m.
    context, page = enhanced_at(browser, served.url(f"/{path}"), moment)
    try:
        screen = page.locator("#tebiki-wizard").inner_text()
        assert LIVE.search(screen)  # the screen has its notes
        paper = printed_text(page)
        assert re.search("受付時間|Hours", paper), paper[:500]
        assert re.search("24時間|24 hours|9:30", paper)
        assert not LIVE.search(paper), LIVE.search(paper)
    finally:
        context.close()


# --- 2. one number, one meaning ----------------------------------------------------------


def test_at_two_in_the_morning_each_number_is_shown_once(served, browser):
    moment = datetime(2026, 11, 28, 2, 0, tzinfo=JST)
    for tree_id, path in (("lost-card", "missing/own/lost-outside/normal/"),
                          ("pin-reset", "resident-register/holder/")):
        context, page = enhanced_at(browser, served.url(f"/en/wizard/{tree_id}/{path}"), moment)
        try:
            numbers = page.locator(".tebiki-phones .tebiki-phone__number").all_inner_texts()
            assert len(numbers) == len(set(numbers)), numbers
            first = page.locator(".tebiki-contact").first
            # on an English page the foreign-language line comes first
            assert "English" in first.inner_text()
        finally:
            context.close()
    # the lost card's suspension line: once, 24 hours, open
    context, page = enhanced_at(browser, served.url("/wizard/lost-card/missing/own/"
                                                    "lost-outside/normal/"), moment)
    try:
        line = page.locator('.tebiki-contact:has(a[href="tel:0120950178"])')
        assert line.count() == 1
        assert line.locator(":scope > .tebiki-status").inner_text().strip() == \
            "今は受付中です（24時間）"
    finally:
        context.close()


class _Numbers(HTMLParser):
    """Phone numbers in a page's text that are not inside a tel: link."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list = []
        self.skip: list = []
        self.bare: list = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # not code, and not a contact's hours: they name the numbers they are for, just
        # after their links; inside a skipped element, its own tag nests
        hours = "tebiki-hours" in (attrs.get("class") or "").split()
        if tag in ("script", "style", "template") or hours or \
                (self.skip and tag == self.skip[0]):
            self.skip.append(tag)
        if tag == "a":
            self.links.append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()
        if tag == "a" and self.links:
            self.links.pop()

    def handle_data(self, data):
        if self.skip:
            return
        for start, end in engine.phones_in_text(data):
            if not engine.written_as_fax(data, start) and \
                    not any(h.startswith("tel:") for h in self.links):
                self.bare.append(data[max(0, start - 20):end + 10].strip())


def test_every_phone_number_on_every_page_is_a_tel_link(site: Path):
    bare = {}
    for page in sorted(site.rglob("index.html")):
        parser = _Numbers()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.bare:
            bare[str(page.relative_to(site))] = parser.bare[:2]
    assert not bare, bare


@pytest.mark.parametrize("path", ["guide/lost-card/", "en/guide/lost-smartphone/",
                                  "wizard/lost-card/", "en/wizard/lost-smartphone/missing/"])
def test_numbers_on_question_and_guide_pages_call_in_chromium(served, browser, path):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served.url(f"/{path}"))
        # a contact's hours name the numbers they are for, just after their links
        # (taken out as text: with JavaScript off no style can be injected)
        text = page.locator("article").inner_text()
        for hours in page.locator("article .tebiki-hours").all_inner_texts():
            text = text.replace(hours, "", 1)
        written = {text[a:b] for a, b in engine.phones_in_text(text)
                   if not engine.written_as_fax(text, a)}
        linked = set(page.locator('article a[href^="tel:"]').all_inner_texts())
        assert written and written <= linked, written - linked
    finally:
        context.close()


# --- 6. no stray date tag without JavaScript -------------------------------------------------


@pytest.mark.parametrize(("path", "sentence"), [
    ("wizard/lost-card/missing/own/lost-outside/normal/", "特急発行"),
    ("en/wizard/lost-card/missing/own/lost-outside/normal/", "Express issue"),
    ("guide/lost-card/", "特急発行"),
    ("en/guide/damaged-card/", "express issue"),
])
def test_without_javascript_the_express_sentence_stands_alone(served, browser, path, sentence):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served.url(f"/{path}"))
        text = page.locator("article").inner_text()
        assert sentence in text
        assert "2024-12-02" not in text  # 「2024-12-02から」 / "From 2024-12-02"
    finally:
        context.close()
