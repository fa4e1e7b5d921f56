"""The files every runtime runs stay inside the Python both CPython and MicroPython accept.

engine.py, wizard_html.py and the browser bridge run unchanged on CPython,
Pyodide and MicroPython's WebAssembly port. Each rule below is something
MicroPython 1.27 refuses, or worse, accepts and does differently; all were found
by trying them there (the parity test then runs every state of every tree on
it). What no static check can see is written down instead: MicroPython's dicts
keep no insertion order (write anything ordered from lists), and there a
datetime is no instance of date (test `datetime` first).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from datetime import date, datetime, timedelta

import pytest

from tests.support.micropython import MICROPYTHON_ATTRS, SHARED_FILES

from ..conftest import ROOT

# The standard library the shared files may import, and what they may use of it
# (what MicroPython's modules have; json.dumps writes other text there).
STDLIB = {
    "re": {"compile", "match", "search", "sub"},
    "json": {"loads"},
    "datetime": {"date", "datetime", "timedelta"},
    "sys": {"modules"},
}
# The engine's own modules, as a package member or a top-level module.
PROJECT = {"tebiki", "tebiki.core", "engine", "render"}
# Keyword arguments MicroPython's built-ins take; its other built-in functions and
# methods take none (str.split(maxsplit=1) and zip(strict=True) fail there).
BUILTIN_KEYWORDS = {
    "sorted": {"key", "reverse"}, "min": {"key", "default"}, "max": {"key", "default"},
    "enumerate": {"start"}, "timedelta": {"days", "seconds", "minutes", "hours", "weeks"},
}
# Methods both have that differ: MicroPython's change or test ASCII letters only.
ASCII_ONLY = {"isalpha", "isdigit", "isspace", "isupper", "islower", "upper", "lower"}


def _cpython_attrs() -> dict[str, set[str]]:
    pattern = re.compile("a")
    objects = {"str": str, "dict": dict, "list": list, "set": set, "date": date,
               "datetime": datetime, "timedelta": timedelta, "re.Pattern": pattern,
               "re.Match": pattern.search("a")}  # modules: see STDLIB
    return {name: {a for a in dir(obj) if not a.startswith("_")} for name, obj in objects.items()}


def _missing_attrs() -> dict[str, str]:
    """Attribute name -> where CPython has it and MicroPython does not.

    A name some other of these objects has on MicroPython stays allowed (the
    check cannot tell the objects apart): `today` is on MicroPython's date.
    """
    everywhere = {a for attrs in MICROPYTHON_ATTRS.values() for a in attrs}
    missing: dict[str, str] = {}
    for name, attrs in _cpython_attrs().items():
        for attr in sorted(attrs - set(MICROPYTHON_ATTRS[name]) - everywhere):
            missing.setdefault(attr, name)
    return missing


MISSING = _missing_attrs()


def defined_names(tree: ast.AST) -> set[str]:
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.ClassDef)}


# Functions, methods and classes defined in the shared files: calls to them may
# pass keyword arguments (they call each other's: wizard_html.render_state(root=…)).
OWN_NAMES = set().union(*(defined_names(ast.parse(path.read_text(encoding="utf-8")))
                          for path in SHARED_FILES))


# --- regular expressions ---------------------------------------------------------------------


def regex_problems(pattern: str) -> list[str]:
    """What in a pattern MicroPython's re refuses or reads otherwise than CPython's."""
    found = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        nxt = pattern[index + 1] if index + 1 < len(pattern) else ""
        if char == "\\":
            if nxt in "dwsDWSbB" and nxt:
                found.append(f"\\{nxt} means Unicode on CPython and ASCII on MicroPython: "
                             "write the class out, like [0-9] or [A-Za-z0-9_]")
            elif nxt.isdigit() and nxt:
                found.append(f"\\{nxt}: MicroPython's re has no backreferences")
            elif nxt.isascii() and nxt.isalpha():
                found.append(f"\\{nxt}: MicroPython's re reads it as the letter {nxt}: "
                             "put the character itself in the pattern (a non-raw string)")
            index += 2
            continue
        if char == "\x00":
            found.append("a NUL character: MicroPython's re cannot hold it")
        elif in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            # a ']' right after '[' or '[^' is a literal
            if pattern[index + 1:index + 2] == "^":
                index += 1
            if pattern[index + 1:index + 2] == "]":
                index += 1
        elif char == "(" and nxt == "?" and pattern[index + 2:index + 3] != ":":
            found.append("(?…) other than (?:…): lookbehind, lookahead, named groups and "
                         "inline flags are 'regex too complex' for MicroPython")
        elif char == "{":
            found.append("{m,n} repetition: MicroPython's re has none and silently "
                         "matches nothing (write \\{ for a brace)")
        elif char == ".":
            found.append(". matches a newline on MicroPython, not on CPython: write "
                         "[^\\n] with a real newline character (write \\. for a dot)")
        elif char == "$":
            found.append("$ matches before a final newline on CPython only: "
                         "test the end another way (write \\$ for a dollar)")
        index += 1
    return found


# --- the walk --------------------------------------------------------------------------------


class Subset(ast.NodeVisitor):
    """Collects `file:line: message` for everything outside the shared subset."""

    def __init__(self, name: str, own_names: set[str]) -> None:
        self.name = name
        self.own_names = own_names
        self.problems: list[str] = []
        self.modules: set[str] = set()  # names bound to a stdlib module

    def problem(self, node: ast.AST, message: str) -> None:
        self.problems.append(f"{self.name}:{node.lineno}: {message}")

    # imports

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            top = alias.name.split(".")[0]
            if alias.name in STDLIB:
                self.modules.add(alias.asname or alias.name)
            elif top not in PROJECT:
                self.problem(node, f"import {alias.name}: the shared files import only "
                             f"{', '.join(sorted(STDLIB))} and the engine's own modules")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module == "__future__":
            self.problem(node, "from __future__ import …: MicroPython has no __future__ "
                         "module (annotations like `dict | None` work without it on 3.11)")
        elif module in STDLIB:
            for alias in node.names:
                if alias.name not in STDLIB[module]:
                    self.problem(node, f"from {module} import {alias.name}: MicroPython's "
                                 f"{module} offers only {', '.join(sorted(STDLIB[module]))}")
        elif node.level == 0 and module.split(".")[0] not in PROJECT:
            self.problem(node, f"from {module} import …: the shared files import only "
                         f"{', '.join(sorted(STDLIB))} and the engine's own modules")
        self.generic_visit(node)

    # syntax MicroPython refuses

    def _no_starred(self, node: ast.List | ast.Tuple | ast.Set) -> None:
        # A display, not an assignment target (`first, *rest = …` is fine).
        if isinstance(node, ast.Set) or isinstance(node.ctx, ast.Load):
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    self.problem(node, "star-unpacking in a list, tuple or set display "
                                 "([*a, b]): a syntax error on MicroPython; write a + [b]")
        self.generic_visit(node)

    visit_List = visit_Tuple = visit_Set = _no_starred

    def visit_Dict(self, node: ast.Dict) -> None:
        if any(key is None for key in node.keys):
            self.problem(node, "{**a, …} in a dict display: a syntax error on MicroPython; "
                         "copy with dict(a) and update it")
        self.generic_visit(node)

    def visit_Match(self, node: ast.AST) -> None:
        self.problem(node, "match statement: MicroPython has none")
        self.generic_visit(node)

    def visit_TryStar(self, node: ast.AST) -> None:
        self.problem(node, "except*: MicroPython has none")
        self.generic_visit(node)

    def visit_arguments(self, node: ast.arguments) -> None:
        if node.posonlyargs:
            self.problem(node.posonlyargs[0], "positional-only parameters (/): "
                         "a syntax error on MicroPython")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.keywords:
            self.problem(node, "class keywords (metaclass=…): MicroPython takes none")
        self.generic_visit(node)

    def visit_Slice(self, node: ast.Slice) -> None:
        if node.step is not None:
            self.problem(node.step, "a slice with a step: MicroPython supports step 1 only")
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion == ord("a"):
                    self.problem(value, "!a in an f-string: a syntax error on MicroPython")
                if any(isinstance(n, ast.JoinedStr) for n in ast.walk(value.value)):
                    self.problem(value, "an f-string inside an f-string's braces: "
                                 "MicroPython cannot parse it")
        self.generic_visit(node)

    # the library as MicroPython has it

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self.modules:
            module = node.value.id
            if node.attr == "dumps" and module == "json":
                self.problem(node, "json.dumps writes other text on MicroPython (no "
                             "ensure_ascii, sort_keys or separators): use engine.to_json")
            elif node.attr not in STDLIB[module]:
                self.problem(node, f"{module}.{node.attr}: MicroPython's {module} offers only "
                             f"{', '.join(sorted(STDLIB[module]))}")
        elif node.attr in MISSING:
            self.problem(node, f".{node.attr}: MicroPython's {MISSING[node.attr]} has no "
                         f"{node.attr}")
        elif node.attr in ASCII_ONLY:
            self.problem(node, f".{node.attr}(): MicroPython's works on ASCII letters only "
                         "(CPython's on all of Unicode): compare with ranges like "
                         "'0' <= c <= '9'")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = (node.func.id if isinstance(node.func, ast.Name)
                else node.func.attr if isinstance(node.func, ast.Attribute) else None)
        keywords = {k.arg for k in node.keywords if k.arg is not None}
        if keywords and name not in self.own_names:
            allowed = BUILTIN_KEYWORDS.get(name, set())
            if keywords - allowed:
                self.problem(node, f"{name}({', '.join(sorted(keywords - allowed))}=…): "
                             "MicroPython's built-in functions and methods take (nearly) no "
                             "keyword arguments")
        if self._is_regex_call(node, name):
            self._check_regex_call(node, name)
        self.generic_visit(node)

    def _is_regex_call(self, node: ast.Call, name: str | None) -> bool:
        func = node.func
        on_re = (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                 and func.value.id == "re" and "re" in self.modules)
        return on_re or name == "sub"

    def _check_regex_call(self, node: ast.Call, name: str | None) -> None:
        func = node.func
        on_re = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "re"
        args = list(node.args)
        if on_re:
            if not args or not (isinstance(args[0], ast.Constant)
                                and isinstance(args[0].value, str)):
                self.problem(node, f"re.{name} with a pattern that is not a text literal: "
                             "write the pattern out so this test can check it")
            else:
                for message in dict.fromkeys(regex_problems(args[0].value)):  # once each
                    self.problem(node, f"pattern {args[0].value!r}: {message}")
            args = args[1:]
            if name == "compile" and args:
                self.problem(node, "re.compile with flags: MicroPython's re takes none")
        if name == "sub" and args and not (isinstance(args[0], ast.Constant)
                                           and isinstance(args[0].value, str)):
            self.problem(node, "sub() with a replacement that is not a text literal: "
                         "MicroPython expands backslashes even in what a function returns; "
                         "build the text with str methods instead")


def fstring_brace_problems(name: str, source: str) -> list[str]:
    """Plain literals with braces next to an f-string ('{a}' f'{b}'): MicroPython reads
    the whole concatenation as one f-string, so '{a}' is filled in (and '{{' halved)."""
    found = []
    group: list[tuple[bool, str, int]] = []
    glue = {tokenize.NL, tokenize.COMMENT}
    fstring_start = getattr(tokenize, "FSTRING_START", None)  # Python 3.12+
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    depth = 0

    def close() -> None:
        if any(is_f for is_f, _, _ in group):
            for is_f, text, line in group:
                if not is_f and ("{" in text or "}" in text):
                    found.append(f"{name}:{line}: the literal {text} beside an f-string holds "
                                 "a brace: MicroPython treats it as part of the f-string "
                                 "(make it an f-string too, with {{ }})")
        group.clear()

    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if depth:  # inside a 3.12+ f-string's tokens
            depth += tok.type == fstring_start
            depth -= tok.type == fstring_end
            continue
        if tok.type == tokenize.STRING:
            prefix = tok.string[:tok.string.index(tok.string[-1])].lower()
            group.append(("f" in prefix, tok.string, tok.start[0]))
        elif fstring_start is not None and tok.type == fstring_start:
            group.append((True, tok.string, tok.start[0]))
            depth = 1
        elif tok.type not in glue:
            close()
    close()
    return found


def subset_problems(source: str, name: str) -> list[str]:
    """`name:line: message` for each construct of `source` outside the shared subset."""
    tree = ast.parse(source, filename=name)
    walker = Subset(name, OWN_NAMES | defined_names(tree))
    walker.visit(tree)
    return walker.problems + fstring_brace_problems(name, source)


@pytest.mark.parametrize("path", SHARED_FILES, ids=[p.name for p in SHARED_FILES])
def test_the_shared_files_keep_to_what_micropython_runs(path):
    name = str(path.relative_to(ROOT))
    problems = subset_problems(path.read_text(encoding="utf-8"), name)
    assert not problems, "\n".join(problems)


# --- the check itself: each rule catches what it is for, and names the line ------------------

BAD = {
    "from __future__ import annotations\n": "MicroPython has no __future__",
    "x = [*a, 1]\n": "star-unpacking",
    "x = (*a, 1)\n": "star-unpacking",
    "x = {*a, 1}\n": "star-unpacking",
    "x = {**a, 'b': 1}\n": "dict display",
    "import dataclasses\n": "import dataclasses",
    "from typing import Any\n": "from typing import",
    "from datetime import timezone\n": "offers only date, datetime, timedelta",
    "import json\nx = json.dumps(a)\n": "use engine.to_json",
    "import json\nx = json.loads(a, strict=False)\n": "loads(strict=…)",
    "import re\nx = re.finditer('a', b)\n": "re.finditer",
    "import re\nP = re.compile(r'(?<![0-9])1')\n": "lookbehind",
    "import re\nP = re.compile(r'1(?=a)')\n": "lookahead",
    "import re\nP = re.compile(r'(?P<n>a)')\n": "named groups",
    "import re\nP = re.compile(r'[0-9]{1,4}')\n": "{m,n} repetition",
    "import re\nP = re.compile(r'\\d+')\n": "\\d means Unicode",
    "import re\nP = re.compile(r'\\w+')\n": "\\w means Unicode",
    "import re\nP = re.compile(r'[^\\n]')\n": "reads it as the letter n",
    "import re\nP = re.compile(r'(a)\\1')\n": "backreferences",
    "import re\nP = re.compile(r'a.b')\n": ". matches a newline",
    "import re\nP = re.compile(r'a$')\n": "$ matches",
    "import re\nP = re.compile(PATTERN)\n": "not a text literal",
    "import re\nP = re.compile('a', 0)\n": "flags",
    "import re\nx = P.sub(lambda m: m.group(1), t)\n": "expands backslashes",
    "x = m.start()\n": "re.Match has no start",
    "x = day.strftime('%m')\n": "has no strftime",
    "x = s.removeprefix('a')\n": "str has no removeprefix",
    "x = c.isdigit()\n": "ASCII letters only",
    "x = s.split('-', maxsplit=1)\n": "split(maxsplit=…)",
    "x = list(zip(a, b, strict=True))\n": "zip(strict=…)",
    "x = s[::-1]\n": "slice with a step",
    "x = f'{a!a}'\n": "!a in an f-string",
    "x = f'{f\"{a}\"}'\n": "f-string inside",
    "x = f'{a}' '{b}'\n": "beside an f-string holds a brace",
    "x = ('{{b}}'\n     f'{a}')\n": "beside an f-string holds a brace",
    "def f(a, /, b):\n    pass\n": "positional-only",
    "class A(metaclass=M):\n    pass\n": "metaclass",
    "match a:\n    case 1:\n        pass\n": "match statement",
}

GOOD = [
    "from datetime import date, datetime, timedelta\nx = date.fromisoformat(s)\n",
    "import re\nP = re.compile('\\\\*\\\\*([^\\n]+?)\\\\*\\\\*')\nx = P.sub(r'<b>\\1</b>', t)\n",
    "import re\nP = re.compile(r'[^0-9]\\.\\{\\$')\n",
    "x = a + [1]\nfirst, *rest = x\n",
    "x = sorted(a, key=len, reverse=True)\n",
    "x = f'{a:02d}-{b!r}' 'plain'\n",
    "def f(a: dict | None = None, *, b: int = 0) -> str | None:\n    return f(a, b=b)\n",
    "import json\nx = json.loads(t)\n",
    "x = s.partition(':')\n",
]


@pytest.mark.parametrize("source", sorted(BAD))
def test_the_check_refuses_each_construct_and_names_the_line(source):
    problems = subset_problems("# a case\n" + source, "src/tebiki/engine.py")
    assert any(BAD[source] in p for p in problems), problems
    # the line of the construct (the case starts on line 2)
    assert all(re.match(r"src/tebiki/engine\.py:[23]: ", p) for p in problems), problems


@pytest.mark.parametrize("source", GOOD)
def test_the_check_accepts_what_both_run(source):
    assert subset_problems(source, "good.py") == []
