"""Read one YAML file into plain data, remembering the line of every value.

PyYAML's own constructors drop positions and silently keep the last of two
equal keys, and YAML 1.1 turns `yes:`/`no:` keys into booleans. Content is
edited by people, so we build the data ourselves from the node graph: every
value keeps its line, duplicate keys and boolean keys are errors that say
what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

try:  # the C parser is several times faster; same node graph
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40

Key = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"


@dataclass
class Source:
    """One file's data and the line of each value, keyed by its path in the data."""

    file: str
    data: Any
    lines: dict[Key, int] = field(default_factory=dict)

    def line(self, key: Key) -> int:
        """The line of `key`, or of its nearest ancestor that has one."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


class _Fail(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


def _yaml_hint(problem: str, line_text: str) -> str:
    if "\t" in line_text:
        return " (this line has a tab: indent with spaces only)"
    if "mapping values are not allowed" in problem:
        return " (a ':' inside plain text: put the text in quotes)"
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return " (check the indentation of this line and the one before)"
    if "found undefined alias" in problem:
        return " (an '*' at the start of a text: put the text in quotes)"
    if "could not find expected ':'" in problem:
        return " (a key without ':', or a text that runs onto the next line)"
    if "found unexpected end of stream" in problem:
        return " (a quote or bracket that is never closed)"
    return ""


def read_source(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    """Parse `path`; return its Source, or None and the problems that stop it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, f"cannot read the file: {exc.strerror}")]
    if len(raw) > MAX_BYTES:
        size = len(raw) / (1024 * 1024)
        return None, [
            Problem(
                display,
                1,
                f"the file is {size:.1f} MB; content files may be at most "
                f"{MAX_BYTES // (1024 * 1024)} MB: split it into smaller files",
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                display,
                line,
                f"byte 0x{raw[exc.start]:02x} is not UTF-8: save the file as UTF-8 "
                "(not Shift_JIS or EUC-JP)",
            )
        ]
    if not text.strip():
        return None, [Problem(display, 1, "the file is empty: write the content, or delete it")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        lines = text.splitlines()
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        hint = _yaml_hint(problem, line_text)
        return None, [Problem(display, line, f"YAML syntax: {problem}{hint}")]
    except yaml.composer.ComposerError as exc:  # pragma: no cover - covered by Marked above
        return None, [Problem(display, 1, f"YAML syntax: {exc}")]
    except RecursionError:
        return None, [Problem(display, 1, f"nested too deeply (more than {MAX_DEPTH} levels)")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, f"YAML: {exc}")]
    if node is None:
        return None, [Problem(display, 1, "the file holds no data: write the content")]
    source = Source(display, None)
    try:
        source.data = _convert(node, (), source.lines, 0)
    except _Fail as fail:
        return None, [Problem(display, fail.line, fail.message)]
    return source, []


def _convert(node: yaml.Node, key: Key, lines: dict[Key, int], depth: int) -> Any:
    line = node.start_mark.line + 1
    lines[key] = line
    if depth > MAX_DEPTH:
        raise _Fail(line, f"nested too deeply (more than {MAX_DEPTH} levels)")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for knode, vnode in node.value:
            name = _key_text(knode)
            if name in result:
                first = lines[(*key, name)]
                raise _Fail(
                    knode.start_mark.line + 1,
                    f"duplicate key '{name}' (first at line {first}): each key may appear "
                    "once; rename or merge them",
                )
            result[name] = _convert(vnode, (*key, name), lines, depth + 1)
            lines[(*key, name)] = knode.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*key, i), lines, depth + 1) for i, item in enumerate(node.value)]
    return _scalar(node)


def _key_text(node: yaml.Node) -> str:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode):
        raise _Fail(line, "a key must be a plain name, not a list or a mapping")
    if node.tag == _TAG + "merge":
        raise _Fail(line, "'<<' merge keys are not supported: write the values out")
    if node.tag == _TAG + "bool":
        raise _Fail(
            line,
            f"key '{node.value}' is read by YAML as true/false, not as text: "
            f'quote it ("{node.value}") or, better, use a word that says what it means',
        )
    if node.tag == _TAG + "null":
        raise _Fail(line, "an empty key: write a name before the ':'")
    return str(node.value)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    value = node.value
    if tag == _TAG + "bool":
        return value.lower() in {"yes", "on", "true", "y"}
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "int":
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == _TAG + "float":
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    # Dates and everything else stay text; the schema checks their form.
    return value


BOOL_HINT = (
    "YAML reads yes/no/on/off/true/false as a true/false value; "
    'if you meant a word, put it in quotes ("yes")'
)
