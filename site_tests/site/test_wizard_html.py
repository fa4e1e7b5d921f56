"""The wizard renderer on its own: the HTML the static pages and the browser share."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tebiki import engine, wizard_html
from tebiki.mkdocs_site import wizard_states

SRC = Path(wizard_html.__file__).parent
TREE = "pin-reset"


def render(bundle, answers: dict, lang: str = "ja", **kwargs) -> str:
    tree = bundle.trees[TREE]
    result = engine.next_step(tree, answers, kwargs.get("now"))
    return wizard_html.render_state(result, bundle.labels, lang, root="/wizard/", **kwargs)


def kiosk_path(tree: dict) -> dict:
    """Answers of a path whose outcome sends the reader to the convenience-store kiosk."""
    for path in engine.iter_paths(tree):
        answers = dict(path["answers"])
        places = engine.next_step(tree, answers)["places"] if path["end"] == "outcome" else []
        if any(p["id"] == "convenience-store-kiosk" for p in places):
            return answers
    raise AssertionError("no path to the kiosk")


def test_the_first_question_links_each_option_to_its_state(site_bundle):
    tree = site_bundle.trees[TREE]
    html = render(site_bundle, {})
    question = tree["questions"][tree["start"]]
    for option in question["options"]:
        assert f'href="/wizard/{TREE}/{option["id"]}/"' in html
    assert 'class="tebiki-back"' not in html  # nothing to go back to
    assert f'data-node="{tree["start"]}"' in html


def test_every_state_renders_the_same_bytes_twice(site_bundle):
    for tree_id, tree in site_bundle.trees.items():
        for state in wizard_states(tree):
            result = engine.next_step(tree, dict(state))
            once = wizard_html.render_state(result, site_bundle.labels, "en", root="../")
            again = wizard_html.render_state(copy.deepcopy(result), site_bundle.labels, "en",
                                             root="../")
            assert once == again, (tree_id, state)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_every_text_is_escaped(site_bundle, nasty):
    tree = copy.deepcopy(site_bundle.trees[TREE])
    start = tree["questions"][tree["start"]]
    start["text"] = {"ja": "<script>" + nasty, "en": nasty + "\"'&"}
    start["options"][0]["label"] = {"ja": "<b>" + nasty, "en": "<img src=x>"}
    result = engine.next_step(tree, {})
    for lang in ("ja", "en"):
        html = wizard_html.render_state(result, site_bundle.labels, lang, root="/w/")
        assert "<script>" not in html
        assert "<b>" not in html and "<img" not in html
        assert wizard_html.esc(start["text"][lang]) in html


def test_bold_markup_becomes_strong_and_nothing_else():
    assert wizard_html.inline("a **b** <c>") == "a <strong>b</strong> &lt;c&gt;"


def test_an_outcome_has_answers_with_change_links_and_start_again(site_bundle):
    tree = site_bundle.trees[TREE]
    answers = kiosk_path(tree)
    html = render(site_bundle, answers, "en")
    options = list(answers.values())
    for n in range(len(options)):
        assert f'href="/wizard/{TREE}/{"".join(o + "/" for o in options[:n])}"' in html
    assert 'class="tebiki-restart"><a href="/wizard/pin-reset/"' in html
    assert html.count('type="checkbox"') == len(engine.next_step(tree, answers)["bring"])
    assert json.dumps(answers, separators=(",", ":")).replace('"', "&quot;") in html


def test_without_a_clock_no_open_now_note(site_bundle):
    html = render(site_bundle, kiosk_path(site_bundle.trees[TREE]))
    assert "tebiki-status" not in html


@pytest.mark.parametrize(("now", "lang", "expected"), [
    ("2026-11-30T05:00", "ja", "今は受付時間外です。次は今日の6:30からです。"),
    ("2026-11-30T23:30", "en", "Closed now. Opens tomorrow at 6:30."),
    ("2026-11-30T12:00", "en", "Open now, until 23:00"),
])
def test_with_the_visitors_clock_the_kiosk_says_whether_it_is_open(site_bundle, now, lang,
                                                                   expected):
    html = render(site_bundle, kiosk_path(site_bundle.trees[TREE]), lang, now=now)
    assert expected in html


def test_continue_links_start_the_next_tree_pre_answered(site_bundle):
    for tree in site_bundle.trees.values():
        for path in engine.iter_paths(tree):
            result = engine.next_step(tree, dict(path["answers"]))
            for link in result.get("continue", []):
                options = wizard_html.continue_options(link, site_bundle.trees)
                target = site_bundle.trees[link["tree"]]
                walked = engine.walk(target, link["answers"])
                assert options == [o for _q, o in walked["path"]]
                assert not walked["unused"], link


def test_it_runs_as_a_top_level_module_next_to_the_engine_with_the_stdlib_only(tmp_path,
                                                                               site_bundle):
    """As on Pyodide: engine.py and wizard_html.py side by side, no tebiki package."""
    for name in ("engine.py", "wizard_html.py"):
        shutil.copy(SRC / name, tmp_path / name)
    tree = site_bundle.trees[TREE]
    (tmp_path / "input.json").write_text(json.dumps({"tree": tree, "labels": site_bundle.labels,
                                                     "trees": site_bundle.trees}),
                                         encoding="utf-8")
    script = (
        "import json, sys\n"
        "sys.path.insert(0, '.')\n"
        "import engine, wizard_html\n"
        "data = json.load(open('input.json', encoding='utf-8'))\n"
        "r = engine.next_step(data['tree'], {}, '2026-11-30T09:00')\n"
        "print(wizard_html.render_state(r, data['labels'], 'ja', root='/wizard/',"
        " now='2026-11-30T09:00', trees=data['trees']))\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tebiki', 'yaml', 'mkdocs'))\n"
        "assert not bad, bad\n")
    out = subprocess.run([sys.executable, "-I", "-S", "-c", script], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    expected = render(site_bundle, {}, now="2026-11-30T09:00", trees=site_bundle.trees)
    assert out.stdout == expected + "\n"
