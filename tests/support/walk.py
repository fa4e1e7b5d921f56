"""Walking a built site's wizard in Chromium as a visitor does, on either runtime, and
checking each state the engine drew in the page against the static page at its URL."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from ..conftest import poll_until

# The region the worker drew and the region of the static page at the same URL
# (fetched and parsed), each without what only a clock gives or takes away (the
# open-now notes; the "from <date>" tags a static page shows on dated items, which
# a clock replaces by showing only the items in force that day) and with every link
# resolved against the page's URL (the page script makes links absolute, the
# static page may keep them relative).
_SAME_AS_STATIC = """async () => {
  const tidy = (region) => {
    region.querySelectorAll('.tebiki-status, .tebiki-tag:not(.tebiki-tag--when)')
      .forEach((s) => {
        const before = s.previousSibling;  // the space that joins a tag to its item
        if (s.matches('.tebiki-tag') && before && before.nodeType === Node.TEXT_NODE) {
          before.textContent = before.textContent.replace(/ $/, '');
        }
        s.remove();
      });
    region.querySelectorAll('[href]').forEach(
      (a) => a.setAttribute('href', new URL(a.getAttribute('href'), location.href).href));
    return region.outerHTML;
  };
  const text = await (await fetch(location.href)).text();
  const doc = new DOMParser().parseFromString(text, 'text/html');
  return [tidy(document.getElementById('tebiki-wizard').cloneNode(true)),
          tidy(doc.getElementById('tebiki-wizard'))];
}"""


def _difference(url: str, live: str, static: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(live, static, strict=False)) if a != b),
              min(len(live), len(static)))
    return (f"{url}: the state the engine drew differs from the static page at character "
            f"{at}:\n  engine: ...{live[max(0, at - 200):at + 200]}\n"
            f"  static: ...{static[max(0, at - 50):at + 700]}")


def _dates(node: object, key: str) -> list[str]:
    if isinstance(node, dict):
        found = [node[key]] if isinstance(node.get(key), str) else []
        return found + [d for v in node.values() for d in _dates(v, key)]
    if isinstance(node, list):
        return [d for v in node for d in _dates(v, key)]
    return []


def moment_all_in_force(trees: dict) -> datetime:
    """Noon in Japan on a day when every dated item of these trees is in force, so
    that the visitor's clock hides none of them (and the walk compares like with
    like); the day after the latest start."""
    starts = _dates(trees, "valid_from")
    ends = _dates(trees, "valid_until")
    day = max((date.fromisoformat(d) for d in starts), default=date(2026, 12, 1))
    day += timedelta(days=1)
    assert all(day <= date.fromisoformat(d) for d in ends), \
        "no day on which every dated item is in force: the walk needs another way"
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone(timedelta(hours=9)))


def start_enhanced(page, url: str, moment: datetime | None = None) -> None:
    """Open a wizard page (the visitor's clock fixed at `moment`, if given) and wait
    until the engine has taken it over."""
    if moment is not None:
        page.clock.set_fixed_time(moment)
    page.goto(url)
    poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
    page.evaluate("window.__sameDocument = true")


def walk_and_compare(page, start_path: str, options: list[str]) -> int:
    """From the tree's first question (the page at `start_path`, enhanced), click the
    options in turn; after each, the URL is the state's permalink, the page was not
    reloaded, focus is on the new heading, and the region equals the static page's.
    Back to the first question by its Start again link at the end. Returns the states
    checked."""
    for n, option in enumerate(options, 1):
        page.click(f'#tebiki-wizard a[data-option="{option}"]')
        tail = start_path + "".join(o + "/" for o in options[:n])
        page.wait_for_url(re.compile(re.escape(tail) + "$"))
        poll_until(page, "(n) => Object.keys(JSON.parse(document.getElementById("
                   "'tebiki-wizard').dataset.answers)).length === n", arg=n)
        poll_until(page, "document.activeElement.id === 'tebiki-heading'")
        live, static = page.evaluate(_SAME_AS_STATIC)
        assert live == static, _difference(tail, live, static)
    assert page.get_attribute("#tebiki-wizard", "data-state") == "outcome"
    assert page.evaluate("window.__sameDocument === true"), "a click reloaded the page"
    page.click("#tebiki-wizard .tebiki-restart a")
    page.wait_for_url(re.compile(re.escape(start_path) + "$"))
    poll_until(page, "document.getElementById('tebiki-wizard').dataset.answers === '{}'")
    return len(options)
