"""The enhanced wizard on the real built site (MkDocs + Material, the real trees).

Until the site's template loads the wizard script on wizard pages, this test
adds the tag itself (`<script type="module" src="<to root>/_tebiki/wizard.js">`
before </body>), as the template is meant to.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from site_tests.conftest import poll_until
from site_tests.pyodide_support import (
    ROOT,
    SiteServer,
    compile_content,
    load_trees,
    needs_chromium,
    needs_node,
    vendor_pyodide,
)
from tebiki.core import engine

pytestmark = [needs_node, needs_chromium, pytest.mark.browser]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("real-site")
    out = work / "site"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--out",
                           str(out), "--no-search"], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    if proc.returncode != 0:
        pytest.fail(f"the site does not build:\n{proc.stderr[-3000:]}")
    compiled = compile_content(ROOT / "decision_trees", work / "compiled")
    vendor_pyodide.vendor(out, compiled)
    for page in out.rglob("index.html"):
        parts = page.relative_to(out).parts
        if "wizard" not in parts[:2]:
            continue
        text = page.read_text(encoding="utf-8")
        if "_tebiki/wizard.js" not in text:
            up = "../" * (len(parts) - 1)
            tag = f'<script type="module" src="{up}_tebiki/wizard.js"></script>'
            page.write_text(text.replace("</body>", tag + "</body>"), encoding="utf-8")
    return out, load_trees(compiled)


def _longest(trees: dict) -> tuple[str, list]:
    best = ("", [])
    for tid, tree in sorted(trees.items()):
        for path in engine.iter_paths(tree):
            if len(path["answers"]) > len(best[1]):
                best = (tid, path["answers"])
    return best


@pytest.mark.parametrize("lang_prefix", ["", "/en"])
def test_a_long_path_through_the_real_site(site, browser, lang_prefix):
    out, trees = site
    tid, answers = _longest(trees)
    with SiteServer(out) as server:
        context = browser.new_context()
        page = context.new_page()
        bad: list = []
        page.on("response", lambda r: r.status >= 400 and bad.append(r.url))
        page.on("request", lambda r: r.url.startswith(server.origin) or bad.append(r.url))
        page.on("pageerror", lambda e: bad.append(str(e)))
        try:
            page.goto(server.url(f"{lang_prefix}/wizard/{tid}/"))
            suffix = page.title()[len(page.inner_text("#tebiki-heading").strip()):]
            poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
            page.evaluate("window.__sameDocument = true")
            options = []
            for _question, option in answers:
                page.click(f'#tebiki-wizard a[data-option="{option}"]')
                options.append(option)
                tail = f"{lang_prefix}/wizard/{tid}/" + "".join(o + "/" for o in options)
                page.wait_for_url(re.compile(re.escape(tail) + "$"))
                poll_until(page, "document.activeElement.id === 'tebiki-heading'")
                heading = page.inner_text("#tebiki-heading").strip()
                assert page.title() == heading + suffix
                other = "/en" if not lang_prefix else ""
                links = page.locator("a[hreflang]")
                for n in range(links.count()):
                    assert links.nth(n).get_attribute("href") == server.url(
                        f"{other}/wizard/{tid}/" + "".join(o + "/" for o in options))
            assert page.evaluate("window.__sameDocument") is True
            assert page.get_attribute("#tebiki-wizard", "data-state") == "outcome"
            # the page around it still links where it did
            page.click("a.md-logo")
            page.wait_for_load_state()
            assert page.url == server.url(f"{lang_prefix}/")
            assert not bad, bad
        finally:
            context.close()


def test_axe_finds_nothing_on_enhanced_real_states(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    out, trees = site
    tid, answers = _longest(trees)
    with SiteServer(out) as server:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(server.url(f"/wizard/{tid}/"))
            poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
            axe = Axe()
            for n, (_question, option) in enumerate(answers):
                page.click(f'#tebiki-wizard a[data-option="{option}"]')
                poll_until(page, "(n) => Object.keys(JSON.parse(document.getElementById("
                           "'tebiki-wizard').dataset.answers)).length === n", arg=n + 1)
                poll_until(page, "document.activeElement.id === 'tebiki-heading'")
                if n in (0, len(answers) - 1):  # a question, and the outcome
                    results = axe.run(page, options={"runOnly": {"type": "tag",
                                                                 "values": AXE_TAGS}})
                    assert results.violations_count == 0, results.generate_report()
        finally:
            context.close()
