"""The printed handbook: one A4 PDF per language, printed by Chromium.

    tebiki handbook --out DIR [--lang ja] [--lang en]

The handbook is the site's own pages laid out for paper, so it says what the
site says. The content pages (`content/<page>.<lang>.md`) go through Jinja and
Markdown as MkDocs does (the settings are read from mkdocs.yml), and the page
macros are the same `render_html` functions as in `macros/main.py`, made for
print:

- a wizard link becomes a cross reference to the guide's chapter with its page
  number; a guide's own start button is left out; a search box is left out;
- links between pages point into the handbook, with page numbers; links to
  other sites print their address after the title; phone numbers are text;
- tick boxes are drawn boxes, to tick with a pen.

Around them: a cover (the title, the date the content was last checked, the
home page's hotline box), a contents page with page numbers, and a last
chapter with every source and the day it was checked. Every word around the
content comes from `decision_trees/ui/handbook-labels.yaml`.

Printing: Debian's Chromium, through Playwright, prints each language on its
own (`page.pdf` with outline, tagged, a footer with page numbers); the font is
the local Noto Sans CJK JP made embeddable (see `print_font`). Page numbers
in the contents and cross references come from the PDF itself: Chromium
writes a named destination for every link target, so the page of each is
read back, filled in, and the document printed again until they agree (two
prints in practice). Then pypdf normalises the file: dates from
SOURCE_DATE_EPOCH, a file ID made from the content, the outline cut to three
levels. Two builds of the same commit give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import posixpath
import re
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tebiki.core.render import Words, esc, inline
from tebiki.load.content import DEFAULT_ROOT, Bundle, load_bundle
from tebiki.render import guide as render_html
from tebiki.site.procs import die_with_parent

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "mkdocs.yml"
STYLESHEET = Path(__file__).with_name("handbook.css")
LANGS = ("ja", "en")
HOME = "index.md"
# The chapters, in order: content pages by their path in content/ (without the language).
CHAPTERS = ("pins.md", "guide/pin-reset.md", "guide/pin-change.md", "guide/lost-card.md",
            "guide/which-pin.md", "guide/certificate-expired.md", "guide/lost-smartphone.md",
            "guide/damaged-card.md", "guide/period-of-stay.md", "guide/living-abroad.md",
            "safety.md", "faq.md")
DOWNLOADS = "downloads"
FILE_NAME = "tebiki-handbook-{lang}.pdf"
OUTLINE_DEPTH = 3
PLACEHOLDER = "00"
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "17mm", "right": "17mm"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--font-render-hinting=none"]
EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


class HandbookError(Exception):
    """The handbook could not be made (a page names something missing, no Chromium, ...)."""


@dataclass
class Printed:
    """One PDF written: what the site's download links say about it."""

    lang: str
    name: str
    pages: int
    size: int
    seconds: float


@dataclass
class Chapter:
    path: str
    anchor: str
    html: str = ""
    used: list = field(default_factory=list)


@dataclass
class Document:
    lang: str
    title: str
    html: str
    footer: str
    targets: list


# --- Jinja and Markdown as MkDocs has them ----------------------------------------------


@cache
def _site_config(config_file: Path) -> dict:
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, encoding="utf-8") as f:
        return yaml_load(f) or {}


def _jinja(config: dict):
    import jinja2

    macros: dict = {}
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "macros" in plugin:
            macros = plugin["macros"] or {}
    options = {k[3:]: v for k, v in macros.items() if k.startswith("j2_")}
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                              keep_trailing_newline=True, **options)


def _markdown(config: dict):
    import markdown

    names: list = []
    configs: dict = {}
    for item in config.get("markdown_extensions", []):
        if isinstance(item, dict):
            for name, conf in item.items():
                names.append(name)
                configs[name] = conf or {}
        else:
            names.append(item)
    for name in ("toc", "tables", "fenced_code"):  # MkDocs adds these to every build
        if name not in names:
            names.append(name)
    return markdown.Markdown(extensions=names, extension_configs=configs)


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def page_file(pages: Path, path: str, lang: str) -> Path:
    """'guide/pin-reset.md' in Japanese is content/guide/pin-reset.ja.md."""
    stem = path[:-len(".md")]
    return pages / f"{stem}.{lang}.md"


def chapter_anchor(path: str) -> str:
    return "ch-" + path[:-len(".md")].replace("/", "-")


def local_id(anchor: str, ident: str) -> str:
    """A chapter's own id made unique in the handbook (and plain ASCII, for PDF names)."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", ident):
        return f"{anchor}--{ident}"
    return f"{anchor}--u{hashlib.sha1(ident.encode()).hexdigest()[:10]}"


# --- one language's handbook as HTML ------------------------------------------------------


class Composer:
    """Builds the print HTML of one language from the content pages and the bundle."""

    def __init__(self, bundle: Bundle, lang: str, *, pages: Path = ROOT / "content",
                 config_file: Path = CONFIG, built: dt.date, site_url: str | None = None):
        self.bundle = bundle
        self.lang = lang
        self.words = Words(bundle.labels, lang)
        self.pages = pages
        config = _site_config(config_file.resolve())
        self.jinja = _jinja(config)
        self.md = _markdown(config)
        self.built = built
        self.site_url = site_url
        self.chapters = [Chapter(p, chapter_anchor(p)) for p in CHAPTERS]
        self.targets: list = []  # every anchor whose page number is printed

    # page numbers and links into the handbook

    def page_ref(self, anchor: str) -> str:
        if anchor not in self.targets:
            self.targets.append(anchor)
        return f'<span class="hb-page" data-target="@{esc(anchor)}">{PLACEHOLDER}</span>'

    def tree_anchor(self, tree_id: str) -> str | None:
        path = f"guide/{tree_id}.md"
        return chapter_anchor(path) if path in CHAPTERS else None

    def see_tree(self, tree_id: str, text: str | None = None) -> str:
        """A wizard link on paper: the guide's chapter and its page."""
        title = render_html.tree_text(self.bundle, tree_id, "title", self.lang)
        anchor = self.tree_anchor(tree_id)
        if anchor is None:
            return ""
        link = f'<a href="#@{anchor}">{title}</a>'
        if text:
            body = self.words.label("handbook-xref", text=inline(text), title=link,
                                    page=self.page_ref(anchor))
        else:
            body = self.words.label("handbook-see", title=link, page=self.page_ref(anchor))
        return f'<p class="hb-xref">{body}</p>'

    # the macros, for print (the same names and arguments as macros/main.py)

    def macros(self, used: list) -> dict:
        b, lang = self.bundle, self.lang

        def tree_guide(tree_id):
            return _drop_start_buttons(render_html.tree_guide(b, tree_id, lang, wizard_root="",
                                                              used=used))

        def outcome(tree_id, outcome_id, level=3):
            return render_html.outcome_section(b, tree_id, outcome_id, lang, level=level,
                                               used=used)

        def checklist(tree_id, outcome_id, answers=None):
            return render_html.outcome_checklist(b, tree_id, outcome_id, lang, used=used,
                                                 answers=answers)

        def pin_table(ids=None):
            return render_html.pin_table(b, lang, ids, used=used)

        def document_table(categories=None):
            return render_html.document_table(b, lang, categories, used=used)

        def hotline_box(ids, heading, level=2):
            return render_html.hotline_box(b, lang, ids, heading, level=level, used=used)

        def fact(path):
            return render_html.fact(b, path, lang, used=used)

        def tree_fact(tree_id, path):
            return render_html.tree_fact(b, tree_id, path, lang, used=used)

        def tree_title(tree_id):
            return render_html.tree_text(b, tree_id, "title", lang)

        def tree_summary(tree_id):
            return render_html.tree_text(b, tree_id, "summary", lang)

        def start_links(tree_ids):
            return render_html.block("".join(self.see_tree(t) for t in tree_ids))

        def wizard_link(tree_id, text=None):
            render_html.get_tree(b, tree_id)
            return render_html.block(self.see_tree(tree_id, text))

        def search_box():
            return ""

        def handbook_link():
            return ""

        def embed_snippets(tree_ids, way):  # code for web pages: not for paper
            return ""

        def embed_csp(way):
            return ""

        def page_sources():
            return self.sources_note(used)

        return {f.__name__: f for f in (
            tree_guide, outcome, checklist, pin_table, document_table, hotline_box, fact,
            tree_fact, tree_title, tree_summary, start_links, wizard_link, search_box,
            handbook_link, embed_snippets, embed_csp, page_sources)}

    def sources_note(self, used: list) -> str:
        """A chapter's sources on paper: who published them, and the oldest review date
        of what it showed (as `render_html.page_sources`); titles and addresses are in the
        last chapter."""
        if not used:
            return ""
        w = self.words
        ids: list = []
        for rec in used:
            for sid in rec.get("sources", []):
                if sid not in ids:
                    ids.append(sid)
        sources = [self.bundle.records["sources"][s] for s in ids]
        reviewed = min(r["reviewed"] for r in [*used, *sources])
        publishers: list = []
        for source in sources:
            name = w.text(source["publisher"])
            if name not in publishers:
                publishers.append(name)
        note = w.label("handbook-chapter-sources", publishers=w.join("list-join", publishers),
                       title=f'<a href="#@ch-sources">{w.label("handbook-sources")}</a>',
                       page=self.page_ref("ch-sources"))
        date = f'<time datetime="{esc(reviewed)}">{esc(reviewed)}</time>'
        return (render_html.md_heading(2, w.label("page-sources"), "page-sources")
                + render_html.block(
            f'<section class="tebiki-sources"><p>{note}</p>'
            f'<p class="tebiki-reviewed">{w.field(w.label("reviewed"), date)}</p></section>'))

    def render_page(self, path: str, used: list) -> str:
        """A content page as HTML, its macros rendered for print."""
        source = page_file(self.pages, path, self.lang)
        try:
            text = _FRONT_MATTER.sub("", source.read_text(encoding="utf-8"))
            expanded = self.jinja.from_string(text).render(**self.macros(used))
        except OSError as exc:
            raise HandbookError(f"{source}: cannot read it ({exc.strerror})") from exc
        except Exception as exc:  # a macro naming something missing, a template error
            raise HandbookError(f"{source}: {type(exc).__name__}: {exc}") from exc
        self.md.reset()
        return self.md.convert(expanded)

    def for_print(self, html: str, path: str, anchor: str) -> str:
        """Links, ids and tick boxes of one rendered page, made for paper."""
        html = _print_links(html, path, self)
        html = _local_ids(html, anchor)
        html = _tick_boxes(html)
        return _wrap_blocks(html)

    # the parts of the handbook

    def compose(self) -> Document:
        for chapter in self.chapters:
            body = self.render_page(chapter.path, chapter.used)
            chapter.html = self.for_print(body, chapter.path, chapter.anchor)
        targets = list(self.targets)  # only the home page's hotline box is used
        home = self.for_print(self.render_page(HOME, []), HOME, "cover")
        self.targets = targets
        title = self.words.label_plain("handbook-title")  # text: the <title>, the PDF's /Title
        body = [self.cover(home), self.contents(), *(
            f'<section class="hb-chapter" id="{c.anchor}">{c.html}</section>'
            for c in self.chapters), self.sources()]
        html = "".join(body).replace('="#@', '="#').replace('data-target="@', 'data-target="')
        return Document(self.lang, title, html, self.footer(), list(self.targets))

    def content_date(self) -> str:
        """The newest review date of any tree or record: the day the content was checked."""
        dates = [t["reviewed"] for t in self.bundle.trees.values()]
        dates += [r["reviewed"] for kind in self.bundle.records.values() for r in kind.values()]
        return max(dates)

    def long_date(self, iso: str) -> str:
        year, month, day = (int(x) for x in iso.split("-"))
        return self.words.label("handbook-date", y=str(year), m=str(month), d=str(day),
                                month=self.words.label(f"month-{month}"))

    def cover(self, home: str) -> str:
        w = self.words
        hotline = _first_section(home, "tebiki-hotline")
        checked = w.label("handbook-checked", date=self.long_date(self.content_date()))
        made = w.label("handbook-made", date=self.long_date(self.built.isoformat()))
        lines = [f'<p class="hb-checked">{checked}</p>', f'<p class="hb-made">{made}</p>']
        if self.site_url:
            url = self.site_url.rstrip("/") + "/"
            url += "" if self.lang == LANGS[0] else self.lang + "/"
            online = w.label("handbook-online", url=_url_text(url))
            lines.append(f'<p class="hb-online">{online}</p>')
        how = (f'<section class="hb-how"><h2 id="cover--how">{w.label("handbook-how")}</h2><ul>'
               f'<li>{w.label("handbook-how-flow")}</li><li>{w.label("handbook-how-check")}</li>'
               '</ul></section>')
        return ('<section class="hb-cover" id="cover">'
                f'<p class="hb-kicker">{w.label("handbook-kicker")}</p>'
                f'<h1 class="hb-title" id="cover--title">{w.label("handbook-title")}</h1>'
                f'<p class="hb-intro">{w.label("handbook-intro")}</p>'
                f'<div class="hb-dates">{"".join(lines)}</div>'
                f'{hotline}{how}</section>')

    def contents(self) -> str:
        items = []
        for chapter in self.chapters:
            heads = _headings(chapter.html)
            title = next((text for level, _i, text in heads if level == 1), chapter.path)
            subs = []
            for level, ident, text in heads:
                if level == 2 and not ident.endswith("--page-sources"):
                    subs.append(self._toc_line(ident, text, "hb-toc__section"))
                elif level == 3 and re.search(r"-o-[a-z0-9-]+$", ident):
                    subs.append(self._toc_line(ident, text, "hb-toc__outcome"))
            inner = f'<ol class="hb-toc__sub">{"".join(subs)}</ol>' if subs else ""
            items.append(self._toc_line(chapter.anchor, title, "hb-toc__chapter", inner))
        items.append(self._toc_line("ch-sources", self.words.label("handbook-sources"),
                                    "hb-toc__chapter"))
        return ('<section class="hb-contents" id="contents">'
                f'<h1 id="contents--title">{self.words.label("handbook-contents")}</h1>'
                f'<ol class="hb-toc">{"".join(items)}</ol></section>')

    def _toc_line(self, anchor: str, text: str, cls: str, inner: str = "") -> str:
        return (f'<li class="{cls}"><a class="hb-toc__line" href="#@{anchor}">'
                f'<span class="hb-toc__text">{text}</span><span class="hb-toc__dots"></span>'
                f'{self.page_ref(anchor)}</a>{inner}</li>')

    def sources(self) -> str:
        """Every source, in the order the chapters first name them, with its review date."""
        w = self.words
        order: list = []
        for chapter in self.chapters:
            for rec in chapter.used:
                for sid in rec.get("sources", []):
                    if sid not in order:
                        order.append(sid)
        records = self.bundle.records["sources"]
        order += [sid for sid in records if sid not in order]
        rows = []
        for sid in order:
            s = records[sid]
            rows.append(f'<tr><td><span class="hb-source__title">{w.text(s["title"])}</span>'
                        f'<span class="hb-source__publisher">{w.text(s["publisher"])}</span>'
                        f'<span class="hb-url">{_url_text(s["url"])}</span></td>'
                        f'<td class="hb-source__date"><time datetime="{esc(s["reviewed"])}">'
                        f'{esc(s["reviewed"])}</time></td></tr>')
        return ('<section class="hb-chapter hb-sources" id="ch-sources">'
                f'<h1 id="ch-sources--title">{w.label("handbook-sources")}</h1>'
                f'<p>{w.label("handbook-sources-intro")}</p>'
                '<table class="hb-sources-table"><thead><tr>'
                f'<th scope="col">{w.label("handbook-source")}</th>'
                f'<th scope="col">{w.label("handbook-source-reviewed")}</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></section>')

    def footer(self) -> str:
        w = self.words
        left = w.label("handbook-footer", title=w.label("handbook-title"),
                       date=self.long_date(self.content_date()))
        right = w.label("handbook-page-of", page='<span class="pageNumber"></span>',
                        pages='<span class="totalPages"></span>')
        return (f'<div class="hb-footer"><span>{left}</span><span>{right}</span></div>')


def _outline_title(title: str, written: dict) -> str:
    """A bookmark's title as the heading is written. Chromium titles a heading that
    wraps with its lines run together ("no" + "longer" as "nolonger"), and repeats
    the part of one that breaks to the next page; `written` maps each heading of the
    document, without white space, to its text."""
    title = _undoubled(title)
    return written.get(re.sub(r"\s+", "", title), title)


def _undoubled(title: str) -> str:
    """A heading's outline title as written: Chromium repeats the part of a heading
    before a page or line break ("目次目次", "電子証明書の有効期限が切れた（正し電子証明書の…"),
    so a title that starts with a piece of itself loses that first piece."""
    for cut in range(len(title) // 2, 1, -1):
        if title[cut:].startswith(title[:cut]):
            return title[cut:]
    return title


def _drop_start_buttons(markdown_html: str) -> str:
    return re.sub(r'<p class="tebiki-start">.*?</p>', "", markdown_html, flags=re.S)


_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF = re.compile(r'\shref="([^"]*)"')


def _url_text(url: str) -> str:
    """An address printed in full, with break chances after its slashes."""
    return "<wbr>".join(esc(part) for part in re.split(r"(?<=[/?&=.])(?=[^/])", url))


def _print_links(html: str, path: str, composer: Composer) -> str:
    """Links for paper: into the handbook with a page number, or printed out in full."""

    def link(match: re.Match) -> str:
        attrs, text = match.groups()
        found = _HREF.search(attrs)
        href = found.group(1) if found else ""
        if href.startswith(("#", "tel:")):
            return match.group(0)
        if href.startswith(("http://", "https://")):
            return f'{match.group(0)} <span class="hb-url">{_url_text(href)}</span>'
        target, _, fragment = href.partition("#")
        if target.endswith(".md"):
            page = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if page in CHAPTERS:
                anchor = chapter_anchor(page)
                if fragment:
                    anchor = local_id(anchor, fragment)
                rest = _HREF.sub("", attrs)
                inner = f'<a href="#@{anchor}"{rest}>{text}</a>'
                return composer.words.label("handbook-link-page", text=inner,
                                            page=composer.page_ref(anchor))
        return f'<span class="hb-link">{text}</span>'  # a page the handbook does not have

    return _LINK.sub(link, html)


_ID_ATTR = re.compile(r'(?<![\w-])(id|for|aria-labelledby|aria-describedby)="([^"]*)"')
_LOCAL_HREF = re.compile(r'href="#([^"@][^"]*)"')


def _local_ids(html: str, anchor: str) -> str:
    html = _ID_ATTR.sub(lambda m: f'{m.group(1)}="' + " ".join(
        local_id(anchor, i) for i in m.group(2).split()) + '"', html)
    return _LOCAL_HREF.sub(lambda m: f'href="#{local_id(anchor, m.group(1))}"', html)


def _tick_boxes(html: str) -> str:
    """Check boxes become boxes drawn on paper; their labels plain text."""
    html = re.sub(r'<input type="checkbox"[^>]*>', '<span class="hb-box" aria-hidden="true">'
                  '</span>', html)
    html = re.sub(r'<label for="[^"]*">', '<span class="hb-check-label">', html)
    return html.replace("</label>", "</span>")


def _wrap_blocks(html: str) -> str:
    """Each question and each outcome of a guide in a block that pages keep together."""
    out = []
    for part in re.split(r"(?=<h[1-3][ >])", html):
        match = re.match(r'<h3 id="[^"]*-([qo])-[a-z0-9-]+"', part)
        if match:
            kind = "hb-question" if match.group(1) == "q" else "hb-outcome"
            out.append(f'<section class="{kind}">{part}</section>')
        else:
            out.append(part)
    return "".join(out)


def _headings(html: str) -> list:
    """(level, id, text) of every h1-h3 with an id, in order."""
    found = []
    for m in re.finditer(r'<h([1-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', html, re.S):
        text = re.sub(r"<[^>]+>", "", m.group(3)).strip()
        found.append((int(m.group(1)), m.group(2), text))
    return found


def _first_section(html: str, cls: str) -> str:
    match = re.search(rf'<section class="{cls}".*?</section>', html, re.S)
    return match.group(0) if match else ""


# The print page may use its own inline styles and the fonts and images inlined as
# data URLs, and nothing else: no script, no request (the printing browser also aborts
# every request, see `print_pdf`).
PRINT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:"


def html_document(doc: Document, fonts: str) -> str:
    css = STYLESHEET.read_text(encoding="utf-8")
    return (f'<!doctype html>\n<html lang="{doc.lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{PRINT_POLICY}">'
            f"<title>{esc(doc.title)}</title><style>{fonts}\n{css}</style></head>"
            f'<body>{doc.html}</body></html>\n')


def footer_template(doc: Document, fonts: str) -> str:
    return ("<style>" + fonts + """
.hb-footer { box-sizing: border-box; width: 100%; padding: 0 17mm; display: flex;
  justify-content: space-between; gap: 2em; font-family: "Tebiki Print", sans-serif;
  font-size: 7.5pt; color: #555; }
</style>""" + doc.footer)


# --- printing -----------------------------------------------------------------------------


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
    footer = {"display_header_footer": True, "header_template": "<span></span>",
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


def normalise(pdf: bytes, *, title: str, lang: str, epoch: int,
              headings: list | None = None) -> tuple[bytes, int]:
    """Fixed dates and ID, our metadata, the outline to three levels with the titles
    of `headings` (the document's own heading texts); (bytes, pages)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))
    producer = (reader.metadata or {}).get("/Producer", "Chromium")
    writer.metadata = {"/Title": title, "/Creator": "tebiki handbook (Chromium)",
                       "/Producer": str(producer), "/CreationDate": stamp, "/ModDate": stamp}
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    _prune_outline(writer, OUTLINE_DEPTH, headings or [])
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    # the file ID: a digest of what Chromium printed, without its clock
    printed = re.sub(rb"/(CreationDate|ModDate) *\([^)]*\)", b"", pdf)
    digest = ByteStringObject(hashlib.md5(printed + stamp.encode()).digest())
    writer._ID = ArrayObject([digest, digest])  # pypdf has no public setter
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(reader.pages)


def _prune_outline(writer, depth: int, headings: list) -> None:
    """Keep `depth` levels of bookmarks; chapters start closed.

    Chromium 156 writes the title of a heading that a page break moved to the next page
    twice ("目次目次"): such titles are halved.
    """
    from pypdf.generic import NameObject, NumberObject, TextStringObject

    root = writer.root_object.get("/Outlines")
    if root is None:
        return
    root = root.get_object()
    from html import unescape

    written = {re.sub(r"\s+", "", unescape(text)): unescape(text) for text in headings}

    def kids(node) -> list:
        out = []
        ref = node.get("/First")
        while ref is not None:
            item = ref.get_object()
            out.append(item)
            ref = item.get("/Next")
        return out

    def walk(node, level: int) -> None:
        children = kids(node)
        title = str(node.get("/Title", ""))
        fixed = _outline_title(title, written)
        if fixed != title:
            node[NameObject("/Title")] = TextStringObject(fixed)
        if level >= depth:
            for key in ("/First", "/Last", "/Count"):
                if key in node:
                    del node[key]
            return
        for child in children:
            walk(child, level + 1)
        if children:
            node[NameObject("/Count")] = NumberObject(len(children) if level == 0
                                                      else -len(children))

    walk(root, 0)


# --- the whole step -----------------------------------------------------------------------


def compose_all(bundle: Bundle, langs: Sequence[str], *, pages: Path | None = None,
                config_file: Path = CONFIG, epoch: int, site_url: str | None = None) -> dict:
    """The print HTML of each language; `pages` defaults to the site's docs_dir."""
    built = dt.datetime.fromtimestamp(epoch, dt.UTC).date()
    if pages is None:
        docs_dir = _site_config(config_file.resolve()).get("docs_dir", "docs")
        pages = config_file.resolve().parent / docs_dir
    return {lang: Composer(bundle, lang, pages=pages, config_file=config_file, built=built,
                           site_url=site_url).compose() for lang in langs}


def make_handbooks(bundle: Bundle, out: Path, langs: Sequence[str] = LANGS, *,
                   pages: Path | None = None, config_file: Path = CONFIG,
                   epoch: int | None = None,
                   site_url: str | None = None) -> dict:
    """Write one PDF per language into `out`; {lang: Printed}.

    Every PDF is made before any is written, and each is swapped in by a rename:
    a failure leaves the files already in `out` as they were.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from tebiki.handbook import fonts as print_font

    if epoch is None:
        from tebiki.site.build import source_date_epoch

        epoch = int(source_date_epoch(ROOT, DEFAULT_ROOT))
    if site_url is None:
        site_url = os.environ.get("TEBIKI_SITE_URL") or None
    docs = compose_all(bundle, langs, pages=pages, config_file=config_file, epoch=epoch,
                       site_url=site_url)
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
                                            headings=[t for _l, _i, t in _headings(doc.html)])
                    seconds += time.perf_counter() - started
                    made[lang] = (data, Printed(lang, FILE_NAME.format(lang=lang), count,
                                                len(data), seconds))
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise HandbookError(f"Chromium failed: {exc}") from exc
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


# --- the site's links to the PDFs ---------------------------------------------------------


def download_links(bundle: Bundle, lang: str, made: dict, *, site_root: str) -> str:
    """Links to the handbooks, this page's language first (empty when none were made)."""
    if not made:
        return ""
    words = Words(bundle.labels, lang)
    items = []
    for other in [lang, *sorted(lg for lg in made if lg != lang)]:
        printed = made.get(other)
        if printed is None:
            continue
        href = f"{site_root}{DOWNLOADS}/{printed.name}"
        meta = words.label("handbook-file", pages=str(printed.pages),
                           size=_size(printed.size, words))
        items.append(f'<li><a href="{esc(href)}" hreflang="{esc(other)}" '
                     f'type="application/pdf">{words.label("handbook-edition-" + other)}</a> '
                     f'<span class="tebiki-download__meta">{meta}</span></li>')
    return render_html.block(
        '<section class="tebiki-download" aria-labelledby="tebiki-download">'
        f'<h2 id="tebiki-download">{words.label("handbook-download")}</h2>'
        f'<p>{words.label("handbook-download-text")}</p>'
        f'<ul class="tebiki-download__list">{"".join(items)}</ul></section>')


def _size(size: int, words: Words) -> str:
    if size < 1024 * 1024:
        return words.label("handbook-size-kb", n=str(max(1, round(size / 1024))))
    return words.label("handbook-size-mb", n=f"{size / (1024 * 1024):.1f}")


# --- the command --------------------------------------------------------------------------


def run(content: Path, out: Path, langs: Sequence[str] | None = None) -> int:
    """`tebiki handbook`: check the content, print the PDFs, say what was made."""
    from tebiki.site.build import check_content

    try:  # before any work: the PDFs go into this folder, beside what it holds
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"tebiki: cannot write the handbooks into {out}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
    bundle = check_content(content.resolve())
    if bundle is None:
        return EXIT_CONTENT
    started = time.perf_counter()
    try:
        made = make_handbooks(bundle, out, langs or LANGS)
    except HandbookError as exc:
        print(f"handbook failed: {exc}\n(the files in {out} were left as they were)",
              file=sys.stderr)
        return EXIT_FAILED
    for printed in made.values():
        print(f"{out / printed.name}: {printed.pages} pages, {printed.size / 1024:.0f} KB, "
              f"{printed.seconds:.1f} s")
    print(f"made {len(made)} handbook(s) in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover
    parser = argparse.ArgumentParser(prog="handbook", description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / DEFAULT_ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "handbook")
    parser.add_argument("--lang", choices=LANGS, action="append")
    args = parser.parse_args(argv)
    return run(args.content, args.out, args.lang)


__all__ = ["HandbookError", "Printed", "download_links", "load_bundle", "make_handbooks"]
