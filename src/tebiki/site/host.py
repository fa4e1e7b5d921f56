"""Serve a built site the way a good static host would (`tebiki host`).

- the precompressed copy a browser accepts (`.br`, else `.gz`, see
  `tebiki.compress`), with `Content-Encoding` and `Vary: Accept-Encoding`;
- cache headers: files whose name carries a content hash or a version (they
  never change under that name) may be kept for a year; everything else (the
  pages, the runtime's manifest, the search index's entry) is revalidated on
  each use, which costs a 304 when nothing changed;
- the headers the README asks a host for: the guide's own pages may not be
  framed by other sites (`frame-ancestors 'self'`) while `/embed/` may; the
  widget's loader may be loaded from other origins; the worker gets its own
  Content-Security-Policy;
- the site's own 404 page for an address it does not have.

It is for previews and benchmarks on this machine; the README shows the same
rules for nginx and Apache.
"""

from __future__ import annotations

import email.utils
import functools
import os
import re
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# A name that changes whenever the content does: name-<hash>.ext, name.<hash>.min.ext,
# a folder named by version (pyodide-314.0.7/) or content (engine-<hash>/,
# micropython-<hash>/), the search index's hashed chunks.
_FINGERPRINT = re.compile(r"(?:[.-][0-9a-f]{8,}(?:\.min)?\.[a-z0-9]+$)|/pyodide-[0-9.]+/"
                          r"|/pagefind/(?:fragment|index)/|/(?:engine|micropython)-[0-9a-f]{8,}/")
_EMBED = re.compile(r"^/(?:[a-z]{2,3}(?:-[A-Za-z]{2,4})?/)?embed/")
WORKER_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".svg": "image/svg+xml", ".pdf": "application/pdf"}


def cache_control(path: str) -> str:
    return YEAR if _FINGERPRINT.search(path) else REVALIDATE


def encodings(accept: str) -> list[tuple[str, str]]:
    """The precompressed copies to try, best first, for an Accept-Encoding header."""
    offered = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return [(s, e) for s, e in ((".br", "br"), (".gz", "gzip")) if e in offered]


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    extensions_map: ClassVar[dict] = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def log_message(self, format: str, *args) -> None:
        if os.environ.get("TEBIKI_HOST_LOG"):
            super().log_message(format, *args)

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        if not _EMBED.match(path):
            self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
        if path.endswith("/embed-v1.js"):
            self.send_header("Access-Control-Allow-Origin", "*")
        if path.endswith("/worker.mjs") or re.search(r"/worker-[0-9a-f]+\.mjs$", path):
            self.send_header("Content-Security-Policy", WORKER_POLICY)
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        if not path.is_file():
            return self._not_found()
        for suffix, encoding in encodings(self.headers.get("Accept-Encoding", "")):
            packed = path.with_name(path.name + suffix)
            if packed.is_file():
                return self._file(packed, path, encoding)
        return self._file(path, path, None)

    def _file(self, served: Path, original: Path, encoding: str | None):
        stat = served.stat()
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if self.headers.get("If-Modified-Since") == modified:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("Cache-Control", cache_control(self.path))
            self.end_headers()
            return None
        handle = open(served, "rb")  # noqa: SIM115 - SimpleHTTPRequestHandler closes it
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(original)))
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", cache_control(self.path))
        self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        return handle

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        if not page.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        handle = open(page, "rb")  # noqa: SIM115
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(page.stat().st_size))
        self.send_header("Cache-Control", REVALIDATE)
        self.end_headers()
        return handle


def server(site: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer((host, port), functools.partial(Handler, directory=str(site)))
    httpd.daemon_threads = True
    return httpd
