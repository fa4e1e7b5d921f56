"""The injection corpus: content whose every text carries every payload.

A stranger's pull request can change any text of the YAML. `inject` copies a
content folder and appends the payloads to every text in every language: tree
titles and summaries, questions, hints, options, every part of every outcome,
record names, notes and examples, contact and place names, and every label of
`ui/` (their `{slots}` stay as they are). One build of that content then shows
how each kind of text is treated on every kind of page.

The payloads are markup (`<script>`, `</title><script>`, `<img onerror>`),
template source (`{{ … }}`, `{% … %}`, one that would write a file), and
Markdown (a `javascript:` link, a remote image, a heading, an attribute list
that would cover the page). Control characters are refused by `tebiki check`
(tests/load/test_bad_input.py), so they never reach a build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

JINJA_RAN = "tebiki-jinja-ran"  # what the template payloads print if they run
BLOCK_RAN = "tebiki-block-ran"


def payload(marker: Path, probe: str) -> str:
    """Every payload in one text. `marker` is the file a template payload would
    create; `probe` is the address (http://host:port/) of a server counting requests."""
    return (
        ' <script data-xss>alert("xss-script")</script>'
        ' </title><script data-xss>alert("xss-title")</script>'
        f' <img data-xss src="{probe}raw.png" onerror="alert(\'xss-img\')">'
        ' {{ "tebiki" ~ "-jinja-ran" }}'
        ' {% set z = "tebiki-block" ~ "-ran" %}{{ z }}'
        ' {{ cycler.__init__.__globals__.__builtins__.open("' + str(marker)
        + '", "w").write("ran") }}'
        ' [xss-link](javascript:alert("xss-link"))'
        f' ![xss-image]({probe}markdown.png)'
        '\n\n# xss-heading\n\n'
        'after {: #xss-attr style="position:fixed;inset:0;background:red" }'
    )


def _is_text(value: object) -> bool:
    return (isinstance(value, dict) and bool(value) and set(value) <= {"ja", "en"}
            and all(isinstance(v, str) for v in value.values()))


def _add(value: object, extra: str) -> object:
    if _is_text(value):
        return {lang: text + extra for lang, text in value.items()}
    if isinstance(value, dict):
        return {k: _add(v, extra) for k, v in value.items()}
    if isinstance(value, list):
        return [_add(v, extra) for v in value]
    return value


def inject(source: Path, dest: Path, extra: str) -> int:
    """Copy the content folder `source` to `dest` with `extra` appended to every text;
    returns how many texts were changed."""
    shutil.copytree(source, dest)
    count = 0
    for path in sorted(dest.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
