"""Every page's `<meta name="description">`: what a search engine shows under its title.

A wizard state's is its outcome's summary, or its tree's summary on a question
(both content, in the page's language); a hand-written page's is its
front matter's `description:` if it has one, else its first paragraph. The
result is plain text: the theme escapes it into the attribute (main.html,
embed-page.html), so no content text becomes markup there.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tebiki.core.render import page_title, plain

LIMIT = 160  # characters a search engine shows at most (fewer for Japanese)
_SENTENCE_END = re.compile(r"[。！？](?=.)|[.!?](?= )")
_SPACE = re.compile(r"\s+")


def shorten(text: str, limit: int = LIMIT) -> str:
    """`text` on one line, cut to whole sentences within `limit` characters when it is
    longer (at a space with '…' when even the first sentence is too long)."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit)]
    if ends:
        return text[:ends[-1]].strip()
    space = text.rfind(" ", 0, limit)
    return text[:space if space > limit // 2 else limit - 1].rstrip() + "…"


def of_state(tree: dict, result: dict, lang: str) -> str:
    """A wizard state's description: the outcome's summary, else the tree's summary,
    else the state's title (a tree or outcome may have no summary)."""
    own = result.get("summary") if result["type"] != "question" else None
    for pair in (own, tree.get("summary")):
        if pair and pair.get(lang):
            return shorten(plain(pair[lang]))
    return shorten(page_title(result, lang))


class _FirstParagraph(HTMLParser):
    """The text of the first <p> with any text in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # how many <p> we are inside (0: none)
        self.parts: list = []
        self.found = ""

    def handle_starttag(self, tag, attrs):
        if tag == "p" and not self.found:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "p" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.found = _SPACE.sub(" ", "".join(self.parts)).strip()
                self.parts = []

    def handle_data(self, data):
        if self.depth and not self.found:
            self.parts.append(data)


def of_html(html_text: str) -> str:
    """A page's description from its HTML: its first paragraph ('' if it has none)."""
    parser = _FirstParagraph()
    parser.feed(html_text)
    parser.close()
    return shorten(parser.found)
