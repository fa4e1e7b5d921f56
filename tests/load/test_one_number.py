"""One number, one meaning: an outcome that would show one number in two contacts
(two sets of hours, 'open now' beside 'closed now') is an error at its line."""

from __future__ import annotations

from pathlib import Path

from tebiki.load.content import load_content

from ..conftest import LANGUAGES

SECOND = """
  general:
    name: {ja: 一般の問い合わせ, en: General questions}
    phones:
      - number: "0120-95-0178"
        label: {ja: 無料, en: Toll-free}
    hours:
      - {days: [mon, tue, wed, thu, fri], open: "09:30", close: "20:00"}
    reviewed: 2026-11-01
    sources: [src-a]
"""


def _with_general(mini_copy: Path, contacts: str) -> list[str]:
    records = mini_copy / "records" / "base.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace("\ncontacts:\n", "\ncontacts:" + SECOND, 1), encoding="utf-8")
    tree = mini_copy / "mini.yaml"
    text = tree.read_text(encoding="utf-8")
    assert "    contacts: [hotline]\n" in text
    tree.write_text(text.replace("    contacts: [hotline]\n", f"    contacts: {contacts}\n", 1),
                    encoding="utf-8")
    return [p.format() for p in load_content(mini_copy, languages=LANGUAGES).errors]


def test_one_number_in_two_contacts_of_an_outcome_is_an_error(mini_copy):
    errors = _with_general(mini_copy, "[hotline, general]")
    line = next(i for i, text in enumerate(
        (mini_copy / "mini.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if "contacts: [hotline, general]" in text)
    found = [e for e in errors if "0120-95-0178 twice" in e]
    assert len(found) == 1, errors
    assert f"mini.yaml:{line}:" in found[0]
    assert "'hotline' and 'general'" in found[0] and "one number, one meaning" in found[0]


def test_the_contact_for_the_outcomes_purpose_alone_passes(mini_copy):
    assert _with_general(mini_copy, "[general]") == []


NOTED = """
  other:
    name: {ja: ほかの窓口, en: Another line}
    phones:
      - number: "0570-783-578"
        label: {ja: 有料, en: Charged}
    hours_note: {ja: 通じないときは 0120-95-0178 へ。, en: "Else call 0120-95-0178."}
    hours:
      - {days: all, open: "08:30", close: "20:00"}
    reviewed: 2026-11-01
    sources: [src-a]
"""


def test_a_number_a_contacts_note_names_counts_as_shown_there(mini_copy):
    """Pages link a number in a contact's note too: a note naming another contact's line
    showed 0120-95-0178 in two blocks of one outcome, at 2 a.m. one open and one not."""
    records = mini_copy / "records" / "base.yaml"
    text = records.read_text(encoding="utf-8")
    text = text.replace('      - number: "0570-783-578"\n        label: {ja: 有料, en: Charged}\n'
                        '        hours:\n          - {days: all, open: "08:30", close: "20:00"}\n',
                        "", 1)
    records.write_text(text.replace("\ncontacts:\n", "\ncontacts:" + NOTED, 1), encoding="utf-8")
    tree = mini_copy / "mini.yaml"
    text = tree.read_text(encoding="utf-8")
    tree.write_text(text.replace("    contacts: [hotline]\n", "    contacts: [hotline, other]\n",
                                 1), encoding="utf-8")
    errors = [p.format() for p in load_content(mini_copy, languages=LANGUAGES).errors]
    assert [e for e in errors if "0120-95-0178 twice" in e and "'other'" in e], errors
