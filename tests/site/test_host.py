"""The built site's compressed copies, and `tebiki host` serving them as a good host would."""

from __future__ import annotations

import gzip
import http.client
from pathlib import Path

import brotli
import pytest

from tebiki.site import compress, host

from ..conftest import poll_until


def get(hosted: str, path: str, accept: str = "", extra: dict | None = None):
    port = int(hosted.rstrip("/").rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": accept, **(extra or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_every_text_and_wasm_file_over_1_kb_has_smaller_copies(site: Path):
    checked = 0
    for path in site.rglob("*"):
        if path.suffix not in compress.SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        br, gz = path.with_name(path.name + ".br"), path.with_name(path.name + ".gz")
        if len(data) <= compress.MIN_SIZE:
            assert not br.exists() and not gz.exists(), path
            continue
        assert br.exists() and gz.exists(), path
        assert brotli.decompress(br.read_bytes()) == data, path
        assert gzip.decompress(gz.read_bytes()) == data, path
        assert br.stat().st_size < len(data) and gz.stat().st_size < len(data)
        checked += 1
    assert checked > 250
    wasm = next(site.glob("_tebiki/pyodide-*/pyodide.asm.wasm"))
    assert wasm.with_name(wasm.name + ".br").stat().st_size < 0.35 * wasm.stat().st_size
    # the standard library is a zip of stored bytecode, for Brotli to compress whole
    stdlib = next(site.glob("_tebiki/python_stdlib-*.zip"))
    assert stdlib.with_name(stdlib.name + ".br").stat().st_size < 0.35 * stdlib.stat().st_size
    assert list(site.glob("_tebiki/engine-*/tebiki/core/engine.py.br"))
    # already compressed: the search index, the PDFs
    assert not list(site.glob("pagefind/**/*.pf_*.br"))
    assert not list(site.glob("downloads/*.br"))


def test_host_sends_the_copy_the_browser_accepts(site: Path, hosted):
    raw = (site / "index.html").read_bytes()
    response, body = get(hosted, "/", "gzip, deflate, br")
    assert response.getheader("Content-Encoding") == "br"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Type").startswith("text/html")
    assert brotli.decompress(body) == raw
    response, body = get(hosted, "/", "gzip")
    assert response.getheader("Content-Encoding") == "gzip" and gzip.decompress(body) == raw
    response, body = get(hosted, "/")
    assert response.getheader("Content-Encoding") is None and body == raw


def test_host_caches_named_by_content_for_a_year_and_revalidates_the_rest(site: Path, hosted):
    wasm = next(site.glob("_tebiki/pyodide-*/pyodide.asm.wasm")).relative_to(site)
    tree = next(site.glob("_tebiki/trees/*.json")).relative_to(site)
    engine = next(site.glob("_tebiki/engine-*/tebiki/core/engine.py")).relative_to(site)
    for path in (f"/{wasm}", f"/{tree}", f"/{engine}"):
        response, _ = get(hosted, path, "br")
        assert "immutable" in response.getheader("Cache-Control"), path
    response, _ = get(hosted, f"/{wasm}", "br")
    assert response.getheader("Content-Type") == "application/wasm"
    for path in ("/", "/wizard/pin-reset/", "/_tebiki/manifest.json"):
        response, _ = get(hosted, path, "br")
        assert response.getheader("Cache-Control") == "no-cache", path
    # a site on MicroPython: its runtime's folder is named by content
    assert host.cache_control("/_tebiki/micropython-0123456789ab/micropython.wasm") == host.YEAR
    response, _ = get(hosted, "/", "br")
    again, body = get(hosted, "/", "br",
                      {"If-Modified-Since": response.getheader("Last-Modified")})
    assert again.status == 304 and body == b""


def test_host_sends_the_headers_the_readme_asks_for(hosted):
    response, _ = get(hosted, "/guide/pin-reset/")
    assert response.getheader("Content-Security-Policy") == "frame-ancestors 'self'"
    for path in ("/embed/pin-reset/", "/en/embed/lost-card/"):
        response, _ = get(hosted, path)
        assert response.status == 200 and response.getheader("Content-Security-Policy") is None
    response, _ = get(hosted, "/_tebiki/embed-v1.js")
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    response, body = get(hosted, "/no/such/page/")
    assert response.status == 404 and b"<h1>" in body


@pytest.mark.browser
def test_the_engine_runs_from_compressed_files_and_they_are_what_crosses_the_wire(
        browser, site: Path, hosted):
    context = browser.new_context()
    page = context.new_page()
    sizes: list = []
    context.on("requestfinished",
               lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
    try:
        page.goto(f"{hosted}wizard/pin-reset/", wait_until="load")
        poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
    finally:
        context.close()
    wire = {url.rsplit("/", 1)[-1]: size for url, size in sizes}
    wasm = next(site.glob("_tebiki/pyodide-*/pyodide.asm.wasm"))
    # the worker's downloads are counted, and the wasm crossed the wire as Brotli
    assert 0 < wire["pyodide.asm.wasm"] < 0.35 * wasm.stat().st_size, wire
    assert wire[""] < (site / "wizard" / "pin-reset" / "index.html").stat().st_size / 2
