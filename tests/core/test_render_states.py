"""The wizard renderer on its own: the HTML the static pages and the browser share."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tebiki.core import engine
from tebiki.core import render as wizard_html
from tebiki.core.layout import states as wizard_states

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


def test_the_first_question_links_each_option_to_its_state(bundle):
    tree = bundle.trees[TREE]
    html = render(bundle, {})
    question = tree["questions"][tree["start"]]
    for option in question["options"]:
        assert f'href="/wizard/{TREE}/{option["id"]}/"' in html
    assert 'class="tebiki-back"' not in html  # nothing to go back to
    assert f'data-node="{tree["start"]}"' in html


def test_every_state_renders_the_same_bytes_twice(bundle):
    for tree_id, tree in bundle.trees.items():
        for state in wizard_states(tree):
            result = engine.next_step(tree, dict(state))
            once = wizard_html.render_state(result, bundle.labels, "en", root="../")
            again = wizard_html.render_state(copy.deepcopy(result), bundle.labels, "en",
                                             root="../")
            assert once == again, (tree_id, state)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_every_text_is_escaped(bundle, nasty):
    tree = copy.deepcopy(bundle.trees[TREE])
    start = tree["questions"][tree["start"]]
    start["text"] = {"ja": "<script>" + nasty, "en": nasty + "\"'&"}
    start["options"][0]["label"] = {"ja": "<b>" + nasty, "en": "<img src=x>"}
    result = engine.next_step(tree, {})
    for lang in ("ja", "en"):
        html = wizard_html.render_state(result, bundle.labels, lang, root="/w/")
        assert "<script>" not in html
        assert "<b>" not in html and "<img" not in html
        assert wizard_html.esc(start["text"][lang]) in html


def test_bold_markup_becomes_strong_and_nothing_else():
    assert wizard_html.inline("a **b** <c>") == "a <strong>b</strong> &lt;c&gt;"


def test_an_outcome_has_answers_with_change_links_and_start_again(bundle):
    tree = bundle.trees[TREE]
    answers = kiosk_path(tree)
    html = render(bundle, answers, "en")
    options = list(answers.values())
    for n in range(len(options)):
        # each Change link asks its question again and names the answer it had
        state = "".join(o + "/" for o in options[:n])
        assert f'href="/wizard/{TREE}/{state}#tebiki-answer-{options[n]}"' in html
    assert 'class="tebiki-restart"><a href="/wizard/pin-reset/"' in html
    assert html.count('type="checkbox"') == len(engine.next_step(tree, answers)["bring"])
    assert json.dumps(answers, separators=(",", ":")).replace('"', "&quot;") in html


def _summary(html: str) -> list:
    """The answers summary as (question, answer, Change link's href) rows."""
    return re.findall(r'<div class="tebiki-answers__row"><dt>(.*?)</dt><dd>(.*?)</dd>'
                      r'<dd class="tebiki-answers__change"><a href="([^"]*)"', html)


def test_a_question_past_the_first_lists_the_answers_so_far(bundle):
    tree = bundle.trees[TREE]
    path = max(engine.iter_paths(tree), key=lambda p: len(p["answers"]))["answers"]
    assert len(path) >= 3
    assert "tebiki-answers" not in render(bundle, {}, "en")  # nothing answered yet
    for n in range(1, len(path)):
        html = render(bundle, dict(path[:n]), "en")
        assert 'id="tebiki-your-answers">Your answers so far</h2>' in html
        rows = _summary(html)
        assert len(rows) == n
        for k, (question, answer, href) in enumerate(rows):
            qid, oid = path[k]
            assert question == wizard_html.inline(tree["questions"][qid]["text"]["en"])
            option = next(o for o in tree["questions"][qid]["options"] if o["id"] == oid)
            assert answer == wizard_html.inline(option["label"]["en"])
            state = "".join(o + "/" for _q, o in path[:k])
            assert href == f"/wizard/{TREE}/{state}#tebiki-answer-{oid}"
        # Back names the answer it takes back, too
        back = "".join(o + "/" for _q, o in path[:n - 1])
        assert f'class="tebiki-back" href="/wizard/{TREE}/{back}#tebiki-answer-{path[n - 1][1]}"' \
            in html


def test_a_question_asked_again_marks_the_answer_given_before(bundle):
    tree = bundle.trees[TREE]
    start = tree["start"]
    first = tree["questions"][start]["options"][1]["id"]
    static = render(bundle, {}, "en")
    # a static page cannot know: every answer carries the tag hidden, for #tebiki-answer-…
    assert static.count('<span class="tebiki-option__earlier" hidden>Your earlier answer') == \
        len(tree["questions"][start]["options"])
    assert f'id="tebiki-answer-{first}"' in static and "aria-current" not in static
    again = render(bundle, {}, "en", earlier={start: first})
    marked = re.findall(r'<a class="tebiki-option" id="tebiki-answer-([^"]+)"[^>]*'
                        r'aria-current="true">.*?</a>', again)
    assert marked == [first]
    assert again.count("tebiki-option__earlier\">Your earlier answer") == 1
    # an earlier answer to another question marks nothing here
    assert render(bundle, {}, "en", earlier={"no-such-question": first}) == static


def test_a_change_that_skips_questions_names_the_answers_it_kept(bundle):
    tree = bundle.trees[TREE]
    path = max(engine.iter_paths(tree), key=lambda p: len(p["answers"]))["answers"]
    answers = dict(path)
    first = path[0][0]
    html = render(bundle, answers, "ja", answered=first)
    notice = re.search(r'<div class="tebiki-kept">(.*?)</div>', html).group(1)
    assert "前に答えた次の回答をそのまま使い" in notice
    kept = re.findall(r"<li>(.*?)：<strong>(.*?)</strong></li>", notice)
    texts = [(wizard_html.inline(tree["questions"][q]["text"]["ja"]),
              wizard_html.inline(next(o for o in tree["questions"][q]["options"]
                                      if o["id"] == o_id)["label"]["ja"]))
             for q, o_id in path[1:]]
    assert kept == texts
    # the notice comes before the heading, after Back
    assert html.index("tebiki-back") < html.index("tebiki-kept") < html.index("tebiki-heading")
    # answering the last question asked skips nothing: no notice
    assert "tebiki-kept" not in render(bundle, answers, "ja", answered=path[-1][0])
    assert "tebiki-kept" not in render(bundle, answers, "ja")


def test_without_a_clock_no_open_now_note(bundle):
    html = render(bundle, kiosk_path(bundle.trees[TREE]))
    assert "tebiki-status" not in html


@pytest.mark.parametrize(("now", "lang", "expected"), [
    ("2026-11-30T05:00", "ja", "今は受付時間外です。次は今日の6:30からです。"),
    ("2026-11-30T23:30", "en", "Closed now. Opens tomorrow at 6:30."),
    ("2026-11-30T12:00", "en", "Open now, until 23:00"),
])
def test_with_the_visitors_clock_the_kiosk_says_whether_it_is_open(bundle, now, lang,
                                                                   expected):
    html = render(bundle, kiosk_path(bundle.trees[TREE]), lang, now=now)
    assert expected in html


def test_continue_links_start_the_next_tree_pre_answered(bundle):
    for tree in bundle.trees.values():
        for path in engine.iter_paths(tree):
            result = engine.next_step(tree, dict(path["answers"]))
            for link in result.get("continue", []):
                options = wizard_html.continue_options(link, bundle.trees)
                target = bundle.trees[link["tree"]]
                walked = engine.walk(target, link["answers"])
                assert options == [o for _q, o in walked["path"]]
                assert not walked["unused"], link


def test_the_core_runs_alone_with_the_standard_library_only(tmp_path, bundle):
    """As in the browser: the tebiki.core package alone, no PyYAML, MkDocs or Jinja."""
    package = tmp_path / "tebiki"
    shutil.copytree(SRC, package / "core", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SRC.parent / "__init__.py", package / "__init__.py")
    tree = bundle.trees[TREE]
    (tmp_path / "input.json").write_text(json.dumps({"tree": tree, "labels": bundle.labels,
                                                     "trees": bundle.trees}),
                                         encoding="utf-8")
    script = (
        "import json, sys\n"
        "sys.path.insert(0, '.')\n"
        "from tebiki.core import engine, render\n"
        "data = json.load(open('input.json', encoding='utf-8'))\n"
        "r = engine.next_step(data['tree'], {}, '2026-11-30T09:00')\n"
        "print(render.render_state(r, data['labels'], 'ja', root='/wizard/',"
        " now='2026-11-30T09:00', trees=data['trees']))\n"
        "ours = sorted(m for m in sys.modules if m.split('.')[0] in ('tebiki', 'yaml', 'mkdocs',"
        " 'jinja2', 'markupsafe'))\n"
        "assert all(m == 'tebiki' or m.startswith('tebiki.core') for m in ours), ours\n")
    out = subprocess.run([sys.executable, "-I", "-S", "-c", script], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    expected = render(bundle, {}, now="2026-11-30T09:00", trees=bundle.trees)
    assert out.stdout == expected + "\n"


def outcome_html(bundle, tree_id: str, answers: dict, lang: str = "ja", now=None) -> str:
    result = engine.next_step(bundle.trees[tree_id], answers, now)
    assert result["type"] == "outcome", result["id"]
    return wizard_html.render_state(result, bundle.labels, lang, root="/wizard/", now=now)


LOST_OUTSIDE = {"card-status": "missing", "whose-card": "own", "where-lost": "lost-outside",
                "reissue-speed": "normal"}
PROXY = {"which-pin": "resident-register", "who-goes": "proxy"}


def test_a_fax_number_is_written_as_fax_and_never_a_call_link(bundle):
    for lang in ("ja", "en"):
        html = outcome_html(bundle, "lost-card", LOST_OUTSIDE, lang)
        assert "FAX 0120-601-785" in html  # in the steps and in the contacts
        assert "tel:0120601785" not in html
        assert 'href="tel:0120950178"' in html  # the phone line beside it still is one


def test_a_number_with_its_own_hours_shows_them_and_its_own_status(bundle):
    # Saturday 18:00: the toll-free line has closed (17:30), the card call
    # centre (0570-783-578) is open until 20:00
    html = outcome_html(bundle, "pin-reset", PROXY, "en", now="2026-12-05T18:00")
    contact = html[html.index("Questions about the card (in Japanese)"):]
    contact = contact[:contact.index("</div>")]  # the end of this contact's block
    item = contact[contact.index("0570-783-578"):]
    item = item[:item.index("</li>")]
    assert "Every day 8:30–20:00" in item and "Open now, until 20:00" in item
    others = contact[contact.index("Hours of 0120-95-0178"):]
    assert "Closed now" in others


def test_the_proxy_page_says_whose_document_and_which_visit(bundle):
    html = outcome_html(bundle, "pin-reset", PROXY, "ja")
    bring = html[html.index('<div class="tebiki-bring">'):]
    bring = bring[:bring.index('<details class="tebiki-docs')]
    every, rest = bring.split("1回目の来庁")
    first, second = rest.split("2回目の来庁")
    # what goes on every visit is listed once, before what one visit needs
    assert "来庁のたびに" in every
    assert every.index("カードの持ち主（本人）のもの") < every.index("任意代理人（あなた）のもの")
    assert "マイナンバーカード" in every and "マイナンバーカード" not in first + second
    assert "委任状" in first and "照会書兼回答書" in second and "照会書兼回答書" not in first
    # the examples of ID are listed once on the page, after the checklist
    assert html.count("運転免許証") == 1
    assert html.index("運転免許証") > html.index("2回目の来庁")


def test_a_choice_of_documents_is_counted_from_its_sets(bundle):
    html = outcome_html(bundle, "pin-reset",
                        {"which-pin": "resident-register", "who-goes": "parent"}, "ja")
    assert ("次のどれか：顔写真付きの本人確認書類2点、または顔写真付きの本人確認書類1点と"
            "顔写真のない本人確認書類1点") in html
    english = outcome_html(bundle, "pin-reset",
                           {"which-pin": "resident-register", "who-goes": "parent"}, "en")
    assert "One of these: 2 × photo ID, or 1 × photo ID and 1 × ID without a photo" in english


def test_every_tick_box_on_a_page_has_its_own_id(bundle):
    for tree_id, tree in bundle.trees.items():
        for path in engine.iter_paths(tree):
            html = outcome_html(bundle, tree_id, dict(path["answers"]))
            ids = re.findall(r'<input type="checkbox" class="tebiki-check" id="([^"]+)"', html)
            brings = bool(tree["outcomes"][path["id"]].get("bring"))
            assert bool(ids) == brings and len(ids) == len(set(ids)), (tree_id, path["answers"])


LOST_OUTSIDE = {"card-status": "missing", "whose-card": "own", "where-lost": "lost-outside",
                "reissue-speed": "normal"}


def _lost_card_outcome(bundle, lang: str = "en") -> str:
    tree = bundle.trees["lost-card"]
    return wizard_html.render_state(engine.next_step(tree, LOST_OUTSIDE), bundle.labels, lang,
                                    root="/wizard/")


def test_an_outcome_puts_what_to_do_now_before_the_facts_and_the_lists(bundle):
    html = _lost_card_outcome(bundle)
    order = [html.index(marker) for marker in (
        'class="tebiki-summary"', "tebiki-warning--urgent", 'class="tebiki-steps"',
        'class="tebiki-warning"', 'class="tebiki-facts"', 'class="tebiki-places"',
        'class="tebiki-bring"', 'class="tebiki-contact"')]
    assert order == sorted(order)
    # the summary names the number to call first, as a link to tap
    summary = html[html.index('class="tebiki-summary"'):html.index("</p>", html.index(
        'class="tebiki-summary"'))]
    assert 'href="tel:0120950178"' in summary


def test_what_each_document_is_folds_on_a_wizard_page_only(bundle):
    html = _lost_card_outcome(bundle)
    assert '<details class="tebiki-docs tebiki-fold">' in html
    assert "Driver&#x27;s licence" in html  # folded, not left out
    view = engine.outcome_view(bundle.trees["lost-card"], "reissue-normal", LOST_OUTSIDE)
    words = wizard_html.Words(bundle.labels, "en")
    guide = wizard_html.outcome_body(view, words, level=3, check_prefix="g")
    assert "<details" not in guide and '<section class="tebiki-docs">' in guide


def test_a_source_carries_its_address_for_paper(bundle):
    assert wizard_html.paper_address("https://www2.jpki.go.jp/a.html") == "www2.jpki.go.jp/a.html"
    assert wizard_html.paper_address("http://www.town.x.jp/") == "http://www.town.x.jp/"
    html = _lost_card_outcome(bundle)
    assert '<span class="tebiki-source__url">www2.jpki.go.jp/procedure/lost.html</span>' in html



@pytest.mark.parametrize(("lang", "label"), [("ja", "時刻はすべて日本時間です。"),
                                              ("en", "All times are Japan time (JST, UTC+9).")])
def test_each_contact_block_says_once_that_its_hours_are_japan_time(bundle, lang, label):
    # the general line (hours of its own and of its numbers) and the foreign-language
    # call centre (hours on its numbers only)
    html = outcome_html(bundle, "pin-reset", PROXY, lang, now="2026-12-05T18:00")
    blocks = html.split('<div class="tebiki-contact">')[1:]
    assert len(blocks) == 2
    for block in blocks:
        block = block[:block.index("</div>")]
        assert block.count(label) == 1, block
        assert block.count("tebiki-hours") >= 2  # more lines of hours than labels
    assert html.count(label) == 2
