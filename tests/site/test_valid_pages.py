"""Valid, findable pages: what outside audits of the built site report.

- The Nu HTML Checker (the W3C validator, npm `vnu-jar` on Java) finds no error on
  any built page: one Java run over the whole site.
- Lighthouse's accessibility score is 100, with no failed audit, on one page of each
  type, in Debian's Chromium against the site served locally (no network).
- Every page a search engine may index says what it is about in a
  `<meta name="description">` in its own language, as text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tebiki.core.render import plain
from tebiki.site.describe import LIMIT, shorten

from .conftest import ROOT
from .test_browser import page_types

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = ROOT / "tests" / "support" / "lighthouse.mjs"
KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed: run `make setup`")
    return found


# --- the Nu HTML Checker -------------------------------------------------------------

# A page with the markup the checker reported before it was fixed (a list inside a
# checklist's label, an empty form action): checked with the site, it shows the
# check can fail.
CANARY = ('<!doctype html><html lang="en"><title>t</title>\n'
          '<label><input type="checkbox"> Bring one of:<ol><li>a</li></ol></label>\n'
          '<form action=""><input name="q" aria-label="q"></form>\n')


@pytest.fixture(scope="module")
def nu_run(site, tmp_path_factory):
    """The Nu HTML Checker started on every .html file of the built site and the canary,
    in one Java run, in the background: it takes as long as the Lighthouse runs,
    which mostly wait, so they overlap."""
    java = _tool("java")
    if not VNU.exists():
        pytest.fail(f"{VNU.relative_to(ROOT)} is missing: run `make setup` (npm ci)")
    canary = tmp_path_factory.mktemp("canary")
    (canary / "bad.html").write_text(CANARY, encoding="utf-8")
    report = canary / "report.json"
    with report.open("wb") as out:
        # vnu prints its report on stderr; it exits 1 when it found errors
        process = subprocess.Popen([java, "-jar", str(VNU), "--format", "json",
                                    "--skip-non-html", str(site), str(canary / "bad.html")],
                                   stdout=subprocess.DEVNULL, stderr=out)
    yield process, report
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def nu_errors(nu_run) -> dict:
    """The checker's errors by page (its path): ['line: message']."""
    process, report = nu_run
    process.wait(timeout=600)
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    found: dict = {}
    for m in messages:
        if m["type"] in ("error", "non-document-error"):
            found.setdefault(m.get("url", "?").removeprefix("file:"), []).append(
                f"{m.get('lastLine', '?')}: {m['message']}")
    return found


# --- Lighthouse --------------------------------------------------------------------


def _page_addresses(bundle) -> dict:
    """One page of each type, in either language (a test of each for both would double
    the time; the markup is the same, the words differ). The English home page's footer
    links to a title with a comma (escaped twice into its aria-label, once)."""
    types = page_types(bundle)
    return {
        "home": "en/",
        "guide": types["guide"],
        "wizard question": types["question"],
        "wizard outcome": "en/" + types["outcome"],
        "search": "en/" + types["search"],
        "404": "404.html",  # served as a page: Lighthouse audits no 404 response
        "embed": "embed/" + types["outcome"].removeprefix("wizard/"),
    }


def _devtools_port(profile: Path, chromium: subprocess.Popen) -> int:
    """The port Chromium chose for its DevTools (it writes it into its profile)."""
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not active.exists() or not active.read_text().strip():
        if chromium.poll() is not None or time.monotonic() > deadline:
            pytest.fail("Chromium did not start its DevTools server")
        time.sleep(0.1)
    return int(active.read_text().split()[0])


@pytest.fixture(scope="module")
def lighthouse_results(site, server, site_bundle, nu_run) -> dict:
    """Lighthouse (accessibility only) on each page type, in one headless Chromium
    (while the Nu HTML Checker runs)."""
    chromium = _tool("chromium")
    node = _tool("node")
    addresses = _page_addresses(site_bundle)
    for path in addresses.values():  # a typo here would audit the server's error page
        assert (site / path / ("" if path.endswith(".html") else "index.html")).exists(), path
    with tempfile.TemporaryDirectory() as profile:
        args = [chromium, "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"]
        if os.geteuid() == 0:  # Chromium's sandbox does not run as root
            args.insert(1, "--no-sandbox")
        browser = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port = _devtools_port(Path(profile), browser)
            run = subprocess.run([node, str(LIGHTHOUSE), str(port),
                                  *(server + path for path in addresses.values())],
                                 cwd=ROOT, capture_output=True, text=True, timeout=600)
        finally:
            browser.terminate()
            browser.wait(timeout=30)
    assert run.returncode == 0, run.stderr
    return dict(zip(addresses, json.loads(run.stdout), strict=True))


@pytest.mark.parametrize("kind", ["home", "guide", "wizard question", "wizard outcome",
                                  "search", "404", "embed"])
def test_lighthouse_accessibility_is_100(lighthouse_results, kind):
    result = lighthouse_results[kind]
    assert result["error"] is None, result
    assert result["failures"] == [], result
    assert result["score"] == 1, result


# --- meta descriptions ---------------------------------------------------------------


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.robots = ""
        self.descriptions: list = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "meta" and a.get("name") == "robots":
            self.robots = a.get("content", "")
        elif tag == "meta" and a.get("name") == "description":
            self.descriptions.append(a.get("content") or "")


def head(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_page_has_one_description_in_its_language(site):
    checked = 0
    for page in site.rglob("*.html"):
        found = head(page)
        if page.name == "404.html":  # one page in every language, and never indexed
            assert "noindex" in found.robots
            continue
        where = page.relative_to(site)
        assert len(found.descriptions) == 1, where
        text = found.descriptions[0]
        assert 10 <= len(text) <= LIMIT + 1, (where, text)
        assert "<" not in text and "&#" not in text and "**" not in text, (where, text)
        if found.lang == "ja":
            assert KANA_OR_KANJI.search(text), (where, text)
        else:
            assert found.lang == "en", where
            latin = sum(c.isascii() for c in text)
            assert latin > 0.9 * len(text), (where, text)
        checked += 1
    assert checked > 500


def test_descriptions_say_what_the_guide_and_the_outcome_are_about(site, site_bundle):
    tree = site_bundle.trees["pin-reset"]
    types = page_types(site_bundle)
    for lang, prefix in (("ja", ""), ("en", "en/")):
        summary = shorten(plain(tree["summary"][lang]))
        for path in (types["guide"], "wizard/pin-reset/", "embed/pin-reset/"):
            assert head(site / prefix / path / "index.html").descriptions == [summary], path
        outcome = head(site / prefix / types["outcome"] / "index.html").descriptions[0]
        assert outcome and outcome != summary
        if lang == "ja":
            assert KANA_OR_KANJI.search(outcome), outcome
        else:
            assert not KANA_OR_KANJI.search(outcome), outcome


def test_embed_pages_stay_out_of_search_engines(site):
    """They show the wizard inside other sites' pages; the site's own pages are the ones
    to find (docs/WIDGET.md). Lighthouse's SEO score on them is low on purpose."""
    embeds = list((site / "embed").rglob("index.html"))
    states = [p for p in embeds if p.parent != site / "embed"]
    assert states and all("noindex" in head(p).robots for p in states)
    assert "noindex" not in head(site / "embed" / "index.html").robots  # the webmasters' page


def test_no_attribute_says_a_character_reference_aloud(site):
    """A title escaped twice (`&amp;#44;` in the footer's links) is read out by screen
    readers as '&#44;' where the page shows ','."""
    for page in site.rglob("*.html"):
        assert "&amp;#" not in page.read_text(encoding="utf-8"), page


# --- the checker's report (last: it ran while Lighthouse did) ----------------------


def test_the_checker_reports_the_errors_once_found_here(nu_errors):
    errors = [e for page, listed in nu_errors.items() if page.endswith("/bad.html")
              for e in listed]
    assert len(errors) == 2, errors
    assert errors[0] == ("2: Element “ol” not allowed as child of element “label” in this "
                         "context. (Suppressing further errors from this subtree.)")
    assert errors[1].startswith("3: Bad value “” for attribute “action”")


def test_every_built_page_is_valid_html(site, nu_errors):
    assert len(list(site.rglob("*.html"))) > 500  # the wizard's and embed pages' states
    errors = [f"{page}:{e}" for page, listed in nu_errors.items()
              if not page.endswith("/bad.html") for e in listed]
    assert errors == [], f"{len(errors)} errors, the first:\n" + "\n".join(errors[:30])
