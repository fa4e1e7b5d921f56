"""A tree's whole flow as a picture: every question, answer and outcome, as SVG.

Content designers review a flow best as a diagram (GOV.UK's Smart Answers keep
one per flow). Questions and outcomes are boxes, answers are labelled arrows,
and a route (where the way on depends on earlier answers) is a small diamond
whose arrows say when each is taken. Questions are numbered as on the guide
page, whose text flow is the picture's text alternative.

The layout is Graphviz's `dot` (Debian's `graphviz` package), run at build
time: the page gets a plain SVG file, with no script. Texts are wrapped to
keep boxes narrow, and every text is escaped for DOT; the SVG that comes back
is checked against a short list of elements and attributes (shapes, paths,
text), so nothing from content can become a link, a script or a style there.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from tebiki.core.render import Words, plain
from tebiki.render.order import questions_in_order

FONT = "Noto Sans CJK JP"
FONT_STACK = f"'{FONT}', 'Hiragino Sans', 'Yu Gothic', 'Meiryo', sans-serif"
WRAP = 28  # columns per line; a CJK character takes two
SVG_NS = "http://www.w3.org/2000/svg"
ALLOWED = {
    "svg": {"width", "height", "viewBox", "xmlns", "xmlns:xlink", "role", "aria-label"},
    "g": {"id", "class", "transform"},
    "title": set(),
    "polygon": {"fill", "stroke", "points", "stroke-width"},
    "polyline": {"fill", "stroke", "points", "stroke-width"},
    "path": {"fill", "stroke", "d", "stroke-width", "stroke-dasharray"},
    "ellipse": {"fill", "stroke", "cx", "cy", "rx", "ry", "stroke-width"},
    "text": {"text-anchor", "x", "y", "font-family", "font-size", "font-weight", "fill"},
}


class GraphError(Exception):
    """The picture could not be drawn (no Graphviz, or it failed)."""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# Characters a Japanese line may not start with (kinsoku): closing brackets, commas, stops.
_NO_LINE_START = set("）」』】〕〉》)]}、。，．・ー：；？！ゃゅょっャュョッ")


def wrap(text: str, columns: int = WRAP) -> list[str]:
    """Lines of at most `columns` (a CJK character counts two), broken at spaces where
    the text has them and between characters where it does not (never before a
    closing bracket or a comma)."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\S+\s*|\s+", text.strip()):
        pieces = [token] if _width(token) <= columns else list(token)
        for piece in pieces:
            if line and _width(line + piece.rstrip()) > columns:
                carry = ""
                while piece[:1] in _NO_LINE_START and len(line) > 1 and not carry.strip():
                    line, carry = line[:-1], line[-1] + carry
                    break
                lines.append(line.rstrip())
                line = (carry + piece).lstrip()
            else:
                line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def dot_string(text: str, columns: int = WRAP) -> str:
    """A DOT double-quoted string whose lines are `text`'s wrapped lines, centred."""
    lines = [line.replace("\\", "\\\\").replace('"', '\\"') for line in wrap(text, columns)]
    return '"' + "\\n".join(lines) + '"'


def _join(words: Words, lid: str, items) -> str:
    """Texts joined by a `{a}…{b}` label, as plain text."""
    items = list(items)
    out = items[0] if items else ""
    for item in items[1:]:
        out = words.label_plain(lid, a=out, b=item)
    return out


def _condition(tree: dict, cond: dict, words: Words) -> str:
    """A route's condition in few words: the answers it names."""
    if "answer" in cond:
        labels = {o["id"]: o["label"] for o in tree["questions"][cond["answer"]]["options"]}
        wanted = cond["is"] if isinstance(cond["is"], list) else [cond["is"]]
        return _join(words, "or-join", (words.plain(labels[o]) for o in wanted))
    if "all" in cond:
        return _join(words, "cond-and", (_condition(tree, c, words) for c in cond["all"]))
    if "any" in cond:
        return _join(words, "cond-or", (_condition(tree, c, words) for c in cond["any"]))
    return words.label_plain("cond-not", cond=_condition(tree, cond["not"], words))


def question_numbers(tree: dict) -> dict[str, int]:
    """Questions numbered in the order a reader meets them (as on the guide page)."""
    return {qid: n for n, (qid, _q) in enumerate(questions_in_order(tree), 1)}


@dataclass(frozen=True)
class Style:
    """How roomy the picture is. The screen's has space around its texts; paper's is
    compact, with every text the same size, so that scaled to fit a page the
    smallest text stays as large as it can."""

    columns: int = WRAP
    nodesep: float = 0.35
    ranksep: float = 0.45
    pad: float = 0.2
    node_font: int = 12
    edge_font: int = 10
    node_margin: str = "0.15,0.08"


SCREEN = Style()


def compact(columns: int) -> Style:
    return Style(columns=columns, nodesep=0.15, ranksep=0.2, pad=0.05, edge_font=12,
                 node_margin="0.08,0.04")


def dot_source(tree: dict, labels: dict, lang: str, style: Style = SCREEN) -> str:
    """The tree as a Graphviz graph, in one language."""
    words = Words(labels, lang)
    numbers = question_numbers(tree)

    def label(text: str) -> str:
        return dot_string(text, style.columns)

    out = ["digraph flow {",
           f'  graph [rankdir=TB, nodesep={style.nodesep}, ranksep={style.ranksep}, '
           f'fontname="{FONT}", bgcolor="white", pad={style.pad}];',
           f'  node [fontname="{FONT}", fontsize={style.node_font}, shape=box, '
           'style="rounded,filled", fillcolor="#ffffff", color="#1d5b79", penwidth=1.4, '
           f'margin="{style.node_margin}"];',
           f'  edge [fontname="{FONT}", fontsize={style.edge_font}, color="#555555", '
           'arrowsize=0.7];',
           '  start [shape=circle, width=0.18, label="", style=filled, fillcolor="#1d5b79"];']
    for qid, question in tree["questions"].items():
        text = f"{numbers[qid]}. {plain(question['text'][lang])}"
        out.append(f'  "q:{qid}" [label={label(text)}];')
    for oid, outcome in tree["outcomes"].items():
        out.append(f'  "o:{oid}" [label={label(plain(outcome["title"][lang]))}, '
                   'fillcolor="#e7f1f5", penwidth=2.2];')
    for rid in tree["routes"]:
        out.append(f'  "r:{rid}" [shape=diamond, label="", width=0.3, height=0.3, '
                   'style=filled, fillcolor="#f3f3f3"];')

    def node(target: str) -> str:
        if target in tree["questions"]:
            return f'"q:{target}"'
        if target in tree["outcomes"]:
            return f'"o:{target}"'
        return f'"r:{target}"'

    out.append(f"  start -> {node(tree['start'])};")
    for qid, question in tree["questions"].items():
        # answers that lead to the same place share one arrow: one label line each
        targets: dict[str, list[str]] = {}
        for option in question["options"]:
            targets.setdefault(option["next"], []).append(plain(option["label"][lang]))
        for target, options in targets.items():
            if len(options) > 1:  # one line (or more) per answer, each marked
                options = ["• " + o for o in options]
            text = "\\n".join(label(o)[1:-1] for o in options)
            out.append(f'  "q:{qid}" -> {node(target)} [label="{text}"];')
    for rid, entries in tree["routes"].items():
        for entry in entries:
            cond = (words.label_plain("guide-otherwise") if entry.get("when") is None
                    else _condition(tree, entry["when"], words))
            out.append(f'  "r:{rid}" -> {node(entry["goto"])} [label={label(cond)}, '
                       'style=dashed];')
    out.append("}")
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=256)
def render_svg(dot: str) -> str:
    """Lay the graph out with Graphviz's `dot`; the SVG, checked and made tidy. (Kept:
    a build draws each picture for the site and again for the handbook, and `tebiki
    serve` redraws on every change.)"""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphError("Graphviz is not installed: run `make system` (Debian's graphviz "
                         "package draws the flow pictures)")
    try:
        result = subprocess.run([exe, "-Tsvg"], input=dot, capture_output=True, text=True,
                                timeout=120)
    except subprocess.TimeoutExpired as exc:
        raise GraphError("Graphviz took more than 2 minutes: split the tree") from exc
    if result.returncode != 0:
        raise GraphError(f"Graphviz failed: {result.stderr.strip()[:500]}")
    return clean_svg(result.stdout)


def clean_svg(svg: str) -> str:
    """Graphviz's SVG, every element and attribute checked against ALLOWED; the font
    made a stack the reader's device can match; the comments and doctype dropped."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    try:
        root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", svg))
    except ET.ParseError as exc:
        raise GraphError(f"Graphviz wrote SVG that does not parse: {exc}") from exc
    for element in root.iter():
        tag = element.tag.split("}", 1)[-1]
        if tag not in ALLOWED:
            raise GraphError(f"unexpected <{tag}> in the flow picture")
        for name in list(element.attrib):
            local = name.split("}", 1)[-1]
            if local not in ALLOWED[tag]:
                del element.attrib[name]
        if tag == "text" and "font-family" in element.attrib:
            element.attrib["font-family"] = FONT_STACK
    return ET.tostring(root, encoding="unicode") + "\n"


def tree_svg(tree: dict, labels: dict, lang: str) -> str:
    """The picture of one tree in one language."""
    return render_svg(dot_source(tree, labels, lang))


def size(svg: str) -> tuple[float, float]:
    """The picture's width and height in points, as Graphviz drew it."""
    root = ET.fromstring(svg)
    return tuple(float(root.attrib[name].removesuffix("pt")) for name in ("width", "height"))


def smallest_font(svg: str) -> float:
    """The smallest text of the picture, in points at its own size."""
    return min(float(t.attrib["font-size"]) for t in ET.fromstring(svg).iter(f"{{{SVG_NS}}}text"))


@dataclass(frozen=True)
class Fitted:
    svg: str
    scale: float  # of the picture as drawn, to fit the box

    @property
    def smallest_text(self) -> float:
        """The smallest text once scaled, in points."""
        return smallest_font(self.svg) * self.scale


# Lines of 20 to 40 columns: narrow boxes make a tall picture, wide ones a wide picture.
FIT_COLUMNS = (20, 24, 28, 32, 36, 40)


def fit(tree: dict, labels: dict, lang: str, width: float, height: float) -> Fitted:
    """The compact picture that fits a box of `width` x `height` points with its smallest
    text the largest: each wrap width is tried, as a tree's shape decides which is best."""
    best: Fitted | None = None
    for columns in FIT_COLUMNS:
        svg = render_svg(dot_source(tree, labels, lang, compact(columns)))
        w, h = size(svg)
        found = Fitted(svg, min(1.0, width / w, height / h))
        if best is None or found.smallest_text > best.smallest_text:
            best = found
    return best


def inline(svg: str, label: str, scale: float = 1.0) -> str:
    """The picture to put inside an HTML page: no ids (the page has its own), no
    tooltips naming nodes by their ids, one accessible name, drawn at `scale`."""
    root = ET.fromstring(svg)
    for parent in root.iter():
        for child in [c for c in parent if c.tag == f"{{{SVG_NS}}}title"]:
            parent.remove(child)
        parent.attrib.pop("id", None)
        parent.attrib.pop("class", None)
    w, h = size(svg)
    root.attrib.update({"width": f"{w * scale:.1f}pt", "height": f"{h * scale:.1f}pt",
                        "role": "img", "aria-label": label})
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="unicode")
