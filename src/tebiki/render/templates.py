"""The Jinja environment for the HTML that tebiki writes outside the stdlib core.

Autoescaping is on, so a text is escaped wherever it lands unless the code
hands over HTML on purpose: `Markup` around what the stdlib renderer
(`wizard_html`) already made safe. Templates live in `tebiki/templates/`;
no text from content is ever a template.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

FOLDER = Path(__file__).with_name("templates")

__all__ = ["Markup", "render"]


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(FOLDER), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context: object) -> str:
    """The template `name` filled with `context` (texts are escaped)."""
    return environment().get_template(name).render(**context)
