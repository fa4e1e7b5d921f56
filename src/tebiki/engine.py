"""The rule engine: given a compiled tree and the answers so far, what comes next.

This one file runs at build time on CPython and in the visitor's browser on
Pyodide, so it imports the standard library only and works on plain dicts and
lists as loaded from the compiled JSON. Every function is deterministic: the
only clock is the `now` a caller passes in.

A compiled tree (see `tebiki.compile`) holds its questions, routes and
outcomes, and the records (documents, places, contacts, PINs, sources) its
outcomes name, so one JSON file is all the engine needs.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

FORMAT = 1
# A Japanese phone number written inside a text (0120-95-0178, +81-3-6734-0170):
# `tebiki check` makes sure each is a contact record's number; pages link it.
PHONE_IN_TEXT = re.compile(r"(?<![\w+-])(?:\+81-|0)\d{1,4}-\d{1,4}-\d{2,4}(?![\w-])")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A fax number in a text is written after this word ("FAX 0120-601-785"): pages
# never make it a tap-to-call link, and `tebiki check` insists on the word.
FAX_WORD = "FAX"


def written_as_fax(text: str, start: int) -> bool:
    """Whether the number found at `start` in `text` is written as a fax number."""
    before = text[:start].rstrip(" \u3000:\uff1a")
    return before[-len(FAX_WORD):].upper() == FAX_WORD


class NoRoute(Exception):
    """A route where no entry matched the answers (a validated tree never raises it)."""

    def __init__(self, route: str) -> None:
        super().__init__(route)
        self.route = route


class RouteLoop(Exception):
    """Routes that lead back to themselves without asking a question."""

    def __init__(self, route: str) -> None:
        super().__init__(route)
        self.route = route


# --- conditions and routing ----------------------------------------------------------


def holds(cond: dict | None, answers: dict) -> bool:
    """Whether a `when:` condition is true for the answers given on this path."""
    if cond is None:
        return True
    if "answer" in cond:
        wanted = cond["is"]
        given = answers.get(cond["answer"])
        if isinstance(wanted, list):
            return given in wanted
        return given == wanted
    if "all" in cond:
        return all(holds(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, answers) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], answers)
    raise ValueError("unknown condition: " + repr(sorted(cond)))


def resolve(tree: dict, target: str, answers: dict, matched: set | None = None) -> tuple:
    """Follow routes from `target` to ('question', id) or ('outcome', id).

    `matched`, if given, collects (route id, entry index) of every entry taken.
    """
    routes = tree["routes"]
    hops = 0
    while target in routes:
        hops += 1
        if hops > len(routes):
            raise RouteLoop(target)
        for index, entry in enumerate(routes[target]):
            if holds(entry.get("when"), answers):
                if matched is not None:
                    matched.add((target, index))
                target = entry["goto"]
                break
        else:
            raise NoRoute(target)
    if target in tree["questions"]:
        return ("question", target)
    return ("outcome", target)


def _in_window(item: dict, today: date | None) -> bool:
    if today is None:
        return True
    start = item.get("valid_from")
    end = item.get("valid_until")
    if start and today < date.fromisoformat(start):
        return False
    return not (end and today > date.fromisoformat(end))


def offered_options(question: dict, today: date | None = None) -> list:
    """The options a question offers on `today` (all of them when no date is given)."""
    return [o for o in question["options"] if _in_window(o, today)]


def walk(tree: dict, answers: dict, now: object = None) -> dict:
    """Follow the answers from the start as far as they go.

    Returns {'path': [(question, option), ...], 'kind': 'question'|'outcome', 'id': ...,
    'unused': [question ids answered but not on this path, or with an unknown option]}.
    Answers to questions the path no longer passes through are kept by callers
    and ignored here, so changing an earlier answer keeps later ones that still apply.
    """
    today = _today(now)
    path: list = []
    taken: dict = {}
    kind, node = resolve(tree, tree["start"], taken)
    while kind == "question":
        question = tree["questions"][node]
        choice = answers.get(node)
        options = {o["id"]: o for o in offered_options(question, today)}
        if choice not in options or node in taken:
            break
        taken[node] = choice
        path.append((node, choice))
        kind, node = resolve(tree, options[choice]["next"], taken)
    unused = sorted(q for q in answers if q not in taken)
    return {"path": path, "kind": kind, "id": node, "unused": unused}


# --- the public step function --------------------------------------------------------


def next_step(tree: dict, answers: dict, now: object = None) -> dict:
    """The question to ask next, or the outcome, as JSON-ready data in every language.

    `answers` maps question id to option id. `now` (a datetime or an ISO text
    such as '2026-11-28T09:30', the visitor's local wall-clock time) turns on
    the time-aware parts: dated items outside their window are left out, and
    places and contacts say whether they are open.
    """
    moment = _moment(now)
    state = walk(tree, answers, moment)
    taken = dict(state["path"])
    result: dict = {
        "tree": tree["id"],
        "tree_title": tree["title"],
        "type": state["kind"],
        "id": state["id"],
        "answers": [_answer_view(tree, q, o) for q, o in state["path"]],
        "unused": state["unused"],
    }
    if state["kind"] == "question":
        question = tree["questions"][state["id"]]
        result["text"] = question["text"]
        result["hint"] = question.get("hint")
        result["options"] = [
            {"id": o["id"], "label": o["label"], "hint": o.get("hint")}
            for o in offered_options(question, _today(moment))
        ]
    else:
        result.update(outcome_view(tree, state["id"], taken, moment))
    return result


def _answer_view(tree: dict, qid: str, oid: str) -> dict:
    question = tree["questions"][qid]
    option = next(o for o in question["options"] if o["id"] == oid)
    return {"question": qid, "text": question["text"], "option": oid, "label": option["label"]}


def outcome_view(tree: dict, oid: str, taken: dict, now: object = None) -> dict:
    """An outcome with its conditional items decided and its records filled in."""
    moment = _moment(now)
    today = _today(moment)
    outcome = tree["outcomes"][oid]
    records = tree["records"]

    def keep(items: list) -> list:
        return [i for i in items if holds(i.get("when"), taken) and _in_window(i, today)]

    used: list = []

    def record(kind: str, rid: str) -> dict:
        rec = records[kind][rid]
        used.append(rec)
        return rec

    bring = []
    for item in keep(outcome.get("bring", [])):
        entry = {"note": item.get("note")}
        # whose document it is and on which visit, for renderers that group by them
        for name in ("for", "visits"):
            if item.get(name):
                entry[name] = item[name]
        if "sets" in item:
            entry["kind"] = "one_of"
            entry["sets"] = [[record("documents", d) for d in s] for s in item["sets"]]
        else:
            entry["kind"] = "doc"
            entry["doc"] = record("documents", item["doc"])
        if today is None:
            entry["valid_from"] = item.get("valid_from")
            entry["valid_until"] = item.get("valid_until")
        bring.append(entry)

    places = [_with_hours(record("places", p["id"]), moment)
              for p in keep(outcome.get("places", []))]
    contacts = [_with_hours(record("contacts", c["id"]), moment)
                for c in keep(outcome.get("contacts", []))]
    pins = [record("pins", p) for p in outcome.get("pins", [])]

    source_ids: list = []
    for sid in outcome.get("sources", []):
        if sid not in source_ids:
            source_ids.append(sid)
    for rec in used:
        for sid in rec.get("sources", []):
            if sid not in source_ids:
                source_ids.append(sid)
    reviewed = min([tree["reviewed"]] + [r["reviewed"] for r in used])

    def texts(name: str) -> list:
        out = []
        for item in keep(outcome.get(name, [])):
            entry = {"text": item["text"]}
            if today is None and (item.get("valid_from") or item.get("valid_until")):
                entry["valid_from"] = item.get("valid_from")
                entry["valid_until"] = item.get("valid_until")
            out.append(entry)
        return out

    return {
        "title": outcome["title"],
        "summary": outcome.get("summary"),
        "places": places,
        "bring": bring,
        "steps": texts("steps"),
        "warnings": texts("warnings"),
        "contacts": contacts,
        "pins": pins,
        "cost": outcome.get("cost"),
        "time": outcome.get("time"),
        "if_fails": outcome.get("if_fails"),
        "continue": [
            {
                "tree": c["tree"],
                "title": tree["linked_trees"][c["tree"]],
                "answers": c.get("answers", {}),
            }
            for c in keep(outcome.get("continue", []))
        ],
        "sources": [records["sources"][s] for s in source_ids],
        "reviewed": reviewed,
    }


# --- time ------------------------------------------------------------------------------


def _moment(now: object) -> datetime | None:
    if now is None or isinstance(now, datetime):
        return now
    if isinstance(now, str):
        return datetime.fromisoformat(now)
    raise TypeError("now must be a datetime, an ISO date-time text, or None")


def _today(now: object) -> date | None:
    moment = _moment(now)
    return moment.date() if moment is not None else None


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _closed_on(day: date, closed: list) -> bool:
    md = day.strftime("%m-%d")
    for span in closed:
        start, end = span["from"], span["to"]
        if start <= end:
            if start <= md <= end:
                return True
        elif md >= start or md <= end:
            return True
    return False


def _spans(hours: list, closed: list, day: date) -> list:
    if _closed_on(day, closed):
        return []
    weekday = WEEKDAYS[day.weekday()]
    return sorted(
        (_minutes(h["open"]), _minutes(h["close"])) for h in hours if weekday in h["days"]
    )


def hours_status(hours: list, closed: list, now: datetime) -> dict:
    """Whether a place or line is open at `now`, and when it next opens or closes."""
    always = not closed and all(
        any(_minutes(h["open"]) == 0 and _minutes(h["close"]) == 1440 and d in h["days"]
            for h in hours)
        for d in WEEKDAYS
    )
    minute = now.hour * 60 + now.minute
    today = now.date()
    for start, end in _spans(hours, closed, today):
        if start <= minute < end:
            return {"open_now": True, "always": always,
                    "closes_at": None if always or end == 1440 else _clock(end),
                    "opens_at": None}
    for offset in range(8):
        day = today + timedelta(days=offset)
        for start, _end in _spans(hours, closed, day):
            if offset > 0 or start > minute:
                when = datetime(day.year, day.month, day.day) + timedelta(minutes=start)
                return {"open_now": False, "always": False, "closes_at": None,
                        "opens_at": when.strftime("%Y-%m-%dT%H:%M")}
    return {"open_now": False, "always": False, "closes_at": None, "opens_at": None}


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _with_hours(rec: dict, now: datetime | None) -> dict:
    """A place or contact with its open-now `status`; a contact's number that keeps
    hours of its own gets a `status` of its own (from those hours only)."""
    own = [p for p in rec.get("phones", []) if p.get("hours")]
    if now is None or not (rec.get("hours") or own):
        return rec
    out = dict(rec)
    if rec.get("hours"):
        out["status"] = hours_status(rec["hours"], rec.get("closed_dates", []), now)
    if own:
        phones = []
        for phone in rec["phones"]:
            if phone.get("hours"):
                phone = dict(phone)
                phone["status"] = hours_status(phone["hours"], phone.get("closed_dates", []),
                                               now)
            phones.append(phone)
        out["phones"] = phones
    return out


# --- every path ------------------------------------------------------------------------


def iter_paths(tree: dict, matched: set | None = None, limit: int = 1_000_000):
    """Every path from the start, depth first, in option order.

    Yields {'answers': [(question, option), ...], 'end': kind, 'id': id} where
    kind is 'outcome' for a finished path, or 'no-route', 'loop' or 'cycle' for
    a path the tree cannot finish. Stops after `limit` paths with end 'limit'.
    """
    count = 0
    kind, node = _step(tree, tree["start"], {}, matched)
    if kind != "question":
        yield {"answers": [], "end": kind, "id": node}
        return
    stack: list = [(node, [], {}, iter(tree["questions"][node]["options"]))]
    while stack:
        qid, path, taken, options = stack[-1]
        option = next(options, None)
        if option is None:
            stack.pop()
            continue
        new_taken = dict(taken)
        new_taken[qid] = option["id"]
        new_path = [*path, (qid, option["id"])]
        kind, node = _step(tree, option["next"], new_taken, matched)
        if kind == "question" and node not in new_taken:
            options_next = iter(tree["questions"][node]["options"])
            stack.append((node, new_path, new_taken, options_next))
            continue
        count += 1
        end = "cycle" if kind == "question" else kind
        yield {"answers": new_path, "end": end, "id": node}
        if count >= limit:
            yield {"answers": new_path, "end": "limit", "id": node}
            return


def _step(tree: dict, target: str, taken: dict, matched: set | None) -> tuple:
    try:
        return resolve(tree, target, taken, matched)
    except NoRoute as exc:
        return ("no-route", exc.route)
    except RouteLoop as exc:
        return ("loop", exc.route)
