"""Check the shape of trees and records, and turn them into the model.

The model is plain data with one form per thing (a step is always
`{text, when?}`, a thing to bring is always `{doc}` or `{sets}`), so the
validator, the compiler and the engine never meet a shorthand. Every problem
names the file and line and says what would be right.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from tebiki.load.problems import ERROR, Problem
from tebiki.load.yamlsource import BOOL_HINT, Key, Source

ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# An id is a folder name in the site (wizard/<tree>/<option>/…/): 64 characters keep
# the deepest page's path far below the file systems' limits (docs/FORMAT.md, Limits).
ID_MAX = 64
# Characters in one language's text (docs/FORMAT.md, Limits; measured with
# scripts/bench_limits.py --text-scale). A title, a name, a question, an option or a
# label is repeated in lists, links, the answers so far and every page's menu: shorter.
MAX_TEXT = 2000
MAX_SHORT_TEXT = 300
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOCK_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
MONTH_DAY_RE = re.compile(r"^(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$")
# ASCII digits only: \d would take full-width and other digits, which no phone dials.
PHONE_RE = re.compile(r"^(?:\+[0-9]{1,3}-)?[0-9]{1,5}(?:-[0-9]{1,5}){1,3}$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOLIDAYS = "holidays"  # public holidays, as a day in `days:` and in `closed_dates:`
DOC_CATEGORIES = ("A", "B", "card", "authority", "form", "other")
PIN_PLACES = ("store", "counter", "online", "app")
# What a PIN can be: a card's PINs are 4 to 16 characters and lock after 3 or 5 wrong
# tries; these bounds only keep out numbers no card has (99999999999999999999 tries).
PIN_MAX_LENGTH = 64
PIN_MAX_TRIES = 99
# A language a line answers in: a code like ja, en, pt-BR (BCP 47's common forms).
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
RECORD_KINDS = ("documents", "places", "contacts", "pins", "sources")
PHONE_KINDS = ("phone", "fax")
PHONE_OPTIONAL = ("guidance", "kind", "hours", "hours_note", "closed_dates")
BRING_OPTIONAL = ("note", "for", "visit", "when", "valid_from", "valid_until")


# Markdown links, images, autolinks and references: texts are plain text, and a link
# would be shown as written (docs/FORMAT.md: links go in `sources`).
_MARKDOWN_LINK = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)|<[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*>"
                            r"|\[[^\]\n]+\]\[[^\]\n]*\]|^\s*\[[^\]\n]+\]:\s*\S", re.M)


def _shorten(text: str, limit: int = 40) -> str:
    """A long value cut for a message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a text", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


class Checker:
    """Collects problems for one source file while its data is checked."""

    def __init__(self, source: Source, problems: list[Problem], languages) -> None:
        self.source = source
        self.problems = problems
        self.languages = tuple(languages)  # each with .code and .name (the site's)

    def error(self, key: Key, message: str, severity: str = ERROR) -> None:
        self.problems.append(Problem(self.source.file, self.source.line(key), message, severity))

    def where(self, key: Key) -> str:
        return ".".join(str(k) for k in key) or "the file"

    def expect(self, value: Any, kind: type, key: Key, what: str) -> bool:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return True
        hint = f"; {BOOL_HINT}" if isinstance(value, bool) else ""
        self.error(key, f"{self.where(key)} should be {what}, not {_type_name(value)}{hint}")
        return False

    def mapping(self, value: Any, key: Key, required: tuple, optional: tuple, what: str) -> bool:
        if not self.expect(value, dict, key, what):
            return False
        allowed = set(required) | set(optional)
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error((*key, name), f"unknown field '{name}' in {self.where(key)}{hint}; "
                           f"allowed: {', '.join(sorted(allowed))}")
        ok = True
        for name in required:
            if name not in value:
                self.error(key, f"{self.where(key)} is missing '{name}'")
                ok = False
        return ok

    def ident(self, value: Any, key: Key, what: str = "an id") -> bool:
        if not self.expect(value, str, key, what):
            return False
        if not ID_RE.fullmatch(value):
            self.error(key, f"'{_shorten(value)}' is not a valid id: use lower-case letters, "
                       "digits and hyphens, starting with a letter (like 'which-pin')")
            return False
        if len(value) > ID_MAX:
            self.error(key, f"the id '{_shorten(value)}' has {len(value)} characters; ids may "
                       f"have at most {ID_MAX} (they are folder names in the site): shorten it")
            return False
        return True

    def text(self, value: Any, key: Key, short: bool = False) -> dict | None:
        """A text in every language of the site: {ja: ..., en: ...}; `short` for a title,
        a name or a label (they are repeated in lists, links and every page's menu)."""
        shape = "{" + ", ".join(f"{language.code}: …" for language in self.languages) + "}"
        if isinstance(value, str):
            self.error(key, f"{self.where(key)} has one text for all languages: write it as "
                       f"{shape}, one text in each language")
            return None
        if not self.expect(value, dict, key, f"a text in each language, {shape}"):
            return None
        out: dict[str, str] = {}
        for language in self.languages:
            lang, name = language.code, language.name
            if lang not in value:
                self.error(key, f"missing the {name} text ({lang}:) in {self.where(key)}")
                continue
            item = value[lang]
            if not isinstance(item, str):
                if item is None:
                    self.error((*key, lang), f"the {name} text ({lang}:) of "
                               f"{self.where(key)} is empty")
                else:
                    self.expect(item, str, (*key, lang), "a text")
                continue
            if not item.strip():
                self.error((*key, lang), f"the {name} text ({lang}:) of "
                           f"{self.where(key)} is empty")
                continue
            link = _MARKDOWN_LINK.search(item)
            if link:
                self.error((*key, lang), f"the {name} text ({lang}:) of {self.where(key)} has a "
                           f"link written in Markdown ({_shorten(link.group())}): texts are "
                           "plain text (only **bold** is read), so it would show as written; "
                           "name the page in the sources: of the record or outcome instead, "
                           "and the pages link it")
                continue
            limit = MAX_SHORT_TEXT if short else MAX_TEXT
            if len(item.strip()) > limit:
                what = "a title, a name or a label" if short else "a text"
                self.error((*key, lang), f"the {name} text ({lang}:) of {self.where(key)} has "
                           f"{len(item.strip()):,} characters; {what} may have at most "
                           f"{limit:,} (docs/FORMAT.md, Limits): shorten it, or split it into "
                           "steps or notes")
                continue
            out[lang] = item.strip()
        codes = [language.code for language in self.languages]
        for lang in value:
            if lang not in codes:
                self.error((*key, lang), f"unknown language '{lang}' in {self.where(key)}: "
                           f"the site's languages are {', '.join(codes)} (mkdocs.yml)")
        return out if len(out) == len(codes) else None

    def optional_text(self, data: dict, name: str, key: Key, short: bool = False) -> dict | None:
        if name not in data:
            return None
        return self.text(data[name], (*key, name), short)

    def whole(self, value: Any, key: Key, low: int, high: int) -> int | None:
        """A whole number from `low` to `high`, or None (reported)."""
        if not self.expect(value, int, key, "a whole number"):
            return None
        if not low <= value <= high:
            shown = str(value) if len(str(value)) <= 12 else f"{str(value)[:12]}…"
            self.error(key, f"{self.where(key)[self.where(key).rfind('.') + 1:]} is {shown}: "
                       f"it must be from {low} to {high}")
            return None
        return value

    def date(self, value: Any, key: Key) -> str | None:
        if not isinstance(value, str) or not DATE_RE.fullmatch(value):
            self.error(key, f"{self.where(key)} should be a date written YYYY-MM-DD, "
                       f"not {value!r}")
            return None
        from datetime import date

        try:
            date.fromisoformat(value)
        except ValueError:
            self.error(key, f"{value} is not a real date")
            return None
        return value

    def id_list(self, value: Any, key: Key, what: str) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not self.expect(value, list, key, f"a list of {what}"):
            return []
        return [v for i, v in enumerate(value) if self.ident(v, (*key, i), f"a {what} id")]

    def window(self, data: dict, key: Key, out: dict) -> None:
        for name in ("valid_from", "valid_until"):
            if name in data:
                out[name] = self.date(data[name], (*key, name))
        if out.get("valid_from") and out.get("valid_until") and \
                out["valid_from"] > out["valid_until"]:
            self.error(key, "valid_from is after valid_until: the item would never show")

    def provenance(self, data: dict, key: Key, out: dict) -> None:
        out["reviewed"] = self.date(data.get("reviewed"), (*key, "reviewed"))
        out["sources"] = self.id_list(data.get("sources"), (*key, "sources"), "source")
        if "sources" in data and not out["sources"]:
            self.error((*key, "sources"), "list at least one source")


# --- conditions ------------------------------------------------------------------------


def check_condition(c: Checker, value: Any, key: Key) -> dict | None:
    forms = "{answer: QUESTION, is: OPTION}, {all: [...]}, {any: [...]} or {not: ...}"
    if not c.expect(value, dict, key, f"a condition: {forms}"):
        return None
    if "answer" in value:
        if not c.mapping(value, key, ("answer", "is"), (), "a condition"):
            return None
        if not c.ident(value["answer"], (*key, "answer"), "a question id"):
            return None
        wanted = value["is"]
        if isinstance(wanted, list):
            good = [w for i, w in enumerate(wanted) if c.ident(w, (*key, "is", i), "an option id")]
            if len(good) != len(wanted) or not good:
                if not wanted:
                    c.error((*key, "is"), "'is' lists no option")
                return None
            return {"answer": value["answer"], "is": good}
        if not c.ident(wanted, (*key, "is"), "an option id or a list of them"):
            return None
        return {"answer": value["answer"], "is": wanted}
    forms_found = [f for f in ("all", "any", "not") if f in value]
    if len(value) != 1 or len(forms_found) != 1:
        c.error(key, f"a condition has exactly one form: {forms}")
        return None
    form = forms_found[0]
    if form == "not":
        inner = check_condition(c, value["not"], (*key, "not"))
        return None if inner is None else {"not": inner}
    items = value[form]
    if not c.expect(items, list, (*key, form), "a list of conditions"):
        return None
    if not items:
        c.error((*key, form), f"'{form}' lists no condition")
        return None
    parts = [check_condition(c, item, (*key, form, i)) for i, item in enumerate(items)]
    if any(p is None for p in parts):
        return None
    return {form: parts}


# --- trees -----------------------------------------------------------------------------

TREE_FIELDS = ("id", "title", "summary", "reviewed", "sources", "start", "questions", "outcomes")
# A tree's `keywords:` (search words, per language): how many, how long each.
KEYWORDS_MAX = 40
KEYWORD_CHARS = 40
OUTCOME_FIELDS = ("title",)
OUTCOME_OPTIONAL = ("summary", "place", "places", "bring", "steps", "warnings", "contacts",
                    "pins", "cost", "time", "if_fails", "continue", "sources")


def check_tree(source: Source, problems: list[Problem], file_id: str,
               languages) -> dict | None:
    """The tree in `source` as model data, or None when it is too broken to go on."""
    c = Checker(source, problems, languages)
    data = source.data
    if not c.mapping(data, (), TREE_FIELDS, ("routes", "keywords"),
                     "a tree (id, title, start, ...)"):
        return None
    tree: dict[str, Any] = {}
    if c.ident(data["id"], ("id",), "the tree id") and data["id"] != file_id:
        c.error(("id",), f"the tree id '{data['id']}' differs from its file name "
                f"'{file_id}.yaml': make them the same")
    tree["id"] = file_id
    tree["title"] = c.text(data["title"], ("title",), short=True)
    tree["summary"] = c.text(data["summary"], ("summary",))
    if "keywords" in data:
        tree["keywords"] = _check_keywords(c, data["keywords"], ("keywords",))
    c.provenance(data, (), tree)
    tree["start"] = data["start"] if c.ident(data["start"], ("start",), "a question id") else None
    tree["questions"] = {}
    tree["routes"] = {}
    tree["outcomes"] = {}
    tree["broken"] = set()  # ids whose shape is wrong: reported already, still known
    seen: dict[str, str] = {}

    def claim(node_id: str, section: str, key: Key) -> None:
        if node_id in seen:
            c.error(key, f"duplicate id '{node_id}': it is already used in {seen[node_id]}; "
                    "ids must be unique across questions, routes and outcomes")
        else:
            seen[node_id] = section

    questions = data["questions"]
    if c.expect(questions, dict, ("questions",), "a mapping of question id to question"):
        if not questions:
            c.error(("questions",), "the tree has no questions")
        for qid, q in questions.items():
            key = ("questions", qid)
            if not c.ident(qid, key, "a question id"):
                continue
            claim(qid, "questions", key)
            question = _check_question(c, q, key)
            if question is not None:
                tree["questions"][qid] = question
            else:
                tree["broken"].add(qid)

    routes = data.get("routes", {})
    if c.expect(routes, dict, ("routes",), "a mapping of route id to a list of entries"):
        for rid, entries in routes.items():
            key = ("routes", rid)
            if not c.ident(rid, key, "a route id"):
                continue
            claim(rid, "routes", key)
            route = _check_route(c, entries, key)
            if route is not None:
                tree["routes"][rid] = route
            else:
                tree["broken"].add(rid)

    outcomes = data["outcomes"]
    if c.expect(outcomes, dict, ("outcomes",), "a mapping of outcome id to outcome"):
        if not outcomes:
            c.error(("outcomes",), "the tree has no outcomes")
        for oid, o in outcomes.items():
            key = ("outcomes", oid)
            if not c.ident(oid, key, "an outcome id"):
                continue
            claim(oid, "outcomes", key)
            outcome = _check_outcome(c, o, key)
            if outcome is not None:
                tree["outcomes"][oid] = outcome
            else:
                tree["broken"].add(oid)
    return tree


def _check_keywords(c: Checker, value: Any, key: Key) -> dict | None:
    """The words readers search with for a tree, per language: {ja: [...], en: [...]}.

    They go into the site's search index only (never onto a page), so they are
    plain words: no Markdown, at most KEYWORDS_MAX of them, each at most
    KEYWORD_CHARS characters, none twice."""
    shape = "{" + ", ".join(f"{language.code}: [word, …]" for language in c.languages) + "}"
    if not c.expect(value, dict, key, f"the search words in each language, {shape}"):
        return None
    out: dict[str, list] = {}
    codes = [language.code for language in c.languages]
    for lang in value:
        if lang not in codes:
            c.error((*key, lang), f"unknown language '{lang}' in keywords: the site's "
                    f"languages are {', '.join(codes)} (mkdocs.yml)")
    for language in c.languages:
        lang = language.code
        if lang not in value:
            c.error(key, f"missing the {language.name} search words ({lang}:) in keywords: "
                    f"write them as {shape}")
            continue
        words = value[lang]
        if not c.expect(words, list, (*key, lang), f"a list of {language.name} search words"):
            continue
        if not words or len(words) > KEYWORDS_MAX:
            c.error((*key, lang), f"keywords.{lang} lists {len(words)} words: give 1 to "
                    f"{KEYWORDS_MAX} (the words readers search with that the tree's texts "
                    "do not already say)")
            continue
        seen: set = set()
        good = []
        for i, word in enumerate(words):
            if not c.expect(word, str, (*key, lang, i), "a word or a few words"):
                continue
            word = " ".join(word.split())
            if not word or len(word) > KEYWORD_CHARS:
                c.error((*key, lang, i), f"the search word '{_shorten(word)}' has "
                        f"{len(word)} characters: give 1 to {KEYWORD_CHARS}")
            elif word.casefold() in seen:
                c.error((*key, lang, i), f"the search word '{word}' is listed twice in "
                        f"keywords.{lang}: remove one")
            else:
                seen.add(word.casefold())
                good.append(word)
        out[lang] = good
    return out if len(out) == len(codes) else None


def _check_question(c: Checker, q: Any, key: Key) -> dict | None:
    if not c.mapping(q, key, ("text", "options"), ("hint",), "a question (text, options)"):
        return None
    question: dict[str, Any] = {"text": c.text(q["text"], (*key, "text"), short=True)}
    question["hint"] = c.optional_text(q, "hint", key)
    options = q["options"]
    question["options"] = []
    okey = (*key, "options")
    if not c.expect(options, dict, okey, "a mapping of option id to option"):
        return None
    if len(options) < 2:
        c.error(okey, "a question needs at least two options")
    for oid, o in options.items():
        k = (*okey, oid)
        if not c.ident(oid, k, "an option id"):
            continue
        if not c.mapping(o, k, ("label",), ("hint", "next", "valid_from", "valid_until"),
                         "an option (label, next)"):
            continue
        option: dict[str, Any] = {"id": oid, "label": c.text(o["label"], (*k, "label"), short=True)}
        option["hint"] = c.optional_text(o, "hint", k)
        if "next" not in o or o["next"] is None:
            c.error(k, f"option '{oid}' leads nowhere: give it 'next:' with a question, "
                    "route or outcome id")
            option["next"] = None
        else:
            option["next"] = o["next"] if c.ident(o["next"], (*k, "next"),
                                                  "a question, route or outcome id") else None
        c.window(o, k, option)
        question["options"].append(option)
    return question


def _check_route(c: Checker, entries: Any, key: Key) -> list | None:
    if not c.expect(entries, list, key, "a list of {when: ..., goto: ...} entries"):
        return None
    if not entries:
        c.error(key, "the route has no entries")
        return None
    route = []
    for i, entry in enumerate(entries):
        k = (*key, i)
        if not c.mapping(entry, k, ("goto",), ("when",), "a route entry (when, goto)"):
            continue
        when = None
        if "when" in entry:
            when = check_condition(c, entry["when"], (*k, "when"))
            if when is None:
                continue
        elif i < len(entries) - 1:
            c.error(k, "only the last entry of a route may have no 'when:' (the entries "
                    "after it could never be taken)")
        goto = entry["goto"] if c.ident(entry["goto"], (*k, "goto"),
                                        "a question, route or outcome id") else None
        route.append({"when": when, "goto": goto, "index": i})
    return route


def _check_outcome(c: Checker, o: Any, key: Key) -> dict | None:
    if not c.mapping(o, key, OUTCOME_FIELDS, OUTCOME_OPTIONAL, "an outcome (title, ...)"):
        return None
    out: dict[str, Any] = {"title": c.text(o["title"], (*key, "title"), short=True)}
    for name in ("summary", "cost", "time", "if_fails"):
        out[name] = c.optional_text(o, name, key)
    if "place" in o and "places" in o:
        c.error((*key, "places"), "give either 'place' or 'places', not both")
    places = o.get("places", o.get("place", []))
    out["places"] = _check_ref_items(c, places, (*key, "places" if "places" in o else "place"),
                                     "place")
    out["contacts"] = _check_ref_items(c, o.get("contacts", []), (*key, "contacts"), "contact")
    out["pins"] = c.id_list(o.get("pins", []), (*key, "pins"), "PIN")
    out["sources"] = c.id_list(o.get("sources", []), (*key, "sources"), "source")
    out["steps"] = _check_text_items(c, o.get("steps", []), (*key, "steps"))
    out["warnings"] = _check_text_items(c, o.get("warnings", []), (*key, "warnings"),
                                        urgent=True)
    out["bring"] = _check_bring(c, o.get("bring", []), (*key, "bring"))
    out["continue"] = []
    cont = o.get("continue", [])
    if c.expect(cont, list, (*key, "continue"), "a list of {tree: ..., answers: ...}"):
        for i, item in enumerate(cont):
            k = (*key, "continue", i)
            if isinstance(item, str):
                item = {"tree": item}
            if not c.mapping(item, k, ("tree",), ("answers", "when"), "a link to a tree"):
                continue
            when = None
            if "when" in item:
                when = check_condition(c, item["when"], (*k, "when"))
                if when is None:
                    continue
            if not c.ident(item["tree"], (*k, "tree"), "a tree id"):
                continue
            answers = item.get("answers", {})
            if not c.expect(answers, dict, (*k, "answers"), "a mapping of question to option"):
                continue
            if all(c.ident(v, (*k, "answers", q), "an option id") for q, v in answers.items()):
                out["continue"].append({"tree": item["tree"], "answers": dict(answers),
                                        "when": when, "index": i})
    return out


def _check_ref_items(c: Checker, items: Any, key: Key, what: str) -> list:
    """Record ids, each either plain (`police`) or shown on some paths only
    (`{place: police, when: ...}`)."""
    if isinstance(items, str):
        items = [items]
    if not c.expect(items, list, key, f"a list of {what} ids"):
        return []
    out = []
    for i, item in enumerate(items):
        k = (*key, i)
        entry: dict[str, Any] = {"index": i}
        if isinstance(item, dict):
            if not c.mapping(item, k, (what,), ("when",), f"a {what} ({what}, when)"):
                continue
            if "when" in item:
                entry["when"] = check_condition(c, item["when"], (*k, "when"))
                if entry["when"] is None:
                    continue
            item, k = item[what], (*k, what)
        if c.ident(item, k, f"a {what} id"):
            entry["id"] = item
            out.append(entry)
    return out


def _check_text_items(c: Checker, items: Any, key: Key, *, urgent: bool = False) -> list:
    """Steps or warnings; a warning may be `urgent: true` (shown before the steps)."""
    if not c.expect(items, list, key, "a list of texts"):
        return []
    optional = ("when", "valid_from", "valid_until") + (("urgent",) if urgent else ())
    out = []
    for i, item in enumerate(items):
        k = (*key, i)
        if isinstance(item, dict) and "text" in item:
            if not c.mapping(item, k, ("text",), optional, "an item (text, when)"):
                continue
            entry: dict[str, Any] = {"text": c.text(item["text"], (*k, "text")), "index": i}
            if "urgent" in item:
                if not c.expect(item["urgent"], bool, (*k, "urgent"), "true or false"):
                    continue
                if item["urgent"]:
                    entry["urgent"] = True
            if "when" in item:
                entry["when"] = check_condition(c, item["when"], (*k, "when"))
                if entry["when"] is None:
                    continue
            c.window(item, k, entry)
        else:
            entry = {"text": c.text(item, k), "index": i}
        out.append(entry)
    return out


def _check_bring(c: Checker, items: Any, key: Key) -> list:
    if not c.expect(items, list, key, "a list of documents to bring"):
        return []
    out = []
    for i, item in enumerate(items):
        k = (*key, i)
        if isinstance(item, str):
            item = {"doc": item}
        if not isinstance(item, dict):
            c.expect(item, dict, k, "a document id, {doc: ...} or {one_of: [...]}")
            continue
        if "one_of" in item:
            if not c.mapping(item, k, ("one_of",), BRING_OPTIONAL,
                             "a choice of documents (one_of)"):
                continue
            sets = item["one_of"]
            if not c.expect(sets, list, (*k, "one_of"), "a list of document lists"):
                continue
            if len(sets) < 2:
                c.error((*k, "one_of"), "'one_of' needs at least two choices")
            entry: dict[str, Any] = {"sets": [], "index": i}
            for j, group in enumerate(sets):
                entry["sets"].append(c.id_list(group, (*k, "one_of", j), "document"))
        else:
            if not c.mapping(item, k, ("doc",), BRING_OPTIONAL,
                             "a document to bring (doc, when)"):
                continue
            if not c.ident(item["doc"], (*k, "doc"), "a document id"):
                continue
            entry = {"doc": item["doc"], "index": i}
        entry["note"] = c.optional_text(item, "note", k)
        if "for" in item:
            if not c.ident(item["for"], (*k, "for"), "whose document it is (holder, proxy, ...)"):
                continue
            entry["for"] = item["for"]
        if "visit" in item:
            visits = _check_visits(c, item["visit"], (*k, "visit"))
            if visits is None:
                continue
            entry["visits"] = visits
        if "when" in item:
            entry["when"] = check_condition(c, item["when"], (*k, "when"))
            if entry["when"] is None:
                continue
        c.window(item, k, entry)
        out.append(entry)
    return out


def _check_visits(c: Checker, value: Any, key: Key) -> list | None:
    """`visit: 1`, `visit: [1, 2]` or a named visit (`visit: police`), as label keys."""
    values = value if isinstance(value, list) else [value]
    if not values:
        c.error(key, "'visit' lists no visit")
        return None
    out: list[str] = []
    for i, v in enumerate(values):
        k = (*key, i) if isinstance(value, list) else key
        if isinstance(v, int) and not isinstance(v, bool) and v >= 1:
            out.append(str(v))
        elif isinstance(v, str) and ID_RE.match(v):
            out.append(v)
        else:
            c.error(k, f"visit {v!r} is not a visit: write a number (1, 2, ...) or a name "
                    "like 'police', or a list of them")
            return None
    return out


# --- records ---------------------------------------------------------------------------

RECORD_FIELDS: dict[str, tuple[tuple, tuple]] = {
    "documents": (("name", "category", "reviewed", "sources"),
                  ("short_name", "examples", "note")),
    "places": (("name", "reviewed", "sources"),
               ("hours", "hours_note", "closed_dates", "note", "chains")),
    "contacts": (("name", "phones", "reviewed", "sources"),
                 ("hours", "hours_note", "closed_dates", "languages", "note")),
    "pins": (("name", "format", "format_text", "tries", "used_for", "reset_at", "change_at",
              "reviewed", "sources"), ("note", "short_name")),
    "sources": (("title", "publisher", "url", "reviewed"), ("note",)),
}


def check_records(source: Source, problems: list[Problem],
                  languages) -> dict[str, dict[str, dict]]:
    """Records by kind and id, each with '_key' (its place in the file) for messages."""
    c = Checker(source, problems, languages)
    data = source.data
    out: dict[str, dict[str, dict]] = {kind: {} for kind in RECORD_KINDS}
    if not c.expect(data, dict, (), f"a mapping of record kinds ({', '.join(RECORD_KINDS)})"):
        return out
    for kind, records in data.items():
        if kind not in RECORD_KINDS:
            c.error((kind,), f"unknown record kind '{kind}': the kinds are "
                    f"{', '.join(RECORD_KINDS)}")
            continue
        if not c.expect(records, dict, (kind,), f"a mapping of id to {kind} record"):
            continue
        for rid, rec in records.items():
            key = (kind, rid)
            if not c.ident(rid, key):
                continue
            required, optional = RECORD_FIELDS[kind]
            if not c.mapping(rec, key, required, optional, f"a {kind[:-1]} record"):
                continue
            model = _check_record(c, kind, rid, rec, key)
            model["_key"] = key
            out[kind][rid] = model
    return out


def _check_record(c: Checker, kind: str, rid: str, rec: dict, key: Key) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rid}
    if kind == "sources":
        out["title"] = c.text(rec["title"], (*key, "title"), short=True)
        out["publisher"] = c.text(rec["publisher"], (*key, "publisher"), short=True)
        url = rec["url"]
        if c.expect(url, str, (*key, "url"), "a web address") and \
                not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            c.error((*key, "url"), f"'{url}' is not a web address (http:// or https://)")
        out["url"] = url
        out["reviewed"] = c.date(rec["reviewed"], (*key, "reviewed"))
        out["note"] = c.optional_text(rec, "note", key)
        return out
    out["name"] = c.text(rec["name"], (*key, "name"), short=True)
    out["note"] = c.optional_text(rec, "note", key)
    c.provenance(rec, key, out)
    if kind == "documents":
        out["short_name"] = c.optional_text(rec, "short_name", key, short=True)
        if rec["category"] not in DOC_CATEGORIES:
            c.error((*key, "category"), f"category '{rec['category']}' is not one of "
                    f"{', '.join(DOC_CATEGORIES)} (A: photo ID, B: ID without a photo)")
        out["category"] = rec["category"]
        examples = rec.get("examples", [])
        out["examples"] = []
        if c.expect(examples, list, (*key, "examples"), "a list of texts"):
            out["examples"] = [c.text(e, (*key, "examples", i)) for i, e in enumerate(examples)]
    elif kind in ("places", "contacts"):
        out["hours_note"] = c.optional_text(rec, "hours_note", key)
        if "hours" in rec:
            out["hours"] = _check_hours(c, rec["hours"], (*key, "hours"))
        if "closed_dates" in rec:
            out["closed_dates"] = _check_closed(c, rec["closed_dates"], (*key, "closed_dates"))
        if kind == "places" and "chains" in rec:
            out["chains"] = _check_text_items(c, rec["chains"], (*key, "chains"))
        if kind == "contacts":
            out["phones"] = _check_phones(c, rec["phones"], (*key, "phones"))
            # the languages the line answers in (pages list them where the reader's
            # language is not the only one); unknown when not given
            langs = rec.get("languages", [])
            if c.expect(langs, list, (*key, "languages"), "a list of language codes"):
                out["languages"] = [x for i, x in enumerate(langs)
                                    if _language_code(c, x, (*key, "languages", i))]
    elif kind == "pins":
        out["short_name"] = c.optional_text(rec, "short_name", key, short=True)
        fmt = rec["format"]
        fkey = (*key, "format")
        if c.mapping(fmt, fkey, ("chars", "min_length", "max_length"), (), "a PIN format"):
            if fmt["chars"] not in ("digits", "alphanumeric"):
                c.error((*fkey, "chars"), "chars is 'digits' or 'alphanumeric'")
            lengths = [c.whole(fmt[name], (*fkey, name), 1, PIN_MAX_LENGTH)
                       for name in ("min_length", "max_length")]
            if None not in lengths and lengths[0] > lengths[1]:
                c.error((*fkey, "min_length"), f"min_length {lengths[0]} is more than "
                        f"max_length {lengths[1]}: no PIN could have that length")
            out["format"] = dict(fmt)
        out["format_text"] = c.text(rec["format_text"], (*key, "format_text"))
        c.whole(rec["tries"], (*key, "tries"), 1, PIN_MAX_TRIES)
        out["tries"] = rec["tries"]
        used = rec["used_for"]
        out["used_for"] = []
        if c.expect(used, list, (*key, "used_for"), "a list of texts"):
            out["used_for"] = [c.text(u, (*key, "used_for", i)) for i, u in enumerate(used)]
        for name in ("reset_at", "change_at"):
            values = rec[name]
            if c.expect(values, list, (*key, name), f"a list of {', '.join(PIN_PLACES)}"):
                for i, v in enumerate(values):
                    if v not in PIN_PLACES:
                        c.error((*key, name, i), f"'{v}' is not one of {', '.join(PIN_PLACES)}")
                out[name] = list(values)
    return out


def _language_code(c: Checker, value: Any, key: Key) -> bool:
    if isinstance(value, str) and LANGUAGE_CODE_RE.fullmatch(value):
        return True
    c.error(key, f"{_shorten(str(value))!r} is not a language code: write codes like ja, "
            "en or pt-BR")
    return False


def _check_hours(c: Checker, hours: Any, key: Key) -> list:
    if not c.expect(hours, list, key, "a list of {days, open, close}"):
        return []
    out = []
    for i, h in enumerate(hours):
        k = (*key, i)
        if not c.mapping(h, k, ("days", "open", "close"), (), "opening hours (days, open, close)"):
            continue
        days = h["days"]
        if days == "all":
            days = list(WEEKDAYS)
        if not c.expect(days, list, (*k, "days"), "a list of mon … sun (and holidays), or all"):
            continue
        if not days:
            c.error((*k, "days"), "days lists no day: the hours would show without the days "
                    "they are for; write the days (mon, tue, …) or all")
            continue
        bad = [d for d in days if d not in (*WEEKDAYS, HOLIDAYS)]
        if bad:
            c.error((*k, "days"), f"unknown day {bad[0]!r}: use mon, tue, wed, thu, fri, "
                    "sat, sun, holidays (public holidays) or all")
            continue
        ok = True
        for name in ("open", "close"):
            if not isinstance(h[name], str) or not CLOCK_RE.fullmatch(h[name]):
                c.error((*k, name), f"{name} should be a time written \"HH:MM\" in quotes "
                        f"(00:00 to 24:00), not {h[name]!r}")
                ok = False
        if ok and h["open"] >= h["close"]:
            c.error(k, f"opens at {h['open']} but closes at {h['close']}: close must be later")
            ok = False
        if ok:
            out.append({"days": [d for d in (*WEEKDAYS, HOLIDAYS) if d in days], "open": h["open"],
                        "close": h["close"]})
    return out


def _check_closed(c: Checker, spans: Any, key: Key) -> list:
    if not c.expect(spans, list, key, "a list of {from: MM-DD, to: MM-DD} (or holidays)"):
        return []
    out = []
    for i, s in enumerate(spans):
        k = (*key, i)
        if s == HOLIDAYS:  # closed on public holidays
            if HOLIDAYS not in out:
                out.append(HOLIDAYS)
            continue
        if not c.mapping(s, k, ("from", "to"), (), "closed days ({from, to}, or holidays)"):
            continue
        if not all(isinstance(s[n], str) and MONTH_DAY_RE.fullmatch(s[n]) for n in ("from", "to")):
            c.error(k, "from and to are month-days written \"MM-DD\" in quotes, like \"12-29\"")
            continue
        unreal = [s[n] for n in ("from", "to") if not _real_month_day(s[n])]
        if unreal:
            c.error(k, f"{unreal[0]} is not a day of the year (that month is shorter)")
            continue
        out.append({"from": s["from"], "to": s["to"]})
    return out


def _real_month_day(month_day: str) -> bool:
    """MM-DD names a day of some year (02-29 does, in leap years)."""
    import calendar

    month, day = (int(part) for part in month_day.split("-"))
    return day <= calendar.monthrange(2024, month)[1]  # 2024: a leap year


def _check_phones(c: Checker, phones: Any, key: Key) -> list:
    if not c.expect(phones, list, key, "a list of phone numbers"):
        return []
    if not phones:
        c.error(key, "list at least one phone number")
    out = []
    for i, p in enumerate(phones):
        k = (*key, i)
        if not c.mapping(p, k, ("number", "label"), PHONE_OPTIONAL, "a phone (number, label)"):
            continue
        number = p["number"]
        if not isinstance(number, str) or not PHONE_RE.fullmatch(number):
            c.error((*k, "number"), f"{number!r} is not a phone number: write it in quotes "
                    "with hyphens, like \"0120-95-0178\" or \"+81-3-6734-0170\"")
            continue
        kind = p.get("kind", "phone")
        if kind not in PHONE_KINDS:
            c.error((*k, "kind"), f"kind {kind!r} is not one of {', '.join(PHONE_KINDS)} "
                    "(a fax number is shown as FAX and never made a tap-to-call link)")
            continue
        phone = {"number": number, "label": c.text(p["label"], (*k, "label"), short=True),
                 "guidance": c.optional_text(p, "guidance", k),
                 "hours_note": c.optional_text(p, "hours_note", k)}
        if kind == "fax":
            phone["kind"] = "fax"
        else:
            phone["tel"] = tel_uri(number)
        # A number with its own `hours` keeps its own schedule: its closed dates
        # are its own too (none unless given), never the contact's.
        if "hours" in p:
            phone["hours"] = _check_hours(c, p["hours"], (*k, "hours"))
            phone["closed_dates"] = _check_closed(c, p.get("closed_dates", []),
                                                  (*k, "closed_dates"))
        elif "closed_dates" in p:
            c.error((*k, "closed_dates"), "closed_dates on a number needs that number's own "
                    "'hours:' (without them the number follows the contact's hours and "
                    "closed dates)")
        out.append(phone)
    return out


def tel_uri(number: str) -> str:
    """`tel:` link for a number as written: digits only, keeping a leading +."""
    return "tel:" + ("+" if number.startswith("+") else "") + re.sub(r"[^0-9]", "", number)


def check_labels(source: Source, problems: list[Problem], languages) -> dict[str, dict]:
    """The renderers' own words (`labels: {id: {ja, en}}`)."""
    c = Checker(source, problems, languages)
    if not c.mapping(source.data, (), ("labels",), (), "a file with 'labels:'"):
        return {}
    labels = source.data["labels"]
    if not c.expect(labels, dict, ("labels",), "a mapping of label id to text"):
        return {}
    out = {}
    for lid, text in labels.items():
        if c.ident(lid, ("labels", lid), "a label id"):
            checked = c.text(text, ("labels", lid), short=True)
            if checked is not None:
                out[lid] = checked
    return out
