"""A rendered page made for paper (tebiki.handbook.paper), on small pieces of HTML."""

from __future__ import annotations

import html
import re

from tebiki.handbook import paper


def _printed(fragment: str) -> str:
    """The text a reader sees on paper: tags dropped, character references read."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_a_link_to_another_site_prints_its_address_as_written():
    # Markdown writes `[form](https://example.jp/form?a=1&b=2)` with its & escaped.
    page = '<p><a href="https://example.jp/form?a=1&amp;b=2">form</a></p>'
    printed = paper.print_links(page, "index.md", composer=None)
    assert _printed(printed) == "form https://example.jp/form?a=1&b=2"
    assert '<span class="hb-url">https://<wbr>example.<wbr>jp/<wbr>form?<wbr>a=<wbr>1&amp;' \
        in printed


def test_tick_boxes_become_boxes_and_their_labels_text():
    page = ('<li><input type="checkbox" class="tebiki-check" id="c1">'
            '<label for="c1">A <strong>card</strong></label></li>')
    assert paper.tick_boxes(page) == (
        '<li><span class="hb-box" aria-hidden="true"></span>'
        '<span class="hb-check-label">A <strong>card</strong></span></li>')
