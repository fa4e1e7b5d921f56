"""What a content page (Markdown, written by people who may not be trusted) may hold.

The site (tebiki.site.plugin) and the printed handbook (tebiki.handbook.compose)
both refuse, before any macro runs, raw HTML elements that would run, load, send
or redirect; see docs/SITE.md, "Macros".
"""

from __future__ import annotations

import re

# Raw HTML a content page may not hold: it would run, load, send or redirect. Shown as
# text inside a code span (`<script>`) or a fenced block, it is fine.
REFUSED_ELEMENTS = ("script", "iframe", "frame", "object", "embed", "meta", "base", "link",
                    "form", "style", "svg", "math", "template", "portal")
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n.*?\n(?:\.{3}|-{3})[ \t]*\n", re.S)
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)
_RAW = re.compile(r"<\s*(" + "|".join(REFUSED_ELEMENTS) + r")\b", re.I)


def raw_html_problems(markdown: str, where: str, offset: int = 0) -> list[str]:
    """`file:line: message` for each refused element written as raw HTML in a page."""
    blank = _FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    blank = _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), blank)
    out = []
    for match in _RAW.finditer(blank):
        line = offset + blank.count("\n", 0, match.start()) + 1
        tag = match.group(1).lower()
        out.append(f"{where}:{line}: a <{tag}> element in a page: pages may not hold "
                   f"elements that run, load, send or redirect; to show it as text, put it "
                   f"in a code span: `<{tag}>`")
    return out


def body_offset(text: str) -> int:
    """How many lines of a page's file come before its Markdown body: MkDocs takes
    the front matter off, and the blank lines after it."""
    front = FRONT_MATTER.match(text)
    rest = text[front.end():] if front else text
    return (text.count("\n", 0, front.end()) if front else 0) + (
        len(rest) - len(rest.lstrip("\n")))
