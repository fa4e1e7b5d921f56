"""The enhanced wizard on the real built site (MkDocs + Material, the real trees): the
session's one build of the site (tests/site/conftest.py)."""

from __future__ import annotations

import json
import re

import pytest

from tebiki.core import engine

from ..conftest import poll_until
from ..support.pyodide import SiteServer, needs_chromium, needs_node
from ..support.walk import moment_all_in_force, start_enhanced, walk_and_compare

pytestmark = [needs_node, needs_chromium, pytest.mark.browser]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def real(site, site_bundle):
    return site, site_bundle.trees


def _longest(trees: dict) -> tuple[str, list]:
    best = ("", [])
    for tid, tree in sorted(trees.items()):
        for path in engine.iter_paths(tree):
            if len(path["answers"]) > len(best[1]):
                best = (tid, path["answers"])
    return best


def _sample(tree: dict) -> list[list[str]]:
    """A tree's longest path and its shortest: every question on some path, and an
    outcome reached early."""
    paths = sorted((len(p["answers"]), [o for _q, o in p["answers"]])
                   for p in engine.iter_paths(tree))
    return [paths[-1][1]] if paths[0][1] == paths[-1][1] else [paths[-1][1], paths[0][1]]


@pytest.mark.parametrize("lang_prefix", ["", "/en"])
def test_a_sample_of_paths_on_pyodide_draws_the_static_pages(real, browser, lang_prefix):
    """The real wizard on the real site (its default runtime, Pyodide) walked by clicks
    along each tree's longest and shortest paths: each state the engine draws in the
    page is the static page at its URL (the MicroPython site's twin is in
    test_languages.py)."""
    out, trees = real
    manifest = json.loads((out / "_tebiki" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runtime"] == "pyodide"
    with SiteServer(out) as server:
        context = browser.new_context()
        page = context.new_page()
        errors: list = []
        page.on("pageerror", lambda e: errors.append(e))
        try:
            checked = 0
            moment = moment_all_in_force(trees)
            for tid, tree in sorted(trees.items()):
                start = f"{lang_prefix}/wizard/{tid}/"
                start_enhanced(page, server.url(start), moment)
                for options in _sample(tree):
                    checked += walk_and_compare(page, start, options)
            assert checked > len(trees) and not errors, errors
        finally:
            context.close()


@pytest.mark.parametrize("lang_prefix", ["", "/en"])
def test_a_long_path_through_the_real_site(real, browser, lang_prefix):
    out, trees = real
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


def test_axe_finds_nothing_on_enhanced_real_states(real, browser):
    from axe_playwright_python.sync_playwright import Axe

    out, trees = real
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


def _continue_across_trees(trees: dict) -> tuple[str, list, str]:
    """A state of tree A whose outcome continues to tree B, where B renders with a tree
    that A's page does not load: (A, the state's options, B)."""
    for tid, tree in sorted(trees.items()):
        loaded = {tid, *tree["linked_trees"]}
        for path in engine.iter_paths(tree):
            result = engine.next_step(tree, dict(path["answers"]))
            for link in result.get("continue") or []:
                other = link["tree"]
                if {other, *trees[other]["linked_trees"]} - loaded:
                    return tid, [o for _q, o in path["answers"]], other
    raise AssertionError("no continue link into a tree with trees of its own")


def test_a_page_fetches_its_tree_and_those_it_continues_to_and_others_when_needed(real, browser):
    out, trees = real
    tid, options, other = _continue_across_trees(trees)

    def fetched(server) -> set:
        return {re.match(r"/_tebiki/trees/(.+)-[0-9a-f]{12}\.json$", r["path"])[1]
                for r in server.requests if r["path"].startswith("/_tebiki/trees/")}

    with SiteServer(out) as server:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(server.url(f"/wizard/{tid}/" + "".join(o + "/" for o in options)))
            poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
            page.wait_for_timeout(300)
            assert fetched(server) == {tid, *trees[tid]["linked_trees"]}
            page.evaluate("window.__sameDocument = true")
            page.click(f'#tebiki-wizard .tebiki-links a[href*="/{other}/"]')
            page.wait_for_url(re.compile(f"/wizard/{other}/"))
            poll_until(page, "(t) => document.getElementById('tebiki-wizard').dataset.tree"
                             " === t", other)
            # answered in the page, with the trees that state needs fetched then
            assert page.evaluate("window.__sameDocument") is True
            assert fetched(server) == {tid, *trees[tid]["linked_trees"], other,
                                       *trees[other]["linked_trees"]}
        finally:
            context.close()
