"""Every label the renderers use, and the {slots} each one takes.

The renderers look labels up by id (`words.label("back")`) and fill their
slots by name (`label("doc-n", name=…, n=…)`). A label missing from
`ui/*.yaml`, or one with a slot the code does not fill, would only fail in the
middle of a build; with this registry `tebiki check` reports it at its line.
tests/load/test_labels.py scans the code for label ids, so this list cannot
drift from what the renderers use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tebiki.load.problems import Problem

SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Label:
    slots: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()  # slots a language may leave out


def _label(*slots: str, optional: tuple[str, ...] = ()) -> Label:
    return Label(frozenset(slots) | frozenset(optional), frozenset(optional))


_PLAIN = Label()
_JOIN = _label("a", "b")  # joins two items: "{a}、{b}"

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DOC_CATEGORIES = ("a", "b", "card", "authority", "form", "other")
_PIN_PLACES = ("store", "counter", "online", "app")

LABELS: dict[str, Label] = {
    # outcome parts and their headings
    **dict.fromkeys(("where", "bring", "one-of", "steps", "warnings", "contacts",
                     "cost", "time", "if-fails", "continue", "sources", "reviewed", "hours",
                     "hours-vary", "languages", "your-answers", "outcome", "path", "examples",
                     "pins-involved", "closed-dates", "open-24h", "valid-from", "valid-until",
                     "every-day", "weekdays", "weekends", "page-sources", "new-tab",
                     "docs-about", "docs-see", "bring-visit-every"), _PLAIN),
    **{f"day-{day}": _PLAIN for day in _WEEKDAYS},
    **{f"month-{month}": _PLAIN for month in range(1, 13)},
    "day-join": _JOIN, "list-join": _JOIN, "and-join": _JOIN, "or-join": _JOIN,
    "cond-and": _JOIN, "cond-or": _JOIN, "choice-join": _JOIN,
    "field": _label("name", "value"),
    "doc-n": _label("name", "n"),
    "hours-for": _label("numbers"),
    "fax-number": _label("number"),
    "sources-list": _label("n"),
    "day-hours": _label("days", "hours"),
    "day-holidays": _PLAIN, "closed-holidays": _PLAIN, "hours-japan-time": _PLAIN,
    "days-and-holidays": _label("days"),
    "time-range": _label("open", "close"),
    "closed-span": _label("start", "end"),
    "month-day": _label("d", optional=("m", "month")),
    "dated-between": _label("start", "end"),
    "dated-from": _label("date"),
    "dated-until": _label("date"),
    "languages-list": _label("langs"),
    # opening hours, now
    "status-open": _PLAIN, "status-open-always": _PLAIN, "status-closed": _PLAIN,
    "status-open-until": _label("time"),
    "status-closed-opens": _label("when"),
    "when-today": _label("time"),
    "when-tomorrow": _label("time"),
    "when-day": _label("date", "weekday", "time"),
    # PINs and documents
    "pin": _PLAIN, "pin-format": _PLAIN, "pin-tries": _PLAIN, "pin-used-for": _PLAIN,
    "pin-reset-at": _PLAIN, "pin-change-at": _PLAIN, "pin-table-caption": _PLAIN,
    "pin-tries-value": _label("n"),
    **{f"place-{place}": _PLAIN for place in _PIN_PLACES},
    **{f"doc-category-{category}": _PLAIN for category in _DOC_CATEGORIES},
    "doc-category": _PLAIN, "doc-documents": _PLAIN, "doc-table-caption": _PLAIN,
    # the wizard
    "back": _PLAIN, "change": _PLAIN, "start-again": _PLAIN, "start-wizard": _PLAIN,
    "print-plan": _PLAIN, "read-guide": _PLAIN,
    "your-answers-so-far": _PLAIN, "earlier-answer": _PLAIN, "kept-answers": _PLAIN,
    "change-answer": _label("question"),
    # the guide pages
    "guide-questions": _PLAIN, "guide-outcomes": _PLAIN, "guide-first": _PLAIN,
    "guide-leads-to": _PLAIN, "guide-otherwise": _PLAIN, "guide-depends": _PLAIN,
    "guide-to-question": _label("text"),
    "guide-to-outcome": _label("text"),
    "guide-if": _label("cond"),
    "only-if": _label("cond"),
    "cond-answer": _label("question", "option"),
    "cond-not": _label("cond"),
    "flow-picture-alt": _label("title", "questions", "outcomes"),
    "flow-picture-caption": _label("link"),
    "flow-picture-open": _PLAIN,
    "flow-page-title": _label("title"),
    "flow-page-alt": _label("title", "questions", "outcomes"),
    "flow-page-back": _PLAIN, "flow-page-scroll": _PLAIN,
    "guide-nav-title": _label("title"),
    # search, the 404 page, the header
    "search": _PLAIN, "search-label": _PLAIN, "search-button": _PLAIN,
    "search-needs-js": _PLAIN, "search-loading": _PLAIN, "search-failed": _PLAIN,
    "search-in-guide": _PLAIN,
    "search-results": _label("n", "query"),
    "search-none": _label("query"),
    "not-found": _PLAIN, "not-found-text": _PLAIN, "not-found-home": _PLAIN,
    # the printed handbook
    **dict.fromkeys(("handbook-contents", "handbook-download", "handbook-download-text",
                     "handbook-how", "handbook-how-check", "handbook-how-flow",
                     "handbook-intro", "handbook-kicker", "handbook-source",
                     "handbook-source-reviewed", "handbook-sources", "handbook-sources-intro",
                     "handbook-title"), _PLAIN),
    "handbook-chapter-sources": _label("page", "publishers", "title"),
    "handbook-checked": _label("date"),
    "handbook-made": _label("date"),
    "handbook-date": _label("d", "y", optional=("m", "month")),
    "handbook-file": _label("pages", "size"),
    "handbook-footer": _label("date", "title"),
    "handbook-link-page": _label("page", "text"),
    "handbook-online": _label("url"),
    "handbook-page-of": _label("page", "pages"),
    "handbook-see": _label("page", "title"),
    "handbook-size-kb": _label("n"),
    "handbook-size-mb": _label("n"),
    "handbook-xref": _label("page", "text", "title"),
    "handbook-flow-title": _label("title"),
    "handbook-flow-see": _label("page"),
    "handbook-flow-caption": _label("page"),
}

# Labels looked up with a fallback, so they may be missing: a contact's language
# (`lang-ko`) is shown by its code when there is no label for it.
OPTIONAL_PREFIXES: dict[str, Label] = {"lang-": _PLAIN}
# Labels that content asks for by name: the heading of the documents `for:` a person
# and of those for a `visit:` (validate.py checks that each one used is there).
CONTENT_PREFIXES: dict[str, Label] = {"bring-for-": _PLAIN, "bring-visit-": _PLAIN}
# Labels needed once per language of the site: the name of each language's handbook.
LANGUAGE_PREFIXES: dict[str, Label] = {"handbook-edition-": _PLAIN}


def spec(lid: str) -> Label | None:
    """The slots of label `lid`, or None for a label no renderer uses."""
    if lid in LABELS:
        return LABELS[lid]
    for prefix, label in (*OPTIONAL_PREFIXES.items(), *CONTENT_PREFIXES.items(),
                          *LANGUAGE_PREFIXES.items()):
        if lid.startswith(prefix):
            return label
    return None


def slot_problems(text: str, label: Label) -> list[str]:
    """What is wrong with the slots of one label text ([] when nothing is)."""
    found = SLOT.findall(text)
    problems = []
    allowed = ", ".join("{" + s + "}" for s in sorted(label.slots)) or "no slots"
    for name in dict.fromkeys(found):
        if name not in label.slots:
            problems.append(f"unknown slot {{{name}}}: this label takes {allowed}")
    for name in sorted(label.slots - label.optional - set(found)):
        problems.append(f"the slot {{{name}}} is missing: this label takes {allowed}, and "
                        f"{{{name}}} is where the page puts its value")
    return problems


def check_label_set(labels: dict[str, dict], where: dict[str, tuple[str, int]],
                    ui_files: list[str], root: str, codes: list[str]) -> list[Problem]:
    """Every label the renderers need is there, and each text has the right slots.

    `where` gives the file and line of every label written in a ui file (even one
    whose texts were refused, which is reported already); `codes` are the site's
    languages (some labels are needed once per language); missing labels are
    reported at the first ui file, or at the ui folder when there is none."""
    problems = []
    for lid, texts in labels.items():
        file, line = where[lid]
        label = spec(lid)
        if label is None:
            problems.append(Problem(file, line, f"label '{lid}' is used by no page: check its "
                                    "spelling, or remove it", "warning"))
            continue
        for lang, text in texts.items():
            for message in slot_problems(text, label):
                problems.append(Problem(file, line, f"label '{lid}' ({lang}): {message}"))
    needed = {**LABELS, **{prefix + code: label for prefix, label in LANGUAGE_PREFIXES.items()
                           for code in codes}}
    missing = [lid for lid in needed if lid not in where]
    if not missing:
        return problems
    if not ui_files:
        problems.append(Problem(f"{root}/ui", 1, "no ui/*.yaml files: the pages' own words "
                                f"(labels: back, bring, …; {len(needed)} of them) live there; "
                                "copy the ui/ folder of a site made by `tebiki new` and "
                                "translate it"))
        return problems
    shape = "{" + ", ".join(f"{code}: …" for code in codes) + "}"
    for lid in missing:
        example = " ".join("{" + s + "}" for s in sorted(needed[lid].slots))
        problems.append(Problem(ui_files[0], 1, f"label '{lid}' is missing: the pages need it; "
                                f"add `{lid}: {shape}` under labels:"
                                + (f" (with {example})" if example else "")))
    return problems
