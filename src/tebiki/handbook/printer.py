"""Printing the handbook: Debian's Chromium through Playwright, offline.

Each language is printed on its own (`page.pdf` with outline, tagged, a footer
with page numbers); the font is the local Noto Sans CJK JP made embeddable
(tebiki.handbook.fonts). Page numbers in the contents and cross references
come from the PDF itself: Chromium writes a named destination for every link
target, so the page of each is read back, filled in, and the document printed
again until they agree (two prints in practice). The print page makes no
request: its own policy allows inline styles and data URLs only, and every
request it would make is aborted.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tebiki.handbook import fonts as print_font
from tebiki.handbook.compose import Document, HandbookError, compose_all
from tebiki.handbook.paper import headings
from tebiki.handbook.pdf import normalise
from tebiki.render.templates import page_html, part, policy, style
from tebiki.site.config import SiteConfig
from tebiki.site.procs import die_with_parent

STYLESHEET = Path(__file__).with_name("handbook.css")
FILE_NAME = "tebiki-handbook-{lang}.pdf"
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "17mm", "right": "17mm"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--font-render-hinting=none"]


@dataclass
class Printed:
    """One PDF written: what the site's download links say about it."""

    lang: str
    name: str
    pages: int
    size: int
    seconds: float


# The print page may use its own inline styles and the fonts and images inlined as
# data URLs, and nothing else: no script, no request (the printing browser also aborts
# every request, see `print_pdf`).
PRINT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:"


def html_document(doc: Document, fonts: str) -> str:
    css = STYLESHEET.read_text(encoding="utf-8")
    return str(part("print.html", "document", lang=doc.lang, policy=policy(PRINT_POLICY),
                    title=doc.title, styles=style(f"{fonts}\n{css}"), body=page_html(doc.html)))


def footer_template(doc: Document, fonts: str) -> str:
    return str(part("print.html", "footer", fonts=style(fonts), footer=page_html(doc.footer)))


FILL_PAGES = """(pages) => {
  for (const el of document.querySelectorAll('.hb-page')) {
    el.textContent = String(pages[el.dataset.target]);
  }
}"""


def chromium() -> str:
    path = os.environ.get("TEBIKI_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise HandbookError("Chromium is not installed: run `make system` (Debian's chromium "
                            "package), or set TEBIKI_CHROMIUM to its path")
    return path


def target_pages(pdf: bytes, targets: list) -> dict:
    """The page (from 1) of each link target, from the PDF's named destinations."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    dests = {name.lstrip("/"): reader.get_destination_page_number(d) + 1
             for name, d in reader.named_destinations.items()}
    missing = [t for t in targets if t not in dests]
    if missing:
        raise HandbookError(f"Chromium wrote no destination for {', '.join(missing[:5])}")
    return {t: dests[t] for t in targets}


def print_pdf(page, doc: Document, faces: dict) -> bytes:
    """Print, then fill in page numbers and print again until they no longer change.

    `faces` are the @font-face rules by weight (`print_font`). The page is printed
    offline: every request it would make is aborted (see `offline`)."""
    page.set_content(html_document(doc, "\n".join(faces.values())), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
    options = {"format": "A4", "outline": True, "tagged": True, "print_background": True,
               "margin": MARGIN}
    # The footer is a document of its own, drawn on every page. It gets the regular face
    # with the very same data URL as the page (a different one would not load in time and
    # Chromium would fall back to a system font). It changes no page break, so the first
    # print, only for the page numbers, goes without it (it costs a second per print).
    footer = {"display_header_footer": True, "header_template": str(part("print.html", "header")),
              "footer_template": footer_template(doc, faces[400])}
    known: dict | None = None
    for n in range(5):
        pdf = page.pdf(**options, **(footer if n else {}))
        found = target_pages(pdf, doc.targets)
        if found == known:
            return pdf
        page.evaluate(FILL_PAGES, found)
        known = found
    raise HandbookError("the page numbers did not settle after five prints")


def offline(page, blocked: list) -> None:
    """Abort every request of `page` (its document is set from a string, fonts and
    images are data URLs), noting each URL in `blocked`: a content text can name an
    address, and printing must never fetch it from the build host."""

    def abort(route) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.route("**/*", abort)


def make_handbooks(bundle, site: SiteConfig, out: Path, *, epoch: int,
                   languages: list[str] | None = None) -> dict:
    """Write one PDF per language of the site (or of `languages`) into `out`;
    {lang: Printed}. `epoch` (SOURCE_DATE_EPOCH) gives the dates printed and written.

    Every PDF is made before any is written, and each is swapped in by a rename:
    a failure leaves the files already in `out` as they were.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    docs = compose_all(bundle, site, epoch=epoch, languages=languages)
    made: dict = {}
    blocked: list = []  # requests the print pages tried to make (all aborted)
    # The fonts are cut in worker processes (pure Python, a second or two each) while
    # Chromium starts and prints; they are started before Playwright starts its threads.
    # The workers die with this process, should it be killed (src/tebiki/procs.py).
    workers = ProcessPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)),
                                  initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        fonts = {(lang, weight): workers.submit(print_font.subset_task, style, doc.html)
                 for lang, doc in docs.items() for weight, style in print_font.WEIGHTS.items()}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            try:
                for lang, doc in docs.items():
                    faces = {}
                    seconds = 0.0
                    for weight in print_font.WEIGHTS:
                        data, took = fonts[lang, weight].result()
                        faces[weight] = print_font.font_face(weight, data)
                        seconds += took
                    started = time.perf_counter()
                    page = browser.new_page()
                    offline(page, blocked)
                    pdf = print_pdf(page, doc, faces)
                    page.close()
                    data, count = normalise(pdf, title=doc.title, lang=lang, epoch=epoch,
                                            headings=[t for _l, _i, t in headings(doc.html)])
                    seconds += time.perf_counter() - started
                    made[lang] = (data, Printed(lang, FILE_NAME.format(lang=lang), count,
                                                len(data), seconds))
            finally:
                browser.close()
    except PlaywrightError as exc:
        # Playwright's message is its whole launch log: one line here, the log for -v.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        error = HandbookError(f"Chromium failed: {first} (is {chromium()} a working "
                              "Chromium? set TEBIKI_CHROMIUM to one)")
        error.details = str(exc)
        raise error from exc
    except print_font.FontError as exc:
        raise HandbookError(str(exc)) from exc
    finally:
        workers.shutdown(cancel_futures=True)
        if blocked:
            shown = ", ".join(sorted(set(blocked))[:3])
            print(f"handbook: the print pages asked for {len(blocked)} address(es), none "
                  f"fetched: {shown}", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    staged = []
    try:
        for data, printed in made.values():
            temp = out / f".{printed.name}.tmp"
            temp.write_bytes(data)
            staged.append((temp, out / printed.name))
        for temp, final in staged:
            temp.replace(final)
    finally:
        for temp, _final in staged:
            temp.unlink(missing_ok=True)
    return {lang: printed for lang, (_data, printed) in made.items()}
