"""The printed handbook: one A4 PDF per language, read back with pypdf.

The PDFs are printed once per session (`tebiki handbook`, in a subprocess: it
runs its own Playwright). A person at a counter prints these pages and hands
them over, so the tests look for what that person needs: the phone number to
stop a card, the four PINs, every outcome of every guide, tick boxes, page
numbers that match, fonts that print the same everywhere, and nothing that
only makes sense on a screen.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from tebiki.core.render import plain
from tebiki.handbook import compose as handbook
from tebiki.handbook import pdf as handbook_pdf
from tebiki.handbook import printer

from ..conftest import EPOCH, LANGS, ROOT, SITE

HOTLINE = "0120-95-0178"
A4 = (595.3, 841.9)  # points
SCREEN_ONLY = ("click", "クリック", "{{", "{%", "{#", "#-#", "**", "](")
SCREEN_LABELS = ("start-wizard", "start-again", "search-label", "search-button", "back")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def printed(site) -> Path:
    """Both PDFs, as the session's build of the site printed them."""
    return site / "downloads"


@cache
def _reader(path: Path) -> PdfReader:
    return PdfReader(path)


@cache
def _pages(path: Path) -> tuple:
    return tuple(page.extract_text() for page in _reader(path).pages)


def pdf(printed: Path, lang: str) -> PdfReader:
    return _reader(printed / f"tebiki-handbook-{lang}.pdf")


def pages(printed: Path, lang: str) -> tuple:
    return _pages(printed / f"tebiki-handbook-{lang}.pdf")


def squeeze(text: str) -> str:
    """Text without any white space: lines wrap anywhere in Japanese, and in long names."""
    return re.sub(r"\s+", "", text)


def outline(reader: PdfReader, items=None, depth: int = 0) -> list:
    """(depth, title, page from 1) of every bookmark, in order."""
    out: list = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out.extend(outline(reader, item, depth + 1))
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    return out


# --- the files --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_one_a4_pdf_per_language_with_a_sane_page_count(printed, lang):
    reader = pdf(printed, lang)
    assert 20 <= len(reader.pages) <= 150, len(reader.pages)
    for page in reader.pages:  # A4, portrait, or landscape for a flow picture
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(size[0] - A4[0]) < 1 and abs(size[1] - A4[1]) < 1


def _landscape(reader: PdfReader) -> list:
    return [page for page in reader.pages
            if float(page.mediabox.width) > float(page.mediabox.height)]


FOOTER_TOP = 12 * 72 / 25.4  # the flow page's bottom margin, where the footer is


def _text_sizes(page) -> list:
    """(text, size in points as printed) of every piece of text on a page above its
    footer (the same small line on every page)."""
    found = []

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and y > FOOTER_TOP:
            scale = (abs(tm[0] * cm[0] + tm[1] * cm[2]) ** 2
                     + abs(tm[0] * cm[1] + tm[1] * cm[3]) ** 2) ** 0.5
            found.append((text, size * scale))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_each_guide_prints_its_whole_flow_on_a_readable_page(printed, lang, bundle):
    """A landscape A4 page per tree: every question and outcome of its flow, no text
    under 8 pt (the largest tree is the one that has to shrink most)."""
    pages_ = _landscape(pdf(printed, lang))
    assert len(pages_) == len(bundle.trees)
    for tree in bundle.trees.values():
        title = squeeze(bundle.labels["handbook-flow-title"][lang].replace(
            "{title}", plain(tree["title"][lang])))
        (page,) = [p for p in pages_ if title in squeeze(p.extract_text())]
        text = squeeze(page.extract_text())
        for question in tree["questions"].values():
            assert squeeze(plain(question["text"][lang])) in text, question["text"][lang]
        for outcome in tree["outcomes"].values():
            assert squeeze(plain(outcome["title"][lang])) in text, outcome["title"][lang]
        sizes = _text_sizes(page)
        smallest = min(sizes, key=lambda s: s[1])
        assert smallest[1] >= 8, (tree["id"], smallest)


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_comes_from_the_build_not_the_clock(printed, lang, bundle):
    reader = pdf(printed, lang)
    meta = reader.metadata
    assert meta["/Title"] == bundle.labels["handbook-title"][lang]
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20261201000000+00'00'"
    ids = reader.trailer["/ID"]
    # pypdf reads an ID whose bytes happen to decode as text as a text string
    raw = getattr(ids[0], "original_bytes", None) or bytes(ids[0])
    assert len(ids) == 2 and ids[0] == ids[1] and len(raw) == 16
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged


@pytest.mark.parametrize("lang", LANGS)
def test_every_font_is_embedded(printed, lang):
    """Real fonts (TrueType or CFF files inside), never Type 3 pictures of glyphs."""
    seen = set()
    for page in pdf(printed, lang).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            assert font["/Subtype"] == "/Type0", f"{font.get('/BaseFont')}: {font['/Subtype']}"
            for descendant in font["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
            seen.add(str(font["/BaseFont"]).split("+")[-1])
    assert any("NotoSansCJKjp" in name for name in seen), seen


# --- what it says ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_key_facts_are_there_in_the_right_language(printed, lang, bundle):
    text = squeeze("\n".join(pages(printed, lang)))
    other = "en" if lang == "ja" else "ja"
    assert HOTLINE in text
    assert HOTLINE in pages(printed, lang)[0]  # on the cover
    for pin in bundle.records["pins"].values():
        assert squeeze(pin["name"][lang]) in text, pin["name"][lang]
    for tree in bundle.trees.values():
        assert squeeze(plain(tree["title"][lang])) in text
        assert squeeze(plain(tree["title"][other])) not in text
        for outcome in tree["outcomes"].values():
            assert squeeze(plain(outcome["title"][lang])) in text, outcome["title"][lang]
            assert squeeze(plain(outcome["title"][other])) not in text


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_that_only_makes_sense_on_a_screen(printed, lang, bundle):
    text = "\n".join(pages(printed, lang))
    for marker in SCREEN_ONLY:
        assert marker not in text.lower(), marker
    for lid in SCREEN_LABELS:  # buttons and links of the site, each on a line of its own
        word = bundle.labels[lid][lang]
        assert not re.search(rf"^\s*{re.escape(word)}\s*$", text, re.M), f"{lid}: {word}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_source_is_printed_with_its_address_and_date(printed, lang, bundle):
    reader = pdf(printed, lang)
    title, start = [(t, p) for depth, t, p in outline(reader) if depth == 0][-1]
    assert title == bundle.labels["handbook-sources"][lang]
    last = squeeze("\n".join(pages(printed, lang)[start - 1:]))
    for source in bundle.records["sources"].values():
        assert squeeze(source["url"]) in last, source["url"]
        assert squeeze(plain(source["title"][lang])) in last
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", last)) == {
        s["reviewed"] for s in bundle.records["sources"].values()}


# --- finding your way: outline, contents, page numbers -------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_outline_lists_every_guide_and_outcome(printed, lang, bundle):
    marks = outline(pdf(printed, lang))
    top = [title for depth, title, _page in marks if depth == 0]
    assert top[0] == bundle.labels["handbook-title"][lang]
    for tree in bundle.trees.values():
        assert plain(tree["title"][lang]) in top
        for outcome in tree["outcomes"].values():
            assert any(title == plain(outcome["title"][lang]) for _d, title, _p in marks)
    assert max(depth for depth, _t, _p in marks) <= handbook_pdf.OUTLINE_DEPTH - 1
    for _depth, title, _page in marks:
        half = len(title) // 2
        assert not (half and title == title[:half] * 2), title


@pytest.mark.parametrize("lang", LANGS)
def test_the_contents_page_gives_the_right_page_numbers(printed, lang, bundle):
    reader = pdf(printed, lang)
    chapters = [(title, page) for depth, title, page in outline(reader) if depth == 0][2:]
    assert len(chapters) == len(SITE.handbook) + 1  # and the sources
    # the contents run from page 2 to the page before the first chapter
    contents = squeeze("".join(pages(printed, lang)[1:chapters[0][1] - 1]))
    assert squeeze(bundle.labels["handbook-contents"][lang]) in contents
    for title, page in chapters:
        assert f"{squeeze(title)}{page}" in contents, (title, page)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_its_number(printed, lang):
    texts = pages(printed, lang)
    for n, text in enumerate(texts, 1):
        assert re.search(rf"(?<!\d){n} / {len(texts)}\s*$", text), (n, text[-80:])


@pytest.mark.parametrize("lang", LANGS)
def test_page_one_renders_for_review(printed, lang, tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / f"handbook-{lang}-page1"
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
                    str(printed / f"tebiki-handbook-{lang}.pdf"), str(out)], check=True,
                   timeout=60)
    png = out.with_suffix(".png")
    assert png.stat().st_size > 10_000
    print(f"page 1 ({lang}): {png}")


# --- the print HTML (no browser) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def documents(bundle) -> dict:
    return handbook.compose_all(bundle, SITE, epoch=EPOCH)


@pytest.mark.parametrize("lang", LANGS)
def test_links_point_into_the_handbook_or_print_their_address(documents, lang):
    html = documents[lang].html
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert len(ids) == len(re.findall(r'\sid="([^"]+)"', html)), "duplicate ids"
    for href in re.findall(r'\shref="([^"]*)"', html):
        if href.startswith("#"):
            assert href[1:] in ids, href
        else:
            assert href.startswith(("https://", "http://", "tel:")), href
    for target in re.findall(r'data-target="([^"]+)"', html):
        assert target in ids, target
    assert "<input" not in html and "<form" not in html and "<script" not in html
    assert "<label" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_every_checklist_item_has_a_box_to_tick(documents, lang):
    html = documents[lang].html
    items = html.count('class="tebiki-checklist__item"')
    assert items > 20
    assert html.count('class="hb-box"') == items


def test_paper_and_web_share_one_table_of_macros(bundle):
    """Every macro a content page may call renders on paper too: the table is one."""
    from tebiki.render import macros
    from tebiki.site.plugin import _Web

    composer = handbook.Composer(bundle, "ja", SITE, built=dt.date(2026, 12, 1))
    web = macros.table(lambda: None, lambda: _Web(None))
    assert set(composer.macros) == set(web) and len(web) > 15
    medium = [n for n in dir(macros.Medium) if not n.startswith("_")]
    for name in medium:  # the print side answers every question the table asks
        assert hasattr(composer, name) and hasattr(_Web, name), name


def test_a_page_that_names_a_missing_tree_fails_with_its_name(bundle, tmp_path):
    pages = tmp_path / "content"
    shutil.copytree(ROOT / "content", pages)
    page = pages / "faq.ja.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n{{ tree_title("no-such-tree") }}\n',
                    encoding="utf-8")
    with pytest.raises(handbook.HandbookError, match=r"faq\.ja\.md.*no-such-tree"):
        handbook.compose_all(bundle, replace(SITE, docs_dir=pages), epoch=EPOCH,
                             languages=["ja"])


def test_a_page_cannot_reach_past_the_macros(bundle, tmp_path):
    """The content pages are Jinja in a sandbox on paper: a page may call the macros,
    not walk into Python."""
    pages = tmp_path / "content"
    shutil.copytree(ROOT / "content", pages)
    page = pages / "faq.ja.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + "\n{{ tree_title.__globals__['__builtins__'] }}\n", encoding="utf-8")
    with pytest.raises(handbook.HandbookError, match=r"unsafe|not safely|SecurityError"):
        handbook.compose_all(bundle, replace(SITE, docs_dir=pages), epoch=EPOCH,
                             languages=["ja"])


def test_the_print_page_fetches_nothing_a_text_names(browser):
    """Content is data: were a text to reach the print page as an image, a stylesheet or
    a frame, printing must not fetch it from the build host (Chromium asks; the request
    is aborted, and the page's own policy forbids it too)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    hits: list = []

    class Probe(SimpleHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_error(404)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Probe, directory="."))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    probe = f"http://127.0.0.1:{httpd.server_port}"
    html = (f'<h1 id="t">Title</h1><img src="{probe}/image.png"><iframe src="{probe}/frame">'
            f'</iframe><link rel="stylesheet" href="{probe}/style.css">'
            f'<p style="background:url({probe}/background.png)">text</p>')
    doc = handbook.Document("en", "Title", html, "<span></span>", [])
    page = browser.new_page()
    blocked: list = []
    try:
        printer.offline(page, blocked)
        pdf_bytes = printer.print_pdf(page, doc, {400: "", 700: ""})
    finally:
        page.close()
        httpd.shutdown()
        httpd.server_close()
    assert pdf_bytes.startswith(b"%PDF")
    assert hits == [], hits
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"',
                       printer.html_document(doc, ""))[1]
    assert "default-src 'none'" in policy and "script-src" not in policy
