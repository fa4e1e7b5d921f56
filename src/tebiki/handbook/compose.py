"""The printed handbook's content: one language's print HTML from the content pages.

The handbook is the site's own pages laid out for paper, so it says what the
site says. The content pages (`<docs_dir>/<page>.<lang>.md`, the chapters
listed in the `tebiki` plugin's `handbook:` option) go through Jinja and
Markdown with the site's own settings (SiteConfig), and their macros are the
site's (tebiki.render.macros) with a print medium:

- a wizard link becomes a cross reference to the guide's chapter with its page
  number; a guide's own start button is left out; a search box is left out;
- links between pages point into the handbook, with page numbers; links to
  other sites print their address after the title; phone numbers are text;
- tick boxes are drawn boxes, to tick with a pen (tebiki.handbook.paper);
- a guide's flow picture is a page of its own, landscape, after the guide's
  chapter (tebiki.render.graph lays it out to print its texts as large as the
  page allows); the guide says on which page it is.

Around them: a cover (the title, the date the content was last checked, the
home page's hotline box), a contents page with page numbers, and a last
chapter with every source and the day it was checked. Every word around the
content comes from the content's `ui/` labels, and its HTML from the template
`handbook.html`. The content pages are Jinja run in a sandbox: a page may call
the macros, nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from tebiki.core.engine import cited
from tebiki.core.layout import GUIDE
from tebiki.core.render import Words, inline
from tebiki.handbook.paper import (
    chapter_anchor,
    first_section,
    headings,
    local_id,
    local_ids,
    print_links,
    tick_boxes,
    url_text,
    wrap_blocks,
)
from tebiki.load.content import Bundle
from tebiki.render import graph
from tebiki.render import guide as render_html
from tebiki.render.macros import Page, table
from tebiki.render.templates import HtmlWords, Markup, core_html, page_html, part
from tebiki.site.config import SiteConfig

HOME = "index.md"
PLACEHOLDER = "00"
MM = 72 / 25.4  # points
# Where a flow picture goes on its landscape page (handbook.css, `@page flow`: A4 less
# its margins, less the heading above and the caption below), in points.
FLOW_BOX = (275 * MM, 168 * MM)


class HandbookError(Exception):
    """The handbook could not be made (a page names something missing, no Chromium, ...)."""

    details = ""  # a long log behind the one-line message (Chromium's), for -v


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


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def page_file(pages: Path, path: str, lang: str) -> Path:
    """'guide/pin-reset.md' in Japanese is <docs_dir>/guide/pin-reset.ja.md."""
    stem = path[:-len(".md")]
    return pages / f"{stem}.{lang}.md"


def _jinja(options: dict):
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                keep_trailing_newline=True, **options)


def _markdown(site: SiteConfig):
    import markdown

    names = list(site.markdown_extensions)
    for name in ("toc", "tables", "fenced_code"):  # MkDocs adds these to every build
        if name not in names:
            names.append(name)
    return markdown.Markdown(extensions=names, extension_configs=site.markdown_configs or {})


# --- one language's handbook as HTML ------------------------------------------------------


class Composer:
    """Builds the print HTML of one language from the content pages and the bundle."""

    start_buttons = False  # a guide's "start the wizard" button: not on paper

    def __init__(self, bundle: Bundle, lang: str, site: SiteConfig, *, built: dt.date):
        self.bundle = bundle
        self.lang = lang
        self.site = site
        self.words = Words(bundle.labels, lang)
        self.w = HtmlWords(self.words)  # the words for templates (Markup)
        self.jinja = _jinja(site.template_options)
        self.md = _markdown(site)
        self.built = built
        self.chapter_paths = list(site.handbook)
        self.chapters = [Chapter(p, chapter_anchor(p)) for p in self.chapter_paths]
        self.targets: list = []  # every anchor whose page number is printed
        self.page: Page | None = None  # the content page being rendered
        self.flows: list = []  # trees whose guide the chapter being rendered shows
        self.macros = table(lambda: self.page, lambda: self)

    # page numbers and links into the handbook

    def page_ref(self, anchor: str) -> Markup:
        """Where the page number of `anchor` goes, once the print says it."""
        if anchor not in self.targets:
            self.targets.append(anchor)
        return part("handbook.html", "page_ref", anchor=anchor, placeholder=PLACEHOLDER)

    def tree_anchor(self, tree_id: str) -> str | None:
        path = f"{GUIDE}/{tree_id}.md"
        return chapter_anchor(path) if path in self.chapter_paths else None

    def see_tree(self, tree_id: str, text: str | None = None) -> str:
        """A wizard link on paper: the guide's chapter and its page."""
        title = render_html.tree_text(self.bundle, tree_id, "title", self.lang)
        anchor = self.tree_anchor(tree_id)
        if anchor is None:
            return ""
        return str(part("handbook.html", "xref", w=self.w, anchor=anchor,
                        title=core_html(title), page=self.page_ref(anchor),
                        text=core_html(inline(text)) if text else None))

    # the print medium of the macros (tebiki.render.macros.Medium)

    def start_links(self, page: Page, tree_ids: list) -> str:
        return render_html.block("".join(self.see_tree(t) for t in tree_ids))

    def wizard_link(self, page: Page, tree_id: str, text: str | None) -> str:
        return render_html.block(self.see_tree(tree_id, text))

    def flow_picture(self, page: Page, tree_id: str) -> str:
        """On paper the picture has a page of its own after the chapter: say which."""
        if tree_id not in self.flows:
            self.flows.append(tree_id)
        anchor = flow_anchor(tree_id)
        return render_html.block(part("handbook.html", "flow_see", w=self.w, anchor=anchor,
                                      page=self.page_ref(anchor)))

    def flow_page(self, tree_id: str, chapter: Chapter) -> Markup:
        """A tree's whole flow, scaled to its landscape page."""
        tree = self.bundle.trees[tree_id]
        try:
            fitted = graph.fit(tree, self.bundle.labels, self.lang, *FLOW_BOX)
        except graph.GraphError as exc:
            raise HandbookError(str(exc)) from exc
        name = self.words.label_plain("handbook-flow-title",
                                      title=self.words.plain(tree["title"]))
        picture = graph.inline(fitted.svg, name, fitted.scale)
        words = self.page_ref(local_id(chapter.anchor, f"{tree_id}-questions"))
        return part("handbook.html", "flow_page", w=self.w, anchor=flow_anchor(tree_id),
                    title=core_html(self.words.text(tree["title"])),
                    picture=page_html(picture), page=words)

    def search_box(self, page: Page) -> str:
        return ""

    def handbook_link(self, page: Page) -> str:
        return ""

    def embed_snippets(self, page: Page, tree_ids: list, way: str) -> str:
        return ""  # code for web pages: not for paper

    def embed_csp(self, page: Page, way: str) -> str:
        return ""

    def page_sources(self, page: Page) -> str:
        return self.sources_note(page.used)

    def sources_note(self, used: list) -> str:
        """A chapter's sources on paper: who published them, and the oldest review date
        of what it showed (`tebiki.core.engine.cited`, as on the web); titles and
        addresses are in the last chapter."""
        if not used:
            return ""
        sources, reviewed = cited(self.bundle.records, used)
        publishers: list = []
        for source in sources:
            name = self.w.text(source["publisher"])
            if name not in publishers:
                publishers.append(name)
        note = part("handbook.html", "sources_note", w=self.w, publishers=publishers,
                    page=self.page_ref("ch-sources"), reviewed=reviewed)
        return (render_html.md_heading(2, self.words.label("page-sources"), "page-sources")
                + render_html.block(note))

    def render_page(self, path: str, used: list) -> str:
        """A content page as HTML, its macros rendered for print."""
        source = page_file(self.site.docs_dir, path, self.lang)
        self.page = Page(self.bundle, self.lang, "", "", used)
        try:
            text = _FRONT_MATTER.sub("", source.read_text(encoding="utf-8"))
            expanded = self.jinja.from_string(text).render(**self.macros)
        except OSError as exc:
            raise HandbookError(f"{source}: cannot read it ({exc.strerror})") from exc
        except Exception as exc:  # a macro naming something missing, a template error
            raise HandbookError(f"{source}: {type(exc).__name__}: {exc}") from exc
        self.md.reset()
        return self.md.convert(expanded)

    def for_print(self, html: str, path: str, anchor: str) -> str:
        """Links, ids and tick boxes of one rendered page, made for paper."""
        html = print_links(html, path, self)
        html = local_ids(html, anchor)
        html = tick_boxes(html)
        return wrap_blocks(html)

    # the parts of the handbook

    def compose(self) -> Document:
        drawn: set = set()
        for chapter in self.chapters:
            self.flows = []
            body = self.render_page(chapter.path, chapter.used)
            chapter.html = self.for_print(body, chapter.path, chapter.anchor)
            for tree_id in [t for t in self.flows if t not in drawn]:  # each drawn once
                chapter.html += str(self.flow_page(tree_id, chapter))
                drawn.add(tree_id)
        targets = list(self.targets)  # only the home page's hotline box is used
        home = self.for_print(self.render_page(HOME, []), HOME, "cover")
        self.targets = targets
        title = self.words.label_plain("handbook-title")  # text: the <title>, the PDF's /Title
        body = [self.cover(home), self.contents(), *(
            part("handbook.html", "chapter", anchor=c.anchor, body=page_html(c.html))
            for c in self.chapters), self.sources()]
        html = "".join(body).replace('="#@', '="#').replace('data-target="@', 'data-target="')
        return Document(self.lang, title, html, self.footer(), list(self.targets))

    def content_date(self) -> str:
        """The newest review date of any tree or record: the day the content was checked."""
        dates = [t["reviewed"] for t in self.bundle.trees.values()]
        dates += [r["reviewed"] for kind in self.bundle.records.values() for r in kind.values()]
        return max(dates)

    def long_date(self, iso: str) -> Markup:
        year, month, day = (int(x) for x in iso.split("-"))
        return self.w.label("handbook-date", y=str(year), m=str(month), d=str(day),
                            month=self.w.label(f"month-{month}"))

    def cover(self, home: str) -> Markup:
        w = self.w
        online = None
        if self.site.site_url:
            url = self.site.site_url.rstrip("/") + "/" + self.site.language(self.lang).prefix
            online = w.label("handbook-online", url=url_text(url))
        return part("handbook.html", "cover", w=w,
                    checked=w.label("handbook-checked", date=self.long_date(self.content_date())),
                    made=w.label("handbook-made", date=self.long_date(self.built.isoformat())),
                    online=online, hotline=page_html(first_section(home, "tebiki-hotline")))

    def contents(self) -> Markup:
        lines = []
        for chapter in self.chapters:
            heads = headings(chapter.html)
            # a heading's text is the page's HTML without its tags (entities kept)
            title = next((page_html(text) for level, _i, text in heads if level == 1),
                         chapter.path)
            subs = []
            for level, ident, text in heads:
                if level == 2 and not ident.endswith("--page-sources"):
                    subs.append(self._toc_line(ident, page_html(text), "hb-toc__section"))
                elif level == 3 and re.search(r"-o-[a-z0-9-]+$", ident):
                    subs.append(self._toc_line(ident, page_html(text), "hb-toc__outcome"))
            lines.append(self._toc_line(chapter.anchor, title, "hb-toc__chapter", subs))
        lines.append(self._toc_line("ch-sources", self.w.label("handbook-sources"),
                                    "hb-toc__chapter"))
        return part("handbook.html", "contents", w=self.w, lines=lines)

    def _toc_line(self, anchor: str, text: str, kind: str, lines: list | None = None) -> dict:
        """A line of the contents (its page reference is made now, in reading order)."""
        return {"anchor": anchor, "text": text, "kind": kind, "page": self.page_ref(anchor),
                "lines": lines or []}

    def sources(self) -> Markup:
        """Every source, in the order the chapters first name them, with its review date."""
        order: list = []
        for chapter in self.chapters:
            for rec in chapter.used:
                for sid in rec.get("sources", []):
                    if sid not in order:
                        order.append(sid)
        records = self.bundle.records["sources"]
        order += [sid for sid in records if sid not in order]
        rows = [{"title": records[sid]["title"], "publisher": records[sid]["publisher"],
                 "address": url_text(records[sid]["url"]), "reviewed": records[sid]["reviewed"]}
                for sid in order]
        return part("handbook.html", "sources", w=self.w, sources=rows)

    def footer(self) -> str:
        return str(part("handbook.html", "footer", w=self.w,
                        date=self.long_date(self.content_date())))


def flow_anchor(tree_id: str) -> str:
    return f"flow-{tree_id}"


def compose_all(bundle: Bundle, site: SiteConfig, *, epoch: int,
                languages: list[str] | None = None) -> dict:
    """The print HTML of each language of the site (or of `languages`)."""
    built = dt.datetime.fromtimestamp(epoch, dt.UTC).date()
    return {lang: Composer(bundle, lang, site, built=built).compose()
            for lang in (languages or site.codes)}
