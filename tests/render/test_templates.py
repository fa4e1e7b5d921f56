"""HTML outside the stdlib core comes from the Jinja templates, with autoescape.

Two guards. One reads the source of every module outside tebiki.core: a string
literal holding a tag there is HTML built in Python (f-string, concatenation,
join), which the templates are for. The other renders every template and every
macro of the templates with hostile text in each argument and each label:
the text must be on the page as text (escaped), never as markup, and never run
as a template.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jinja2
import pytest

from tebiki.core.render import Words, esc, inline
from tebiki.render import guide, templates
from tebiki.render.templates import HtmlWords, Markup, core_html, page_html, part, policy, style

SRC = Path(templates.__file__).resolve().parents[1]  # src/tebiki
HOSTILE = "</title><script>alert(1)</script>{{ 7*7 }}"
SHOWN = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}"  # as the page holds it

# --- no tag built in Python ----------------------------------------------------------------

TAG = re.compile(r"<[/!]?[A-Za-z]")
REGEX = {"compile", "sub", "subn", "match", "fullmatch", "search", "split", "findall",
         "finditer"}
# Modules that may hold a tag in a string literal, each with why. (None today: regex
# patterns, `"<tag" in html` tests and error messages are told apart by the scan.)
ALLOWED: dict[str, str] = {}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _not_html(tree: ast.AST) -> set[int]:
    """Literals that are no HTML being made: a regex pattern (re.*'s first argument), a
    needle (`"<meta charset" in html`), an error message (anything in a `raise`)."""
    skip: set[int] = set()

    def under(node: ast.AST) -> None:
        skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in REGEX and node.args):
            under(node.args[0])
        elif isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn)
                                                   for op in node.ops):
            under(node.left)
        elif isinstance(node, ast.Raise):
            under(node)
    return skip


def tags_in(source: str) -> list[tuple[int, str]]:
    """(line, literal) of each string literal in `source` that holds a tag."""
    tree = ast.parse(source)
    skip = _docstrings(tree) | _not_html(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skip and TAG.search(node.value)]


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "core" not in p.relative_to(SRC).parts)


def test_the_scan_sees_html_built_in_python_and_nothing_else():
    built = '''
def box(text):
    """A <div> box."""
    head = '<div class="box">'
    return head + f"<p>{text}</p>" + "</div>"
'''
    assert [line for line, _ in tags_in(built)] == [4, 5, 5, 5]
    not_built = '''
import re
_TAG = re.compile(r"<script\\b([^>]*)>")
def check(html):
    if "<meta charset" not in html:
        raise ValueError(f"no <meta charset> in {html[:20]}")
    return re.sub(r"<br>", " ", html)
'''
    assert tags_in(not_built) == []


def test_no_module_outside_the_core_builds_html_tags():
    assert len(_modules()) > 20  # the scan reads the package (render, site, handbook, ...)
    found = []
    for path in _modules():
        name = path.relative_to(SRC).as_posix()
        if name in ALLOWED:
            continue
        found += [f"{name}:{line}: {text[:60]!r}" for line, text in
                  tags_in(path.read_text(encoding="utf-8"))]
    assert not found, ("HTML built in Python; put it in a template of "
                       "src/tebiki/render/templates/:\n" + "\n".join(found))


def test_markup_is_made_in_the_templates_module_only():
    """Markup (HTML placed as it is) is named in templates.py: core_html, page_html,
    policy, style; nowhere else may a string be declared safe."""
    found = []
    for path in _modules():
        if path.name == "templates.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in ("Markup", "mark_safe"):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, found


# --- every template, hostile text in every argument ------------------------------------------


SLOTS = {  # the slots the parts fill, so what fills them is on the page too
    "field": "{name}{value}", "list-join": "{a}{b}", "guide-to-question": "{text}",
    "guide-to-outcome": "{text}", "guide-if": "{cond}", "pin-tries-value": "{n}",
    "handbook-xref": "{text}{title}{page}", "handbook-see": "{title}{page}",
    "handbook-chapter-sources": "{publishers}{title}{page}",
    "handbook-footer": "{title}{date}", "handbook-page-of": "{page}{pages}",
    "flow-picture-caption": "{link}", "handbook-flow-see": "{page}",
    "handbook-flow-title": "{title}", "handbook-flow-caption": "{page}",
}


class _Labels(dict):
    """Every label reads as the hostile text, followed by the slots it is filled with."""

    def __missing__(self, lid: str) -> dict:
        return {"en": HOSTILE + SLOTS.get(lid, "")}


W = HtmlWords(Words(_Labels(), "en"))
T = {"en": HOSTILE}  # a content text
CORE = core_html(inline(HOSTILE))  # HTML from tebiki.core.render: escaped there
TREE = {
    "id": "t",
    "questions": {"q": {"text": T, "hint": T, "options": [
        {"id": "a", "label": T, "hint": T, "next": "r", "valid_from": HOSTILE}]}},
    "outcomes": {"o": {"title": T}},
    "routes": {"r": [{"when": {"answer": "q", "is": "a"}, "goto": "q"}, {"goto": "o"}]},
}


def _caller() -> str:
    return HOSTILE  # a call block's body, as text


CASES: dict[tuple[str, str], dict] = {
    ("guide.html", "start_button"): {"href": HOSTILE, "label": W.label("start-wizard")},
    ("guide.html", "flow_picture"): {"w": W, "src": HOSTILE, "full": HOSTILE, "alt": HOSTILE,
                                     "width": HOSTILE, "height": HOSTILE, "anchor": HOSTILE,
                                     "text_anchor": HOSTILE},
    ("guide.html", "flow_full_page"): {"w": W, "title": CORE, "guide": HOSTILE,
                                       "text_anchor": HOSTILE, "picture": CORE,
                                       "name": HOSTILE},
    ("guide.html", "target"): {"w": W, "tree": TREE, "node": "r", "anchor": lambda *a: HOSTILE,
                               "condition": lambda when: CORE},
    ("guide.html", "question"): {"w": W, "tree": TREE, "question": TREE["questions"]["q"],
                                 "first": True, "anchor": lambda *a: HOSTILE,
                                 "condition": lambda when: CORE},
    ("guide.html", "outcome"): {"w": W, "view": {"summary": T, "continue": [{"title": T}]},
                                "body": CORE, "level": 4},
    ("tables.html", "table"): {"caption_id": HOSTILE, "kind": HOSTILE, "caption": CORE,
                               "head": [HOSTILE], "caller": _caller},
    ("tables.html", "places"): {"w": W, "kinds": ["store"], "place_labels": {"store": "x"}},
    ("tables.html", "pin_table"): {"w": W, "place_labels": {"store": "x"}, "pins": [
        {"name": T, "short_name": T, "used_for": [T], "format_text": T, "tries": HOSTILE,
         "reset_at": ["store"], "change_at": ["store"]}]},
    ("tables.html", "document_table"): {"w": W, "categories": [
        {"name": CORE, "docs": [{"name": T, "examples": [T], "note": T}]}]},
    ("boxes.html", "hotline"): {"heading": CORE, "level": 2, "box_id": HOSTILE,
                                "contacts": CORE},
    ("boxes.html", "start_links"): {"links": [{"href": HOSTILE, "title": CORE}],
                                    "action": CORE},
    ("boxes.html", "search"): {"w": W, "site_root": HOSTILE,
                               "messages": [("search-none", HOSTILE)]},
    ("boxes.html", "downloads"): {"w": W, "editions": [
        {"href": HOSTILE, "lang": HOSTILE, "name": CORE, "meta": CORE}]},
    ("embed-snippets.html", "iframe"): {"src": HOSTILE, "title": HOSTILE, "height": HOSTILE},
    ("embed-snippets.html", "loader"): {"src": HOSTILE, "title": HOSTILE, "wizard": HOSTILE,
                                        "script": HOSTILE, "integrity": HOSTILE},
    ("embed-snippets.html", "code_block"): {"code": HOSTILE},
    ("problems.html", "problems_box"): {"problems": [HOSTILE]},
    ("csp.html", "meta"): {"policy": HOSTILE},
    ("handbook.html", "page_ref"): {"anchor": HOSTILE, "placeholder": HOSTILE},
    ("handbook.html", "xref"): {"w": W, "anchor": HOSTILE, "title": CORE, "page": CORE,
                                "text": CORE},
    ("handbook.html", "sources_note"): {"w": W, "publishers": [CORE, HOSTILE], "page": CORE,
                                        "reviewed": HOSTILE},
    ("handbook.html", "cover"): {"w": W, "checked": CORE, "made": CORE, "online": CORE,
                                 "hotline": CORE},
    ("handbook.html", "toc_line"): {"line": {"anchor": HOSTILE, "text": HOSTILE,
                                             "kind": HOSTILE, "page": CORE, "lines": []}},
    ("handbook.html", "contents"): {"w": W, "lines": [{
        "anchor": HOSTILE, "text": HOSTILE, "kind": HOSTILE, "page": CORE,
        "lines": [{"anchor": "a", "text": HOSTILE, "kind": "k", "page": "1", "lines": []}]}]},
    ("handbook.html", "chapter"): {"anchor": HOSTILE, "body": CORE},
    ("handbook.html", "flow_see"): {"w": W, "anchor": HOSTILE, "page": CORE},
    ("handbook.html", "flow_page"): {"w": W, "anchor": HOSTILE, "title": CORE, "picture": CORE,
                                     "page": CORE},
    ("handbook.html", "sources"): {"w": W, "sources": [
        {"title": T, "publisher": T, "address": CORE, "reviewed": HOSTILE}]},
    ("handbook.html", "footer"): {"w": W, "date": HOSTILE},
    ("paper.html", "url"): {"pieces": ["https://", HOSTILE]},
    ("paper.html", "external"): {"link": CORE, "address": HOSTILE},
    ("paper.html", "internal"): {"anchor": HOSTILE, "attrs": Markup(""), "text": CORE},
    ("paper.html", "unlinked"): {"text": CORE},
    ("paper.html", "check_label"): {"text": CORE},
    ("paper.html", "keep_together"): {"kind": HOSTILE, "body": CORE},
    ("print.html", "document"): {"lang": HOSTILE, "policy": HOSTILE, "title": HOSTILE,
                                 "styles": style(""), "body": CORE},
    ("print.html", "footer"): {"fonts": style(""), "footer": HOSTILE},
    ("embed-page.html", ""): {
        "lang": HOSTILE, "policy": HOSTILE, "title": HOSTILE, "icon": HOSTILE, "up": HOSTILE,
        "runtime": HOSTILE, "stylesheet": HOSTILE, "wizard_stylesheet": HOSTILE,
        "frame_script": HOSTILE, "wizard_script": HOSTILE, "region": CORE, "description": HOSTILE,
        "others": [{"lang": HOSTILE, "name": HOSTILE, "href": HOSTILE}]},
}
# Parts that take no text at all: nothing to escape.
NO_TEXT = {("paper.html", "tick_box"), ("print.html", "header")}


def _parts() -> set[tuple[str, str]]:
    """Every template of the folder: its macros, or the template itself ("") if it has
    none (a whole page)."""
    env = templates.environment()
    found = set()
    for path in sorted(templates.FOLDER.glob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        macros = [node.name for node in tree.find_all(jinja2.nodes.Macro)]
        found |= {(path.name, n) for n in macros} if macros else {(path.name, "")}
    return found


def test_every_template_part_has_a_hostile_case():
    assert _parts() == set(CASES) | NO_TEXT


@pytest.mark.parametrize(("name", "macro"), sorted(CASES), ids=lambda x: x or "page")
def test_hostile_text_is_shown_escaped_and_never_runs(name, macro):
    args = CASES[name, macro]
    out = str(part(name, macro, **args) if macro else templates.render(name, **args))
    assert "</title><script>" not in out and "<script>alert" not in out
    assert SHOWN in out, out
    assert "49" not in out  # `{{ 7*7 }}` stayed text


def test_labels_filled_with_text_escape_it():
    """What fills a label's slots is HTML when it is Markup, text otherwise (escaped)."""
    words = HtmlWords(Words({"x": {"en": "<{a}|{b}>"}}, "en"))
    assert words.label("x", a="<i>", b=Markup("<i>")) == "&lt;&lt;i&gt;|<i>&gt;"
    assert words.join("x", ["<i>", Markup("<b>")]) == "&lt;&lt;i&gt;|<b>&gt;"


def test_what_is_placed_as_it_is_cannot_end_its_element_or_attribute():
    assert policy("default-src 'self'") == "default-src 'self'"
    for bad in ('x" onload="y', "x<", "x&"):
        with pytest.raises(ValueError):
            policy(bad)
    with pytest.raises(ValueError):
        style("a{} </style><script>")


def test_a_misspelt_name_in_a_template_is_an_error_not_nothing():
    with pytest.raises(jinja2.UndefinedError):
        part("guide.html", "start_button", href="x")  # no label


def test_the_guide_renders_its_parts_from_the_templates(bundle):
    """The rendered guide has the templates' markup, and a page's heading text in a
    hotline box is escaped where the page gave it."""
    html = guide.tree_guide(bundle, "pin-reset", "en", wizard_root="../wizard/")
    assert '<div class="tebiki-guide-question">' in html
    assert '<p class="tebiki-start"><a class="tebiki-button" href="../wizard/pin-reset/">' in html
    box = guide.hotline_box(bundle, "en", [next(iter(bundle.records["contacts"]))], HOSTILE)
    assert "<script>" not in box and esc(HOSTILE) in box
    with pytest.raises(guide.UnknownId, match="heading level"):
        guide.hotline_box(bundle, "en", [next(iter(bundle.records["contacts"]))], "x",
                          level="2 onclick=alert(1)")


def test_page_html_and_core_html_are_placed_as_they_are():
    assert part("paper.html", "unlinked", text=page_html("<b>x</b>")) == \
        '<span class="hb-link"><b>x</b></span>'
    assert part("paper.html", "unlinked", text="<b>x</b>") == \
        '<span class="hb-link">&lt;b&gt;x&lt;/b&gt;</span>'
