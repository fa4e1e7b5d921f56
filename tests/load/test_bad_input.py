"""Broken content gets a clear `file:line: message`, never a traceback.

Each file in bad_input/ is dropped into a copy of the small fixture content
(files named records-* into its records/ folder, ui-* into ui/); the check must
report the problem at the right line with a message that says what is wrong.
The few in ACCEPTED are edge cases the check must let through (and the build
must then build: tests/site/test_output.py). Cases that are not files (links,
pipes, generated giants) are made in tmp_path below.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tebiki.load.content import load_content
from tebiki.load.validate import months_before

from ..conftest import LANGUAGES, run_cli

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad_input"

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
    "title-string": (2, "write it as {ja: …, en: …}, one text in each language", "error"),
    "urgent-not-bool": (18, "urgent should be true or false, not", "error"),
    "urgent-step": (18, "unknown field 'urgent'", "error"),
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
    # YAML that asks for more than data
    "tag-python": (9, "the tag !!python/name:os.system is not allowed", "error"),
    "tag-custom": (9, "the tag !secret is not allowed", "error"),
    # characters no page can show as written
    "control-c1": (9, "U+0080 (a control character) is not allowed", "error"),
    "control-nul": (9, "U+0000 (a control character) is not allowed", "error"),
    "noncharacter": (9, "U+FFFE (a noncharacter) is not allowed", "error"),
    "control-bidi": (9, "U+202E (a bidirectional override", "error"),
    # files that would be skipped, or lose to another, without a word
    "upper-case": (1, "the extension .YAML is not read: rename the file to upper-case.yaml",
                   "error"),
    "mini": (1, "mini.yml is not read: mini.yaml is here too", "error"),
    # what the build could not make
    "long-id": (11, "has 300 characters; ids may have at most 64", "error"),
    "records-arabic-phone": (5, "'٠١٢٠-95-0178' is not a phone number", "error"),
    "records-closed-impossible": (6, "02-30 is not a day of the year", "error"),
    # a tree's search words
    "keywords-missing-language": (4, "missing the English search words (en:) in keywords",
                                  "error"),
    "keywords-twice": (9, "the search word 'Forgot PIN' is listed twice in keywords.en",
                       "error"),
    "keywords-text": (5, "keywords.ja should be a list of 日本語 search words, not a text",
                      "error"),
    "ui-duplicate-label": (3, "duplicate label 'back' (first in", "error"),
    "ui-unknown-label": (2, "label 'bakc' is used by no page", "warning"),
    # invisible characters that change a text unseen, with their column
    "invisible-rlm": (9, "U+200F (a bidirectional mark, which is invisible and can reorder "
                      "the text around it) is not allowed in content, at column 30", "error"),
    "invisible-zero-width": (9, "U+200B (an invisible formatting character", "error"),
    "invisible-tag-chars": (9, "U+E0041 (a tag character, which is invisible and can hide "
                            "text)", "error"),
    "combining-pile": (9, "8 combining marks on one letter, at column 29: at most 5", "error"),
    # a tag on a key asks for more than a name, as a tag on a value does
    "tag-on-key": (2, "the tag !!python/name:os.system is not allowed", "error"),
    # a number written so that pages would neither check nor link it
    "phone-fullwidth": (17, "the phone number ０１２０－９５－０１７８ is written in a form pages "
                        "do not link: write it as 0120-95-0178", "error"),
    "phone-spaces-unknown": (17, "0120 12 3456 looks like a phone number, and it is in no "
                             "contact record", "error"),
    "ui-phone-in-label": (2, "the phone number 0120-12-3456 in this text is in no contact "
                          "record", "error"),
    # records that pass every type check but say something impossible
    "records-days-empty": (5, "days lists no day", "error"),
    "records-pin-lengths": (4, "min_length 16 is more than max_length 6", "error"),
    "records-pin-tries": (6, "tries is 999999999999…: it must be from 1 to 99", "error"),
    "records-bad-language": (7, "'<img src=x onerror=alert(9)>' is not a language code",
                             "error"),
    "records-reviewed-future": (5, "reviewed 9999-12-31 is in the future", "error"),
}

# Edge cases that are right, and must build: why each is here.
ACCEPTED: dict[str, str] = {
    "id-64": "an option id of exactly 64 characters, the longest allowed",
    "records-closed-leap-day": "closed from 02-29, a day of leap years",
}


def case_file(name: str) -> Path:
    (path,) = [p for p in BAD.iterdir() if p.stem == name]
    return path


def _install(case: Path, content: Path) -> Path:
    folder = content
    if case.name.startswith("records-"):
        folder = content / "records"
    elif case.name.startswith("ui-"):
        folder = content / "ui"
    dest = folder / case.name
    shutil.copy(case, dest)
    return dest


def test_every_file_in_the_corpus_has_an_expectation():
    assert sorted(p.stem for p in BAD.iterdir()) == sorted([*EXPECTED, *ACCEPTED])
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_edge_cases_pass_the_check(name, mini_copy):
    _install(case_file(name), mini_copy)
    content = load_content(mini_copy, languages=LANGUAGES)
    assert not content.problems, [p.format() for p in content.problems]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_problem_is_reported_at_its_line(name, mini_copy):
    line, words, severity = EXPECTED[name]
    case = _install(case_file(name), mini_copy)
    content = load_content(mini_copy, languages=LANGUAGES)
    mine = [p for p in content.problems if p.file.endswith(case.name)]
    assert any(p.line == line and words in p.message and p.severity == severity
               for p in mine), [p.format() for p in content.problems]


@pytest.mark.parametrize("name", ["syntax-tab", "yes-key", "cycle", "non-utf8",
                                  "condition-never-true", "unknown-phone-kana", "control-bidi",
                                  "tag-python"])
def test_cli_prints_file_and_line_without_traceback(name, mini_copy):
    line, words, severity = EXPECTED[name]
    case = _install(case_file(name), mini_copy)
    result = run_cli("--content", str(mini_copy), "check")
    assert "Traceback" not in result.stderr
    assert f"{case.name}:{line}: " in result.stderr
    assert words in result.stderr
    assert result.returncode == (1 if severity == "error" else 0)


def test_every_problem_is_listed_not_just_the_first(mini_copy):
    for name in ("unknown-doc", "cycle", "missing-translation", "records-bad-phone"):
        _install(case_file(name), mini_copy)
    content = load_content(mini_copy, languages=LANGUAGES)
    files = {Path(p.file).name for p in content.errors}
    assert files == {"unknown-doc.yaml", "cycle.yaml", "missing-translation.yaml",
                     "records-bad-phone.yaml"}


def test_a_5_mb_file_is_refused_with_its_size(mini_copy):
    big = mini_copy / "huge.yaml"
    big.write_text("# padding\n" * (5 * 1024 * 1024 // 10 + 1), encoding="utf-8")
    content = load_content(mini_copy, languages=LANGUAGES)
    (problem,) = [p for p in content.problems if p.file.endswith("huge.yaml")]
    assert problem.line == 1
    assert "the file is 5.0 MB" in problem.message and "split it" in problem.message


def test_very_deep_nesting_does_not_crash(mini_copy):
    (mini_copy / "abyss.yaml").write_text("x: " + "[" * 5000 + "]" * 5000 + "\n")
    content = load_content(mini_copy, languages=LANGUAGES)
    (problem,) = [p for p in content.problems if p.file.endswith("abyss.yaml")]
    assert "nested too deeply" in problem.message


def test_missing_content_folder_is_a_clear_error(tmp_path):
    result = run_cli("--content", str(tmp_path / "nowhere"), "check")
    assert result.returncode == 1
    assert "no such folder" in result.stderr and "Traceback" not in result.stderr


def test_a_review_exactly_12_months_old_is_still_fine(mini_copy):
    # the fixture was reviewed on 2026-11-01
    def warned(today):
        content = load_content(mini_copy, languages=LANGUAGES, today=today)
        return [p for p in content.problems if "months ago" in p.message]

    assert not warned(date(2027, 11, 1))
    assert len(warned(date(2027, 11, 2))) == 9
    assert not load_content(mini_copy, languages=LANGUAGES, today=date(2027, 11, 2),
                            review_age_months=13).problems


def test_months_before_keeps_to_the_end_of_a_short_month():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)


# --- generated cases: not files one could keep in bad_input/ ------------------------------


def _check(content: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tebiki", "--content", str(content), "check"],
                          capture_output=True, text=True, timeout=timeout)


def _assert_reported(result: subprocess.CompletedProcess, where: str, words: str,
                     code: int = 1) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if where in line]
    assert any(words in line for line in lines), result.stderr


def chain(tree_id: str, questions: int, *, leave: bool = False, option: str = "a") -> str:
    """A tree of two-option questions in a row. Both options go on (2^n paths), or with
    `leave` the second one ends at once (a path as long as the chain, few states)."""
    lines = [f"id: {tree_id}", "title: {ja: 連鎖, en: Chain}", "summary: {ja: 試験, en: Test}",
             "reviewed: 2026-11-01", "sources: [src-a]", "start: q1", "questions:"]
    for n in range(1, questions + 1):
        after = f"q{n + 1}" if n < questions else "done"
        lines += [f"  q{n}:", f"    text: {{ja: 質問{n}, en: Question {n}}}", "    options:",
                  f"      {option}: {{label: {{ja: 進む, en: Go on}}, next: {after}}}",
                  f"      b: {{label: {{ja: 止める, en: Stop}}, next: "
                  f"{'stop' if leave else after}}}"]
    lines += ["outcomes:", "  done:", "    title: {ja: 終わり, en: Done}"]
    if leave:
        lines += ["  stop:", "    title: {ja: 中止, en: Stopped}"]
    return "\n".join(lines) + "\n"


BILLION_LAUGHS = "\n".join(
    [f'{name}: &{name} [{", ".join([f"*{prev}"] * 9)}]'
     for prev, name in zip("abcdefgh", "bcdefghi", strict=True)])


def test_an_alias_bomb_is_stopped_at_its_line_in_well_under_a_second(mini_copy):
    bomb = mini_copy / "bomb.yaml"
    bomb.write_text('a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
                    + BILLION_LAUGHS + "\n", encoding="utf-8")
    assert bomb.stat().st_size < 1024
    started = time.perf_counter()
    content = load_content(mini_copy, languages=LANGUAGES)
    assert time.perf_counter() - started < 0.5
    (problem,) = [p for p in content.problems if p.file.endswith("bomb.yaml")]
    assert problem.line == 5 and "alias bomb" in problem.message, problem
    assert "write the values out" in problem.message
    _assert_reported(_check(mini_copy, timeout=10), "bomb.yaml:5:", "repeat more than 10,000")


def test_an_alias_inside_itself_is_a_loop(mini_copy):
    (mini_copy / "loop.yaml").write_text("a: &x [1, *x]\n", encoding="utf-8")
    _assert_reported(_check(mini_copy), "loop.yaml:1:", "refers to the value it is inside")


def test_only_regular_files_are_read(mini_copy):
    """A link loop, a link to /dev/zero, a named pipe, a dangling link, a folder: each is
    named, none is opened (a FIFO would block the check forever)."""
    (mini_copy / "loop-a.yaml").symlink_to("loop-b.yaml")
    (mini_copy / "loop-b.yaml").symlink_to("loop-a.yaml")
    (mini_copy / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(mini_copy / "pipe.yaml")
    (mini_copy / "gone.yaml").symlink_to("nowhere.yaml")
    (mini_copy / "folder.yaml").mkdir()
    (mini_copy / "records" / "pipe.yaml").symlink_to(mini_copy / "pipe.yaml")
    result = _check(mini_copy, timeout=20)
    _assert_reported(result, "loop-a.yaml:1:", "symbolic links go round in a loop")
    _assert_reported(result, "zero.yaml:1:", "this is a device, not a file")
    _assert_reported(result, "decision_trees/pipe.yaml:1:", "a named pipe (FIFO), not a file")
    _assert_reported(result, "records/pipe.yaml:1:", "a named pipe (FIFO), not a file")
    _assert_reported(result, "gone.yaml:1:", "it does not exist")
    _assert_reported(result, "folder.yaml:1:", "this is a folder, not a file")


def test_a_link_to_a_file_is_read(mini_copy, tmp_path):
    elsewhere = tmp_path / "kept-elsewhere.yaml"
    shutil.move(mini_copy / "mini.yaml", elsewhere)
    (mini_copy / "mini.yaml").symlink_to(elsewhere)
    assert _check(mini_copy).returncode == 0


def test_a_tree_with_more_states_than_a_build_can_make_is_refused(mini_copy):
    """12 two-option questions in a row: 4,096 paths, 8,191 wizard states. It passed the
    check, and the build ran out of memory after 100 s."""
    (mini_copy / "wide.yaml").write_text(chain("wide", 12), encoding="utf-8")
    started = time.perf_counter()
    result = _check(mini_copy)
    assert time.perf_counter() - started < 10
    _assert_reported(result, "wide.yaml:6:", "more than 500 wizard states")


def test_a_path_longer_than_a_build_can_make_is_refused(mini_copy):
    """150 questions in a row gave `OSError: File name too long` in the build."""
    (mini_copy / "deep.yaml").write_text(chain("deep", 150, leave=True), encoding="utf-8")
    _assert_reported(_check(mini_copy), "deep.yaml:", "this path asks more than 20 questions")


def test_the_trees_together_must_fit_in_one_build(mini_copy):
    for n in range(4):  # 255 states each: each within its limit, not all together
        (mini_copy / f"part-{n}.yaml").write_text(chain(f"part-{n}", 7), encoding="utf-8")
    _assert_reported(_check(mini_copy), ".yaml:6:", "one build can make at most 1,000")


def _labels_file(content: Path) -> Path:
    return content / "ui" / "labels.yaml"


def _edit_label(content: Path, old: str, new: str) -> int:
    """Replace a label's line; return its line number."""
    path = _labels_file(content)
    lines = path.read_text(encoding="utf-8").splitlines()
    (index,) = [i for i, line in enumerate(lines) if line.strip().startswith(old)]
    lines[index] = lines[index].replace(old, new)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1


def test_labels_the_pages_need_must_be_there(mini_copy):
    """Each of these passed the check and failed the build with a KeyError."""
    _edit_label(mini_copy, "where:", "# where:")
    _assert_reported(_check(mini_copy), "ui/labels.yaml:1:", "label 'where' is missing")
    shutil.rmtree(mini_copy / "ui")
    _assert_reported(_check(mini_copy), "decision_trees/ui:1:", "no ui/*.yaml files")


def test_a_label_has_exactly_the_slots_its_page_fills(mini_copy):
    unknown = _edit_label(mini_copy, "bring: {ja: 持ち物, en: What to bring}",
                          'bring: {ja: 持ち物, en: "What to bring {x}"}')
    missing = _edit_label(mini_copy, 'doc-n: {ja: "{name}{n}点"', 'doc-n: {ja: "{name}（複数）"')
    result = _check(mini_copy)
    _assert_reported(result, f"ui/labels.yaml:{unknown}:",
                     "label 'bring' (en): unknown slot {x}: this label takes no slots")
    _assert_reported(result, f"ui/labels.yaml:{missing}:",
                     "label 'doc-n' (ja): the slot {n} is missing")


def test_a_label_needs_every_language(mini_copy):
    line = _edit_label(mini_copy, "bring: {ja: 持ち物, en: What to bring}", "bring: {ja: 持ち物}")
    _assert_reported(_check(mini_copy), f"ui/labels.yaml:{line}:",
                     "missing the English text (en:) in labels.bring")


def test_thirty_thousand_brackets_are_refused_not_a_crash(mini_copy):
    """`[` × 30,000 made PyYAML's C composer recurse until the process died (SIGSEGV,
    exit 139, no message) in check and build alike."""
    (mini_copy / "records" / "deep.yaml").write_text("[" * 30_000 + "\n", encoding="utf-8")
    (mini_copy / "braces.yaml").write_text("x: " + "{a: " * 30_000 + "\n", encoding="utf-8")
    result = _check(mini_copy, timeout=30)
    _assert_reported(result, "records/deep.yaml:1:", "nested too deeply (more than 40 levels)")
    _assert_reported(result, "braces.yaml:1:", "nested too deeply")


def _timed_check(content: Path, limit: float) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    result = _check(content, timeout=max(60, 4 * limit))
    took = time.perf_counter() - started
    assert took < limit, f"check took {took:.1f} s"
    return result


def test_a_file_full_of_bad_characters_is_told_in_a_few_lines_quickly(mini_copy):
    """2 MB of U+0001 took 18 minutes and printed two million lines; a million lines of
    U+0007 took 9 minutes (line numbers were counted from the start for each). Files are
    1 MB at most now: the same at that size."""
    (mini_copy / "ctl.yaml").write_bytes(b'a: "' + b"\x01" * (1024 * 1024 - 10) + b'"\n')
    (mini_copy / "lines.yaml").write_bytes(b"\x07\n" * 500_000)
    result = _timed_check(mini_copy, 15)
    mine = [line for line in result.stderr.splitlines() if "ctl.yaml" in line]
    assert len(mine) == 51, mine[-3:]
    assert "ctl.yaml:1: U+0001 (a control character) is not allowed in content, at column 5" \
        in result.stderr
    assert "and 1,048,516 more characters like these in this file (only the first 50" \
        in mine[-1]
    lines = [line for line in result.stderr.splitlines() if "lines.yaml" in line]
    assert len(lines) == 51 and lines[49].startswith(f"{mini_copy.name}/lines.yaml:50: ")
    assert "and 499,950 more" in lines[-1]


def test_a_text_repeated_by_aliases_is_bounded_by_its_size(mini_copy):
    """One 1 MB text repeated by 9,999 aliases (under the count of repeats) took 442 s:
    the escapes were checked again for every repeat, and every later step would read
    10 GB of text."""
    import json

    (mini_copy / "quad.yaml").write_text("s: &s " + json.dumps("x" * 1_000_000) + "\nl: ["
                                         + ",".join(["*s"] * 9999) + "]\n", encoding="utf-8")
    _assert_reported(_timed_check(mini_copy, 10), "quad.yaml:2:",
                     "repeat more than 1,048,576 characters of text")


def test_a_file_saved_as_utf16_is_one_problem(mini_copy):
    """ASCII saved as UTF-16LE without a BOM is valid UTF-8 with a NUL after every letter:
    it printed one line per letter (131,073 for 256 KB)."""
    text = (mini_copy / "mini.yaml").read_text(encoding="utf-8")
    ascii_only = text.encode("ascii", "replace").decode("ascii")
    (mini_copy / "wide.yaml").write_bytes(ascii_only.encode("utf-16-le"))
    (mini_copy / "records" / "kanji.yaml").write_bytes(text.encode("utf-16-le"))
    result = _timed_check(mini_copy, 10)
    mine = [line for line in result.stderr.splitlines() if "wide.yaml" in line]
    assert mine == [f"{mini_copy.name}/wide.yaml:1: the file is not UTF-8: every other byte is "
                    "0, as in a file saved as UTF-16; save it as UTF-8"], mine
    assert "records/kanji.yaml:1: the file is not UTF-8: every other byte is 0" in result.stderr


def test_a_file_with_many_problems_lists_the_first_fifty(mini_copy):
    lines = ["documents:"]
    for n in range(300):
        lines += [f"  doc-{n}:", "    name: {ja: 書類, en: Document}", "    category: Z",
                  "    reviewed: 2026-11-01", "    sources: [src-a]"]
    (mini_copy / "records" / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _check(mini_copy)
    mine = [line for line in result.stderr.splitlines() if "many.yaml" in line]
    assert len(mine) == 51
    assert mine[-1].endswith("/many.yaml:254: and 250 more problems in this file (only the "
                             "first 50 are listed): fix these, then check again"), mine[-1]


def test_a_tree_in_a_folder_that_is_not_read_is_reported(mini_copy):
    (mini_copy / "sub").mkdir()
    shutil.copy(mini_copy / "mini.yaml", mini_copy / "sub" / "x.yaml")
    (mini_copy / "records" / "old").mkdir()
    shutil.copy(mini_copy / "records" / "base.yaml", mini_copy / "records" / "old" / "a.yml")
    (mini_copy / ".drafts").mkdir()  # a hidden folder is the author's own business
    shutil.copy(mini_copy / "mini.yaml", mini_copy / ".drafts" / "y.yaml")
    result = _check(mini_copy)
    _assert_reported(result, "decision_trees/sub:1:", "this folder is not read, but it holds "
                     "x.yaml: trees go straight into decision_trees/")
    _assert_reported(result, "records/old:1:", "this folder is not read, but it holds a.yml")
    assert ".drafts" not in result.stderr


def test_records_that_is_a_file_is_told_first(mini_copy):
    shutil.rmtree(mini_copy / "records")
    (mini_copy / "records").write_text("documents: {}\n", encoding="utf-8")
    _assert_reported(_check(mini_copy), "decision_trees/records:1:", "records is not a folder")


def test_a_reviewed_date_a_day_ahead_is_fine_two_days_is_not(mini_copy):
    """A reviewer in Japan writes a date the build machine's clock (UTC) may not have
    reached; `reviewed: 9999-12-31` turned the review-age warning off for good."""
    problems = load_content(mini_copy, languages=LANGUAGES, today=date(2026, 10, 31)).problems
    assert not problems, problems
    problems = load_content(mini_copy, languages=LANGUAGES, today=date(2026, 10, 30)).errors
    assert len(problems) == 9 and all("is in the future (today is 2026-10-30)" in p.message
                                      for p in problems)


def _long_tree(tree_id: str, questions: int, steps: int, step: str) -> str:
    """A chain of two-option questions whose one outcome has `steps` long steps."""
    text = chain(tree_id, questions)
    items = "".join(f"      - {{ja: {step}, en: {step}}}\n" for _ in range(steps))
    return text + "    steps:\n" + items


def test_a_text_longer_than_a_build_can_take_is_refused(mini_copy):
    """A 600 KB tree title passed the check; the build then ran out of memory (Node's heap,
    a 28-line dump) after 78 s."""
    long_step = "あ" * 2001
    (mini_copy / "long.yaml").write_text(_long_tree("long", 1, 1, long_step).replace(
        "title: {ja: 連鎖, en: Chain}", "title: {ja: 連鎖, en: " + "C" * 301 + "}"),
        encoding="utf-8")
    result = _check(mini_copy)
    _assert_reported(result, "long.yaml:2:", "the English text (en:) of title has 301 "
                     "characters; a title, a name or a label may have at most 300")
    _assert_reported(result, "long.yaml:17:", "the 日本語 text (ja:) of outcomes.done.steps.0 "
                     "has 2,001 characters; a text may have at most 2,000")


def test_the_wizard_text_of_a_tree_and_of_all_trees_is_bounded(mini_copy):
    """Texts within their length can still add up, on every state past them, to more than
    a build can take (the injection corpus: 3.3 MB of content, 40 M characters on the
    wizards' pages; the build died after 204 s)."""
    step = "x" * 2000
    (mini_copy / "heavy.yaml").write_text(_long_tree("heavy", 7, 20, step), encoding="utf-8")
    _assert_reported(_check(mini_copy), "heavy.yaml:6:", "the tree's wizard pages hold more "
                     "than 4,000,000 characters of text")
    (mini_copy / "heavy.yaml").unlink()
    for n in range(3):  # each within the tree's limit, not all together
        (mini_copy / f"part-{n}.yaml").write_text(_long_tree(f"part-{n}", 6, 13, step),
                                                  encoding="utf-8")
    result = _check(mini_copy)
    _assert_reported(result, ".yaml:6:", "one build can make at most 8,000,000")
    assert "the tree's wizard pages" not in result.stderr
