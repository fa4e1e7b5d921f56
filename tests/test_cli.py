"""The `tebiki` command as a reviewer, a translator and the build use it."""

from __future__ import annotations

import json
import shutil

import pytest

from .conftest import FIXTURES, ROOT, run_cli

MINI = str(FIXTURES / "mini")


def test_check_clean_content_exits_0_and_counts_paths():
    result = run_cli("--content", MINI, "check", "--today", "2026-11-30")
    assert result.returncode == 0, result.stderr
    assert "1 trees, 6 paths checked: 0 error(s), 0 warning(s)" in result.stdout


def test_check_warns_about_old_reviews_and_the_age_can_be_set():
    # the fixture was reviewed on 2026-11-01: more than 12 months before 2027-12-01
    old = run_cli("--content", MINI, "check", "--today", "2027-12-01")
    assert old.returncode == 0, old.stderr  # a warning, not an error
    assert "mini.yaml:4: warning: reviewed 2026-11-01 is more than 12 months ago" in old.stderr
    assert "0 error(s), 9 warning(s)" in old.stdout
    longer = run_cli("--content", MINI, "check", "--today", "2027-12-01",
                     "--review-age-months", "24")
    assert "0 error(s), 0 warning(s)" in longer.stdout
    bad = run_cli("--content", MINI, "check", "--review-age-months", "a year")
    assert bad.returncode == 2 and "is not a whole number of months" in bad.stderr


def test_paths_json_lists_every_path_ending_in_an_outcome():
    result = run_cli("--content", MINI, "paths", "mini", "--lang", "en", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["tree"] == "mini" and data["lang"] == "en"
    assert len(data["paths"]) == 6
    first = data["paths"][0]
    assert [(a["question"], a["option"]) for a in first["answers"]] == [
        ("which", "easy"), ("phone", "has-phone")]
    assert first["answers"][0]["question_text"] == "Which one?"
    assert first["outcome"]["id"] == "store"
    assert first["outcome"]["title"] == "Go to the store"
    assert "0120-95-0178" in first["outcome"]["text"]


def test_paths_in_japanese_are_in_japanese():
    result = run_cli("--content", MINI, "paths", "mini", "--lang", "ja")
    assert "-> easy: 簡単" in result.stdout
    assert "持ち物:" in result.stdout and "What to bring" not in result.stdout


def test_paths_list_closed_dates_so_a_reviewer_can_check_them():
    # a number's own closed dates sit beside it, a place's beside its hours
    en = run_cli("--content", MINI, "paths", "mini", "--lang", "en").stdout
    assert "0570-783-578 (Charged) — Hours: Every day 08:30–20:00; Closed 29 Dec to 3 Jan" in en
    assert "- Counter [Weekdays 08:30–17:15; Closed 29 Dec to 3 Jan]" in en
    assert "Hours of 0120-95-0178, FAX 0120-601-785: Every day 24 hours\n" in en  # none of its own
    ja = run_cli("--content", MINI, "paths", "mini", "--lang", "ja").stdout
    assert "受付時間: 毎日 08:30–20:00; 休み 12月29日〜1月3日" in ja


def test_answer_gives_the_next_question():
    result = run_cli("--content", MINI, "answer", "mini", "--lang", "en", "which=easy")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "phone: Do you have a phone?"
    assert "phone=has-phone" in result.stdout


def test_answer_gives_the_outcome_with_opening_hours():
    result = run_cli("--content", MINI, "answer", "mini", "--lang", "en", "which=easy",
                     "phone=has-phone", "--now", "2026-11-28T23:30", "--json")
    data = json.loads(result.stdout)
    assert data["type"] == "outcome" and data["id"] == "store"
    assert data["places"][0]["status"]["opens_at"] == "2026-11-29T06:30"


def test_usage_errors_exit_2_with_a_clear_message():
    cases = [
        (["answer", "mini", "--lang", "en", "which=medium"], "has no option 'medium'"),
        (["answer", "mini", "--lang", "en", "colour=red"], "has no question 'colour'"),
        (["answer", "mini", "--lang", "en", "which"], "is not QUESTION=OPTION"),
        (["answer", "nope", "--lang", "en"], "no tree 'nope'"),
        (["paths", "mini", "--lang", "fr"], "the site's languages are ja, en"),
        (["answer", "mini", "--lang", "en", "--now", "tomorrow"], "--now"),
        (["frobnicate"], "invalid choice"),
        # these ended in OverflowError, exit 3
        (["check", "--review-age-months", "99999999999999999999"], "give 1 to 1200"),
        (["host", "--port", "99999"], "'99999' is not a port"),
        (["host", "--port", "-1"], "'-1' is not a port"),
        (["serve", "--port", "65536"], "'65536' is not a port"),
    ]
    for args, words in cases:
        result = run_cli("--content", MINI, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_compile_is_byte_identical_across_runs(tmp_path):
    for name in ("a", "b"):
        result = run_cli("--content", MINI, "compile", "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.json"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.json"))
    assert files_a == files_b and len(files_a) == 4
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    tree = json.loads((tmp_path / "a" / "trees" / "mini.json").read_text())
    assert set(tree["records"]["documents"]) == {"card", "photo-id", "no-photo-id", "authority"}


def test_failed_compile_leaves_previous_output_untouched(tmp_path, mini_copy):
    out = tmp_path / "compiled"
    assert run_cli("--content", str(mini_copy), "compile", "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    shutil.copy(FIXTURES / "bad_input" / "cycle.yaml", mini_copy / "cycle.yaml")
    result = run_cli("--content", str(mini_copy), "compile", "--out", str(out))
    assert result.returncode == 1
    assert "cycle.yaml:8:" in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_day_lists_are_joined_by_the_labels_of_each_language(mini):
    from tebiki.render.text import TextRenderer

    assert TextRenderer(mini.labels, "ja").days(["mon", "wed", "sat"]) == "月・水・土"
    assert TextRenderer(mini.labels, "en").days(["mon", "wed", "sat"]) == "Mon, Wed, Sat"
    assert TextRenderer(mini.labels, "en").days(["mon", "tue", "wed", "thu", "fri"]) == "Weekdays"


@pytest.mark.parametrize("url", ['https://example.jp/">', "javascript:alert(1)",
                                 "https://exa mple.jp/", "ftp://example.jp/",
                                 # a port that is none; a ';' that split the CSP snippet
                                 "https://a.jp:99999/", "https://a.jp/;script-src",
                                 "https://a.jp/a,b", "https://a.jp/%zz"])
def test_a_published_address_that_is_not_one_is_refused_before_building(url, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "TEBIKI_SITE_URL": url}
    result = subprocess.run([sys.executable, "-m", "tebiki", "build", "--out",
                             str(tmp_path / "site"), "--no-handbook", "--no-search"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "site_url" in result.stderr and ("is not a web address" in result.stderr
                                             or "URL isn't valid" in result.stderr)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_graph_out_writes_only_new_svg_files_or_its_own(tmp_path, mini_copy):
    """`graph --out which-pin.yaml` replaced the tree with a picture, exit 0; it writes a
    .svg file that is new or that it wrote itself, never in the content folder."""
    tree = mini_copy / "mini.yaml"
    before = tree.read_bytes()
    notes = tmp_path / "notes.svg"
    notes.write_text("<svg>my own drawing</svg>")
    base = ["--content", str(mini_copy), "graph", "mini", "--lang", "ja", "--out"]
    refused = [
        (str(tree), "is written to a file whose name ends in .svg"),
        (str(ROOT / "README.md"), "is written to a file whose name ends in .svg"),
        (str(mini_copy / "flow.svg"), "that is inside the content folder"),
        (str(notes), "refusing to replace"),
        (str(tmp_path), "is written to a file whose name ends in .svg"),
    ]
    for out, words in refused:
        result = run_cli(*base, out)
        assert result.returncode == 2, (out, result.stdout, result.stderr)
        assert words in result.stderr and "nothing was written" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert tree.read_bytes() == before
    assert notes.read_text() == "<svg>my own drawing</svg>"
    assert not (mini_copy / "flow.svg").exists()
    flow = tmp_path / "flow.svg"
    for _ in range(2):  # new, then its own picture again
        result = run_cli(*base, str(flow))
        assert result.returncode == 0, result.stderr
        assert flow.read_text(encoding="utf-8").splitlines()[1].startswith("<svg")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_graph_file_is_readable_by_everyone_under_a_private_umask(tmp_path):
    import os
    import subprocess
    import sys

    flow = tmp_path / "flow.svg"
    result = subprocess.run([sys.executable, "-m", "tebiki", "--content", MINI, "graph", "mini",
                             "--lang", "en", "--out", str(flow)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, preexec_fn=lambda: os.umask(0o077))
    assert result.returncode == 0, result.stderr
    assert flow.stat().st_mode & 0o777 == 0o644


def test_a_source_date_epoch_that_is_no_time_is_a_usage_error_before_any_work(tmp_path):
    """SOURCE_DATE_EPOCH=abc gave `ValueError: invalid literal for int()`, exit 3, after the
    content check."""
    import os
    import subprocess
    import sys

    for value in ("abc", "-5", "1e9", "99999999999999999999"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": value}
        for command in (["build", "--out", str(tmp_path / "site"), "--no-handbook",
                         "--no-search"], ["handbook", "--out", str(tmp_path / "books")]):
            result = subprocess.run([sys.executable, "-m", "tebiki", *command], cwd=ROOT,
                                    env=env, capture_output=True, text=True, timeout=120)
            assert result.returncode == 2, (value, command, result.stderr)
            assert "is not a time: give the seconds since 1970-01-01 UTC" in result.stderr
            assert "Traceback" not in result.stderr and "passed" not in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_handbook_out_follows_the_output_folder_rules(tmp_path, mini_copy):
    """It wrote its PDFs into `.`, the content folder or the home folder, exit 0."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.pdf").write_text("years of work")
    cases = [(str(mini_copy), "it is the content folder"),
             (str(mini_copy / "books"), "it is inside the content folder"),
             (str(ROOT), "it is the site's project"),
             (str(mine), "it is not empty and was not made by tebiki")]
    for out, words in cases:
        result = run_cli("--content", str(mini_copy), "handbook", "--out", out)
        assert result.returncode == 2, (out, result.stdout, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
    assert (mine / "thesis.pdf").read_text() == "years of work"
    assert sorted(p.name for p in mini_copy.iterdir()) == ["mini.yaml", "records", "ui"]


def test_handbook_files_are_readable_by_everyone_under_a_private_umask(tmp_path, monkeypatch):
    """Under umask 077 the PDFs were 600 in a 700 folder: a host could not serve them."""
    import os

    from tebiki import cli
    from tebiki.handbook import printer

    def fake_print(bundle, site, out, *, epoch, languages=None):
        (out / "tebiki-handbook-en.pdf").write_bytes(b"%PDF-1.7 a handbook")
        return {"en": printer.Printed("en", "tebiki-handbook-en.pdf", 1, 19, 0.1)}

    monkeypatch.setattr(printer, "make_handbooks", fake_print)
    monkeypatch.chdir(ROOT)
    out = tmp_path / "books"
    old = os.umask(0o077)
    try:
        assert cli.main(["handbook", "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o755
    assert (out / "tebiki-handbook-en.pdf").stat().st_mode & 0o777 == 0o644
    assert (out / ".tebiki-output").stat().st_mode & 0o777 == 0o644


def test_a_chromium_that_does_not_start_is_one_line(tmp_path):
    """Playwright's launch log was 15 lines; it is left to -v."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "TEBIKI_CHROMIUM": "/bin/false"}
    result = subprocess.run([sys.executable, "-m", "tebiki", "handbook", "--out",
                             str(tmp_path / "books")], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("handbook failed: Chromium failed: ")
    assert "(is /bin/false a working Chromium? set TEBIKI_CHROMIUM to one)" in lines[0]
    assert lines[1] == f"(nothing was written to {tmp_path / 'books'})"
    assert not (tmp_path / "books").exists()
