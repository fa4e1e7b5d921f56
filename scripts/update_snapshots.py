"""Rewrite the golden path listings in tests/content/snapshots/ from the current content.

    make snapshots          (then review: git diff tests/content/snapshots)

The snapshot test never writes these files; this script is the only thing
that does, so every change to what a reader is told shows up as a diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tebiki.cli import format_paths, path_listing
from tebiki.load.content import compile_content, load_content
from tebiki.load.problems import ContentError
from tebiki.site import config as site_config

ROOT = Path(__file__).resolve().parent.parent
SITE = site_config.load(ROOT / "mkdocs.yml")
LANGUAGES = SITE.languages
SNAPSHOTS = ROOT / "tests" / "content" / "snapshots"


def main() -> int:
    try:
        bundle = compile_content(load_content(ROOT / "decision_trees", languages=LANGUAGES,
                                              holidays=SITE.holidays))
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for tree_id in sorted(bundle.trees):
        for lang in ("ja", "en"):
            path = SNAPSHOTS / f"{tree_id}.{lang}.txt"
            path.write_text(format_paths(path_listing(bundle, tree_id, lang)), encoding="utf-8")
            wanted.add(path)
    for stale in set(SNAPSHOTS.glob("*.txt")) - wanted:
        stale.unlink()
    print(f"wrote {len(wanted)} snapshots to {SNAPSHOTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
