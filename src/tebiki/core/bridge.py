"""The engine's face to the browser: what the wizard's Web Worker calls on Pyodide.

Shipped in the engine wheel beside the `tebiki` package (engine and
wizard_html only), and importable on CPython and MicroPython too, so tests can
compare the interpreters call for call. Every call takes and returns JSON text:
one string crosses the JavaScript boundary each way, and nothing depends on how
Pyodide or MicroPython converts objects. Like the engine, it keeps to the Python
every runtime accepts (tests/core/test_micropython_subset.py).
"""

import json
import sys

from . import engine, layout
from . import render as state_html

# The folder of the guide pages, beside the wizard's (tebiki.mkdocs_site.GUIDE).
GUIDE = "guide"

_trees: dict = {}
_labels: dict = {}
_guides: set = set()


def dumps(data: object) -> str:
    """JSON as the compiled bundle writes it: canonical, so outputs compare byte for byte."""
    return engine.to_json(data)


def add_tree(text: str) -> str:
    """Keep a compiled tree (the JSON text of trees/<id>.json); returns its id."""
    tree = json.loads(text)
    if tree.get("format") != engine.FORMAT:
        raise ValueError(f"tree {tree.get('id')!r} has format {tree.get('format')!r}, "
                         f"this engine reads format {engine.FORMAT}")
    _trees[tree["id"]] = tree
    return tree["id"]


def set_labels(text: str) -> None:
    """Keep the UI labels (the JSON text of labels.json)."""
    _labels.clear()
    _labels.update(json.loads(text))


def step(tree_id: str, answers: str, now: str | None = None) -> str:
    """`engine.next_step` as JSON text; `answers` is a JSON object of question to option."""
    return dumps(engine.next_step(_trees[tree_id], json.loads(answers), now))


def set_guides(text: str) -> None:
    """Keep which trees have a guide page (a JSON list of tree ids)."""
    _guides.clear()
    _guides.update(json.loads(text))


def render(request: str) -> str:
    """The wizard region of one state, as the static page at its URL shows it.

    `request` is JSON: `tree`, `lang`, `now` (or null), `embed` (optional: the page
    is an embed page, see tebiki.embed), and either `answers`
    (question to option; answers the path no longer takes are kept and used
    when it comes back to them) or `options` (the option ids of a state URL).
    Optional, from the page script: `earlier` (question to option: what the
    visitor answered before, marked on a question asked again) and `answered`
    (the question just answered: a notice names the answers kept past it).
    Returns JSON: `tree`, `html` (the region, its links relative to the state's own
    URL, as on the static page), `title` (plain text), `url` (the state's URL
    relative to the wizard's root folder), `answers` (the answers asked for,
    as question to option) and `path` (the [question, option] pairs the state's
    path took, in order).
    """
    req = json.loads(request)
    tree_id, lang, now = req["tree"], req["lang"], req.get("now")
    tree = _trees[tree_id]
    answers = req["answers"] if "answers" in req else layout.answers_for(tree, req["options"])
    result = engine.next_step(tree, answers, now)
    options = [a["option"] for a in result["answers"]]
    # A state's page sits one folder per answer below its tree's folder, and the
    # guides beside the wizard folder (as tebiki.mkdocs_site lays them out).
    root = "../" * (len(options) + 1)
    guide = f"{root}../{GUIDE}/{tree_id}/" if tree_id in _guides else None
    html = state_html.render_state(result, _labels, lang, root=root, now=now, trees=_trees,
                                    guide_url=guide, embed=bool(req.get("embed")),
                                    earlier=req.get("earlier"), answered=req.get("answered"))
    return dumps({
        "tree": tree_id,
        "html": html,
        "title": state_html.page_title(result, lang),
        "url": state_html.state_url("", tree_id, options),
        "answers": answers,
        "path": [[a["question"], a["option"]] for a in result["answers"]],
    })


def modules() -> str:
    """The modules imported so far (the vendoring step keeps these in the standard library)."""
    return dumps(sorted(sys.modules))
