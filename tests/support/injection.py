"""The injection corpus: content whose every text carries payloads.

A stranger's pull request can change any text of the YAML. `inject` copies a
content folder and appends payloads to every text in every language (a script
shown as text to each, and one of the others in turns, so each kind of text
carries each payload somewhere): tree
titles and summaries, questions, hints, options, every part of every outcome,
record names, notes and examples, contact and place names, and every label of
`ui/` (their `{slots}` stay as they are). One build of that content then shows
how each kind of text is treated on every kind of page.

The payloads are markup (`<script>`, `</title><script>`, `<img onerror>`, a
`javascript:` link), template source (`{{ … }}`, `{% … %}`, one that would
write a file), and Markdown (a heading, an attribute list that would cover the
page). What `tebiki check` refuses in a text never reaches a build: REFUSED
lists it (Markdown links and images, control, invisible and bidirectional
characters, a phone number in a form pages do not link, a text past its
length), and tests/load/test_injection_refused.py puts each one in every text
of a small content and asserts that the check names them all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

JINJA_RAN = "tebiki-jinja-ran"  # what the template payloads print if they run
BLOCK_RAN = "tebiki-block-ran"


def payload(marker: Path, probe: str) -> list[str]:
    """The payloads, each a piece appended to texts. `marker` is the file a template
    payload would create; `probe` is the address (http://host:port/) of a server
    counting requests. The first, a script shown as text, goes into every text; the
    others take turns (all of them do not fit within a title's 300 characters), so
    each kind of text carries each of them somewhere."""
    return [
        ' <script data-xss>alert("xss-script")</script>',
        ' </title><script data-xss>alert("xss-title")</script>',
        f' <img data-xss src="{probe}raw.png" onerror="alert(\'xss-img\')">',
        ' {{ "tebiki" ~ "-jinja-ran" }}',
        ' {% set z = "tebiki-block" ~ "-ran" %}{{ z }}',
        ' {{ cycler.__init__.__globals__.__builtins__.open("' + str(marker)
        + '", "w").write("ran") }}',
        ' <a data-xss href="javascript:alert(\'xss-a\')">xss-a</a> javascript:alert("xss-plain")',
        '\n\n# xss-heading\n\nafter {: #xss-attr style="position:fixed;inset:0;background:red" }',
    ]


# What the check refuses in any text: (what is appended, words of the message).
REFUSED: dict[str, tuple[str, str]] = {
    "markdown link": (' [xss-link](javascript:alert("xss-link"))', "has a link written in "
                      "Markdown"),
    "markdown image": (" ![xss-image](http://127.0.0.1:9/markdown.png)", "has a link written "
                       "in Markdown"),
    "autolink": (" <javascript:alert(1)>", "has a link written in Markdown"),
    "control": (" bell\x07", "U+0007 (a control character) is not allowed"),
    "c1 control": (" \x85", "U+0085 (a control character) is not allowed"),
    "bidi override": (" \u202egnp.exe", "U+202E (a bidirectional override"),
    "bidi mark": (" \u200fmark", "U+200F (a bidirectional mark"),
    "zero width": (" zero\u200bwidth", "U+200B (an invisible formatting character"),
    "tag characters": (" \U000e0041\U000e0042", "U+E0041 (a tag character"),
    "private use": (" \ue000", "U+E000 (a private-use character"),
    "combining pile": (" Z" + "\u0301" * 12, "12 combining marks on one letter"),
    "full-width phone": (" ０１２０－１２－３４５６", "looks like a phone number, and it is in no "
                         "contact record"),
    "phone with spaces": (" 03 1234 5678", "looks like a phone number"),
    "unknown phone": (" 0120-12-3456", "the phone number 0120-12-3456 in this text is in no "
                      "contact record"),
    "too long": (" " + "long " * 500, "characters; a"),
}


def _is_text(value: object) -> bool:
    return (isinstance(value, dict) and bool(value) and set(value) <= {"ja", "en"}
            and all(isinstance(v, str) for v in value.values()))


class _Turns:
    """The pieces for each text in turn: the first always, then one of the others, from
    where the last text stopped, if it keeps the text within its length limit. (More
    than one each would put the guide past the check's limit on wizard text: each
    text is on every page past it.)"""

    def __init__(self, pieces: list[str], per_text: int = 1) -> None:
        self.first, self.rest, self.next = pieces[0], pieces[1:], 0
        self.per_text = per_text

    def extra(self, text: str) -> str:
        from tebiki.load.schema import MAX_SHORT_TEXT, MAX_TEXT

        limit = MAX_SHORT_TEXT if len(text) <= MAX_SHORT_TEXT else MAX_TEXT
        added = self.first
        for _ in range(self.per_text):
            piece = self.rest[self.next % len(self.rest)]
            if len((text + added + piece).strip()) > limit:
                break
            added += piece
            self.next += 1
        return added


def _add(value: object, extra: str | _Turns) -> object:
    if _is_text(value):
        if isinstance(extra, str):
            return {lang: text + extra for lang, text in value.items()}
        return {lang: text + extra.extra(text) for lang, text in value.items()}
    if isinstance(value, dict):
        return {k: _add(v, extra) for k, v in value.items()}
    if isinstance(value, list):
        return [_add(v, extra) for v in value]
    return value


def inject(source: Path, dest: Path, extra: str | list[str]) -> int:
    """Copy the content folder `source` to `dest` with `extra` appended to every text (a
    list: the pieces of `payload` in turns); returns how many texts were changed."""
    shutil.copytree(source, dest)
    if isinstance(extra, list):
        extra = _Turns(extra)
    count = 0
    for path in sorted(dest.rglob("*.yaml")):
        # libyaml's loader, as tebiki's: the Python one refuses `{en: Which one?}`
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        changed = _add(data, extra)
        count += _count(data)
        path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False,
                                       width=100_000), encoding="utf-8")
    return count


def _count(value: object) -> int:
    if _is_text(value):
        return 1
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count(v) for v in value)
    return 0
