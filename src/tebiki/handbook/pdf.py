"""The printed PDF made reproducible: dates and ID from the build, our metadata, the
outline cut to three levels with the headings' own titles."""

from __future__ import annotations

import hashlib
import io
import re
import time

OUTLINE_DEPTH = 3


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
