"""Golden listings of every path, in both languages.

When content changes on purpose, run `make snapshots` and review the diff.
This test only compares; it never rewrites a snapshot.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tebiki.cli import format_paths, path_listing

from ..conftest import CONTENT

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
TREES = sorted(p.stem for p in CONTENT.glob("*.yaml"))


def test_there_is_a_snapshot_for_every_tree_and_language():
    expected = {f"{t}.{lang}.txt" for t in TREES for lang in ("ja", "en")}
    assert {p.name for p in SNAPSHOTS.glob("*.txt")} == expected


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("tree", TREES)
def test_paths_match_the_snapshot(bundle, tree, lang):
    snapshot = SNAPSHOTS / f"{tree}.{lang}.txt"
    actual = format_paths(path_listing(bundle, tree, lang))
    expected = snapshot.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(snapshot), "tebiki paths", n=2))
        pytest.fail("paths differ from the snapshot; if intended, run `make snapshots` and "
                    f"review the diff:\n{diff[:6000]}")
