"""Load a content folder: every tree and record file, checked, validated, compiled.

`load_content` never raises for bad content: it returns every problem found.
`load_bundle` is the strict form that renderers use: it raises ContentError.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from tebiki.core.engine import names_holidays
from tebiki.load.compile import compile_records, compile_tree
from tebiki.load.labels import check_label_set
from tebiki.load.problems import ERROR, WARNING, ContentError, Problem, display_path, in_order
from tebiki.load.public_holidays import build_day, calendar
from tebiki.load.schema import RECORD_KINDS, check_labels, check_records, check_tree
from tebiki.load.validate import REVIEW_AGE_MONTHS, LoadedRecords, LoadedTree, PathReport, Validator
from tebiki.load.yamlsource import cap_problems, read_source


class Language(NamedTuple):
    """A language texts are written in: its code (`ja:`) and its name for messages."""

    code: str
    name: str


@dataclass
class Content:
    root: Path
    languages: tuple = ()
    today: date | None = None  # the build's day: dated items, the holiday years
    holidays: str | None = None  # the country whose public holidays the hours mean
    trees: dict[str, LoadedTree] = field(default_factory=dict)
    records: LoadedRecords = field(default_factory=LoadedRecords)
    problems: list[Problem] = field(default_factory=list)
    reports: dict[str, PathReport] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    label_sources: list = field(default_factory=list)  # the ui/*.yaml files, read

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


YAML_SUFFIXES = (".yaml", ".yml")


def _yaml_files(folder: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """The content files of a folder, sorted. A file whose extension is written in
    capitals (`.YAML`) is reported rather than skipped, and so is a second file for
    one name (`pin-reset.yml` beside `pin-reset.yaml`): neither may silently win."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as exc:
        problems.append(Problem(display_path(folder, root), 1, f"cannot list this folder: "
                                f"{exc.strerror or exc}"))
        return []
    files: dict[str, Path] = {}
    for name in names:
        stem, suffix = os.path.splitext(name)
        if suffix.lower() not in YAML_SUFFIXES:
            continue
        path = folder / name
        if suffix not in YAML_SUFFIXES:
            problems.append(Problem(display_path(path, root), 1, f"the extension {suffix} is not "
                                    f"read: rename the file to {stem}.yaml (content files "
                                    "end in .yaml, in lower case)"))
            continue
        if stem in files:
            problems.append(Problem(display_path(path, root), 1, f"{name} is not read: "
                                    f"{files[stem].name} is here too, and two files for one "
                                    f"name '{stem}' would make one silently win; merge them "
                                    "into one file"))
            continue
        files[stem] = path
    return sorted(files.values())


def load_content(root: Path, *, languages, today: date | None = None,
                 review_age_months: int = REVIEW_AGE_MONTHS,
                 holidays: str | None = None) -> Content:
    """Every tree, record and label under `root`, checked. `languages` are the site's
    (each with .code and .name: every text needs one of each); `today` (default: the
    build's day, from $SOURCE_DATE_EPOCH or the real date) and `review_age_months`
    decide which `reviewed:` dates are too old. `holidays` is the site's country
    (mkdocs.yml): the compiled trees carry its public holidays."""
    today = today or build_day()
    content = Content(root, tuple(languages), today=today, holidays=holidays)
    problems = content.problems
    if not root.is_dir():
        problems.append(Problem(str(root), 1, "no such folder: give the folder that holds "
                                "the decision trees (decision_trees/)"))
        return content
    _load_records(content)
    _load_labels(content)
    _load_trees(content)
    _unread_folders(content)
    validator = Validator(content.trees, content.records, problems, content.labels,
                          today=today, review_age_months=review_age_months,
                          label_sources=content.label_sources, languages=content.languages)
    validator.run()
    content.reports = validator.reports
    if holidays is None:
        _warn_holidays_unknown(content)
    content.problems[:] = _capped(problems)
    return content


def _capped(problems: list[Problem]) -> list[Problem]:
    """Every file's problems, sorted, at most MAX_FILE_PROBLEMS of each and a line that
    counts the rest."""
    by_file: dict[str, list[Problem]] = {}
    for problem in dict.fromkeys(problems):  # one text in two languages, one problem
        by_file.setdefault(problem.file, []).append(problem)
    kept: list[Problem] = []
    for found in by_file.values():
        kept.extend(cap_problems(found))
    return in_order(kept)


# The folders of a content folder that are read; each holds its files directly.
READ_FOLDERS = ("records", "ui")


def _unread_folders(content: Content) -> None:
    """A YAML file in a folder the loader does not read (decision_trees/sub/x.yaml, or
    records/old/x.yaml) would be silently left out: each such folder is reported, with
    one of its files. Folders whose name starts with a dot are left alone."""
    root = content.root
    tops = [(root, set(READ_FOLDERS)), *((root / name, set()) for name in READ_FOLDERS)]
    for folder, read in tops:
        for name in _subfolders(folder):
            if name in read or name.startswith("."):
                continue
            found = _first_yaml(folder / name)
            if found is not None:
                content.problems.append(Problem(
                    display_path(folder / name, root), 1,
                    f"this folder is not read, but it holds {found.relative_to(folder / name)}: "
                    f"trees go straight into {root.name}/, records into records/ and labels "
                    "into ui/; move the file there, or out of the content folder"))


def _subfolders(folder: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in os.scandir(folder)
                      if entry.is_dir(follow_symlinks=False))
    except OSError:
        return []  # a missing records/ or ui/; an unreadable folder is reported elsewhere


def _first_yaml(folder: Path, budget: int = 10_000) -> Path | None:
    """A .yaml/.yml file somewhere under `folder` (links not followed), looking at no more
    than `budget` entries."""
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in YAML_SUFFIXES:
                return Path(top) / name
        budget -= len(dirs) + len(files)
        if budget < 0:
            return None
    return None


def _load_records(content: Content) -> None:
    problems = content.problems
    records_dir = content.root / "records"
    if records_dir.exists() and not records_dir.is_dir():
        problems.append(Problem(display_path(records_dir, content.root), 1, "records is not a "
                                "folder: the records (documents, places, contacts, PINs, "
                                "sources) are *.yaml files in a folder records/"))
    record_files = _yaml_files(records_dir, content.root, problems) if records_dir.is_dir() else []
    content.records.records = {kind: {} for kind in RECORD_KINDS}
    content.records.sources = {kind: {} for kind in RECORD_KINDS}
    for path in record_files:
        source, found = read_source(path, display_path(path, content.root))
        problems.extend(found)
        if source is None:
            continue
        for kind, records in check_records(source, problems, content.languages).items():
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


def _load_labels(content: Content) -> None:
    """The renderers' words from ui/*.yaml: each label once, every one the pages need,
    with the slots its code fills (src/tebiki/labels.py)."""
    problems = content.problems
    ui_dir = content.root / "ui"
    paths = _yaml_files(ui_dir, content.root, problems) if ui_dir.is_dir() else []
    where: dict[str, tuple[str, int]] = {}
    for path in paths:
        source, found = read_source(path, display_path(path, content.root))
        problems.extend(found)
        if source is None:
            continue
        content.label_sources.append(source)
        checked = check_labels(source, problems, content.languages)
        declared = source.data.get("labels") if isinstance(source.data, dict) else None
        for lid in declared if isinstance(declared, dict) else {}:
            line = source.line(("labels", lid))
            if lid in where:
                first_file, first_line = where[lid]
                problems.append(Problem(source.file, line, f"duplicate label '{lid}' (first "
                                        f"in {first_file}:{first_line}): keep one"))
                continue
            where[lid] = (source.file, line)
            if lid in checked:
                content.labels[lid] = checked[lid]
    # a missing label is reported in ui/labels.yaml, the general one, when there is one
    paths.sort(key=lambda p: p.name != "labels.yaml")
    ui_files = [display_path(p, content.root) for p in paths]
    problems.extend(check_label_set(content.labels, where, ui_files,
                                    display_path(content.root),
                                    [language.code for language in content.languages]))


def _load_trees(content: Content) -> None:
    problems = content.problems
    tree_files = _yaml_files(content.root, content.root, problems)
    if not tree_files:
        problems.append(Problem(str(content.root), 1,
                                "no decision trees (*.yaml) in this folder"))
    for path in tree_files:
        source, found = read_source(path, display_path(path, content.root))
        problems.extend(found)
        if source is None:
            continue
        model = check_tree(source, problems, path.stem, content.languages)
        if model is not None:
            content.trees[model["id"]] = LoadedTree(model, source)


def _warn_holidays_unknown(content: Content) -> None:
    """Hours that name public holidays, on a site that names no country for them."""
    for kind in ("places", "contacts"):
        for rid, rec in content.records.records.get(kind, {}).items():
            schedules = [rec] + [p for p in rec.get("phones", []) if p.get("hours")]
            if any(names_holidays(r.get("hours", []), r.get("closed_dates", []))
                   for r in schedules):
                source = content.records.sources[kind][rid]
                content.problems.append(Problem(
                    source.file, source.line(rec["_key"]),
                    f"the hours of {kind[:-1]} '{rid}' name public holidays, but the site "
                    "names no country for them: add `holidays: JP` (a country code) to the "
                    "tebiki plugin in mkdocs.yml; until then pages show these hours without "
                    "an open-now note", WARNING))


def compile_content(content: Content) -> Bundle:
    """Compile checked content; raises ContentError if it has errors."""
    if content.errors:
        raise ContentError(content.errors)
    records = compile_records(content.records.records)
    titles = {tid: t.model["title"] for tid, t in content.trees.items()}
    today = content.today or build_day()
    holidays = calendar(content.holidays, today) if content.holidays else None
    trees = {tid: compile_tree(t.model, records, titles, today=today, holidays=holidays)
             for tid, t in content.trees.items()}
    warnings = [p for p in content.problems if p.severity != ERROR]
    return Bundle(trees, records, dict(sorted(content.labels.items())), warnings)


def load_bundle(root: Path, *, languages, today: date | None = None,
                holidays: str | None = None) -> Bundle:
    return compile_content(load_content(root, languages=languages, today=today,
                                        holidays=holidays))
