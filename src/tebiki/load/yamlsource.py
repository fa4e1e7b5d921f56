"""Read one YAML file into plain data, remembering the line of every value.

PyYAML's own constructors drop positions and silently keep the last of two
equal keys, and YAML 1.1 turns `yes:`/`no:` keys into booleans. Content is
edited by people, so we build the data ourselves from the node graph: every
value keeps its line, duplicate keys and boolean keys are errors that say
what to write instead.
"""

from __future__ import annotations

import errno
import heapq
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

# A content file is a few dozen KB (the largest today: 58 KB); what it holds is on pages
# many times over (docs/FORMAT.md, Limits).
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 40
MAX_ALIAS_VALUES = 10_000
# Characters of text that aliases may repeat in one file: a 1 MB text repeated by
# 9,999 aliases is within the count above but is 10 GB of text for every later step.
MAX_ALIAS_CHARS = MAX_BYTES
# Problems listed per file: a file of two million bad characters is one problem
# repeated, and listing each took 18 minutes and two million lines.
MAX_FILE_PROBLEMS = 50

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
    if raw.count(b"\x00") * 4 > len(raw):
        return None, [Problem(display, 1, "the file is not UTF-8: every other byte is 0, as in a "
                              "file saved as UTF-16; save it as UTF-8")]
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
    bad = [Problem(display, line, message, more=more)
           for line, message, more in bad_characters(text, raw=True)]
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
    found = [Problem(display, line, message, more=more)
             for line, message, more in converter.problems]
    return source, cap_problems(found)


def cap_problems(problems: list[Problem], limit: int = MAX_FILE_PROBLEMS) -> list[Problem]:
    """The first `limit` problems of one file, by line, and one more that says how many
    were left out: past a few dozen, more lines only hide the other files' problems.
    A line that already stands for some left out (`more`) counts them."""
    listed = sorted(p for p in problems if not p.more)
    if len(listed) <= limit:
        return problems
    kept = listed[:limit]
    rest = len(listed) - limit + sum(p.more for p in problems)
    return [*kept, Problem(kept[0].file, listed[limit].line,
                           f"and {rest:,} more problems in this file (only the first {limit} "
                           "are listed): fix these, then check again", more=rest)]


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


def _too_deep(text: str, loader: type) -> int | None:
    """The line where `text` nests lists and mappings deeper than a composer can take,
    or None. PyYAML composes nodes recursively, and its C composer on the C stack:
    30,000 `[` crashed the process (a segmentation fault, no message) before any
    RecursionError. Parsing into events is a loop, so the depth is counted there first
    (a syntax error is left to the composer, which reports it)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                # the converter reports a value deeper than MAX_DEPTH with its own words
                if depth > MAX_DEPTH + 1:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _compose(text: str) -> tuple[yaml.Node | None, tuple[int, str] | None]:
    """The node graph of `text`, or None and the (line, message) that stops it."""
    loader = _Loader
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # libyaml cannot hold a lone surrogate ("\ud800"); the Python parser can,
        # and bad_characters() then names it with its line.
        loader = yaml.SafeLoader
    deep = _too_deep(text, loader)
    if deep is not None:
        return None, (deep, f"nested too deeply (more than {MAX_DEPTH} levels): content "
                      "needs a few levels at most; close the brackets or indent less")
    try:
        return yaml.compose(text, Loader=loader), None
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
# isolates (they make a text read differently from what it holds). Also what is
# invisible on a page and so changes a text unseen: the bidirectional marks, zero-width
# and other format characters, a byte order mark inside a file, the soft hyphen, Hangul
# fillers, tag characters (they can hide a whole text) and private-use characters (no
# meaning outside one program). Joiners (U+200C, U+200D) and variation selectors stay:
# emoji and some scripts need them, and kanji variants (異体字) use the latter.
_BAD_CHAR = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b\u200e\u200f"
    r"\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    r"\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\U000e0000-\U000e007f"
    r"\U000f0000-\U0010ffff"
    + "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(1, 15))
    + "]")
# Combining marks piled on one letter ("Zalgo" text) spill over the lines around it:
# the diacritical blocks such text is made of, and the kana voicing marks.
MAX_COMBINING = 5
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
                        "\u3099\u309a\ufe20-\ufe2f]{" + str(MAX_COMBINING + 1) + ",}")


def _char_kind(char: str) -> str:
    code = ord(char)
    if code in (0x2028, 0x2029):
        return "a line or paragraph separator"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional override, which can make a text read differently from " \
               "what it holds"
    if code in (0x200E, 0x200F, 0x061C):
        return "a bidirectional mark, which is invisible and can reorder the text around it"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate, which is no character"
    if code < 0xA0:
        return "a control character"
    if code == 0xAD:
        return "a soft hyphen, which is invisible"
    if 0xE0000 <= code <= 0xE007F:
        return "a tag character, which is invisible and can hide text"
    if (0xE000 <= code <= 0xF8FF or code >= 0xF0000) and (code & 0xFFFE) != 0xFFFE:
        return "a private-use character, which means nothing outside one program"
    if code == 0xFEFF:
        return "a byte order mark, which belongs at the very start of a file only"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return "a noncharacter"
    return "an invisible formatting character, which changes a text without showing"


_COPIED = "it often comes with text copied from a PDF or another program"


def bad_characters(text: str, raw: bool = False,
                   limit: int = MAX_FILE_PROBLEMS) -> list[tuple[int, str, int]]:
    """(line, message, 0) for each character of `text` that no content may hold, the
    first `limit` of them, and (line, message, how many) for the rest. `raw` is the whole file: a
    carriage return there is part of a Windows line end, and the message gives the
    column; otherwise `text` is one value (written with escapes in double quotes).
    Line numbers are counted on from one match to the next: linear in the file."""
    found: list[tuple[int, int, str, int]] = []
    line, line_start, counted_to = 1, 0, 0
    for match in _bad_matches(text, raw):
        if len(found) == limit:
            break
        at = match.start()
        newlines = text.count("\n", counted_to, at)
        if newlines:
            line += newlines
            line_start = text.rindex("\n", counted_to, at) + 1
        counted_to = at
        where = f", at column {at - line_start + 1}" if raw else ""
        found.append((line, at, _bad_message(match.group(), where), 0))
    if len(found) == limit:
        rest = _count_bad(text, raw) - limit
        if rest > 0:
            found.append((found[-1][0], found[-1][1],
                          f"and {rest:,} more characters like these in this file (only the "
                          f"first {limit} are listed): {_COPIED}; retype or clean the text",
                          rest))
    return [(line, message, more) for line, _at, message, more in found]


def _bad_matches(text: str, raw: bool):
    """The bad characters and the runs of combining marks of `text`, in order."""
    chars = (m for m in _BAD_CHAR.finditer(text) if not (raw and m.group() == "\r"))
    runs = _COMBINING.finditer(text) if not text.isascii() else iter(())
    return heapq.merge(chars, runs, key=lambda m: m.start())


def _bad_message(found: str, where: str) -> str:
    if len(found) > 1:
        return (f"{len(found)} combining marks on one letter{where}: at most {MAX_COMBINING} "
                "may stand together (more pile up over the lines around them); delete them")
    return (f"U+{ord(found):04X} ({_char_kind(found)}) is not allowed in content{where}: "
            f"delete it ({_COPIED})")


def _count_bad(text: str, raw: bool) -> int:
    """How many bad characters and runs `text` holds, counted in C (no list of matches)."""
    count = _BAD_CHAR.subn("", text)[1] - (text.count("\r") if raw else 0)
    if not text.isascii():
        count += _COMBINING.subn("", text)[1]
    return count


# What a tag may say: the plain kinds of value. A tag such as !!python/name:…,
# !!binary or !secret asks for something content never is.
_PLAIN_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp",
                                        "seq", "map", "merge")}


class _Converter:
    """Builds plain data from the node graph, keeping the line of every value.

    An alias (`*name`) is the very node of its anchor, so a few lines of nested
    aliases can stand for billions of values (the "billion laughs"): the values
    built again through aliases are counted, and more than MAX_ALIAS_VALUES, or
    texts of more than MAX_ALIAS_CHARS characters in all, stop the file before
    memory or time run out. A node is checked once, however often it is repeated.
    """

    def __init__(self, lines: dict[Key, int]) -> None:
        self.lines = lines
        self.problems: list[tuple[int, str, int]] = []
        self.built: set[int] = set()  # nodes converted once already
        self.open: set[int] = set()  # nodes being converted (an alias inside one is a loop)
        self.repeated = 0  # values built again through aliases
        self.repeated_chars = 0  # characters of the texts among them
        self.where = 1  # the line of the key whose value is being built

    def convert(self, node: yaml.Node, key: Key, depth: int, via_alias: bool = False) -> Any:
        line = node.start_mark.line + 1
        self.lines[key] = line
        if depth > MAX_DEPTH:
            raise _Fail(line, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if id(node) in self.open:
            raise _Fail(line, "an alias (*name) refers to the value it is inside, which would "
                        "never end: write the value out")
        again = id(node) in self.built
        via_alias = via_alias or again
        if via_alias:
            self._count_repeat(node)
        self.built.add(id(node))
        _check_tag(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, again)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, key, depth, via_alias)
            return [self.convert(item, (*key, i), depth + 1, via_alias)
                    for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _count_repeat(self, node: yaml.Node) -> None:
        self.repeated += 1
        if isinstance(node, yaml.ScalarNode):
            self.repeated_chars += len(node.value)
        if self.repeated > MAX_ALIAS_VALUES:
            raise _Fail(self.where, f"aliases (*name) here repeat more than {MAX_ALIAS_VALUES:,} "
                        "values, which looks like an alias bomb: write the values out, or "
                        "split the file, instead of repeating them with &anchor and *alias")
        if self.repeated_chars > MAX_ALIAS_CHARS:
            raise _Fail(self.where, f"aliases (*name) here repeat more than "
                        f"{MAX_ALIAS_CHARS:,} characters of text, which looks like an alias "
                        "bomb: write the texts out once each instead of repeating them with "
                        "&anchor and *alias")

    def _mapping(self, node: yaml.MappingNode, key: Key, depth: int, via_alias: bool) -> dict:
        result: dict[str, Any] = {}
        for knode, vnode in node.value:
            name = _key_text(knode)
            if id(knode) not in self.built:
                self.built.add(id(knode))
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

    def _scalar(self, node: yaml.ScalarNode, again: bool) -> Any:
        value = _scalar(node)
        if isinstance(value, str) and not again:  # a repeat was checked the first time
            self._check_escapes(node, value)
        return value

    def _check_escapes(self, node: yaml.ScalarNode, value: str) -> None:
        """Escapes in double quotes ("\\x80", "\\u202e") make characters the file does not
        hold as such; every other character was checked in the file's text."""
        if node.style != '"':
            return
        line = node.start_mark.line + 1
        for offset, message, more in bad_characters(value):
            self.problems.append((line + offset - 1, message, more))


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
    _check_tag(node)  # `!!python/name:os.system title:` asks for more than a name too
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
