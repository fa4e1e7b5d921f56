"""Every page carries its own Content-Security-Policy, and nothing it needs is blocked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tebiki import csp

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
        # the policy comes before anything that could run
        assert html.index("Content-Security-Policy") < html.find("<script"), page


def test_inline_scripts_are_allowed_by_hash_only():
    page = ('<html><head><meta charset="utf-8"><script>a()</script>'
            '<script id="c" type="application/json">{}</script></head></html>')
    policy = csp.policy_for(page)
    assert policy.count("'sha256-") == 1 and "'unsafe-inline'" not in policy.split(";")[1]
    assert csp.add_policy(csp.add_policy(page)).count("Content-Security-Policy") == 1


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
