"""Walking a built site's wizard in Chromium as a visitor does, on either runtime, and
checking each state the engine drew in the page against the static page at its URL."""

from __future__ import annotations

import re

from ..conftest import poll_until

# The region the worker drew and the region of the static page at the same URL
# (fetched and parsed), each without the open-now notes only a clock can give and
# with every link resolved against the page's URL (the page script makes links
# absolute, the static page may keep them relative).
_SAME_AS_STATIC = """async () => {
  const tidy = (region) => {
    region.querySelectorAll('.tebiki-status').forEach((s) => s.remove());
    region.querySelectorAll('[href]').forEach(
      (a) => a.setAttribute('href', new URL(a.getAttribute('href'), location.href).href));
    return region.outerHTML;
  };
  const text = await (await fetch(location.href)).text();
  const doc = new DOMParser().parseFromString(text, 'text/html');
  return [tidy(document.getElementById('tebiki-wizard').cloneNode(true)),
          tidy(doc.getElementById('tebiki-wizard'))];
}"""


def start_enhanced(page, url: str) -> None:
    """Open a wizard page and wait until the engine has taken it over."""
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
        assert live == static, f"{tail}: the engine's state differs from the static page"
    assert page.get_attribute("#tebiki-wizard", "data-state") == "outcome"
    assert page.evaluate("window.__sameDocument === true"), "a click reloaded the page"
    page.click("#tebiki-wizard .tebiki-restart a")
    page.wait_for_url(re.compile(re.escape(start_path) + "$"))
    poll_until(page, "document.getElementById('tebiki-wizard').dataset.answers === '{}'")
    return len(options)
