"""Shared fixtures: the repository's content, a small fixture tree, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tebiki.load.content import Bundle, load_bundle
from tebiki.site import config as site_config

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "decision_trees"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EPOCH = 1796083200  # 2026-12-01 00:00 UTC: the session's builds date everything from it
BUILD_DAY = datetime.fromtimestamp(EPOCH, UTC).date()  # so its trees ship holidays 2025–2028
# The My Number site's configuration (mkdocs.yml): its languages, its options.
SITE = site_config.load(ROOT / "mkdocs.yml")
LANGUAGES = SITE.languages
LANGS = SITE.codes


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    """The repository's own content, compiled (fails the test if it has errors)."""
    return load_bundle(CONTENT, languages=LANGUAGES, today=BUILD_DAY, holidays=SITE.holidays)


@pytest.fixture(scope="session")
def mini() -> Bundle:
    return load_bundle(FIXTURES / "mini", languages=LANGUAGES, today=BUILD_DAY,
                       holidays=SITE.holidays)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fixture content."""
    dest = tmp_path / "decision_trees"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest


def build(out: Path, content: Path = CONTENT, *extra: str, config: Path = ROOT / "mkdocs.yml",
          env: dict | None = None) -> subprocess.CompletedProcess:
    """`tebiki build`, as a site's author runs it (dates from EPOCH, no published address)."""
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), **(env or {})}
    if not (env or {}).get("TEBIKI_SITE_URL"):
        environ.pop("TEBIKI_SITE_URL", None)
    return subprocess.run([sys.executable, "-m", "tebiki", "--config", str(config),
                           "--content", str(content), "build", "--out", str(out), *extra],
                          cwd=ROOT, env=environ, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The My Number site, built in full (handbooks, runtime, search) once for the whole
    test session; every test that reads the built site reads this one."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = build(out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tebiki", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, shared by every browser test.

    One for the whole session: Playwright's sync API cannot run two at once.
    """
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: run `make system`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def poll_until(page, expression: str, arg=None, timeout_s: float = 30) -> None:
    """Wait until a JavaScript expression (or `(arg) => ...` function) is true.

    Playwright's wait_for_function evaluates its predicate with eval() inside the
    page, which the site's own Content-Security-Policy rightly forbids; this polls
    from the test instead.
    """
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(50)
