"""The renderer's small parts written by hand so MicroPython runs them: same results as
the standard library's (CPython), and the corners a page would show wrong."""

from __future__ import annotations

import html
import json

import pytest

from tebiki.core import engine
from tebiki.core import render as wizard_html


@pytest.mark.parametrize("text", ["", "a & b < c > d", "\"quoted\" and 'single'", "&amp;",
                                  "日本語 ＆ ＜全角＞", "no specials"])
def test_escaping_is_html_escape(text):
    assert wizard_html.esc(text) == html.escape(text, quote=True)


def test_slots_are_filled_and_their_values_kept_as_they_are():
    fill = {"name": "C:\\1\\n &amp; <b>x</b>", "n": "2"}
    assert wizard_html.fill_slots("{name} ×{n}", fill) == "C:\\1\\n &amp; <b>x</b> ×2"


@pytest.mark.parametrize("template, out", [
    ("{a", "{a"),
    ("a}", "a}"),
    ("{{a}", "{X"),
    ("{名前}と{a}", "{名前}とX"),
    ("{a b}", "{a b}"),
    ("{}", "{}"),
])
def test_a_brace_that_opens_no_slot_stays(template, out):
    assert wizard_html.fill_slots(template, {"a": "X"}) == out


def test_a_missing_slot_value_is_a_key_error():
    with pytest.raises(KeyError):
        wizard_html.fill_slots("{a}", {})


def test_bold_stays_within_a_line():
    assert wizard_html.inline("**a\nb**") == "**a\nb**"
    assert wizard_html.inline("**a**\n**b**") == "<strong>a</strong>\n<strong>b</strong>"
    assert wizard_html.plain("**太字**と**b**") == "太字とb"


def test_data_answers_keep_the_path_order(bundle):
    tree = bundle.trees["pin-reset"]
    path = next(p["answers"] for p in engine.iter_paths(tree)
                if [q for q, _ in p["answers"]] != sorted(q for q, _ in p["answers"]))
    result = engine.next_step(tree, dict(path))
    region = wizard_html.render_state(result, bundle.labels, "en", root="../")
    attribute = region.split('data-answers="')[1].split('"')[0]
    # The page script's Back drops the last question answered: the order is the path's.
    assert list(json.loads(html.unescape(attribute)).items()) == [tuple(a) for a in path]


def test_json_is_what_cpython_writes_canonically():
    data = {"b": [1, (2, 3), None, True, False], "a": {"z": "日本\u2028\x7f😀", "é": "",
            "Z": -10**20}, "c": "\"\\\n\r\t\b\f\x00\x01\x0b\x1f"}
    assert engine.to_json(data) == json.dumps(data, ensure_ascii=False, sort_keys=True,
                                              separators=(",", ":"))
    with pytest.raises(TypeError):
        engine.to_json({"a": 1.5})
    with pytest.raises(TypeError):
        engine.to_json({1: "a"})
