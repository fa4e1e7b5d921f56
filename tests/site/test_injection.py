"""Content is data, never code: the injection corpus built and opened in Chromium.

Every text of the repository's content (trees, records, labels) carries every
payload of `tests/support/injection.py`. The site and the handbook are built from
it once; then each kind of page is opened in both languages, as the static page
and after the in-browser engine has redrawn it, and nothing of the payloads may
act: no dialog, no injected element or attribute, no request to the probe
server, no template run at build time. The payloads must still be there, shown
as text: escaped, not dropped.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from ..conftest import poll_until
from ..support.injection import BLOCK_RAN, JINJA_RAN, inject, payload
from .conftest import CONTENT, build
from .test_browser import page_types

pytestmark = pytest.mark.browser

PREFIX = {"ja": "", "en": "en/"}
SHOWN = '<script data-xss>alert("xss-script")</script>'  # as a reader sees the text


class _Probe(SimpleHTTPRequestHandler):
    """Counts every request: nothing of the built site or its build may reach it."""

    hits: ClassVar[list] = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_error(404)

    def log_message(self, *args):
        pass


class _Site(SimpleHTTPRequestHandler):
    """The built site, with its own 404 page for addresses it does not have."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def log_message(self, *args):
        pass


def _serve(handler) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}/"


@pytest.fixture(scope="module")
def probe():
    _Probe.hits = []
    httpd, url = _serve(_Probe)
    yield url, _Probe.hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def injected(tmp_path_factory, probe):
    """The corpus, `tebiki check` of it, and the whole site built from it (handbook and
    search included), with the probe server listening throughout."""
    work = tmp_path_factory.mktemp("injected")
    marker = work / "a-template-ran"
    texts = inject(CONTENT, work / "decision_trees", payload(marker, probe[0]))
    assert texts > 300  # every text of the guide carries the payloads
    result = build(work / "site", work / "decision_trees")
    return {"site": work / "site", "marker": marker, "build": result}


@pytest.fixture(scope="module")
def served(injected):
    handler = functools.partial(_Site, directory=str(injected["site"]))
    httpd, url = _serve(handler)
    yield url
    httpd.shutdown()
    httpd.server_close()


def test_check_accepts_the_corpus_and_it_builds(injected):
    result = injected["build"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_the_build_ran_no_template_from_content(injected):
    assert not injected["marker"].exists()
    for page in injected["site"].rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert JINJA_RAN not in text and BLOCK_RAN not in text, page


def test_no_payload_reaches_a_page_head_as_markup(injected):
    """Titles and meta descriptions are made from content: text in the head, never tags."""
    for page in injected["site"].rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        head = text[:text.find("</head>")]
        assert "<script data-xss" not in head and "<img data-xss" not in head, page
        assert head.count('<meta name="description"') <= 1, page


def test_the_handbook_shows_the_payloads_as_text_and_fetched_nothing(injected, probe):
    from pypdf import PdfReader

    for lang in ("ja", "en"):
        pdf = injected["site"] / "downloads" / f"tebiki-handbook-{lang}.pdf"
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages[:12])
        assert "<script data-xss>" in text, lang
        assert JINJA_RAN not in text and BLOCK_RAN not in text
    assert probe[1] == [], "the build fetched an address named in content"


CHECK = """(probe) => ({
  injected: document.querySelectorAll('[data-xss]').length,
  javascript: document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i]').length,
  attributes: !!document.getElementById('xss-attr')
    || document.querySelectorAll('[style*="position:fixed" i]').length,
  headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter((h) => h.textContent.trim() === 'xss-heading').length,
  images: [...document.querySelectorAll('img, source')]
    .filter((i) => (i.src || i.srcset || '').startsWith(probe)).length,
  templates: document.documentElement.innerHTML.includes('tebiki-jinja-ran'),
  shown: document.body.innerText.includes('<script data-xss>'),
})"""


def _pages(bundle) -> dict:
    """One address of each kind of page (without the language prefix)."""
    return {
        "home": "",
        "guide": "guide/pin-reset/",
        "pins": "pins/",
        "faq": "faq/",
        "question": "wizard/pin-reset/",
        "outcome": page_types(bundle)["outcome"],
        "embed state": "embed/pin-reset/",
        "webmasters": "embed/",
        "search": "search/",
        "not found": "no-such-page/",
    }


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_payload_acts_on_any_page_type(browser, served, probe, site_bundle, lang):
    context = browser.new_context()
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    found = {}
    try:
        for kind, path in _pages(site_bundle).items():
            page.goto(served + PREFIX[lang] + path, wait_until="load")
            found[kind] = page.evaluate(CHECK, probe[0])
            if kind in ("question", "outcome", "embed state"):
                # the same page once the engine has drawn it, then a step in the page
                poll_until(page, "document.documentElement.dataset.tebiki === 'ready'")
                # a step: an option of a question, or changing an outcome's last answer
                page.click(".tebiki-option >> nth=0" if kind != "outcome"
                           else ".tebiki-answers__change a >> nth=-1")
                poll_until(page, "history.state && history.state.tebiki")
                found[kind + " (engine)"] = page.evaluate(CHECK, probe[0])
            if kind == "search":
                page.fill("#tebiki-search-input", "alert")
                page.press("#tebiki-search-input", "Enter")
                poll_until(page, "document.querySelectorAll('#tebiki-search-results a').length")
                found["search results"] = page.evaluate(CHECK, probe[0])
    finally:
        context.close()
    for kind, seen in found.items():
        assert seen["injected"] == 0, (kind, seen)
        assert seen["javascript"] == 0, (kind, seen)
        assert not seen["attributes"], (kind, seen)
        assert seen["headings"] == 0, (kind, seen)
        assert seen["images"] == 0, (kind, seen)
        assert not seen["templates"], (kind, seen)
    # escaped, not dropped: the reader sees what the text says
    assert all(found[k]["shown"] for k in ("guide", "question", "outcome (engine)",
                                            "embed state", "not found")), found
    assert dialogs == [], dialogs
    assert probe[1] == [], probe[1]
    assert not errors, errors


def test_the_handbook_title_is_text_not_markup(injected):
    from pypdf import PdfReader

    title = PdfReader(injected["site"] / "downloads" / "tebiki-handbook-en.pdf").metadata["/Title"]
    assert "<script data-xss>" in title and "&lt;" not in title


def test_the_flow_pictures_show_the_payloads_as_text(injected):
    """Titles, questions and answers are drawn into the SVG files the site serves: there
    they are text of <text> elements, never elements or attributes of their own."""
    import xml.etree.ElementTree as ET

    from tebiki.render import graph

    svg = "{http://www.w3.org/2000/svg}"
    pictures = sorted(injected["site"].rglob("flow.svg"))
    assert pictures
    for path in pictures:
        root = ET.fromstring(path.read_text(encoding="utf-8"))
        assert {e.tag.replace(svg, "") for e in root.iter()} <= set(graph.ALLOWED), path
        assert not [name for e in root.iter() for name in e.attrib
                    if "href" in name or name.startswith("on") or name == "style"], path
        text = "".join(t.text or "" for t in root.iter(svg + "text"))
        assert "<script" in text and "xss-img" in text, path  # shown, as text
        assert JINJA_RAN not in text and BLOCK_RAN not in text
