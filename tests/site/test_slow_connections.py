"""Nothing for readers who cannot afford it; for the rest, the engine after the page.

With Save-Data on, or on a connection Chromium rates 2G or 3G, a wizard page
fetches no runtime at all: it stays the static page, whose links work. On a
good connection the engine starts only once the page has loaded and the
browser is idle.
"""

from __future__ import annotations

import re

import pytest

from ..conftest import poll_until

pytestmark = pytest.mark.browser

# What a wizard page may fetch from the runtime folder without the engine: the page
# script, the names it shares with the markup and the wizard's stylesheet. Anything
# else there (the worker, the manifest, the interpreter, the engine, the trees) is
# the runtime.
PAGE_SCRIPTS = re.compile(
    r"/_tebiki/(?:wizard-[0-9a-f]+\.(?:js|css)|contract-[0-9a-f]+\.mjs)$")


def _open(browser, server: str, path: str, setup) -> tuple[list, object]:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    setup(cdp)
    requests: list = []
    context.on("request", lambda r: requests.append(r.url))
    page.goto(server + path, wait_until="load")
    return requests, (context, page)


def _save_data(cdp) -> None:
    cdp.send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
    cdp.send("Network.enable")
    cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Save-Data": "on"}})


def _slow(kind: str):
    # (latency ms, download kbit/s): what Chromium rates as a 2G and a 3G connection
    latency, kbps = {"2g": (1500, 250), "3g": (400, 700)}[kind]

    def setup(cdp) -> None:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": latency, "downloadThroughput": kbps * 1024 / 8,
            "uploadThroughput": kbps * 1024 / 8,
            "connectionType": "cellular3g" if kind == "3g" else "cellular2g"})
    return setup


@pytest.mark.parametrize("kind", ["save-data", "2g", "3g"])
def test_no_runtime_is_fetched_and_the_page_stays_static(browser, hosted, kind):
    setup = _save_data if kind == "save-data" else _slow(kind)
    requests, (context, page) = _open(browser, hosted, "wizard/pin-reset/", setup)
    try:
        poll_until(page, "document.documentElement.dataset.tebiki === 'static'")
        if kind == "save-data":
            assert page.evaluate("navigator.connection.saveData") is True
        else:
            assert page.evaluate("navigator.connection.effectiveType").endswith(kind)
        page.wait_for_timeout(1500)  # time enough for an engine that would start
        fetched = [u for u in requests if "/_tebiki/" in u and not PAGE_SCRIPTS.search(u)]
        assert fetched == [], fetched
        if kind != "save-data":
            return  # (following a link on an emulated 2G line takes many seconds)
        # the static page still works: an answer is a link to the next state
        first = page.evaluate("document.querySelector('.tebiki-option').href")
        page.click(".tebiki-option >> nth=0")
        page.wait_for_load_state("load")
        assert page.url == first and page.locator("#tebiki-heading").count() == 1
    finally:
        context.close()


def test_elsewhere_the_engine_starts_after_the_page_has_loaded(browser, hosted):
    _requests, (context, page) = _open(browser, hosted, "wizard/pin-reset/",
                                       lambda cdp: None)
    try:
        poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
        timing = page.evaluate(r"""() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const worker = performance.getEntriesByType('resource')
                .find((e) => /\/worker-[0-9a-f]+\.mjs$/.test(e.name));
            return {load: nav.loadEventEnd, worker: worker ? worker.startTime : null};
        }""")
        assert timing["worker"] is not None and timing["worker"] >= timing["load"], timing
    finally:
        context.close()
