"""Turn checked model data into the canonical JSON the engine and renderers read.

Each compiled tree carries the records its outcomes name, so a browser needs
one file per tree. Output is canonical (sorted keys, fixed separators) so two
builds of the same content are byte-identical.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from tebiki.core import engine

_INTERNAL = {"_key", "index", "broken"}


def _clean(value: Any) -> Any:
    """Drop bookkeeping fields and empty optional values."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in _INTERNAL and v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def compile_records(records: dict[str, dict[str, dict]]) -> dict[str, dict[str, dict]]:
    return {kind: {rid: _clean(rec) for rid, rec in sorted(recs.items())}
            for kind, recs in records.items()}


def _uses_holidays(tree: dict) -> bool:
    """Whether the hours of a place or contact the tree shows name public holidays."""
    for kind in ("places", "contacts"):
        for rec in tree["records"].get(kind, {}).values():
            for schedule in [rec] + [p for p in rec.get("phones", []) if p.get("hours")]:
                if engine.names_holidays(schedule.get("hours", []),
                                         schedule.get("closed_dates", [])):
                    return True
    return False


def compile_tree(model: dict, records: dict[str, dict[str, dict]],
                 tree_titles: dict[str, dict], *, today: date | None = None,
                 holidays: dict | None = None) -> dict[str, Any]:
    """One tree with the records it uses. `today` (the build's day) goes in as
    `built`: a page without a clock is read on that day or later. `holidays`
    (public_holidays.calendar) goes into a tree whose hours name public holidays."""
    tree = _clean(model)
    tree["format"] = engine.FORMAT
    if today is not None:
        tree["built"] = today.isoformat()
    used: dict[str, set[str]] = {kind: set() for kind in records}
    used["sources"].update(tree.get("sources", []))
    linked: dict[str, dict] = {}
    for outcome in tree["outcomes"].values():
        used["places"].update(item["id"] for item in outcome.get("places", []))
        used["contacts"].update(item["id"] for item in outcome.get("contacts", []))
        used["pins"].update(outcome.get("pins", []))
        used["sources"].update(outcome.get("sources", []))
        for item in outcome.get("bring", []):
            if "doc" in item:
                used["documents"].add(item["doc"])
            for group in item.get("sets", []):
                used["documents"].update(group)
        for link in outcome.get("continue", []):
            linked[link["tree"]] = tree_titles[link["tree"]]
    for kind in ("documents", "places", "contacts", "pins"):
        for rid in used[kind]:
            used["sources"].update(records[kind][rid].get("sources", []))
    tree["records"] = {kind: {rid: records[kind][rid] for rid in sorted(ids)}
                       for kind, ids in used.items()}
    tree["linked_trees"] = linked
    if holidays is not None and _uses_holidays(tree):
        tree["holidays"] = holidays
    return tree


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_bundle(trees: dict[str, dict], records: dict[str, dict], labels: dict[str, dict],
                 out: Path) -> list[Path]:
    """Write trees/<id>.json, records.json, labels.json and index.json under `out`."""
    (out / "trees").mkdir(parents=True, exist_ok=True)
    written = []
    for tid, tree in sorted(trees.items()):
        path = out / "trees" / f"{tid}.json"
        path.write_text(dumps(tree), encoding="utf-8")
        written.append(path)
    index = {tid: {"title": t["title"], "summary": t["summary"], "start": t["start"]}
             for tid, t in trees.items()}
    for name, data in (("records.json", records), ("labels.json", labels),
                       ("index.json", index)):
        path = out / name
        path.write_text(dumps(data), encoding="utf-8")
        written.append(path)
    return written
