"""Templates copied from Material for MkDocs differ from the installed theme only where
their header says: an upgrade of the theme that changes them is noticed here."""

from __future__ import annotations

import re
from pathlib import Path

import material

from ..conftest import ROOT

THEME = Path(material.__file__).parent / "templates"
OVERRIDES = ROOT / "src" / "tebiki" / "site" / "theme"


def _body(text: str) -> str:
    """A template without its leading comment."""
    return re.sub(r"\A\{#-.*?-#\}\n", "", text, count=1, flags=re.S)


def test_base_html_only_drops_autocomplete_from_the_two_toggles():
    upstream = _body((THEME / "base.html").read_text(encoding="utf-8"))
    expected = upstream.replace(' id="__drawer" autocomplete="off">', ' id="__drawer">') \
        .replace(' id="__search" autocomplete="off">', ' id="__search">')
    assert expected != upstream
    assert _body((OVERRIDES / "base.html").read_text(encoding="utf-8")) == expected


def test_toc_html_only_labels_an_existing_toggle():
    upstream = _body((THEME / "partials" / "toc.html").read_text(encoding="utf-8"))
    ours = _body((OVERRIDES / "partials" / "toc.html").read_text(encoding="utf-8"))
    label = re.search(r"    <label class=\"md-nav__title\".*?</label>\n", upstream, re.S)[0]
    assert ours.replace(ours[ours.index("    {% if page in nav.pages %}"):
                             ours.index("    {% endif %}\n") + len("    {% endif %}\n")],
                        label) == upstream


def test_footer_html_only_strips_tags_from_the_titles_in_aria_labels():
    upstream = _body((THEME / "partials" / "footer.html").read_text(encoding="utf-8"))
    expected = upstream.replace(".title | e }}", ".title | striptags | e }}")
    assert expected.count("| striptags | e }}") == 2
    assert _body((OVERRIDES / "partials" / "footer.html").read_text(encoding="utf-8")) == expected
