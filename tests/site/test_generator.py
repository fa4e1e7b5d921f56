"""tebiki as a city installs it: a wheel in a fresh virtual environment outside this
repository, `tebiki new`, `npm install`, `tebiki build`, and the built pages in
Chromium; then `tebiki serve` while an author edits, breaks and fixes a tree."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ..conftest import EPOCH, ROOT

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TREE = "residence-certificate"


def _run(*args: str, cwd: Path, timeout: int = 900, env: dict | None = None):
    result = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, **(env or {})})
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv, outside the repository, with tebiki installed from a wheel built
    here; returns its bin/ folder."""
    work = tmp_path_factory.mktemp("installed")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"),
         str(ROOT), cwd=work)
    (wheel,) = (work / "dist").glob("tebiki-*.whl")
    _run(sys.executable, "-m", "venv", str(work / "venv"), cwd=work)
    pip = work / "venv" / "bin" / "pip"
    _run(str(pip), "install", "--quiet", "--disable-pip-version-check", str(wheel), cwd=work)
    return work / "venv" / "bin"


@pytest.fixture(scope="module")
def new_site(installed, tmp_path_factory) -> Path:
    """`tebiki new`, then `npm install`, as the new site's README says."""
    site = tmp_path_factory.mktemp("city") / "guide"
    _run(str(installed / "tebiki"), "new", str(site), cwd=site.parent)
    _run("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", cwd=site)
    return site


@pytest.fixture(scope="module")
def built(installed, new_site) -> Path:
    _run(str(installed / "tebiki"), "build", cwd=new_site,
         env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    return new_site / "site"


def test_the_wheel_holds_everything_a_build_needs(installed):
    files = subprocess.run([str(installed / "python"), "-c",
                            "import tebiki, pathlib; p = pathlib.Path(tebiki.__file__).parent; "
                            "print('\\n'.join(str(f.relative_to(p)) for f in p.rglob('*')))"],
                           capture_output=True, text=True, timeout=60).stdout.split()
    for needed in ("browser/wizard.js", "browser/worker.mjs", "browser/node_engine.mjs",
                   "browser/embed-v1.js", "browser/wizard.css", "site/theme/main.html",
                   "site/theme/assets/tebiki.css",
                   "handbook/handbook.css", "render/templates/embed-page.html",
                   "site/scaffold/mkdocs.yml", "site/runtime.py"):
        assert needed in files, needed


def test_the_new_site_builds_in_full(built):
    assert (built / "index.html").is_file() and (built / "en" / "index.html").is_file()
    assert (built / "wizard" / TREE / "index.html").is_file()
    assert (built / "embed" / TREE / "index.html").is_file()
    assert sorted(p.name for p in (built / "downloads").glob("*.pdf")) == [
        "tebiki-handbook-en.pdf", "tebiki-handbook-ja.pdf"]
    assert (built / "pagefind" / "pagefind-entry.json").is_file()
    assert (built / "_tebiki" / "manifest.json").is_file()


@pytest.fixture(scope="module")
def served(built):
    import threading

    from tebiki.site.host import server

    httpd = server(built, port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("javascript", [False, True])
def test_a_wizard_path_on_the_new_site(browser, served, javascript):
    from ..conftest import poll_until

    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    outside: list = []
    page.on("request", lambda r: r.url.startswith(served) or outside.append(r.url))
    try:
        page.goto(served + f"wizard/{TREE}/")
        if javascript:
            poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
        for option in ("self", "no-card"):
            page.click(f'a[data-option="{option}"]')
            page.wait_for_url(re.compile(f"{option}/$"))
        assert page.get_attribute("#tebiki-wizard", "data-state") == "outcome"
        assert "窓口" in page.inner_text("#tebiki-heading")
        if javascript:  # the engine answered in the page
            assert page.evaluate("history.state && history.state.tebiki") is not None
    finally:
        context.close()
    assert outside == []


def test_axe_finds_nothing_on_the_new_sites_pages(browser, served):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    page = context.new_page()
    try:
        for path in ("", "en/", f"guide/{TREE}/", f"wizard/{TREE}/", f"wizard/{TREE}/proxy/"):
            page.goto(served + path)
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            assert results.violations_count == 0, (path, results.generate_report())
    finally:
        context.close()


# --- tebiki serve -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _page(url: str) -> str:
    with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")
    return ""


def _wait_for(url: str, predicate, timeout: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate(_page(url)):
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed it in {timeout} s:\n{_page(url)[:2000]}")


def test_serve_shows_an_edit_an_error_and_the_fix(installed, new_site, tmp_path):
    site = tmp_path / "edited"
    shutil.copytree(new_site, site, ignore=shutil.ignore_patterns("site", "node_modules"))
    tree = site / "decision_trees" / f"{TREE}.yaml"
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")  # noqa: SIM115
    server = subprocess.Popen([str(installed / "tebiki"), "serve", "--port", str(port)],
                              cwd=site, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/wizard/{TREE}/"
    try:
        _wait_for(url, lambda html: "誰が申請しますか" in html, timeout=90)
        # the wizard's stylesheet is served (the header and the wizard need it); the
        # page script, which only `tebiki build` makes, is not asked for
        html = _page(url)
        css = re.search(r'href="([^"]*_tebiki/wizard-[0-9a-f]+\.css)"', html)
        assert css, html[:2000]
        assert "--tebiki-brand" in _page(urllib.parse.urljoin(url, css.group(1)))
        assert not re.search(r'<script[^>]*_tebiki/', html)
        # an edit shows within a few seconds
        text = tree.read_text(encoding="utf-8")
        edited = text.replace("誰が申請しますか？", "どなたが申請しますか？")
        tree.write_text(edited, encoding="utf-8")
        took = _wait_for(url, lambda html: "どなたが申請しますか" in html)
        assert took < 15, took
        # a broken tree: the page and the terminal say where and what, the server stays up
        broken = tree.read_text(encoding="utf-8").replace("start: who", "start: whom")
        tree.write_text(broken, encoding="utf-8")
        home = f"http://127.0.0.1:{port}/"
        _wait_for(home, lambda html: f"{TREE}.yaml:" in html and "whom" in html)
        log.flush()
        log.seek(0)
        assert re.search(rf"{TREE}\.yaml:\d+: start 'whom'", log.read())
        # fixed: it recovers
        tree.write_text(text, encoding="utf-8")
        _wait_for(url, lambda html: "誰が申請しますか" in html and "tebiki check" not in html)
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
