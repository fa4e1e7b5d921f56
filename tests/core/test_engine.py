"""The engine, tested the way the tree is shaped: answers set by question id."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tebiki.core import engine


@pytest.fixture(scope="module")
def tree(mini):
    return mini.trees["mini"]


def step(tree, now=None, **answers):
    return engine.next_step(tree, {k.replace("_", "-"): v for k, v in answers.items()}, now)


class TestStart:
    def test_no_answers_asks_the_first_question(self, tree):
        result = step(tree)
        assert result["type"] == "question"
        assert result["id"] == "which"
        assert [o["id"] for o in result["options"]] == ["easy", "hard"]
        assert result["text"] == {"ja": "どれ？", "en": "Which one?"}

    def test_unknown_option_is_not_taken(self, tree):
        result = step(tree, which="medium")
        assert result["id"] == "which"
        assert result["unused"] == ["which"]


class TestPhone:
    def test_easy_with_a_phone_goes_to_the_store(self, tree):
        result = step(tree, which="easy", phone="has-phone")
        assert (result["type"], result["id"]) == ("outcome", "store")
        assert [p["id"] for p in result["places"]] == ["kiosk"]

    def test_hard_with_a_phone_is_routed_to_the_counter(self, tree):
        result = step(tree, which="hard", phone="has-phone")
        assert result["id"] == "counter"

    def test_no_phone_asks_who_goes(self, tree):
        assert step(tree, which="easy", phone="no-phone")["id"] == "who"


class TestWho:
    def test_representative_must_bring_proof_of_authority(self, tree):
        result = step(tree, which="hard", phone="no-phone", who="rep")
        docs = [b["doc"]["id"] for b in result["bring"] if b["kind"] == "doc"]
        assert docs == ["card", "authority"]

    def test_holder_brings_no_proof_of_authority(self, tree):
        result = step(tree, which="hard", phone="no-phone", who="holder")
        docs = [b["doc"]["id"] for b in result["bring"] if b["kind"] == "doc"]
        assert docs == ["card"]

    def test_one_photo_id_or_two_without(self, tree):
        result = step(tree, which="hard", phone="no-phone", who="holder")
        (choice,) = [b for b in result["bring"] if b["kind"] == "one_of"]
        assert [[d["id"] for d in s] for s in choice["sets"]] == [
            ["photo-id"], ["no-photo-id", "no-photo-id"]]


class TestConditionalPlaces:
    def test_place_with_a_condition_shows_on_its_paths_only(self, tree):
        with_phone = step(tree, which="hard", phone="has-phone")
        without = step(tree, which="hard", phone="no-phone", who="holder")
        assert [p["id"] for p in with_phone["places"]] == ["counter", "kiosk"]
        assert [p["id"] for p in without["places"]] == ["counter"]


class TestChangingAnEarlierAnswer:
    def test_later_answers_that_still_apply_are_kept(self, tree):
        answers = {"which": "easy", "phone": "no-phone", "who": "rep"}
        assert engine.next_step(tree, answers)["id"] == "counter"
        answers["which"] = "hard"
        result = engine.next_step(tree, answers)
        assert result["id"] == "counter"
        assert [a["option"] for a in result["answers"]] == ["hard", "no-phone", "rep"]

    def test_answers_off_the_new_path_are_reported_unused(self, tree):
        result = engine.next_step(tree, {"which": "easy", "phone": "has-phone", "who": "rep"})
        assert result["id"] == "store"
        assert result["unused"] == ["who"]


class TestTime:
    def test_dated_step_hidden_before_its_date(self, tree):
        before = step(tree, "2026-11-28T10:00", which="easy", phone="has-phone")
        after = step(tree, "2030-01-01T10:00", which="easy", phone="has-phone")
        assert [s["text"]["en"] for s in before["steps"]] == ["Go"]
        assert [s["text"]["en"] for s in after["steps"]] == ["Go", "A new step"]

    def test_without_now_dated_items_stay_with_their_dates(self, tree):
        result = step(tree, which="easy", phone="has-phone")
        assert result["steps"][1]["valid_from"] == "2030-01-01"

    def test_kiosk_closed_late_at_night_opens_at_0630(self, tree):
        result = step(tree, "2026-11-28T23:30", which="easy", phone="has-phone")
        status = result["places"][0]["status"]
        assert status == {"open_now": False, "always": False, "closes_at": None,
                          "opens_at": "2026-11-29T06:30"}

    def test_kiosk_open_in_the_day(self, tree):
        status = step(tree, "2026-11-28T12:00", which="easy", phone="has-phone")[
            "places"][0]["status"]
        assert status["open_now"] and status["closes_at"] == "23:00"

    def test_hotline_is_always_open(self, tree):
        result = step(tree, "2026-12-31T03:00", which="easy", phone="has-phone")
        status = result["contacts"][0]["status"]
        assert status["open_now"] and status["always"]

    def test_a_number_with_its_own_hours_has_its_own_status(self, tree):
        # the hotline answers at any hour; its charged number keeps its own
        # hours and its own closed days, and says so on its own
        result = step(tree, "2026-12-30T03:00", which="easy", phone="has-phone")
        hotline = result["contacts"][0]
        assert hotline["status"]["open_now"] and hotline["status"]["always"]
        free, charged, fax = hotline["phones"]
        assert charged["status"] == {"open_now": False, "always": False, "closes_at": None,
                                     "opens_at": "2027-01-04T08:30"}
        assert "status" not in free and "status" not in fax  # they follow the contact
        day = step(tree, "2026-11-30T12:00", which="easy", phone="has-phone")
        assert day["contacts"][0]["phones"][1]["status"]["closes_at"] == "20:00"

    def test_without_a_clock_no_number_has_a_status(self, tree):
        result = step(tree, which="easy", phone="has-phone")
        assert all("status" not in p for p in result["contacts"][0]["phones"])

    def test_counter_closed_over_new_year_opens_on_first_weekday(self, tree):
        # 2026-12-30 is a Wednesday; closed 12-29 to 01-03; 2027-01-04 is a Monday.
        result = step(tree, "2026-12-30T10:00", which="hard", phone="no-phone", who="holder")
        status = result["places"][0]["status"]
        assert status["open_now"] is False
        assert status["opens_at"] == "2027-01-04T08:30"

    def test_counter_on_saturday_opens_monday(self, tree):
        result = step(tree, "2026-11-28T10:00", which="hard", phone="no-phone", who="holder")
        assert result["places"][0]["status"]["opens_at"] == "2026-11-30T08:30"


class TestPaths:
    def test_every_path_ends_in_an_outcome(self, tree):
        paths = list(engine.iter_paths(tree))
        assert len(paths) == 6
        assert {p["end"] for p in paths} == {"outcome"}

    def test_paths_come_in_option_order(self, tree):
        firsts = [p["answers"][0][1] for p in engine.iter_paths(tree)]
        assert firsts == sorted(firsts)  # all 'easy' paths before 'hard' ones


def test_same_input_same_output(tree):
    answers = {"which": "hard", "phone": "no-phone", "who": "rep"}
    assert engine.next_step(tree, answers) == engine.next_step(tree, dict(answers))


def test_engine_imports_the_standard_library_only():
    source = Path(engine.__file__).read_text(encoding="utf-8")
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "the engine must not import project modules"
            modules.add(node.module.split(".")[0])
    outside = {m for m in modules if m not in sys.stdlib_module_names}
    assert not outside, f"engine imports {outside}"


def phones(text: str) -> list[str]:
    return [text[start:end] for start, end in engine.phones_in_text(text)]


def test_a_fax_number_is_told_apart_by_the_word_before_it():
    text = "FAX 0120-601-785, or call 0120-95-0178; Fax：0120-601-785"
    found = [(text[start:end], engine.written_as_fax(text, start))
             for start, end in engine.phones_in_text(text)]
    assert found == [("0120-601-785", True), ("0120-95-0178", False), ("0120-601-785", True)]


def test_phone_numbers_in_texts_are_found_in_every_written_form():
    text = ("Call 0120-95-0178 (or 0570-783-578, 050-3818-1250); in English 0120-0178-27; "
            "from abroad +81-3-6734-0170. Since 2024-12-02, not 120-95-0178.")
    assert phones(text) == [
        "0120-95-0178", "0570-783-578", "050-3818-1250", "0120-0178-27", "+81-3-6734-0170"]


@pytest.mark.parametrize("text, number", [
    ("0120-99-9999に電話してください。", "0120-99-9999"),
    ("電話0120-95-0178（無料）", "0120-95-0178"),
    ("窓口は+81-3-6734-0170です", "+81-3-6734-0170"),
    ("「0570-783-578」、または", "0570-783-578"),
    ("TEL：050-3818-1250", "050-3818-1250"),
])
def test_a_number_touching_kana_kanji_or_punctuation_is_found(text, number):
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "０１２０-９５-０１７８に電話",  # full-width digits
    "٠١٢٠-٩٥-٠١٧٨",  # Arabic-Indic digits
    "0120-95-０１７８",  # partly full-width
    "۰۱۲۰-۹۵-۰۱۷۸",  # Extended Arabic-Indic digits
])
def test_only_ascii_digits_make_a_phone_number(text):
    assert phones(text) == []


@pytest.mark.parametrize("text", [
    "form id call-0120-95-0178 here",  # part of an id
    "https://example.jp/faq/A0120-95-0178",  # part of a URL path
    "0120-95-0178-2",
    "10120-95-0178",
    "0120-95-01789",
    "x_0120-95-0178",
    "０0120-95-0178",  # a full-width digit before it: a longer run of digits
    "0120-95-0178Ａ",
    "0120-95-0",  # a one-digit last group
    "0120-95",
])
def test_a_number_inside_a_longer_run_is_no_phone_number(text):
    assert phones(text) == []


def test_phone_spans_count_characters_not_bytes():
    text = "電話は0120-95-0178まで"
    assert engine.phones_in_text(text) == [(3, 15)]


def test_pages_link_the_numbers_found_and_only_those():
    from tebiki.core.render import link_phones

    assert link_phones("0120-99-9999に電話") == (
        '<a class="tebiki-tel" href="tel:0120999999">0120-99-9999</a>に電話')
    assert link_phones("from abroad +81-3-6734-0170.") == (
        'from abroad <a class="tebiki-tel" href="tel:+81367340170">+81-3-6734-0170</a>.')
    for text in ("０１２０-９５-０１７８に電話", "id call-0120-95-0178", "no number"):
        assert link_phones(text) == text



def test_an_outcome_is_dated_by_the_oldest_of_what_it_shows_and_cites(tree):
    """A source checked long ago makes the outcome's review date that old: a reader is
    told the oldest date of anything the page rests on, on the web and on paper alike."""
    records = tree["records"]
    old = {**tree, "records": {**records, "sources": {
        sid: {**source, "reviewed": "2001-02-03"} for sid, source in records["sources"].items()}}}
    fresh = engine.next_step(tree, {"which": "easy", "phone": "has-phone"})
    aged = engine.next_step(old, {"which": "easy", "phone": "has-phone"})
    assert fresh["sources"] and fresh["reviewed"] > "2001-02-03"
    assert aged["reviewed"] == "2001-02-03"


def test_the_guide_and_the_outcome_count_the_same_sources_and_date(tree):
    """`cited` is the one rule: each source once, in the order cited; the oldest date."""
    sid = next(iter(tree["records"]["sources"]))
    shown = [{"reviewed": "2030-01-05", "sources": [sid]}, {"reviewed": "2030-03-01"},
             {"reviewed": "2030-02-01", "sources": [sid]}]
    sources, reviewed = engine.cited(tree["records"], shown)
    assert sources == [tree["records"]["sources"][sid]]
    assert reviewed == min("2030-01-05", sources[0]["reviewed"])


@pytest.mark.parametrize(("text", "fax"), [
    ("まず 0120-95-0178 に電話", False),  # ず ends in the byte 9A, as ： does
    ("FAX：0120-601-785", True), ("fax 0120-601-785", True), ("FAX\u30000120-601-785", True),
    ("0120-601-785", False)])
def test_a_fax_number_is_told_by_the_word_before_it(text, fax):
    (start, _end), = engine.phones_in_text(text)
    assert engine.written_as_fax(text, start) is fax
