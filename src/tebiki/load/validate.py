"""Check what only the whole content can show: references, and every path.

Trees are finite, so instead of sampling we walk every path from the start
with the engine's own routing (`engine.iter_paths`): what the check proves is
exactly what the engine will do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tebiki.core import engine
from tebiki.load import phones
from tebiki.load.problems import ERROR, WARNING, Problem
from tebiki.load.yamlsource import Key, Source

PATH_LIMIT = 1_000_000
REVIEW_AGE_MONTHS = 12
# Labels that name whose documents a group is and which visit it is for
# (decision_trees/ui/): `for: proxy` needs `bring-for-proxy`, `visit: 2` `bring-visit-2`.
FOR_LABEL = "bring-for-"
VISIT_LABEL = "bring-visit-"
# What a build can honour (measured with scripts/bench_limits.py; docs/FORMAT.md, Limits).
# Every state of the wizard (each set of answers on the way to an outcome) becomes a
# page of the wizard and of the widget in each language, and is rendered once more in
# Pyodide for the runtime's module trace: the build's time and memory grow with them.
MAX_TREE_STATES = 500
MAX_TOTAL_STATES = 1000
# Each answer is a folder in a state's URL (wizard/<tree>/<option>/…/): with ids of
# at most 64 characters, 20 questions keep the deepest path under 1,400 characters.
MAX_PATH_QUESTIONS = 20
# The characters of text on all wizard states together (StateText): each text is on
# every state page past it, in the wizard and the widget, and rendered once more in
# Pyodide; the build's memory grows with their sum (about 125 MB a million: 1.7 GB at
# 9.9 million, docs/FORMAT.md). Half of it in one tree, as for the states.
MAX_WIZARD_TEXT = 8_000_000
MAX_TREE_TEXT = 4_000_000


@dataclass
class LoadedTree:
    model: dict[str, Any]
    source: Source


@dataclass
class LoadedRecords:
    """Records by kind and id, each with the file it came from."""

    records: dict[str, dict[str, dict]] = field(default_factory=dict)
    sources: dict[str, dict[str, Source]] = field(default_factory=dict)


@dataclass
class PathReport:
    """What walking every path of one tree found."""

    paths: int = 0
    outcomes: set[str] = field(default_factory=set)
    states: int = 1  # wizard states: the start and every distinct set of answers
    deepest: int = 0  # questions on the longest path
    text: int = 0  # characters of text on all its wizard states (see StateText)


def _describe(answers: list) -> str:
    return ", ".join(f"{q}={o}" for q, o in answers) or "the start"


class Validator:
    def __init__(self, trees: dict[str, LoadedTree], records: LoadedRecords,
                 problems: list[Problem], labels: dict | None = None, *,
                 today: date | None = None,
                 review_age_months: int = REVIEW_AGE_MONTHS,
                 label_sources: list[Source] | None = None, languages: tuple = ()) -> None:
        self.trees = trees
        self.label_sources = label_sources or []  # ui/*.yaml: their texts are checked too
        self.records = records
        self.problems = problems
        self.labels = labels if labels is not None else {}
        self.today = today or date.today()
        self.review_age_months = review_age_months
        self.reports: dict[str, PathReport] = {}
        self.state_text = StateText(records.records, languages)
        self.over_limit = False  # a tree was stopped at a limit (its count is partial)

    def report(self, source: Source, key: Key, message: str, severity: str = ERROR) -> None:
        self.problems.append(Problem(source.file, source.line(key), message, severity))

    def run(self) -> None:
        self.check_record_references()
        self.check_phone_mentions()
        self.check_review_dates()
        for loaded in self.trees.values():
            self.check_tree_references(loaded)
            # Walking paths through a tree with broken parts would only repeat its errors.
            if not self._has_errors(loaded.source.file):
                self.check_paths(loaded)
        self.check_total_states()

    def _has_errors(self, file: str) -> bool:
        return any(p.severity == ERROR and p.file == file for p in self.problems)

    def _known(self, kind: str, rid: str) -> bool:
        return rid in self.records.records.get(kind, {})

    def _ref(self, source: Source, key: Key, kind: str, rid: str) -> None:
        if not self._known(kind, rid):
            known = sorted(self.records.records.get(kind, {}))
            near = [k for k in known if k.split("-")[0] == rid.split("-")[0]][:3]
            hint = f" (known: {', '.join(near)})" if near else ""
            self.report(source, key, f"unknown {kind[:-1]} '{rid}': add it to "
                        f"decision_trees/records/ or fix the id{hint}")

    def check_record_references(self) -> None:
        for kind, records in self.records.records.items():
            for rid, rec in records.items():
                source = self.records.sources[kind][rid]
                for i, sid in enumerate(rec.get("sources", []) if kind != "sources" else []):
                    self._ref(source, (*rec["_key"], "sources", i), "sources", sid)

    def check_phone_mentions(self) -> None:
        """A phone number written in a text must be a contact record's number, so the
        number is kept in one place and pages can make it a tap-to-call link; and it is
        written as pages link numbers (ASCII digits and hyphens), in the labels too."""
        kinds = {p["number"]: p.get("kind", "phone")
                 for rec in self.records.records.get("contacts", {}).values()
                 for p in rec.get("phones", [])}
        sources = {id(s): s for kind in self.records.sources.values() for s in kind.values()}
        sources.update({id(t.source): t.source for t in self.trees.values()})
        sources.update({id(s): s for s in self.label_sources})
        for source in sources.values():
            for key, text in _texts(source.data, ()):
                if key and key[-1] in ("number", "url"):
                    continue
                self._check_loose_numbers(source, key, text, kinds)
                for start, end in engine.phones_in_text(text):
                    number = text[start:end]
                    as_fax = engine.written_as_fax(text, start)
                    if number not in kinds:
                        where = ".".join(str(k) for k in key)
                        known = sorted(n for n, kind in kinds.items() if kind != "fax")
                        hint = (f" (the contacts' numbers: {', '.join(known)})"
                                if 0 < len(known) <= 5 else "")
                        self.report(source, key, f"the phone number {number} in {where} is "
                                    "in no contact record: add it to a contact's `phones:` in "
                                    f"decision_trees/records/, or fix the number{hint}")
                    elif kinds[number] == "fax" and not as_fax:
                        self.report(source, key, f"{number} is a fax number: write it as "
                                    f"'{engine.FAX_WORD} {number}', so that pages do not make "
                                    "it a number to call")
                    elif kinds[number] != "fax" and as_fax:
                        self.report(source, key, f"{number} is a phone number, not a fax "
                                    f"number: take away the '{engine.FAX_WORD}' before it")

    def _check_loose_numbers(self, source: Source, key: Key, text: str, kinds: dict) -> None:
        """Numbers written so that pages would neither check nor link them."""
        by_digits = {phones.digits_of(number): number for number in kinds}
        for start, end, digits in phones.loose_numbers(text):
            written = text[start:end]
            number = by_digits.get(digits)
            if number is not None:
                self.report(source, key, f"the phone number {written} is written in a form "
                            f"pages do not link: write it as {number}, as its contact record "
                            "has it (ASCII digits and hyphens)")
            else:
                self.report(source, key, f"{written} looks like a phone number, and it is in "
                            "no contact record: add it to a contact's `phones:` in "
                            "decision_trees/records/, then write "
                            "it here as the record does (ASCII digits and hyphens, like "
                            "0120-95-0178), or fix the number")

    def check_review_dates(self) -> None:
        """A `reviewed:` date older than the review age is a warning: the text may no
        longer say what its sources say."""
        limit = months_before(self.today, self.review_age_months)
        found: list = [(t.source, ("reviewed",), t.model.get("reviewed"))
                       for t in self.trees.values()]
        for kind, records in self.records.records.items():
            for rid, rec in records.items():
                found.append((self.records.sources[kind][rid], (*rec["_key"], "reviewed"),
                              rec.get("reviewed")))
        # A day ahead is allowed: Japan's date runs ahead of the build machine's clock.
        latest = self.today + timedelta(days=1)
        for source, key, reviewed in found:
            if reviewed and date.fromisoformat(reviewed) > latest:
                self.report(source, key, f"reviewed {reviewed} is in the future (today is "
                            f"{self.today}): write the day this was last checked against its "
                            "sources, so that its age can warn when it gets old")
            elif reviewed and date.fromisoformat(reviewed) < limit:
                self.report(source, key, f"reviewed {reviewed} is more than "
                            f"{self.review_age_months} months ago (before {limit}): check "
                            "this against its sources again and update 'reviewed:'", WARNING)

    def check_tree_references(self, loaded: LoadedTree) -> None:
        tree, source = loaded.model, loaded.source
        nodes = (set(tree["questions"]) | set(tree["routes"]) | set(tree["outcomes"])
                 | tree["broken"])
        for i, sid in enumerate(tree.get("sources", [])):
            self._ref(source, ("sources", i), "sources", sid)
        start = tree.get("start")
        if start is not None and start not in nodes:
            self.report(source, ("start",), f"start '{start}' is not a question of this tree")
        for qid, question in tree["questions"].items():
            for option in question["options"]:
                target = option["next"]
                if target is not None and target not in nodes:
                    self.report(source, ("questions", qid, "options", option["id"], "next"),
                                f"option '{option['id']}' leads to '{target}', which is no "
                                f"question, route or outcome of this tree{_near(target, nodes)}")
        for rid, entries in tree["routes"].items():
            for entry in entries:
                key = ("routes", rid, entry["index"])
                if entry["goto"] is not None and entry["goto"] not in nodes:
                    self.report(source, (*key, "goto"), f"route '{rid}' goes to "
                                f"'{entry['goto']}', which is no question, route or outcome"
                                f"{_near(entry['goto'], nodes)}")
                if entry["when"] is not None:
                    self.check_condition(loaded, entry["when"], (*key, "when"))
        for oid, outcome in tree["outcomes"].items():
            key = ("outcomes", oid)
            for kind, name in (("pins", "pins"), ("sources", "sources")):
                for i, rid in enumerate(outcome[name]):
                    self._ref(source, (*key, name, i), kind, rid)
            for kind in ("places", "contacts"):
                field_name = kind
                if kind == "places" and "place" in source.data["outcomes"][oid]:
                    field_name = "place"
                for item in outcome[kind]:
                    k = (*key, field_name, item["index"])
                    self._ref(source, k, kind, item["id"])
                    if item.get("when"):
                        self.check_condition(loaded, item["when"], (*k, "when"))
            for item in outcome["bring"]:
                k = (*key, "bring", item["index"])
                if "doc" in item:
                    self._ref(source, (*k, "doc"), "documents", item["doc"])
                for j, group in enumerate(item.get("sets", [])):
                    for n, doc in enumerate(group):
                        self._ref(source, (*k, "one_of", j, n), "documents", doc)
                if item.get("when"):
                    self.check_condition(loaded, item["when"], (*k, "when"))
                self.check_bring_groups(source, item, k)
                if item.get("sets") and item.get("note"):
                    self.check_caption(source, item, k)
            for name in ("steps", "warnings"):
                for item in outcome[name]:
                    if item.get("when"):
                        self.check_condition(loaded, item["when"],
                                             (*key, name, item["index"], "when"))
            for link in outcome["continue"]:
                k = (*key, "continue", link["index"])
                self.check_link(loaded, link, k)
                if link.get("when"):
                    self.check_condition(loaded, link["when"], (*k, "when"))

    def check_bring_groups(self, source: Source, item: dict, key: Key) -> None:
        """`for:` and `visit:` name groups that pages head with a label of the ui files."""
        wanted = [("for", FOR_LABEL, item["for"])] if item.get("for") else []
        wanted += [("visit", VISIT_LABEL, visit) for visit in item.get("visits", [])]
        if item.get("visits"):  # what is brought on every visit has a heading too
            wanted.append(("visit", VISIT_LABEL, "every"))
        for field_name, prefix, value in wanted:
            if prefix + value not in self.labels:
                known = sorted(lid[len(prefix):] for lid in self.labels if lid.startswith(prefix))
                self.report(source, (*key, field_name), f"{field_name} '{value}' has no heading: "
                            f"add the label '{prefix}{value}' to decision_trees/ui/ (known: "
                            f"{', '.join(known) or 'none'})")

    def check_caption(self, source: Source, item: dict, key: Key) -> None:
        """A note under `one_of` must not state other counts of ID than its choices:
        the pages state the counts themselves, from the sets."""
        documents = self.records.records.get("documents", {})
        choices = []
        for group in item["sets"]:
            if any(d not in documents for d in group):
                return  # reported as an unknown document
            choices.append(Counter(documents[d]["category"] for d in group
                                   if documents[d]["category"] in ("A", "B")))
        if not any(choices):
            return  # no photo or non-photo ID to count: nothing to check
        for lang, note in item["note"].items():
            for stated, words in stated_id_counts(note, lang):
                if stated not in choices:
                    self.report(source, (*key, "note", lang), f"the note says '{words}', but "
                                f"the choices are {_describe_choices(choices)}: do not restate "
                                "counts of ID in a note (pages show them from one_of); say "
                                "only what the choices do not, such as whose ID it is")

    def check_condition(self, loaded: LoadedTree, cond: dict, key: Key) -> None:
        tree, source = loaded.model, loaded.source
        if "answer" in cond:
            qid = cond["answer"]
            if qid not in tree["questions"]:
                self.report(source, (*key, "answer"), f"condition asks about '{qid}', which "
                            "is no question of this tree")
                return
            options = {o["id"] for o in tree["questions"][qid]["options"]}
            wanted = cond["is"] if isinstance(cond["is"], list) else [cond["is"]]
            for opt in wanted:
                if opt not in options:
                    self.report(source, (*key, "is"), f"question '{qid}' has no option "
                                f"'{opt}' (its options: {', '.join(sorted(options))})")
            return
        for form in ("all", "any"):
            for i, part in enumerate(cond.get(form, [])):
                self.check_condition(loaded, part, (*key, form, i))
        if "not" in cond:
            self.check_condition(loaded, cond["not"], (*key, "not"))

    def check_link(self, loaded: LoadedTree, link: dict, key: Key) -> None:
        target = self.trees.get(link["tree"])
        if target is None:
            self.report(loaded.source, (*key, "tree"), f"no tree '{link['tree']}' to "
                        f"continue with (trees: {', '.join(sorted(self.trees))})")
            return
        questions = target.model["questions"]
        known = True
        for qid, oid in link["answers"].items():
            if qid not in questions:
                self.report(loaded.source, (*key, "answers", qid), f"tree '{link['tree']}' "
                            f"has no question '{qid}'")
                known = False
            elif oid not in {o["id"] for o in questions[qid]["options"]}:
                self.report(loaded.source, (*key, "answers", qid), f"question '{qid}' of tree "
                            f"'{link['tree']}' has no option '{oid}'")
                known = False
        if known and link["answers"] and not self._has_errors(target.source.file):
            try:
                unused = engine.walk(target.model, link["answers"])["unused"]
            except (engine.NoRoute, engine.RouteLoop):
                return  # reported when that tree's paths are walked
            if unused:
                self.report(loaded.source, (*key, "answers"), f"in tree '{link['tree']}' these "
                            f"answers are not on the path the others take: {', '.join(unused)}")

    def _within_limits(self, loaded: LoadedTree, report: PathReport, previous: list,
                       answers: list, outcome: str) -> bool:
        """Count the states a path adds (paths come depth first, so those past the part
        it shares with the path before are new) and report a tree that outgrows what a
        build can make."""
        shared = 0
        for before, now in zip(previous, answers, strict=False):
            if before != now:
                break
            shared += 1
        report.states += len(answers) - shared
        report.deepest = max(report.deepest, len(answers))
        report.text += self.state_text.added(loaded.model, answers, shared, outcome)
        source = loaded.source
        if len(answers) > MAX_PATH_QUESTIONS:
            qid = answers[MAX_PATH_QUESTIONS][0]
            self.report(source, ("questions", qid), f"this path asks more than "
                        f"{MAX_PATH_QUESTIONS} questions ({_describe(answers[:3])}, …): a wizard "
                        "may ask at most that many in a row; split the tree (an outcome can "
                        "continue: to another tree)")
            return False
        if report.text > MAX_TREE_TEXT:
            self.report(source, ("start",), f"the tree's wizard pages hold more than "
                        f"{MAX_TREE_TEXT:,} characters of text (each text is on every page "
                        "whose answers lead past it, in the wizard and the widget): shorten "
                        "its longest texts, or split it into smaller trees (an outcome can "
                        "continue: to another tree)")
            return False
        if report.states > MAX_TREE_STATES:
            self.report(source, ("start",), f"the tree has more than {MAX_TREE_STATES} wizard "
                        "states (each one set of answers, built as a page of the wizard and "
                        "of the widget in every language): split it into smaller trees (an "
                        "outcome can continue: to another tree)")
            return False
        return True

    def check_total_states(self) -> None:
        """All trees together must stay within what one build can make."""
        total = sum(r.states for r in self.reports.values())
        text = sum(r.text for r in self.reports.values())
        if text > MAX_WIZARD_TEXT and not self.over_limit:
            largest = max(self.reports, key=lambda tid: self.reports[tid].text)
            self.report(self.trees[largest].source, ("start",), f"the wizards' pages hold "
                        f"{text:,} characters of text together; one build can make at most "
                        f"{MAX_WIZARD_TEXT:,} (this tree's hold {self.reports[largest].text:,}: "
                        "each text is on every page whose answers lead past it); shorten the "
                        "longest texts, trim or split the trees, or build them as separate "
                        "sites")
        if total <= MAX_TOTAL_STATES or self.over_limit:  # a tree past its own limit is told
            return
        largest = max(self.reports, key=lambda tid: self.reports[tid].states)
        self.report(self.trees[largest].source, ("start",), f"the trees have {total:,} wizard "
                    f"states together; one build can make at most {MAX_TOTAL_STATES:,} (this "
                    f"tree has {self.reports[largest].states:,}): trim or split the trees, or "
                    "build them as separate sites")

    def check_paths(self, loaded: LoadedTree) -> None:
        tree, source = loaded.model, loaded.source
        matched: set = set()
        report = PathReport()
        report.text = self.state_text.start(tree)
        reached_questions: set[str] = set()
        failures: dict[tuple, tuple] = {}
        content_true: set[tuple] = set()
        pending = _conditional_items(tree)
        previous: list = []
        doubled: set = set()  # (outcome, number) already reported
        for path in engine.iter_paths(tree, matched, PATH_LIMIT):
            end, node = path["end"], path["id"]
            for qid, _ in path["answers"]:
                reached_questions.add(qid)
            if end == "outcome":
                if not self._within_limits(loaded, report, previous, path["answers"], node):
                    self.over_limit = True
                    return
                previous = path["answers"]
                report.paths += 1
                report.outcomes.add(node)
                self.check_one_number_one_meaning(loaded, node, path["answers"], doubled)
                todo = pending.get(node)
                if todo:
                    taken = dict(path["answers"])
                    for item_key, cond in list(todo.items()):
                        if engine.holds(cond, taken):
                            content_true.add(item_key)
                            del todo[item_key]
                continue
            if end == "limit":
                self.report(source, ("start",), f"the tree has more than {PATH_LIMIT:,} paths: "
                            "split it into smaller trees")
                return
            failures.setdefault((end, node), (path["answers"], 0))
            answers, count = failures[(end, node)]
            failures[(end, node)] = (answers, count + 1)
        for (end, node), (answers, count) in failures.items():
            more = f" (and {count - 1} more paths)" if count > 1 else ""
            if end == "no-route":
                self.report(source, ("routes", node), f"route '{node}': no entry matches the "
                            f"answers {_describe(answers)}{more}; add a last entry without "
                            "'when:' or a guard for this case")
            elif end == "loop":
                self.report(source, ("routes", node), f"route '{node}' leads back to itself "
                            f"without asking a question (after {_describe(answers)})")
            elif end == "cycle":
                self.report(source, ("questions", node), f"cycle: after {_describe(answers)} "
                            f"the path comes back to question '{node}'; a tree must move on")
        self.reports[tree["id"]] = report
        if failures:
            return
        for qid in tree["questions"]:
            if qid not in reached_questions:
                self.report(source, ("questions", qid), f"question '{qid}' is unreachable: "
                            "no path from the start asks it")
        for oid in tree["outcomes"]:
            if oid not in report.outcomes:
                self.report(source, ("outcomes", oid), f"outcome '{oid}' is unreachable: no "
                            "path from the start ends there")
        used_routes = {rid for rid, _ in matched}
        for rid, entries in tree["routes"].items():
            if rid not in used_routes:
                self.report(source, ("routes", rid), f"route '{rid}' is unreachable: no option "
                            "leads to it")
                continue
            for entry in entries:
                if (rid, entry["index"]) not in matched:
                    self.report(source, ("routes", rid, entry["index"]),
                                f"this entry of route '{rid}' is taken on no path: an entry "
                                "before it always matches first, or its condition is never "
                                "true", WARNING)
        for oid, items in pending.items():
            if oid not in report.outcomes:
                continue
            for item_key in items:
                self.report(source, item_key, "this condition is true on no path that ends "
                            f"at '{oid}': the item will never show", WARNING)


    def check_one_number_one_meaning(self, loaded: LoadedTree, oid: str, answers: list,
                                     doubled: set) -> None:
        """An outcome lists the lines that serve its purpose: one number in two of the
        contacts it shows on a path would be shown twice, with two sets of hours (the
        general line's "opens at 9:30" under the 24-hour suspension line's)."""
        taken = dict(answers)
        contacts = self.records.records.get("contacts", {})
        seen: dict[str, str] = {}
        for item in loaded.model["outcomes"][oid]["contacts"]:
            if item["id"] not in contacts or not engine.holds(item.get("when"), taken):
                continue
            for number in _contact_numbers(contacts[item["id"]]):
                first = seen.setdefault(number, item["id"])
                if first == item["id"] or (oid, number) in doubled:
                    continue
                doubled.add((oid, number))
                self.report(loaded.source, ("outcomes", oid, "contacts", item["index"]),
                            f"outcome '{oid}' would show {number} twice, in contacts "
                            f"'{first}' and '{item['id']}' (after {_describe(answers)}): one "
                            "number, one meaning: list only the contact for this outcome's "
                            "purpose")


def _contact_numbers(contact: dict) -> list:
    """The numbers a contact block shows: its phones', and any its notes name (pages
    link those too, so a note naming another line shows that number a second time)."""
    numbers = [p["number"] for p in contact["phones"]]
    for key, text in _texts(contact, ()):
        if key and key[-1] == "number":
            continue
        numbers += [text[a:b] for a, b in engine.phones_in_text(text)]
    return list(dict.fromkeys(numbers))


class StateText:
    """How many characters of content text a wizard state's page holds, at most: the
    question asked (its text, hint, options) or the outcome reached (every part, and the
    records it names), and the answers given so far (each question and the option
    chosen), in every language. Summed over every state this measures what the build
    writes and renders (every state is a page of the wizard and of the widget in each
    language, and rendered again in Pyodide), which is what runs a build out of memory."""

    def __init__(self, records: dict, languages: tuple = ()) -> None:
        self.records = records
        self.codes = {getattr(language, "code", language) for language in languages}
        self.sizes: dict[tuple, int] = {}

    def chars(self, value: Any) -> int:
        """Characters of the texts ({lang: text}) in a model value."""
        if isinstance(value, dict):
            texts = [v for k, v in value.items() if k in self.codes and isinstance(v, str)]
            if texts and (len(texts) == len(value) or not self.codes):
                return sum(len(t) for t in texts)
            return sum(self.chars(v) for v in value.values())
        if isinstance(value, list):
            return sum(self.chars(v) for v in value)
        if isinstance(value, str) and not self.codes:
            return len(value)
        return 0

    def _size(self, tree: dict, kind: str, node_id: str) -> int:
        key = (tree["id"], kind, node_id)
        if key not in self.sizes:
            if kind == "question":
                size = self.chars(tree["questions"].get(node_id))
            elif kind == "answer":
                qid, oid = node_id
                question = tree["questions"].get(qid, {})
                option = [o for o in question.get("options", []) if o["id"] == oid]
                size = self.chars(question.get("text")) + self.chars(option[:1])
            else:
                size = self._outcome(tree["outcomes"].get(node_id, {}))
            self.sizes[key] = size
        return self.sizes[key]

    def _outcome(self, outcome: dict) -> int:
        size = self.chars(outcome)
        named = [("places", i["id"]) for i in outcome.get("places", [])]
        named += [("contacts", i["id"]) for i in outcome.get("contacts", [])]
        named += [("pins", pid) for pid in outcome.get("pins", [])]
        named += [("sources", sid) for sid in outcome.get("sources", [])]
        for item in outcome.get("bring", []):
            docs = [item["doc"]] if "doc" in item else [d for g in item.get("sets", []) for d in g]
            named += [("documents", d) for d in docs]
        for kind, rid in named:
            size += self.chars(self.records.get(kind, {}).get(rid))
        return size

    def start(self, tree: dict) -> int:
        """The first state: the first question (a start through a route counts its
        largest question: the walk does not say which one it is)."""
        start = tree.get("start")
        if start in tree["questions"]:
            return self._size(tree, "question", start)
        return max((self._size(tree, "question", q) for q in tree["questions"]), default=0)

    def added(self, tree: dict, answers: list, shared: int, outcome: str) -> int:
        """The text of the states a path to `outcome` adds past the `shared` answers of
        the path before it: one per answer, each a question but the last, the outcome."""
        total = 0
        so_far = sum(self._size(tree, "answer", pair) for pair in answers[:shared])
        for k in range(shared + 1, len(answers) + 1):
            so_far += self._size(tree, "answer", answers[k - 1])
            node = ("question", answers[k][0]) if k < len(answers) else ("outcome", outcome)
            total += so_far + self._size(tree, *node)
        return total


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


# Counts of ID a caption may state, as the cities write them: 顔写真付き1点,
# 顔写真のない本人確認書類2点; "one photo ID", "two IDs without a photo".
_JA_ID_COUNT = re.compile(r"(顔写真付き|写真付き|顔写真のない|顔写真なし|写真のない|写真なし)"
                          r"[^、。，,0-9０-９]{0,12}?([0-9０-９一二三]+)\s*点")
_EN_ID_COUNT = re.compile(r"\b(one|two|three|an?|[0-9])\s+(photo IDs?|IDs? with a photo|"
                          r"non-photo IDs?|IDs? without a photo|documents? without a photo|"
                          r"documents? with a photo)", re.I)
_NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "一": 1, "二": 2, "三": 3}
_JA_AND, _JA_OR = ("と", "＋", "+", "および"), ("か", "または", "もしくは")
_EN_AND, _EN_OR = (" and ", " plus ", "+"), (" or ",)


def _ja_mention(m: re.Match) -> tuple[str, str]:
    category = "B" if ("ない" in m.group(1) or "なし" in m.group(1)) else "A"
    return category, m.group(2).translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def _en_mention(m: re.Match) -> tuple[str, str]:
    phrase = m.group(2).lower()
    category = "B" if ("without" in phrase or "non-photo" in phrase) else "A"
    return category, m.group(1).lower()


# How notes state counts of ID, in the languages the checker can read (by the code of
# the texts): the mention's pattern, the words that join two mentions into one
# combination, the words that offer another, and what a mention says.
ID_COUNT_WORDS = {"ja": (_JA_ID_COUNT, _JA_AND, _JA_OR, _ja_mention),
                  "en": (_EN_ID_COUNT, _EN_AND, _EN_OR, _en_mention)}


def stated_id_counts(text: str, lang: str) -> list[tuple[Counter, str]]:
    """The combinations of photo (A) and non-photo (B) ID a text states, with its words.

    Mentions joined by 'and' (と) make one combination; 'or' (か), or anything
    else between them, starts the next."""
    if lang not in ID_COUNT_WORDS:
        return []  # a language the checker cannot read: its notes are not checked
    pattern, joins, alternatives, mention = ID_COUNT_WORDS[lang]
    out: list = []
    last_end = None
    for m in pattern.finditer(text):
        category, raw = mention(m)
        count = int(raw) if raw.isdigit() else _NUMBERS[raw]
        gap = text[last_end:m.start()] if last_end is not None else ""
        same = (out and any(j in gap for j in joins)
                and not any(a in gap for a in alternatives))
        if same:
            combo, span = out[-1]
            combo[category] += count
            out[-1] = (combo, (span[0], m.end()))
        else:
            out.append((Counter({category: count}), (m.start(), m.end())))
        last_end = m.end()
    return [(combo, text[span[0]:span[1]]) for combo, span in out]


def _describe_choices(choices: list) -> str:
    return " or ".join("+".join(f"{n}{c}" for c, n in sorted(choice.items())) or "no ID"
                       for choice in choices)


def _texts(value: Any, key: Key):
    """Every text in a file's data, with its place."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, (*key, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, (*key, i))


def _conditional_items(tree: dict) -> dict[str, dict[Key, dict]]:
    """For each outcome, its items with a `when:`, keyed by their place in the file."""
    out: dict[str, dict[Key, dict]] = {}
    for oid, outcome in tree["outcomes"].items():
        items: dict[Key, dict] = {}
        for name in ("bring", "steps", "warnings", "places", "contacts", "continue"):
            for item in outcome[name]:
                if item.get("when"):
                    items[("outcomes", oid, name, item["index"], "when")] = item["when"]
        out[oid] = items
    return out


def _near(wrong: str, ids) -> str:
    """' (did you mean 'how-soon'?)' for an id one typo away from one that exists."""
    import difflib

    close = difflib.get_close_matches(str(wrong), sorted(ids), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""
