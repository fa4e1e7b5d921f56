"""The label registry (src/tebiki/labels.py) is the labels the code uses, no more, no less.

`tebiki check` proves the content against the registry, so a label the code
uses but the registry lacks would pass the check and fail the build. These
tests read the code: every label id a renderer, macro, template or script
names, and the slots each call fills, must be in the registry; and the
repository's own ui/*.yaml must define exactly the registry's labels.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tebiki.load import labels
from tebiki.load.schema import ID_RE
from tebiki.load.yamlsource import read_source

from ..conftest import CONTENT, ROOT

SCANNED = [ROOT / name for name in ("src", "macros", "overrides", "pyodide", "content",
                                    "widget")]
# Calls whose first argument is a label id: Words.label/label_plain/join, TextRenderer.label,
# the outcome headings, the theme's tebiki.label().
LABEL_CALLS = {"label", "label_plain", "join", "heading"}
TEMPLATE_USE = re.compile(r"""(?:label\(\s*|labels\[\s*)["']([a-z][a-z0-9-]*)["']""")


def _files(suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for folder in SCANNED for p in folder.rglob("*")
                  if p.suffix in suffixes and "node_modules" not in p.parts)


class Uses:
    """Label ids the code names: (id, slots filled or None, where)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, set | None, str]] = []
        self.prefixes: list[tuple[str, str]] = []  # f"month-{m}", "doc-category-" + c
        self.literals: set[str] = set()  # every string constant, for the reverse check


def _python_uses(uses: Uses) -> None:
    for path in _files((".py",)):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                uses.literals.add(node.value)
            if isinstance(node, ast.Call) and node.args:
                _call_use(node, f"{path.relative_to(ROOT)}:{node.lineno}", uses)


def _call_use(node: ast.Call, where: str, uses: Uses) -> None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in LABEL_CALLS:
        return
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant):
        return  # "".join(...)
    first = node.args[0]
    slots = {k.arg for k in node.keywords if k.arg} if name != "join" else {"a", "b"}
    if isinstance(first, ast.Constant) and isinstance(first.value, str) \
            and ID_RE.fullmatch(first.value):
        uses.calls.append((first.value, slots if name in ("label", "label_plain", "join")
                           and (node.keywords or name == "join") else None, where))
    elif isinstance(first, ast.JoinedStr) and first.values \
            and isinstance(first.values[0], ast.Constant):
        uses.prefixes.append((first.values[0].value, where))
    elif isinstance(first, ast.BinOp) and isinstance(first.left, ast.Constant):
        uses.prefixes.append((first.left.value, where))


def _call_keywords(text: str, start: int) -> set[str] | None:
    """The keyword arguments of the template call whose first argument ends at `start`
    (`w.label("id", text=...)` gives {"text"}); None for a subscript (`labels["id"]`)."""
    depth, keywords, i = 1, set(), start
    if text[start:start + 1] == "]":
        return None
    while i < len(text) and depth:
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 1 and char == ",":
            found = re.match(r"\s*([a-z_][a-z0-9_]*)\s*=(?!=)", text[i + 1:])
            if found:
                keywords.add(found.group(1))
        elif char in "\"'":
            i = text.index(char, i + 1)
        i += 1
    return keywords


def _template_uses(uses: Uses) -> None:
    for path in _files((".html", ".js", ".mjs", ".md")):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_USE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            slots = _call_keywords(text, match.end()) if path.suffix == ".html" else None
            uses.calls.append((match.group(1), slots, f"{path.relative_to(ROOT)}:{line}"))
        uses.literals.update(re.findall(r"""["']([a-z][a-z0-9-]*)["']""", text))


def code_uses() -> Uses:
    uses = Uses()
    _python_uses(uses)
    _template_uses(uses)
    return uses


def test_the_scan_finds_the_label_uses_it_is_for():
    """A scan that finds nothing proves nothing: these are known uses of each kind."""
    uses = code_uses()
    ids = {lid for lid, _slots, _where in uses.calls}
    assert {"back", "doc-n", "day-join", "pins-involved", "search", "not-found"} <= ids
    assert {prefix for prefix, _where in uses.prefixes} >= {"month-", "doc-category-", "day-"}
    assert len(uses.calls) > 100


def test_every_label_the_code_names_is_in_the_registry():
    unknown = [f"{where}: '{lid}'" for lid, _slots, where in code_uses().calls
               if labels.spec(lid) is None]
    assert not unknown, "labels used but not in src/tebiki/labels.py:\n" + "\n".join(unknown)


def test_each_call_fills_exactly_the_registry_slots():
    wrong = []
    for lid, slots, where in code_uses().calls:
        spec = labels.spec(lid)
        if spec is None:
            continue
        filled = slots or set()
        if slots is None and not spec.slots:
            continue
        if filled != set(spec.slots):
            wrong.append(f"{where}: '{lid}' fills {sorted(filled)}, the registry says "
                         f"{sorted(spec.slots)}")
    assert not wrong, "\n".join(wrong)


def test_every_prefix_the_code_builds_ids_from_names_labels_in_the_registry():
    for prefix, where in code_uses().prefixes:
        known = [lid for lid in labels.LABELS if lid.startswith(prefix)]
        optional = [p for p in (*labels.OPTIONAL_PREFIXES, *labels.CONTENT_PREFIXES,
                                *labels.LANGUAGE_PREFIXES) if p.startswith(prefix)]
        assert known or optional, f"{where}: no label in the registry starts with {prefix!r}"


def test_no_label_in_the_registry_is_unused():
    uses = code_uses()
    prefixes = [prefix for prefix, _where in uses.prefixes]
    unused = [lid for lid in labels.LABELS
              if lid not in uses.literals and not any(lid.startswith(p) for p in prefixes)]
    assert not unused, f"in the registry but named nowhere in the code: {unused}"


def test_the_repository_defines_exactly_the_registry_labels():
    defined = set()
    for path in sorted((CONTENT / "ui").glob("*.yaml")):
        source, problems = read_source(path, path.name)
        assert source is not None and not problems, problems
        defined |= set(source.data["labels"])
    optional = {lid for lid in defined if lid not in labels.LABELS
                and any(lid.startswith(p) for p in (*labels.OPTIONAL_PREFIXES,
                                                   *labels.CONTENT_PREFIXES,
                                                   *labels.LANGUAGE_PREFIXES))}
    assert defined - optional == set(labels.LABELS)
