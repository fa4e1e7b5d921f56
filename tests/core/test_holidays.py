"""Public holidays: the build ships their dates, the engine reads hours by them.

The general line (0120-95-0178) answers 9:30–20:00 on weekdays but 9:30–17:30 on
weekends and public holidays. Without the calendar, 18:30 on a holiday Monday
read as "open until 20:00".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tebiki.core import engine
from tebiki.core.render import render_state
from tebiki.load.content import load_content
from tebiki.load.public_holidays import calendar
from tebiki.site import config as site_config

from ..conftest import LANGUAGES, ROOT

COUNTER = {"which-pin": "resident-register", "who-goes": "holder"}  # pin-reset: counter-reset


def general_line(bundle, now: str) -> dict:
    result = engine.next_step(bundle.trees["pin-reset"], COUNTER, now)
    assert result["id"] == "counter-reset"
    return next(c for c in result["contacts"] if c["id"] == "mynumber-general")


def test_the_build_ships_four_years_of_japans_holidays(bundle):
    shipped = bundle.trees["pin-reset"]["holidays"]
    # the session builds on 2026-12-01: the year before it and the two after
    assert (shipped["first"], shipped["last"]) == ("2025-01-01", "2028-12-31")
    assert {"2026-11-23", "2027-01-11"} <= set(shipped["dates"])
    assert "2026-09-22" in shipped["dates"]  # 国民の休日, between two holidays
    assert {"2026-05-06", "2027-03-22"} <= set(shipped["dates"])  # 振替休日
    assert "2026-11-24" not in shipped["dates"] and "2026-12-29" not in shipped["dates"]


def test_a_tree_whose_hours_never_name_holidays_carries_no_calendar(bundle):
    # living-abroad shows only the 24-hour line from abroad
    assert "holidays" not in bundle.trees["living-abroad"]


@pytest.mark.parametrize(("now", "opens"), [
    ("2026-11-23T18:30", "2026-11-24T09:30"),  # 勤労感謝の日 (a Monday)
    ("2027-01-11T19:00", "2027-01-12T09:30"),  # 成人の日 (a Monday)
    ("2027-03-22T18:00", "2027-03-23T09:30"),  # 振替休日 for 春分の日 on a Sunday
    ("2026-09-22T18:00", "2026-09-23T09:30"),  # 国民の休日 (a Tuesday)
])
def test_on_a_public_holiday_the_general_line_keeps_holiday_hours(bundle, now, opens):
    assert general_line(bundle, now)["status"] == {
        "open_now": False, "always": False, "closes_at": None, "opens_at": opens}


def test_on_the_day_after_the_weekday_hours_are_back(bundle):
    status = general_line(bundle, "2026-11-24T18:30")["status"]
    assert status["open_now"] and status["closes_at"] == "20:00"


def test_a_holiday_morning_opens_at_half_past_nine_and_closes_at_half_past_five(bundle):
    assert general_line(bundle, "2026-11-23T08:00")["status"]["opens_at"] == "2026-11-23T09:30"
    assert general_line(bundle, "2026-11-23T12:00")["status"]["closes_at"] == "17:30"


def test_outside_the_shipped_years_the_hours_show_without_a_status(bundle):
    line = general_line(bundle, "2029-11-22T18:30")
    assert "status" not in line
    assert line["hours"]  # the hours are still there to read
    # lines whose hours do not depend on holidays keep their note
    result = engine.next_step(bundle.trees["pin-reset"], COUNTER, "2029-11-22T18:30")
    own = [p for c in result["contacts"] for p in c["phones"] if p.get("hours")]
    assert own and all("status" in p for p in own)


def test_the_next_opening_is_not_looked_for_past_the_last_shipped_day(bundle):
    # closed 12-29 to 01-03, and 2029 is not shipped: closed now, no guess when
    assert general_line(bundle, "2028-12-30T10:00")["status"] == {
        "open_now": False, "always": False, "closes_at": None, "opens_at": None}


JP = calendar("JP", date(2026, 12, 1))
OFFICE = [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "08:30", "close": "17:15"}]


def test_a_schedule_closed_on_holidays_opens_on_the_next_working_day():
    # Monday 2026-11-23 is a holiday, so the office opens on Tuesday
    status = engine.hours_status(OFFICE, ["holidays"], engine._moment("2026-11-23T10:00"), JP)
    assert status["open_now"] is False and status["opens_at"] == "2026-11-24T08:30"
    # Golden Week 2026: 5-3 (Sun) … 5-6 (Wed, 振替休日): next opening Thursday
    status = engine.hours_status(OFFICE, ["holidays"], engine._moment("2026-05-02T10:00"), JP)
    assert status["opens_at"] == "2026-05-07T08:30"


def test_a_schedule_that_never_names_holidays_ignores_them():
    status = engine.hours_status(OFFICE, [], engine._moment("2026-11-23T10:00"), JP)
    assert status["open_now"] is True  # as written: nothing said about holidays
    assert engine.hours_status(OFFICE, [], engine._moment("2026-11-23T10:00"), None)["open_now"]


def test_a_schedule_that_names_holidays_needs_the_calendar():
    assert engine.hours_status(OFFICE, ["holidays"], engine._moment("2026-11-24T10:00"),
                               None) is None


def test_round_the_clock_on_holidays_too_is_always_open():
    hours = [{"days": [*engine.WEEKDAYS, "holidays"], "open": "00:00", "close": "24:00"}]
    status = engine.hours_status(hours, [], engine._moment("2026-11-23T03:00"), JP)
    assert status["open_now"] and status["always"]


@pytest.mark.parametrize(("lang", "hours", "note"), [
    ("ja", "土日・祝日 9:30〜17:30", "今は受付時間外です。次は明日の9:30からです。"),
    ("en", "Weekends and public holidays 9:30–17:30", "Closed now. Opens tomorrow at 9:30."),
])
def test_the_page_shows_holiday_hours_and_a_closed_note(bundle, lang, hours, note):
    result = engine.next_step(bundle.trees["pin-reset"], COUNTER, "2026-11-23T18:30")
    html = render_state(result, bundle.labels, lang, root="../../../", now="2026-11-23T18:30")
    general = contact_block(html, "tel:0120950178")
    assert hours in general
    assert note in general


def contact_block(html: str, href: str) -> str:
    """The contact on a page that has a link to `href`."""
    blocks = [b.split("</div>")[0] for b in html.split('<div class="tebiki-contact">')[1:]]
    found = [b for b in blocks if f'href="{href}"' in b]
    assert len(found) == 1, (href, len(found))
    return found[0]


def test_outside_the_shipped_years_the_page_has_hours_and_no_note_for_that_line(bundle):
    now = "2029-11-22T18:30"
    result = engine.next_step(bundle.trees["pin-reset"], COUNTER, now)
    html = render_state(result, bundle.labels, "ja", root="../../../", now=now)
    general = contact_block(html, "tel:0120950178")
    assert "平日 9:30〜20:00" in general
    # only its numbers with hours of their own (every day, holidays or not: the call
    # centre and the FAX) have a note
    assert general.count('class="tebiki-status ') == 2
    assert general.index("tebiki-status") < general.index('<p class="tebiki-hours"')


# --- the format ------------------------------------------------------------------------


def _contacts_with(mini_copy: Path, hours: str) -> None:
    path = mini_copy / "records" / "extra-contacts.yaml"
    path.write_text(f"""contacts:
  office:
    name: {{ja: 事務所, en: Office}}
    phones:
      - number: "03-1234-5678"
        label: {{ja: 代表, en: Main}}
{hours}
    reviewed: 2026-11-30
    sources: [{_a_source(mini_copy)}]
""", encoding="utf-8")


def _a_source(mini_copy: Path) -> str:
    import yaml

    for path in sorted((mini_copy / "records").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data and data.get("sources"):
            return next(iter(data["sources"]))
    raise AssertionError("the fixture has no source")


def test_holidays_are_a_day_and_a_closed_date_in_the_format(mini_copy):
    _contacts_with(mini_copy, """    hours:
      - {days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:00"}
      - {days: [holidays], open: "10:00", close: "12:00"}
    closed_dates: [holidays, {from: "12-29", to: "01-03"}]""")
    content = load_content(mini_copy, languages=LANGUAGES, holidays="JP")
    assert not content.errors, [p.format() for p in content.errors]
    office = content.records.records["contacts"]["office"]
    assert office["hours"][1]["days"] == ["holidays"]
    assert office["closed_dates"][0] == "holidays"


def test_a_misspelt_holiday_is_an_error_with_the_line(mini_copy):
    _contacts_with(mini_copy, """    hours:
      - {days: [sat, sun, holiday], open: "09:00", close: "17:00"}""")
    errors = [p.format() for p in load_content(mini_copy, languages=LANGUAGES,
                                               holidays="JP").errors]
    assert any("extra-contacts.yaml:8:" in e and "unknown day 'holiday'" in e
               and "holidays (public holidays)" in e for e in errors), errors


def test_hours_naming_holidays_on_a_site_without_a_country_are_a_warning(mini_copy):
    _contacts_with(mini_copy, """    hours:
      - {days: [sat, sun, holidays], open: "09:00", close: "17:00"}""")
    content = load_content(mini_copy, languages=LANGUAGES)
    assert not content.errors
    warnings = [p.format() for p in content.problems if "public holidays" in p.message]
    assert len(warnings) == 1 and "extra-contacts.yaml:2: warning:" in warnings[0]
    assert "holidays: JP" in warnings[0]


def test_the_site_names_a_country_the_holidays_package_knows(tmp_path):
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      holidays: JP\n" in text
    (tmp_path / "mkdocs.yml").write_text(
        text.replace("      holidays: JP\n", "      holidays: Japan\n"), encoding="utf-8")
    (tmp_path / "content").mkdir()
    with pytest.raises(site_config.ConfigError, match="'Japan' is not a country"):
        site_config.load(tmp_path / "mkdocs.yml")
    assert site_config.load(ROOT / "mkdocs.yml").holidays == "JP"
