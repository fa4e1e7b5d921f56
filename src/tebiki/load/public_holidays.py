"""Public holidays as data: the dates of a few years, for the engine to read.

Whether a line is open on a public holiday needs the country's calendar:
national holidays, and in Japan the substitute holidays (振替休日) and the
citizens' holidays (国民の休日) that follow from them. The engine runs in the
browser on the standard library only, so it cannot compute these; the build
does, with the `holidays` package, and ships the dates of the build year,
the year before and the two after in every compiled tree whose hours name
holidays. Outside those years the engine shows the hours without an open-now
note rather than guess (a site left unbuilt for two years stops claiming).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

YEARS_BEFORE = 1  # a reader whose clock is a little behind the build
YEARS_AFTER = 2  # how long a built site may stand without a rebuild and still know


def build_day() -> date:
    """The day a build is made on: from $SOURCE_DATE_EPOCH when it is set (so two
    builds of one commit ship the same years), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return date.today()


def country_problem(country: str) -> str | None:
    """What is wrong with a site's `holidays:` country code, if anything."""
    import holidays

    if country in holidays.list_supported_countries():
        return None
    return (f"holidays: {country!r} is not a country the holidays package knows: give an "
            "ISO 3166 country code, like JP")


def calendar(country: str, day: date) -> dict:
    """The public holidays of `country` in the years around `day`, as the compiled
    trees carry them: {"country", "first", "last", "dates"} (ISO dates, sorted;
    "first" and "last" bound the days the list speaks for)."""
    import holidays

    first, last = day.year - YEARS_BEFORE, day.year + YEARS_AFTER
    found = holidays.country_holidays(country, years=range(first, last + 1))
    return {"country": country, "first": f"{first:04d}-01-01", "last": f"{last:04d}-12-31",
            "dates": sorted(d.isoformat() for d in found)}
