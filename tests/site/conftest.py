"""The built site, once per test session, and a local server for it."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tebiki.load.content import Bundle

from ..conftest import CONTENT, LANGS, ROOT, build

__all__ = ["CONTENT", "LANGS", "ROOT", "build"]


@pytest.fixture(scope="session")
def site_bundle(bundle) -> Bundle:
    return bundle


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def server(site: Path):
    """The built site on http://127.0.0.1:<free port>/."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()



@pytest.fixture(scope="session")
def hosted(site: Path):
    """The built site served as a good host would (`tebiki host`): compressed copies,
    cache headers; its address, like http://127.0.0.1:<port>/."""
    from tebiki.site import host

    httpd = host.server(site, port=0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
