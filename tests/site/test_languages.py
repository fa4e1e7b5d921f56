"""The languages come from the site's configuration: a site in Japanese, English and
Spanish (tests/fixtures/three-languages) gets every renderer in all three. That site
also runs its wizard on MicroPython: its build is the suite's MicroPython site."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from tebiki.core import engine
from tebiki.load.content import load_bundle, load_content
from tebiki.site import config as site_config

from ..conftest import ROOT, SITE, build, poll_until, run_cli
from ..support.walk import moment_all_in_force, start_enhanced, walk_and_compare

FIXTURE = ROOT / "tests" / "fixtures" / "three-languages"
PREFIXES = {"ja": "", "en": "en/", "es": "es/"}


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the fixture site, and its full build (handbooks, runtime, search)."""
    work = tmp_path_factory.mktemp("three")
    project = work / "project"
    shutil.copytree(FIXTURE, project)
    (project / "node_modules").symlink_to(SITE.node_modules)
    result = build(work / "site", project / "decision_trees",
                   config=project / "mkdocs.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    return project, work / "site"


def test_the_configuration_names_three_languages_the_default_first():
    site = site_config.load(FIXTURE / "mkdocs.yml")
    assert site.codes == ("ja", "en", "es")
    assert [language.prefix for language in site.languages] == ["", "en/", "es/"]


def test_every_page_and_state_exists_in_every_language(three):
    _project, site = three
    for lang, prefix in PREFIXES.items():
        for path in ("", "guide/clinic/", "search/", "wizard/clinic/", "embed/clinic/"):
            page = site / prefix / path / "index.html"
            assert page.is_file(), page
            assert f'<html lang="{lang}"' in page.read_text(encoding="utf-8"), page
    states = {lang: sorted(p.relative_to(site / prefix / "wizard").as_posix()
                           for p in (site / prefix / "wizard").rglob("index.html"))
              for lang, prefix in PREFIXES.items()}
    assert states["ja"] == states["en"] == states["es"] and len(states["es"]) > 5


def test_the_language_switch_offers_the_two_others_on_the_same_state(three):
    _project, site = three
    state = next((site / "es" / "wizard" / "clinic").glob("*/*/index.html"))
    rel = state.relative_to(site / "es").as_posix()
    html = state.read_text(encoding="utf-8")
    links = dict(re.findall(r'class="[^"]*tebiki-header-link[^"]*" href="([^"]+)" '
                            r'hreflang="(\w+)"', html))
    found = {lang: (state.parent / href).resolve() for href, lang in links.items()}
    assert found == {"ja": (site / rel).resolve().parent, "en": (site / "en" / rel).resolve()
                     .parent}


def test_the_handbook_search_and_error_page_have_every_language(three):
    _project, site = three
    for lang in PREFIXES:
        pdf = site / "downloads" / f"tebiki-handbook-{lang}.pdf"
        reader = PdfReader(pdf)
        assert reader.trailer["/Root"]["/Lang"] == lang
    spanish = "".join(p.extract_text() for p in PdfReader(
        site / "downloads" / "tebiki-handbook-es.pdf").pages[:3])
    assert "vacun" in spanish.lower()
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"ja", "en", "es"}
    error = (site / "404.html").read_text(encoding="utf-8")
    assert 'lang="es"' in error and 'href="/es/"' in error


def test_check_wants_every_text_in_every_language(tmp_path):
    copy = tmp_path / "decision_trees"
    shutil.copytree(FIXTURE / "decision_trees", copy)
    tree = copy / "clinic.yaml"
    text = tree.read_text(encoding="utf-8")
    tree.write_text(re.sub(r"\n\s+es: [^\n]*", "", text, count=1), encoding="utf-8")
    site = site_config.load(FIXTURE / "mkdocs.yml")
    problems = load_content(copy, languages=site.languages).errors
    assert any("missing the Español text (es:)" in p.message for p in problems), problems


def test_the_cli_speaks_the_sites_languages():
    result = run_cli("--config", str(FIXTURE / "mkdocs.yml"), "paths", "clinic", "--lang", "es")
    assert result.returncode == 0, result.stderr
    assert "=>" in result.stdout and re.search(r"[ñáéíóú]", result.stdout)
    result = run_cli("--config", str(FIXTURE / "mkdocs.yml"), "paths", "clinic", "--lang", "fr")
    assert result.returncode == 2 and "ja, en, es" in result.stderr


def test_a_site_on_micropython_ships_micropython_and_no_pyodide(three):
    _project, site = three
    runtime = site / "_tebiki"
    manifest = json.loads((runtime / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runtime"] == "micropython"
    wasm = next(runtime.glob("micropython-*/micropython.wasm"))
    assert wasm.with_name(wasm.name + ".br").is_file()  # for the host to send compressed
    assert not [p.name for p in runtime.iterdir() if p.name.startswith(("pyodide-", "python_"))]
    assert (runtime / manifest["boot"]).is_file() and "micropython" in manifest["boot"]
    # the pages that start the engine may compile WebAssembly, as on Pyodide
    for page in ("es/wizard/clinic/index.html", "es/embed/clinic/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "'wasm-unsafe-eval'" in re.search(r'Content-Security-Policy" content="([^"]+)"',
                                                 html)[1], page


@pytest.fixture(scope="module")
def hosted_three(three):
    """The three-language site served as a good host would (tebiki host)."""
    import threading

    from tebiki.site.host import server

    httpd = server(three[1], port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
def test_the_embed_page_runs_the_engine_on_micropython(browser, hosted_three):
    context = browser.new_context()
    page = context.new_page()
    fetched: list = []
    page.on("requestfinished", lambda r: fetched.append(r.url))
    try:
        page.goto(hosted_three + "en/embed/clinic/")
        poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
        page.evaluate("window.__sameDocument = true")
        node = page.get_attribute("#tebiki-wizard", "data-node")
        page.click(".tebiki-option >> nth=0")
        poll_until(page, "(n) => document.getElementById('tebiki-wizard').dataset.node !== n",
                   node)
        assert page.evaluate("window.__sameDocument") is True  # answered in the frame's page
        assert "/en/embed/clinic/" in page.url
        assert any("/_tebiki/micropython-" in u and u.endswith(".wasm") for u in fetched)
    finally:
        context.close()


@pytest.mark.browser
def test_the_engine_answers_in_spanish(browser, hosted_three):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(hosted_three + "es/wizard/clinic/")
        poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
        while page.get_attribute("#tebiki-wizard", "data-state") == "question":
            node = page.get_attribute("#tebiki-wizard", "data-node")
            page.click(".tebiki-option >> nth=0")
            poll_until(page, "(n) => document.getElementById('tebiki-wizard').dataset.node"
                             " !== n", node)
        assert page.evaluate("history.state && history.state.tebiki") is not None
        assert page.evaluate("document.documentElement.lang") == "es"
        assert re.search(r"[ñáéíóú¿]", page.inner_text("#tebiki-wizard"))
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(PREFIXES))
def test_every_path_on_micropython_draws_the_static_pages(browser, hosted_three, lang):
    """The real wizard (MkDocs pages, the page script, the worker on MicroPython) walked
    by clicks along every path, in each language: each state the engine draws in the
    page is the static page at its URL, Spanish included (the parity tests cover ja
    and en in Node)."""
    languages = site_config.load(FIXTURE / "mkdocs.yml").languages
    trees = load_bundle(FIXTURE / "decision_trees", languages=languages).trees
    context = browser.new_context()
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda e: errors.append(e))
    try:
        checked = 0
        moment = moment_all_in_force(trees)
        for tid, tree in sorted(trees.items()):
            start = f"/{PREFIXES[lang]}wizard/{tid}/"
            start_enhanced(page, hosted_three.rstrip("/") + start, moment)
            assert page.evaluate("document.documentElement.lang") == lang
            for path in engine.iter_paths(tree):
                checked += walk_and_compare(page, start, [o for _q, o in path["answers"]])
        assert checked > 5 and not errors, errors
    finally:
        context.close()
