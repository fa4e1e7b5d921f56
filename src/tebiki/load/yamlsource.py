"""Read one YAML file into plain data, remembering the line of every value.

PyYAML's own constructors drop positions and silently keep the last of two
equal keys, and YAML 1.1 turns `yes:`/`no:` keys into booleans. Content is
edited by people, so we build the data ourselves from the node graph: every
value keeps its line, duplicate keys and boolean keys are errors that say
what to write instead.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tebiki.load.problems import Problem

try:  # the C parser is several times faster; same node graph
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_ALIAS_VALUES = 10_000

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
    """Parse `path`; return its Source (or None when it cannot be read) and its problems."""
    raw, problem = read_regular_file(path, MAX_BYTES)
    if problem:
        return None, [Problem(display, 1, problem)]
    assert raw is not None
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
    bad = [Problem(display, line, message) for line, message in bad_characters(text, raw=True)]
    if bad:
        return None, bad
    node, problem_at = _compose(text)
    if problem_at is not None:
        return None, [Problem(display, *problem_at)]
    if node is None:
        return None, [Problem(display, 1, "the file holds no data: write the content")]
    source = Source(display, None)
    converter = _Converter(source.lines)
    try:
        source.data = converter.convert(node, (), 0)
    except _Fail as fail:
        return None, [Problem(display, fail.line, fail.message)]
    return source, [Problem(display, line, message) for line, message in converter.problems]


def front_matter(text: str, display: str) -> tuple[Source | None, list[Problem]]:
    """The YAML front matter of a Markdown page (between its first two `---` lines),
    with the lines of the page; None when the page has none."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None, []
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return None, [Problem(display, 1, "the front matter has no closing `---` line")]
    # one empty line first, for the opening `---`: the parser's lines are the page's
    block = "\n" + "\n".join(lines[1:end]) + "\n"
    node, problem_at = _compose(block)
    if problem_at is not None:
        return None, [Problem(display, *problem_at)]
    source = Source(display, None)
    if node is None:
        return source, []
    converter = _Converter(source.lines)
    try:
        source.data = converter.convert(node, (), 0)
    except _Fail as fail:
        return None, [Problem(display, fail.line, fail.message)]
    return source, [Problem(display, line, message) for line, message in converter.problems]


def read_regular_file(path: Path, limit: int) -> tuple[bytes | None, str | None]:
    """The bytes of `path`, or None and why not: only a regular file of at most `limit`
    bytes is read. A FIFO would block forever and /dev/zero never ends, so the file is
    looked at (stat) before it is opened, and opened without blocking."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return None, _os_problem(exc)
    if not stat.S_ISREG(info.st_mode):
        return None, f"this is {_file_kind(info.st_mode)}, not a file: content files must be " \
                     "plain files (replace it by the file itself)"
    if info.st_size > limit:
        return None, _too_big(info.st_size, limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return None, _os_problem(exc)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the stat above
            return None, "this is not a plain file: content files must be plain files"
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return None, _os_problem(exc)
    finally:
        os.close(fd)
    if size > limit:
        return None, _too_big(size, limit)
    return b"".join(chunks), None


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "cannot read the file: its symbolic links go round in a loop; point the " \
               "link at the real file"
    if exc.errno == errno.ENOENT:
        return "cannot read the file: it does not exist (a symbolic link to nothing?)"
    return f"cannot read the file: {exc.strerror or exc}"


def _too_big(size: int, limit: int) -> str:
    return (f"the file is {size / (1024 * 1024):.1f} MB; content files may be at most "
            f"{limit // (1024 * 1024)} MB: split it into smaller files")


def _compose(text: str) -> tuple[yaml.Node | None, tuple[int, str] | None]:
    """The node graph of `text`, or None and the (line, message) that stops it."""
    try:
        try:
            return yaml.compose(text, Loader=_Loader), None
        except UnicodeEncodeError:
            # libyaml cannot hold a lone surrogate ("\ud800"); the Python parser can,
            # and bad_characters() then names it with its line.
            return yaml.compose(text, Loader=yaml.SafeLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        lines = text.splitlines()
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        hint = _yaml_hint(problem, line_text)
        return None, (line, f"YAML syntax: {problem}{hint}")
    except RecursionError:
        return None, (1, f"nested too deeply (more than {MAX_DEPTH} levels)")
    except yaml.YAMLError as exc:
        return None, (1, f"YAML: {exc}")


# Characters no text may hold: C0 controls but tab and newline (a carriage return
# only as part of a line end), DEL and the C1 controls (a stray U+0080 broke a page's
# front matter), the line and paragraph separators (YAML and JavaScript read them as
# line ends), lone surrogates, noncharacters, and the bidirectional overrides and
# isolates (they make a text read differently from what it holds).
_BAD_CHAR = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(1, 17))
    + "]")


def _char_kind(char: str) -> str:
    code = ord(char)
    if code in (0x2028, 0x2029):
        return "a line or paragraph separator"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional override, which can make a text read differently from " \
               "what it holds"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate, which is no character"
    if code < 0xA0:
        return "a control character"
    return "a noncharacter"


def bad_characters(text: str, raw: bool = False) -> list[tuple[int, str]]:
    """(line, message) for each character of `text` that no content may hold. `raw` is
    the whole file: a carriage return there is part of a Windows line end."""
    found = []
    for match in _BAD_CHAR.finditer(text):
        char = match.group()
        if raw and char == "\r":
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, f"U+{ord(char):04X} ({_char_kind(char)}) is not allowed in "
                            "content: delete it (it often comes with text copied from a PDF "
                            "or another program)"))
    return found


# What a tag may say: the plain kinds of value. A tag such as !!python/name:…,
# !!binary or !secret asks for something content never is.
_PLAIN_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp",
                                        "seq", "map", "merge")}


class _Converter:
    """Builds plain data from the node graph, keeping the line of every value.

    An alias (`*name`) is the very node of its anchor, so a few lines of nested
    aliases can stand for billions of values (the "billion laughs"): the values
    built again through aliases are counted, and more than MAX_ALIAS_VALUES stop
    the file before memory runs out.
    """

    def __init__(self, lines: dict[Key, int]) -> None:
        self.lines = lines
        self.problems: list[tuple[int, str]] = []
        self.built: set[int] = set()  # nodes converted once already
        self.open: set[int] = set()  # nodes being converted (an alias inside one is a loop)
        self.repeated = 0  # values built again through aliases
        self.where = 1  # the line of the key whose value is being built

    def convert(self, node: yaml.Node, key: Key, depth: int, via_alias: bool = False) -> Any:
        line = node.start_mark.line + 1
        self.lines[key] = line
        if depth > MAX_DEPTH:
            raise _Fail(line, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if id(node) in self.open:
            raise _Fail(line, "an alias (*name) refers to the value it is inside, which would "
                        "never end: write the value out")
        via_alias = via_alias or id(node) in self.built
        if via_alias:
            self._count_repeat()
        self.built.add(id(node))
        _check_tag(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, line)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, key, depth, via_alias)
            return [self.convert(item, (*key, i), depth + 1, via_alias)
                    for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _count_repeat(self) -> None:
        self.repeated += 1
        if self.repeated > MAX_ALIAS_VALUES:
            raise _Fail(self.where, f"aliases (*name) here repeat more than {MAX_ALIAS_VALUES:,} "
                        "values, which looks like an alias bomb: write the values out, or "
                        "split the file, instead of repeating them with &anchor and *alias")

    def _mapping(self, node: yaml.MappingNode, key: Key, depth: int, via_alias: bool) -> dict:
        result: dict[str, Any] = {}
        for knode, vnode in node.value:
            name = _key_text(knode)
            self._check_escapes(knode, name)
            if name in result:
                first = self.lines[(*key, name)]
                raise _Fail(
                    knode.start_mark.line + 1,
                    f"duplicate key '{name}' (first at line {first}): each key may appear "
                    "once; rename or merge them",
                )
            if not via_alias:  # an alias bomb is reported at the key that sets it off
                self.where = knode.start_mark.line + 1
            result[name] = self.convert(vnode, (*key, name), depth + 1, via_alias)
            self.lines[(*key, name)] = knode.start_mark.line + 1
        return result

    def _scalar(self, node: yaml.ScalarNode, line: int) -> Any:
        value = _scalar(node)
        if isinstance(value, str):
            self._check_escapes(node, value)
        return value

    def _check_escapes(self, node: yaml.ScalarNode, value: str) -> None:
        """Escapes in double quotes ("\\x80", "\\u202e") make characters the file does not
        hold as such; every other character was checked in the file's text."""
        if node.style != '"':
            return
        line = node.start_mark.line + 1
        for offset, message in bad_characters(value):
            self.problems.append((line + offset - 1, message))


def _check_tag(node: yaml.Node) -> None:
    if node.tag in _PLAIN_TAGS:
        return
    written = "!!" + node.tag[len(_TAG):] if node.tag.startswith(_TAG) else node.tag
    raise _Fail(node.start_mark.line + 1,
                f"the tag {written} is not allowed: content is plain text, numbers, lists "
                "and mappings; remove the tag (and quote the value if it is a text)")


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
