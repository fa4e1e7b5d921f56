"""Load a content folder: every tree and record file, checked, validated, compiled.

`load_content` never raises for bad content: it returns every problem found.
`load_bundle` is the strict form that renderers use: it raises ContentError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .compile import compile_records, compile_tree
from .problems import ERROR, ContentError, Problem, display_path
from .schema import RECORD_KINDS, check_labels, check_records, check_tree
from .validate import REVIEW_AGE_MONTHS, LoadedRecords, LoadedTree, PathReport, Validator
from .yamlsource import read_source

DEFAULT_ROOT = Path("decision_trees")


@dataclass
class Content:
    root: Path
    trees: dict[str, LoadedTree] = field(default_factory=dict)
    records: LoadedRecords = field(default_factory=LoadedRecords)
    problems: list[Problem] = field(default_factory=list)
    reports: dict[str, PathReport] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


@dataclass
class Bundle:
    """The compiled content: what the site, the browser and the PDF use."""

    trees: dict[str, dict[str, Any]]
    records: dict[str, dict[str, dict]]
    labels: dict[str, dict[str, str]]
    warnings: list[Problem]


def _yaml_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    return sorted(files)


def load_content(root: Path = DEFAULT_ROOT, *, today: date | None = None,
                 review_age_months: int = REVIEW_AGE_MONTHS) -> Content:
    """Every tree, record and label under `root`, checked. `today` (default: the
    real date) and `review_age_months` decide which `reviewed:` dates are too old."""
    content = Content(root)
    problems = content.problems
    if not root.is_dir():
        problems.append(Problem(str(root), 1, "no such folder: give the folder that holds "
                                "the decision trees (decision_trees/)"))
        return content
    records_dir = root / "records"
    record_files = _yaml_files(records_dir) if records_dir.is_dir() else []
    content.records.records = {kind: {} for kind in RECORD_KINDS}
    content.records.sources = {kind: {} for kind in RECORD_KINDS}
    for path in record_files:
        source, found = read_source(path, display_path(path, root))
        problems.extend(found)
        if source is None:
            continue
        for kind, records in check_records(source, problems).items():
            for rid, rec in records.items():
                if rid in content.records.records[kind]:
                    first = content.records.sources[kind][rid]
                    first_line = first.line(content.records.records[kind][rid]["_key"])
                    problems.append(Problem(source.file, source.line(rec["_key"]),
                                            f"duplicate {kind[:-1]} id '{rid}' (first in "
                                            f"{first.file}:{first_line})"))
                    continue
                content.records.records[kind][rid] = rec
                content.records.sources[kind][rid] = source
    ui_dir = root / "ui"
    for path in _yaml_files(ui_dir) if ui_dir.is_dir() else []:
        source, found = read_source(path, display_path(path, root))
        problems.extend(found)
        if source is not None:
            content.labels.update(check_labels(source, problems))
    tree_files = _yaml_files(root)
    if not tree_files:
        problems.append(Problem(str(root), 1, "no decision trees (*.yaml) in this folder"))
    for path in tree_files:
        source, found = read_source(path, display_path(path, root))
        problems.extend(found)
        if source is None:
            continue
        model = check_tree(source, problems, path.stem)
        if model is not None:
            content.trees[model["id"]] = LoadedTree(model, source)
    validator = Validator(content.trees, content.records, problems, content.labels,
                          today=today, review_age_months=review_age_months)
    validator.run()
    content.reports = validator.reports
    content.problems.sort()
    return content


def compile_content(content: Content) -> Bundle:
    """Compile checked content; raises ContentError if it has errors."""
    if content.errors:
        raise ContentError(content.errors)
    records = compile_records(content.records.records)
    titles = {tid: t.model["title"] for tid, t in content.trees.items()}
    trees = {tid: compile_tree(t.model, records, titles) for tid, t in content.trees.items()}
    warnings = [p for p in content.problems if p.severity != ERROR]
    return Bundle(trees, records, dict(sorted(content.labels.items())), warnings)


def load_bundle(root: Path = DEFAULT_ROOT) -> Bundle:
    return compile_content(load_content(root))
