"""A reader's answers stay in the tab: the address of a wizard state is the answers.

On a host that asks browsers to revalidate everything (`Cache-Control:
no-cache`), the server would see any request the page makes per step, with the
state's address as its Referer. Once the engine runs, a step asks the server
for nothing, and no request of a wizard page names the page it came from.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ..conftest import poll_until

pytestmark = pytest.mark.browser


class _NoCache(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def no_cache_server(site: Path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(_NoCache, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("start", ["wizard/pin-reset/", "en/embed/lost-card/"])
def test_steps_request_nothing_and_no_request_names_the_state(browser, no_cache_server, start):
    context = browser.new_context()
    page = context.new_page()
    requests: list = []
    page.on("request", lambda r: requests.append((r.url, r.headers.get("referer") or "")))
    try:
        page.goto(no_cache_server + start, wait_until="load")
        poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
        page.wait_for_timeout(300)  # the ready state's quiet redraw
        before = len(requests)
        for _ in range(3):
            node = page.evaluate("document.getElementById('tebiki-wizard').dataset.node")
            page.click(".tebiki-option >> nth=0")
            poll_until(page, "(node) => document.getElementById('tebiki-wizard')"
                             ".dataset.node !== node", node)
            page.wait_for_timeout(200)
        assert "/" in page.evaluate("location.pathname")[len(start):]  # the URL moved on
        assert requests[before:] == [], requests[before:]
    finally:
        context.close()
    named = [(url, ref) for url, ref in requests if "/wizard/" in ref or "/embed/" in ref]
    assert named == [], named
