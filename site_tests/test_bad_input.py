"""Broken content gets a clear `file:line: message`, never a traceback.

Each file in bad_input/ is dropped into a copy of the small fixture content
(files named records-* into its records/ folder); the check must report the
problem at the right line with a message that says what is wrong.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tebiki.content import load_content
from tebiki.validate import months_before

from .conftest import run_cli

BAD = Path(__file__).resolve().parent / "bad_input"

# file: (line, words the message must contain, severity)
EXPECTED: dict[str, tuple[int, str, str]] = {
    "syntax-tab": (9, "this line has a tab: indent with spaces only", "error"),
    "syntax-colon": (3, "a ':' inside plain text: put the text in quotes", "error"),
    "syntax-unclosed": (16, "a quote or bracket that is never closed", "error"),
    "empty": (1, "the file is empty", "error"),
    "only-comments": (1, "the file holds no data", "error"),
    "yes-key": (11, "key 'yes' is read by YAML as true/false", "error"),
    "no-value": (15, 'put it in quotes ("yes")', "error"),
    "duplicate-key": (12, "duplicate key 'a' (first at line 11)", "error"),
    "duplicate-id": (16, "duplicate id 'q1'", "error"),
    "unknown-next": (11, "option 'a' leads to 'dnoe', which is no question", "error"),
    "missing-next": (11, "option 'a' leads nowhere", "error"),
    "unknown-doc": (16, "unknown document 'pasport'", "error"),
    "unknown-place": (16, "unknown place 'city-hall'", "error"),
    "unknown-source": (5, "unknown source 'src-b'", "error"),
    "missing-translation": (15, "missing the English text (en:)", "error"),
    "empty-translation": (9, "the English text (en:) of questions.q1.text is empty", "error"),
    "unreachable-question": (13, "question 'q2' is unreachable", "error"),
    "unreachable-outcome": (16, "outcome 'spare' is unreachable", "error"),
    "cycle": (8, "the path comes back to question 'q1'", "error"),
    "route-no-match": (19, "route 'pick': no entry matches the answers q1=a, q2=d", "error"),
    "route-loop": (14, "route 'spin' leads back to itself", "error"),
    "condition-never-true": (19, "true on no path", "warning"),
    "condition-unknown-option": (18, "question 'q1' has no option 'c'", "error"),
    "condition-unknown-question": (18, "asks about 'who-goes', which is no question", "error"),
    "condition-bad-form": (18, "unknown field 'equals'", "error"),
    "options-list": (10, "should be a mapping of option id to option, not a list", "error"),
    "title-string": (2, "write it as {ja: 日本語, en: English}", "error"),
    "unknown-field": (16, "unknown field 'setps' in outcomes.done (did you mean 'steps'?)",
                      "error"),
    "bad-id": (8, "'Which_PIN' is not a valid id", "error"),
    "id-mismatch": (1, "differs from its file name 'id-mismatch.yaml'", "error"),
    "bad-date": (4, "2026-13-01 is not a real date", "error"),
    "continue-unknown-tree": (17, "no tree 'pin-chnage' to continue with", "error"),
    "continue-off-path": (18, "these answers are not on the path the others take: who", "error"),
    "unknown-phone": (17, "the phone number 0120-95-0187 in this text is in no contact", "error"),
    "unknown-phone-kana": (17, "the phone number 0120-99-9999 in this text is in no contact",
                           "error"),
    "merge-key": (16, "'<<' merge keys are not supported", "error"),
    "one-option": (10, "a question needs at least two options", "error"),
    "window-reversed": (17, "valid_from is after valid_until", "error"),
    "list-at-top": (1, "should be a tree (id, title, start, ...), not a list", "error"),
    "deep-nesting": (16, "nested too deeply", "error"),
    "start-unknown": (6, "start 'first-question' is not a question", "error"),
    "non-utf8": (2, "is not UTF-8: save the file as UTF-8", "error"),
    "records-bad-phone": (5, "'0120 95 0178' is not a phone number", "error"),
    "records-fullwidth-phone": (5, "'０１２０-９５-０１７８' is not a phone number", "error"),
    "records-bad-hours": (5, "opens at 17:00 but closes at 09:00", "error"),
    "records-bad-day": (5, "unknown day 'monday'", "error"),
    "records-duplicate": (2, "duplicate document id 'card' (first in", "error"),
    "records-bad-category": (4, "category 'C' is not one of A, B", "error"),
    "records-no-review": (2, "documents.unreviewed is missing 'reviewed'", "error"),
    "records-fax-as-phone": (8, "0120-601-785 is a fax number: write it as 'FAX 0120-601-785'",
                             "error"),
    "records-phone-closed-no-hours": (7, "closed_dates on a number needs that number's own "
                                      "'hours:'", "error"),
    "records-review-old": (6, "reviewed 2020-01-31 is more than 12 months ago", "warning"),
    "bring-unknown-for": (18, "for 'neighbour' has no heading: add the label "
                          "'bring-for-neighbour'", "error"),
    "bring-bad-visit": (18, "visit 0 is not a visit", "error"),
    "caption-contradicts": (22, "the note says 'one photo ID', but the choices are 2A or 1A+1B",
                            "error"),
}


def _install(case: Path, content: Path) -> Path:
    folder = content / "records" if case.name.startswith("records-") else content
    dest = folder / case.name
    shutil.copy(case, dest)
    return dest


def test_every_file_in_the_corpus_has_an_expectation():
    assert sorted(p.stem for p in BAD.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_problem_is_reported_at_its_line(name, mini_copy):
    line, words, severity = EXPECTED[name]
    _install(BAD / f"{name}.yaml", mini_copy)
    content = load_content(mini_copy)
    mine = [p for p in content.problems if p.file.endswith(f"{name}.yaml")]
    assert any(p.line == line and words in p.message and p.severity == severity
               for p in mine), [p.format() for p in content.problems]


@pytest.mark.parametrize("name", ["syntax-tab", "yes-key", "cycle", "non-utf8",
                                  "condition-never-true", "unknown-phone-kana"])
def test_cli_prints_file_and_line_without_traceback(name, mini_copy):
    line, words, severity = EXPECTED[name]
    _install(BAD / f"{name}.yaml", mini_copy)
    result = run_cli("--content", str(mini_copy), "check")
    assert "Traceback" not in result.stderr
    assert f"{name}.yaml:{line}: " in result.stderr
    assert words in result.stderr
    assert result.returncode == (1 if severity == "error" else 0)


def test_every_problem_is_listed_not_just_the_first(mini_copy):
    for name in ("unknown-doc", "cycle", "missing-translation", "records-bad-phone"):
        _install(BAD / f"{name}.yaml", mini_copy)
    content = load_content(mini_copy)
    files = {Path(p.file).name for p in content.errors}
    assert files == {"unknown-doc.yaml", "cycle.yaml", "missing-translation.yaml",
                     "records-bad-phone.yaml"}


def test_a_5_mb_file_is_refused_with_its_size(mini_copy):
    big = mini_copy / "huge.yaml"
    big.write_text("# padding\n" * (5 * 1024 * 1024 // 10 + 1), encoding="utf-8")
    content = load_content(mini_copy)
    (problem,) = [p for p in content.problems if p.file.endswith("huge.yaml")]
    assert problem.line == 1
    assert "the file is 5.0 MB" in problem.message and "split it" in problem.message


def test_very_deep_nesting_does_not_crash(mini_copy):
    (mini_copy / "abyss.yaml").write_text("x: " + "[" * 5000 + "]" * 5000 + "\n")
    content = load_content(mini_copy)
    (problem,) = [p for p in content.problems if p.file.endswith("abyss.yaml")]
    assert "nested too deeply" in problem.message


def test_missing_content_folder_is_a_clear_error(tmp_path):
    result = run_cli("--content", str(tmp_path / "nowhere"), "check")
    assert result.returncode == 1
    assert "no such folder" in result.stderr and "Traceback" not in result.stderr


def test_a_review_exactly_12_months_old_is_still_fine(mini_copy):
    # the fixture was reviewed on 2026-11-01
    def warned(today):
        content = load_content(mini_copy, today=today)
        return [p for p in content.problems if "months ago" in p.message]

    assert not warned(date(2027, 11, 1))
    assert len(warned(date(2027, 11, 2))) == 9
    assert not load_content(mini_copy, today=date(2027, 11, 2), review_age_months=13).problems


def test_months_before_keeps_to_the_end_of_a_short_month():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
