"""The page macros: one table for the web pages and the printed handbook.

Content pages (`content/<page>.<lang>.md`) call macros such as
`{{ tree_guide("pin-reset") }}` or `{{ fact("pins.signature.tries") }}`.
The same table renders them for the site (through mkdocs-macros, see
tebiki.site.plugin) and for paper (tebiki.handbook); what differs between the
two is a `Medium`: a wizard link is a button on the web and a cross reference
with a page number on paper; a search box, the handbook's download links and
the widget's code exist on the web only; a page's sources are a list of links
on the web and one line on paper; a guide's flow picture is an image with a
link to it full size on the web, and a page of its own on paper.

Each macro renders in the language of the page being rendered and notes the
records it showed in `page.used`, so `page_sources()` can list where the page's
facts come from and when they were last checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tebiki.core.layout import WIZARD
from tebiki.load.content import Bundle
from tebiki.render import guide


class Medium(Protocol):
    """What the web and paper do differently (tebiki.site.plugin, tebiki.handbook)."""

    start_buttons: bool  # a guide's "start the wizard" button at its top

    def start_links(self, page: Page, tree_ids: list) -> str: ...
    def wizard_link(self, page: Page, tree_id: str, text: str | None) -> str: ...
    def flow_picture(self, page: Page, tree_id: str) -> str: ...
    def search_box(self, page: Page) -> str: ...
    def handbook_link(self, page: Page) -> str: ...
    def embed_snippets(self, page: Page, tree_ids: list, way: str) -> str: ...
    def embed_csp(self, page: Page, way: str) -> str: ...
    def page_sources(self, page: Page) -> str: ...


@dataclass
class Page:
    """The page being rendered, as the macros see it."""

    bundle: Bundle
    lang: str
    up: str  # from this page to its language's root: "../../", or "" at the top
    to_site_root: str  # from this page to the site's root (search index, runtime)
    used: list = field(default_factory=list)  # records shown so far

    @property
    def wizard_root(self) -> str:
        return self.up + WIZARD + "/"


def table(page: Callable[[], Page], medium: Callable[[], Medium]) -> dict[str, Callable]:
    """Every macro, by name. `page` and `medium` are asked at each call: MkDocs builds
    one language after another, and one page after another."""

    def tree_guide(tree_id):
        """A tree's whole flow: every question, option and outcome, and the picture."""
        p = page()
        guide.get_tree(p.bundle, tree_id)
        return guide.tree_guide(p.bundle, tree_id, p.lang, wizard_root=p.wizard_root,
                                used=p.used, start_button=medium().start_buttons,
                                picture=medium().flow_picture(p, tree_id))

    def outcome(tree_id, outcome_id, level=3):
        """One outcome in full, with a heading."""
        p = page()
        return guide.outcome_section(p.bundle, tree_id, outcome_id, p.lang, level=level,
                                     used=p.used)

    def checklist(tree_id, outcome_id, answers=None):
        """What to bring for one outcome, as tick boxes (`answers` picks one path's list)."""
        p = page()
        return guide.outcome_checklist(p.bundle, tree_id, outcome_id, p.lang, used=p.used,
                                       answers=answers)

    def pin_table(ids=None):
        p = page()
        return guide.pin_table(p.bundle, p.lang, ids, used=p.used)

    def document_table(categories=None):
        p = page()
        return guide.document_table(p.bundle, p.lang, categories, used=p.used)

    def hotline_box(ids, heading, level=2):
        p = page()
        return guide.hotline_box(p.bundle, p.lang, ids, heading, level=level, used=p.used)

    def fact(path):
        """One field of a record, like fact("pins.signature.tries")."""
        p = page()
        return guide.fact(p.bundle, path, p.lang, used=p.used)

    def phone(number):
        """A contact's number, like phone("0120-95-0178"): a tap-to-call link (a fax, text)."""
        p = page()
        return guide.phone(p.bundle, number, p.lang, used=p.used)

    def tree_fact(tree_id, path):
        """One text of a tree, like tree_fact("pin-reset", "outcomes.counter-reset.cost")."""
        p = page()
        return guide.tree_fact(p.bundle, tree_id, path, p.lang, used=p.used)

    def tree_title(tree_id):
        p = page()
        return guide.tree_text(p.bundle, tree_id, "title", p.lang)

    def tree_summary(tree_id):
        p = page()
        return guide.tree_text(p.bundle, tree_id, "summary", p.lang)

    def start_links(tree_ids):
        """Big links that start each tree's wizard at its first question."""
        return medium().start_links(page(), tree_ids)

    def wizard_link(tree_id, text=None):
        p = page()
        guide.get_tree(p.bundle, tree_id)
        return medium().wizard_link(p, tree_id, text)

    def search_box():
        return medium().search_box(page())

    def handbook_link():
        """Links to the printable handbooks (PDF), when the build made them."""
        return medium().handbook_link(page())

    def embed_snippets(tree_ids, way):
        """Code for other sites to embed each tree's wizard: way "iframe" or "loader"."""
        return medium().embed_snippets(page(), tree_ids, way)

    def embed_csp(way):
        """What a host page's Content-Security-Policy needs for that way of embedding."""
        return medium().embed_csp(page(), way)

    def page_sources():
        """Sources and last-checked date of every fact shown above on this page."""
        return medium().page_sources(page())

    return {f.__name__: f for f in (
        tree_guide, outcome, checklist, pin_table, document_table, hotline_box, fact, phone,
        tree_fact, tree_title, tree_summary, start_links, wizard_link, search_box,
        handbook_link, embed_snippets, embed_csp, page_sources)}
