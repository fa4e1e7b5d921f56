"""The rule engine: given a compiled tree and the answers so far, what comes next.

This one file runs at build time on CPython and in the visitor's browser on
Pyodide or MicroPython, so it imports the standard library only, keeps to the
Python both accept (tests/core/test_micropython_subset.py says what that is),
and works on plain dicts and lists as loaded from the compiled JSON. Every
function is deterministic: the only clock is the `now` a caller passes in.

A compiled tree (see `tebiki.compile`) holds its questions, routes and
outcomes, and the records (documents, places, contacts, PINs, sources) its
outcomes name, so one JSON file is all the engine needs.
"""

import re
from datetime import date, datetime, timedelta

FORMAT = 1
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Public holidays, as a day in opening hours' `days` and in `closed_dates`. Which
# days they are comes with the tree (its `holidays`: the dates of a few years,
# made at build time): the engine has no calendar of its own.
HOLIDAYS = "holidays"
# A fax number in a text is written after this word ("FAX 0120-601-785"): pages
# never make it a tap-to-call link, and `tebiki check` insists on the word.
FAX_WORD = "FAX"


def written_as_fax(text: str, start: int) -> bool:
    """Whether the number found at `start` in `text` is written as a fax number."""
    # Not str.rstrip: MicroPython strips non-ASCII characters byte by byte, so the
    # last byte of 「ず」 (E3 81 9A) went with that of 「：」 (EF BC 9A) and broke the text.
    end = start
    while end > 0 and text[end - 1] in " \u3000:\uff1a":
        end -= 1
    before = text[max(0, end - len(FAX_WORD)):end]
    # any case of the ASCII word (MicroPython's upper() knows ASCII only anyway)
    return len(before) == len(FAX_WORD) and all(
        before[i] in (w, chr(ord(w) + 32)) for i, w in enumerate(FAX_WORD))


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


def clockless_dates(item: dict, built: str | None) -> dict:
    """The dates a page without a clock shows beside an item: {valid_from, valid_until}
    (None where there is nothing to say). Such a page is read on the day the tree
    was built (`built`) or later, so a start on or before that day goes unsaid:
    the item is simply in force ("From 2024-12-02" after a sentence was noise)."""
    start = item.get("valid_from")
    if start and built and start <= built:
        start = None
    return {"valid_from": start, "valid_until": item.get("valid_until")}


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
            entry.update(clockless_dates(item, tree.get("built")))
        bring.append(entry)

    calendar = tree.get("holidays")
    places = [_with_hours(record("places", p["id"]), moment, calendar)
              for p in keep(outcome.get("places", []))]
    contacts = [_with_hours(record("contacts", c["id"]), moment, calendar)
                for c in keep(outcome.get("contacts", []))]
    pins = [record("pins", p) for p in outcome.get("pins", [])]

    sources, reviewed = cited(records, [
        {"reviewed": tree["reviewed"], "sources": outcome.get("sources", [])}] + used)

    def texts(name: str) -> list:
        out = []
        for item in keep(outcome.get(name, [])):
            entry = {"text": item["text"]}
            if item.get("urgent"):
                entry["urgent"] = True  # a warning shown before the steps
            dates = clockless_dates(item, tree.get("built")) if today is None else {}
            if dates and (dates["valid_from"] or dates["valid_until"]):
                entry.update(dates)
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
        "sources": sources,
        "reviewed": reviewed,
    }


# --- time ------------------------------------------------------------------------------


def cited(records: dict, shown: list) -> tuple:
    """The sources what a page shows cites (each once, in the order first cited), and
    the oldest review date among what it shows and those sources: the date a reader
    is told the page was checked. `shown` holds trees and records (each with
    `reviewed`, perhaps `sources`). The wizard's outcomes, the guide pages and the
    handbook's chapters all date themselves here."""
    ids: list = []
    for rec in shown:
        for sid in rec.get("sources", []):
            if sid not in ids:
                ids.append(sid)
    sources = [records["sources"][s] for s in ids]
    reviewed = min([r["reviewed"] for r in shown] + [s["reviewed"] for s in sources])
    return sources, reviewed


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


def _iso_day(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _closed_on(day: date, closed: list) -> bool:
    md = f"{day.month:02d}-{day.day:02d}"
    for span in closed:
        if span == HOLIDAYS:  # decided by the calendar, in _spans
            continue
        start, end = span["from"], span["to"]
        if start <= end:
            if start <= md <= end:
                return True
        elif md >= start or md <= end:
            return True
    return False


def names_holidays(hours: list, closed: list) -> bool:
    """Whether a schedule treats public holidays apart (so it needs the calendar)."""
    return HOLIDAYS in closed or any(HOLIDAYS in h["days"] for h in hours)


def is_holiday(day: date, calendar: dict | None) -> bool | None:
    """Whether `day` is a public holiday; None when the calendar does not cover it
    (no calendar, or a year the build did not ship)."""
    if not calendar:
        return None
    iso = _iso_day(day)
    if not calendar["first"] <= iso <= calendar["last"]:
        return None
    return iso in calendar["dates"]


def _spans(hours: list, closed: list, day: date, holiday: bool = False) -> list:
    """The (open, close) minutes of `day`. On a public holiday only the entries that
    name holidays apply (none when `closed_dates` names them)."""
    if _closed_on(day, closed):
        return []
    if holiday:
        if HOLIDAYS in closed:
            return []
        return sorted((_minutes(h["open"]), _minutes(h["close"]))
                      for h in hours if HOLIDAYS in h["days"])
    weekday = WEEKDAYS[day.weekday()]
    return sorted(
        (_minutes(h["open"]), _minutes(h["close"])) for h in hours if weekday in h["days"]
    )


def _all_day(hours: list, day: str) -> bool:
    return any(_minutes(h["open"]) == 0 and _minutes(h["close"]) == 1440 and day in h["days"]
               for h in hours)


def hours_status(hours: list, closed: list, now: datetime,
                 calendar: dict | None = None) -> dict | None:
    """Whether a place or line is open at `now`, and when it next opens or closes.

    A schedule that names public holidays needs `calendar` (the tree's `holidays`):
    on a day it does not cover the answer is None (no open-now note rather than a
    guess), and the next opening is not looked for past its last day.
    """
    aware = names_holidays(hours, closed)
    always = (not closed and all(_all_day(hours, d) for d in WEEKDAYS)
              and (not aware or _all_day(hours, HOLIDAYS)))
    minute = now.hour * 60 + now.minute
    today = now.date()
    holiday = is_holiday(today, calendar) if aware else False
    if holiday is None:
        return None
    for start, end in _spans(hours, closed, today, holiday):
        if start <= minute < end:
            return {"open_now": True, "always": always,
                    "closes_at": None if always or end == 1440 else _clock(end),
                    "opens_at": None}
    for offset in range(8):
        day = today + timedelta(days=offset)
        holiday = is_holiday(day, calendar) if aware else False
        if holiday is None:
            break
        for start, _end in _spans(hours, closed, day, holiday):
            if offset > 0 or start > minute:
                when = datetime(day.year, day.month, day.day) + timedelta(minutes=start)
                return {"open_now": False, "always": False, "closes_at": None,
                        "opens_at": _iso_minute(when)}
    return {"open_now": False, "always": False, "closes_at": None, "opens_at": None}


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso_minute(moment: datetime) -> str:
    """'2026-11-30T08:30' (formatted by hand: MicroPython's datetime has no strftime)."""
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}")


def _with_hours(rec: dict, now: datetime | None, calendar: dict | None = None) -> dict:
    """A place or contact with its open-now `status`; a contact's number that keeps
    hours of its own gets a `status` of its own (from those hours only). No `status`
    where the hours depend on a public holiday the calendar does not cover."""
    own = [p for p in rec.get("phones", []) if p.get("hours")]
    if now is None or not (rec.get("hours") or own):
        return rec
    out = dict(rec)
    if rec.get("hours"):
        status = hours_status(rec["hours"], rec.get("closed_dates", []), now, calendar)
        if status is not None:
            out["status"] = status
    if own:
        phones = []
        for phone in rec["phones"]:
            if phone.get("hours"):
                status = hours_status(phone["hours"], phone.get("closed_dates", []), now,
                                      calendar)
                if status is not None:
                    phone = dict(phone)
                    phone["status"] = status
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
        new_path = path + [(qid, option["id"])]
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


# --- phone numbers in texts --------------------------------------------------------------

# Characters that join into one run with a number: ASCII letters and digits, '+',
# '-', '_', and the full-width and Arabic-Indic forms of letters and digits. A
# number only counts if it is a whole run, so one inside an id or a URL path
# (call-0120-95-0178, A0120-95-0178) is no number. Kana, kanji, spaces and
# punctuation end a run: 0120-99-9999に電話 holds a number.
_RUN_RANGES = (("\uff10", "\uff19"), ("\uff21", "\uff3a"), ("\uff41", "\uff5a"),
               ("\u0660", "\u0669"), ("\u06f0", "\u06f9"))
_RUN_MARKS = "+-_"
# Every number has a hyphen between ASCII digits; most texts have none, and the
# character scan is slow on MicroPython, so this decides first (in C).
_PHONE_HINT = re.compile("[0-9]-[0-9]")


def phones_in_text(text: str) -> list:
    """Where Japanese phone numbers are written in `text`: [(start, end), ...].

    A number is `0` or `+81-`, then three groups of ASCII digits joined by
    hyphens (1-4, 1-4 and 2-4 digits): 0120-95-0178, 050-3818-1250,
    +81-3-6734-0170. Only ASCII digits count, so a number in full-width digits
    never becomes a tel: link that dials nothing. `tebiki check` makes sure each
    number is a contact record's; pages link it.

    A scanner rather than a regex: the browser's MicroPython has no lookaround
    and no {m,n}, and CPython's \\d and \\w take full-width digits and kanji.
    """
    found: list = []
    if not _PHONE_HINT.search(text):
        return found
    start = -1
    for index, char in enumerate(text):
        if ("0" <= char <= "9" or "a" <= char <= "z" or "A" <= char <= "Z"
                or char in _RUN_MARKS
                or (char > "\x7f" and any(low <= char <= high for low, high in _RUN_RANGES))):
            if start < 0:
                start = index
        elif start >= 0:
            _add_phone(text, start, index, found)
            start = -1
    if start >= 0:
        _add_phone(text, start, len(text), found)
    return found


def _add_phone(text: str, start: int, end: int, found: list) -> None:
    run = text[start:end]
    if run.startswith("+81-"):
        groups = run[4:].split("-")
    elif run.startswith("0"):
        groups = run[1:].split("-")
    else:
        return
    if len(groups) != 3 or len(groups[2]) < 2:
        return
    for group in groups:
        if not 1 <= len(group) <= 4 or any(not "0" <= digit <= "9" for digit in group):
            return
    found.append((start, end))


# --- canonical JSON --------------------------------------------------------------------

# What a JSON string escapes, as CPython writes it: backslash (first, before the
# others add theirs), quote, the common control characters by letter...
_JSON_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"),
                 ("\b", "\\b"), ("\f", "\\f"))
# ...and the other control characters as \u00XX, lowercase. The pattern finds
# them in C; NUL apart, which MicroPython's re cannot hold.
_JSON_CONTROLS = {chr(code): f"\\u{code:04x}" for code in range(32)}
_JSON_CONTROL = re.compile("[\x01-\x1f]")


def to_json(data: object) -> str:
    """`data` as canonical JSON text: the same bytes on every runtime.

    Exactly what CPython's json.dumps(data, ensure_ascii=False, sort_keys=True,
    separators=(",", ":")) writes. MicroPython's json takes none of those
    keywords (and writes \\b and \\f as \\u escapes), so the browser bridge and
    the renderer write their JSON with this. Floats are refused: the compiled
    format has none, and their text is where runtimes could differ.
    """
    out: list = []
    _write_json(data, out)
    return "".join(out)


def _write_json(data: object, out: list) -> None:
    # Appends to one list: on MicroPython that is faster than joining at each level.
    if data is None:
        out.append("null")
    elif data is True:
        out.append("true")
    elif data is False:
        out.append("false")
    elif isinstance(data, str):
        out.append(_json_string(data))
    elif isinstance(data, int):
        out.append(str(data))
    elif isinstance(data, (list, tuple)):
        out.append("[")
        for index, item in enumerate(data):
            if index:
                out.append(",")
            _write_json(item, out)
        out.append("]")
    elif isinstance(data, dict):
        out.append("{")
        for index, key in enumerate(sorted(data)):
            if not isinstance(key, str):
                raise TypeError("JSON object keys must be texts, not " + repr(key))
            if index:
                out.append(",")
            out.append(_json_string(key))
            out.append(":")
            _write_json(data[key], out)
        out.append("}")
    else:
        raise TypeError("cannot write " + type(data).__name__ + " as canonical JSON")


def _json_string(text: str) -> str:
    for char, escape in _JSON_ESCAPES:
        if char in text:
            text = text.replace(char, escape)
    if "\x00" in text or _JSON_CONTROL.search(text):
        text = "".join(_JSON_CONTROLS.get(char, char) for char in text)
    return '"' + text + '"'
