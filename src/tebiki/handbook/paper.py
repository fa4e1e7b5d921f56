"""A rendered content page made for paper: links, ids, blocks, headings.

The content pages are rendered for print by the same macros as the site
(tebiki.render.macros); what differs on paper is handled here, on the HTML
the macros and Markdown made:

- links between pages point into the handbook, with a page number; links to
  other sites print their address after the title; a page the handbook does
  not have is plain text;
- every id is made unique in the handbook (a chapter's ids get its anchor);
- tick boxes are boxes to tick with a pen;
- each question and each outcome of a guide is a block that pages keep together.

The tags these put in come from the template `paper.html`; the page's own HTML
goes back in as it was (templates.page_html).
"""

from __future__ import annotations

import hashlib
import html as html_text
import posixpath
import re

from tebiki.render.templates import page_html, part


def chapter_anchor(path: str) -> str:
    return "ch-" + path[:-len(".md")].replace("/", "-")


def local_id(anchor: str, ident: str) -> str:
    """A chapter's own id made unique in the handbook (and plain ASCII, for PDF names)."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", ident):
        return f"{anchor}--{ident}"
    return f"{anchor}--u{hashlib.sha1(ident.encode()).hexdigest()[:10]}"


_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF = re.compile(r'\shref="([^"]*)"')


def url_text(url: str) -> str:
    """An address printed in full, with break chances after its slashes (HTML)."""
    return part("paper.html", "url", pieces=re.split(r"(?<=[/?&=.])(?=[^/])", url))


def print_links(html: str, path: str, composer) -> str:
    """Links for paper: into the handbook with a page number, or printed out in full."""

    def link(match: re.Match) -> str:
        attrs, text = match.groups()
        found = _HREF.search(attrs)
        href = html_text.unescape(found.group(1)) if found else ""  # the address, as text
        if href.startswith(("#", "tel:")):
            return match.group(0)
        if href.startswith(("http://", "https://")):
            return part("paper.html", "external", link=page_html(match.group(0)),
                        address=url_text(href))
        target, _, fragment = href.partition("#")
        if target.endswith(".md"):
            page = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if page in composer.chapter_paths:
                anchor = chapter_anchor(page)
                if fragment:
                    anchor = local_id(anchor, fragment)
                inner = part("paper.html", "internal", anchor=anchor,
                             attrs=page_html(_HREF.sub("", attrs)), text=page_html(text))
                return composer.w.label("handbook-link-page", text=inner,
                                        page=composer.page_ref(anchor))
        return part("paper.html", "unlinked", text=page_html(text))  # not in the handbook

    return _LINK.sub(link, html)


_ID_ATTR = re.compile(r'(?<![\w-])(id|for|aria-labelledby|aria-describedby)="([^"]*)"')
_LOCAL_HREF = re.compile(r'href="#([^"@][^"]*)"')


def local_ids(html: str, anchor: str) -> str:
    html = _ID_ATTR.sub(lambda m: f'{m.group(1)}="' + " ".join(
        local_id(anchor, i) for i in m.group(2).split()) + '"', html)
    return _LOCAL_HREF.sub(lambda m: f'href="#{local_id(anchor, m.group(1))}"', html)


_CHECK_BOX = re.compile(r'<input type="checkbox"[^>]*>')
_CHECK_LABEL = re.compile(r'<label for="[^"]*">(.*?)</label>', re.S)


def tick_boxes(html: str) -> str:
    """Check boxes become boxes drawn on paper; their labels plain text."""
    box = str(part("paper.html", "tick_box"))
    html = _CHECK_BOX.sub(lambda _m: box, html)
    return _CHECK_LABEL.sub(
        lambda m: part("paper.html", "check_label", text=page_html(m.group(1))), html)


def wrap_blocks(html: str) -> str:
    """Each question and each outcome of a guide in a block that pages keep together."""
    out = []
    for piece in re.split(r"(?=<h[1-3][ >])", html):
        match = re.match(r'<h3 id="[^"]*-([qo])-[a-z0-9-]+"', piece)
        if match:
            kind = "hb-question" if match.group(1) == "q" else "hb-outcome"
            out.append(part("paper.html", "keep_together", kind=kind, body=page_html(piece)))
        else:
            out.append(piece)
    return "".join(out)


def headings(html: str) -> list:
    """(level, id, text) of every h1-h3 with an id, in order."""
    found = []
    for m in re.finditer(r'<h([1-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', html, re.S):
        text = re.sub(r"<[^>]+>", "", m.group(3)).strip()
        found.append((int(m.group(1)), m.group(2), text))
    return found


def first_section(html: str, cls: str) -> str:
    match = re.search(rf'<section class="{cls}".*?</section>', html, re.S)
    return match.group(0) if match else ""
