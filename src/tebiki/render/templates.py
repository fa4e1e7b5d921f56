"""The Jinja environment for the HTML that tebiki writes outside the stdlib core.

Every tag tebiki writes outside `tebiki.core` is in a template of `templates/`
(tests/render/test_templates.py fails on a tag built in Python). Autoescaping
is on, so a text is escaped wherever it lands, and what is HTML already gets
in only by name:

- `core_html`: HTML made by `tebiki.core.render` (`Words.text`, `outcome_body`,
  `checklist`, `contact_html`, `sources_block`, ...), which escaped every text
  in it; `HtmlWords` hands a template the words of a language that way;
- `page_html`: a page as Markdown and the macros rendered it (the handbook
  lays the site's pages out for paper);
- `policy`: a Content-Security-Policy tebiki wrote, whose quotes are its syntax;
- `style`: CSS tebiki wrote (its stylesheet, the fonts it embedded);
- `part`: a macro of a template, rendered (its texts escaped there).

No text from content is ever a template: content reaches a template only as
a value. Undefined names are errors (StrictUndefined), so a misspelt name
fails the build instead of printing nothing.

The fragments keep the bytes the site had when Python wrote them: a template
line that ends with a block tag (`%}`) joins the next (trim_blocks), and one
that starts with `{%-`, `{{-` or `{#- #}` joins the one before.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from tebiki.core import engine
from tebiki.core.render import Words

FOLDER = Path(__file__).with_name("templates")

__all__ = ["HtmlWords", "Markup", "core_html", "element_text", "page_html", "part", "policy",
           "render", "style"]


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(FOLDER), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["element_text"] = element_text
    return env


def element_text(text: object) -> Markup:
    """A text for an element's content (not an attribute): `&`, `<` and `>` escaped, its
    quotes as written (outside an attribute they end nothing), so code shown in a
    `<code>` reads in the page's source as it is copied."""
    if isinstance(text, Markup):
        return text
    return Markup(html.escape(str(text), quote=False))


def render(name: str, **context: object) -> str:
    """The template `name` filled with `context` (texts are escaped)."""
    return environment().get_template(name).render(**context)


def part(name: str, macro: str, /, **arguments: object) -> Markup:
    """The macro `macro` of the template `name` (a family of parts, like `tables.html`),
    rendered with `arguments` (texts are escaped). The result is Markup, to hand to
    another template or a label's slot as it is; `str()` it before editing it as text
    (Markup's own string methods escape their arguments)."""
    return getattr(environment().get_template(name).module, macro)(**arguments)


def core_html(fragment: str) -> Markup:
    """HTML made by tebiki.core.render, which escaped every text in it (or such HTML
    made inert for Markdown by tebiki.render.guide.md_inert): placed as it is."""
    return Markup(fragment)


def page_html(fragment: str) -> Markup:
    """HTML of a rendered page (Markdown, the macros, the templates made it and escaped
    every text in it), or a piece cut out of one: placed as it is."""
    return Markup(fragment)


def policy(value: str) -> Markup:
    """A Content-Security-Policy written by tebiki, for a `content="..."` attribute as it
    is (its single quotes are CSP syntax); nothing in it may end the attribute."""
    if set(value) & set('"<>&'):
        raise ValueError(f"a policy with a quote, '<', '>' or '&': {value!r}")
    return Markup(value)


def style(css: str) -> Markup:
    """CSS written by tebiki (a stylesheet of the package, fonts it embedded as data URLs)
    for a `<style>` element as it is (HTML escaping would break its quotes); nothing in it
    may end the element."""
    if "</" in css:
        raise ValueError("a stylesheet with '</' in it cannot go into a <style> element")
    return Markup(css)


class HtmlWords:
    """The words of one language for a template: `tebiki.core.render.Words`, whose
    texts and labels are HTML (escaped there), returned as Markup.

    What fills a label's slots (or is joined) is HTML already when it is Markup and
    text otherwise, which is escaped here: a template cannot put text into a label
    unescaped."""

    def __init__(self, words: Words) -> None:
        self.words = words

    @property
    def lang(self) -> str:
        return self.words.lang

    def text(self, pair: dict | None) -> Markup:
        return core_html(self.words.text(pair))

    def rich(self, pair: dict | None) -> Markup:
        return core_html(self.words.rich(pair))

    def label(self, lid: str, **fill: object) -> Markup:
        return core_html(self.words.label(lid, **{k: escape(v) for k, v in fill.items()}))

    def join(self, lid: str, items: Iterable) -> Markup:
        return core_html(self.words.join(lid, [escape(item) for item in items]))

    def field(self, name: object, value: object) -> Markup:
        return core_html(self.words.field(escape(name), escape(value)))

    def dated(self, item: dict, built: str | None = None) -> Markup:
        """An item's dates on a page without a clock, read on the day the tree was
        `built` or later: a start already past goes unsaid."""
        return core_html(self.words.dated(engine.clockless_dates(item, built)))
