"""Every page carries its own Content-Security-Policy, and nothing it needs is blocked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tebiki.site import csp

from ..conftest import poll_until
from .test_browser import PREFIX, SEARCH, page_types, search

pytestmark = pytest.mark.browser

RECORD = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def test_every_page_has_a_policy_that_allows_only_its_own_origin(site: Path):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        html = page.read_text(encoding="utf-8")
        match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
        assert match, page
        policy = match[1]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", ""), page
        assert "http" not in policy and "*" not in policy, page
        # scripts are files the build wrote: no hash, no 'unsafe-inline' lets one in
        script_src = re.search(r"script-src ([^;]+)", policy)[1]
        assert "sha256-" not in script_src and "unsafe-inline" not in script_src, page
        # the policy comes before anything that could run
        first_script = html.find("<script")
        assert first_script == -1 or html.index("Content-Security-Policy") < first_script, page


def test_only_the_pages_that_run_webassembly_may(site: Path):
    rel = {p.relative_to(site).as_posix(): p for p in site.rglob("index.html")}
    for path, page in rel.items():
        policy = re.search(r'Content-Security-Policy" content="([^"]+)"',
                           page.read_text(encoding="utf-8"))[1]
        parts = path.split("/")
        parts = parts[1:] if parts[0] == "en" else parts
        # wizard states and their embed pages start the engine; search runs its index;
        # the page for webmasters (embed/index.html) only shows code
        runs_wasm = parts[0] in ("wizard", "search") or (parts[0] == "embed" and len(parts) > 2)
        assert ("'wasm-unsafe-eval'" in policy) == runs_wasm, path
        assert ("worker-src 'self'" in policy) == runs_wasm, path


def test_a_page_with_an_inline_script_is_refused():
    page = ('<html><head><meta charset="utf-8"><script>a()</script>'
            '<script id="c" type="application/json">{}</script></head></html>')
    with pytest.raises(csp.InlineScript):
        csp.policy_for(page)
    data_only = page.replace("<script>a()</script>", '<script src="a.js"></script>')
    assert csp.add_policy(csp.add_policy(data_only)).count("Content-Security-Policy") == 1


def test_the_words_of_a_policy_in_a_page_body_do_not_stand_for_one():
    # a Markdown page may hold raw HTML: the words in a comment (or a policy <meta> in
    # the body, which browsers ignore) must not leave the page without a policy, nor
    # let its inline script through
    head = '<html><head><meta charset="utf-8"><title>t</title></head><body>'
    words = '<!-- http-equiv="Content-Security-Policy" -->'
    body_meta = '<meta http-equiv="Content-Security-Policy" content="default-src *">'
    for smuggled in (words, body_meta):
        page = head + smuggled + "<p>x</p></body></html>"
        assert not csp.has_policy(page)
        assert csp.has_policy(csp.add_policy(page))
        with pytest.raises(csp.InlineScript):
            csp.add_policy(head + smuggled + "<script>alert(1)</script></body></html>")
    own = ('<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
           'content="default-src \'none\'"></head><body></body></html>')
    assert csp.has_policy(own) and csp.add_policy(own) == own
    with pytest.raises(csp.InlineScript):
        csp.add_policy(own.replace("<body>", "<body><script>a()</script>"))


def test_an_inline_script_slipped_into_a_built_page_does_not_run(browser, site: Path, tmp_path):
    """The second half of the defence: were a text ever to reach a page as markup, the
    page's own policy would still stop its script."""
    page_html = (site / "guide" / "pin-reset" / "index.html").read_text(encoding="utf-8")
    body = page_html.index("<body")
    tampered = page_html[:body] + "<script>window.__ran = true</script>" + page_html[body:]
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "guide" / "pin-reset" / "index.html").write_text(tampered, encoding="utf-8")
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(Quiet, directory=str(copy)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context()
    context.add_init_script(RECORD)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_port}/guide/pin-reset/", wait_until="load")
        assert page.evaluate("window.__ran") is None
        assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_nothing_on_any_page_type_is_blocked(browser, server, site_bundle, lang):
    context = browser.new_context()
    context.add_init_script(RECORD)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for kind, path in page_types(site_bundle).items():
            page.goto(server + PREFIX[lang] + path, wait_until="networkidle")
            if kind in ("question", "outcome"):  # the engine boots under the policy
                poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
            assert page.evaluate("window.__csp") == [], (kind, page.evaluate("window.__csp"))
        assert search(page, server, lang, SEARCH[lang]), "search found nothing under the CSP"
        assert page.evaluate("window.__csp") == []
        assert not errors, errors
    finally:
        context.close()
