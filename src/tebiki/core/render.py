"""One wizard state (a question or an outcome) as an HTML fragment.

The static site renders every reachable state with this module at build time,
and the browser runtime calls the very same `render_state` on Pyodide (or
MicroPython) to redraw the wizard without a reload. So, like the engine, it
imports the standard library only, keeps to the Python both runtimes accept
(tests/core/test_micropython_subset.py), and loads both as a package member
and as a top-level module next to `engine.py`.

Input is what `engine.next_step` returns, the labels (every `ui/*.yaml`
merged, as in the compiled bundle), a language, and `root`: the URL of the
folder that holds every tree's wizard (`/wizard/` or, on a static page,
relative like `../../`). State URLs are `root + tree/ + option/option/.../`,
one segment per answer in the order the questions were asked.

Every text is escaped; the output is deterministic (same input, same bytes).
Hooks for the browser runtime: the region is `<div id="tebiki-wizard">` with
data-tree, data-lang, data-state (question|outcome), data-node, data-root and
data-answers (JSON, in path order); option links carry data-option; the
heading has id `tebiki-heading` and tabindex=-1 (focus target); tick boxes
have ids stable per tree, outcome and document.
"""

import re
from datetime import date, datetime

from . import engine
from .contract import (
    ANSWER_ID,
    BACK_CLASS,
    CHECK_CLASS,
    DATA_ANSWERS,
    DATA_EMBED,
    DATA_LANG,
    DATA_NODE,
    DATA_OPTION,
    DATA_QUESTION,
    DATA_ROOT,
    DATA_STATE,
    DATA_TREE,
    HEADING_ID,
    HIDDEN_CLASS,
    HINT_ID,
    KEPT_CLASS,
    OPTION_CLASS,
    PRINT_ATTR,
    REGION_ID,
    RESTART_CLASS,
)
from .layout import state_url

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# `[^\n]` holds a real newline (MicroPython's re reads `\n` as the letter n), and
# stands for `.`, which matches a newline on MicroPython but not on CPython.
_BOLD = re.compile("\\*\\*([^\n]+?)\\*\\*")


def esc(text: object) -> str:
    """`text` escaped for HTML text and attribute values, as html.escape(text, quote=True)
    does it (MicroPython's html.escape walks the text in Python: far slower)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def inline(text: str) -> str:
    """A content text as HTML: escaped, with its `**bold**` kept as <strong>."""
    return _BOLD.sub(r"<strong>\1</strong>", esc(text))


def link_phones(html_text: str) -> str:
    """Phone numbers in an HTML text become tap-to-call links (a fax number, written
    after "FAX", stays text)."""
    out = []
    last = 0
    for start, end in engine.phones_in_text(html_text):
        number = html_text[start:end]
        out.append(html_text[last:start])
        if engine.written_as_fax(html_text, start):
            out.append(number)
        else:
            dial = number.replace("-", "")  # digits, and the + of +81
            out.append(f'<a class="tebiki-tel" href="tel:{dial}">{number}</a>')
        last = end
    out.append(html_text[last:])
    return "".join(out)


def fill_slots(template: str, fill: dict) -> str:
    """`template` with each `{name}` slot replaced by `fill[name]`.

    Scanned with str.partition rather than re.sub: MicroPython's re.sub expands
    backslashes even in what a replacement function returns. A brace that opens
    no slot (no `}`, or not an ASCII name between) stays as it is.
    """
    out = []
    rest = template
    while True:
        head, brace, rest = rest.partition("{")
        out.append(head)
        if not brace:
            return "".join(out)
        name, close, tail = rest.partition("}")
        if close and _slot_name(name):
            out.append(fill[name])
            rest = tail
        else:
            out.append(brace)


def _slot_name(name: str) -> bool:
    return bool(name) and all("a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9" or c == "_"
                              for c in name)


def plain(text: str) -> str:
    """A content text without its light Markdown, not escaped (for titles)."""
    return _BOLD.sub(r"\1", text)


class Words:
    """The labels and content texts of one language."""

    def __init__(self, labels: dict, lang: str) -> None:
        self.labels = labels
        self.lang = lang

    def text(self, pair: dict | None) -> str:
        """A {ja, en} content text as inline HTML ('' when absent)."""
        return inline(pair[self.lang]) if pair else ""

    def rich(self, pair: dict | None) -> str:
        """Like text(), with phone numbers as tel: links (not for text inside a link)."""
        return link_phones(self.text(pair))

    def plain(self, pair: dict | None) -> str:
        return plain(pair[self.lang]) if pair else ""

    def label(self, lid: str, **fill: str) -> str:
        """A label as HTML; `fill` values are HTML already and go in its {slots}."""
        # Escaping leaves braces and slot names as they are, so the slots are
        # found in the escaped template.
        return fill_slots(esc(self.labels[lid][self.lang]), fill)

    def join(self, lid: str, items) -> str:
        """Items joined by a `{a}…{b}` label, like list-join: 'a、b、c' or 'a, b, c'."""
        items = list(items)
        out = items[0] if items else ""
        for item in items[1:]:
            out = self.label(lid, a=out, b=item)
        return out

    def field(self, name: str, value: str) -> str:
        """'name: value' (HTML in, HTML out)."""
        return self.label("field", name=name, value=value)

    def label_plain(self, lid: str, **fill: str) -> str:
        return fill_slots(self.labels[lid][self.lang], fill)

    # --- dates, days and hours --------------------------------------------------------

    def days(self, days: list) -> str:
        """'平日', '土日・祝日', 'Weekends and public holidays', 'Mon, Wed'."""
        plain = [d for d in days if d != engine.HOLIDAYS]
        names = self.join("day-join", (self.label(lid) for lid in day_labels(plain)))
        if engine.HOLIDAYS not in days:
            return names
        if not plain:
            return self.label("day-holidays")
        return self.label("days-and-holidays", days=names)

    def hours(self, rec: dict) -> list:
        """One HTML line per opening-hours entry, then closed dates."""
        lines = []
        for h in rec.get("hours", []):
            if h["open"] == "00:00" and h["close"] == "24:00":
                span = self.label("open-24h")
            else:
                span = self.label("time-range", open=esc(_clock(h["open"])),
                                  close=esc(_clock(h["close"])))
            lines.append(self.label("day-hours", days=self.days(h["days"]), hours=span))
        for span in rec.get("closed_dates", []):
            if span == engine.HOLIDAYS:
                lines.append(self.label("closed-holidays"))
                continue
            lines.append(self.label("closed-dates") + " " + self.label(
                "closed-span", start=self.month_day(span["from"]), end=self.month_day(span["to"])))
        return lines

    def month_day(self, md: str) -> str:
        month, day = (int(x) for x in md.split("-"))
        return self.label("month-day", m=str(month), d=str(day),
                          month=self.label(f"month-{month}"))

    def dated(self, item: dict) -> str:
        """'From …' / 'Until …' for an item shown without a clock ('' if undated)."""
        start, end = item.get("valid_from"), item.get("valid_until")
        if start and end:
            return self.label("dated-between", start=esc(start), end=esc(end))
        if start:
            return self.label("dated-from", date=esc(start))
        if end:
            return self.label("dated-until", date=esc(end))
        return ""

    def status(self, status: dict | None, now: datetime | None) -> str:
        """Open now / opens at, from the engine's `status` (only with a clock)."""
        if not status:
            return ""
        if status["open_now"]:
            if status.get("always"):
                text, kind = self.label("status-open-always"), "open"
            elif status.get("closes_at"):
                text = self.label("status-open-until", time=esc(_clock(status["closes_at"])))
                kind = "open"
            else:
                text, kind = self.label("status-open"), "open"
        elif status.get("opens_at"):
            text = self.label("status-closed-opens", when=self.when(status["opens_at"], now))
            kind = "closed"
        else:
            text, kind = self.label("status-closed"), "closed"
        return f'<p class="tebiki-status tebiki-status--{kind}">{text}</p>'

    def when(self, iso: str, now: datetime | None) -> str:
        moment = datetime.fromisoformat(iso)
        time = esc(f"{moment.hour}:{moment.minute:02d}")
        if now is not None:
            days = (moment.date() - now.date()).days
            if days == 0:
                return self.label("when-today", time=time)
            if days == 1:
                return self.label("when-tomorrow", time=time)
        return self.label("when-day", date=self.month_day(f"{moment.month:02d}-{moment.day:02d}"),
                          weekday=self.label("day-" + WEEKDAYS[moment.weekday()]), time=time)


def _clock(hhmm: str) -> str:
    """'06:30' reads as '6:30'."""
    hours, minutes = hhmm.split(":")
    return f"{int(hours)}:{minutes}"


def _moment(now: object) -> datetime | None:
    if now is None or isinstance(now, datetime):
        return now
    if isinstance(now, date):
        return datetime(now.year, now.month, now.day)
    return datetime.fromisoformat(str(now))


# --- the state as a whole -------------------------------------------------------------


def render_state(result: dict, labels: dict, lang: str, *, root: str,
                 now: object = None, trees: dict | None = None,
                 guide_url: str | None = None, embed: bool = False,
                 earlier: dict | None = None, answered: str | None = None) -> str:
    """The wizard region for one `engine.next_step` result.

    `root` ends with '/'. `now` (browser only) turns on the open-now notes.
    `trees` (id -> compiled tree), when given, places pre-answered `continue`
    links exactly; without it their answers are taken in the order written.
    `guide_url`, when given, links the outcome to the tree's whole guide.
    `embed` is for a page shown in a frame on another site (tebiki.embed): the
    region says so (`data-embed`), and links that leave the wizard (the guide,
    the sources) open in a new tab and say so, so the frame stays the wizard.
    `earlier` and `answered` come from the page script only (a static page cannot
    know them): `earlier` (question to option) is what the visitor answered
    before, marked on a question asked again; `answered` is the question just
    answered, and when the path went on past it on answers kept from before, a
    notice names them (see `kept_notice`).
    """
    words = Words(labels, lang)
    options = [a["option"] for a in result["answers"]]
    # In path order (the page script's Back drops the last): written pair by pair,
    # since MicroPython's dicts keep no order.
    answers = ",".join(engine.to_json(a["question"]) + ":" + engine.to_json(a["option"])
                       for a in result["answers"])
    attrs = [
        ("id", REGION_ID),
        ("class", f"tebiki-wizard tebiki-wizard--{result['type']}"),
        (DATA_TREE, result["tree"]),
        (DATA_LANG, lang),
        (DATA_STATE, result["type"]),
        (DATA_NODE, result["id"]),
        (DATA_ROOT, root),
        (DATA_ANSWERS, "{" + answers + "}"),
    ]
    if embed:
        attrs.append((DATA_EMBED, "true"))
    head = "<div " + " ".join(f'{k}="{esc(v)}"' for k, v in attrs) + ">"
    top = _back_link(words, root, result["tree"], options)
    notice = kept_notice(result, words, answered)
    if notice:
        top.append(notice)
    if result["type"] == "question":
        body = _question(result, words, root, options, earlier)
    else:
        body = _outcome(result, words, root, options, _moment(now), trees, guide_url, embed)
    return head + "\n" + "\n".join(top + [body]) + "\n</div>\n"


def page_title(result: dict, lang: str) -> str:
    """The state's title as plain text: the question, or the outcome's title."""
    pair = result["text"] if result["type"] == "question" else result["title"]
    return plain(pair[lang])


def day_labels(days: list) -> list:
    """The label ids that name a set of weekdays: one for every day, weekdays or
    weekends, else one per day (joined by the `day-join` label)."""
    if list(days) == list(WEEKDAYS):
        return ["every-day"]
    if list(days) == list(WEEKDAYS[:5]):
        return ["weekdays"]
    if list(days) == list(WEEKDAYS[5:]):
        return ["weekends"]
    return ["day-" + d for d in days]


def _back_link(words: Words, root: str, tree: str, options: list) -> list:
    """The Back link of a state past the first question (none at the start); it
    names the answer it takes back, which the page before marks (`answer_href`)."""
    if not options:
        return []
    back = answer_href(root, tree, options, len(options) - 1)
    return [f'<p class="tebiki-back-wrap"><a class="{BACK_CLASS}" href="{esc(back)}">'
            f'{words.label("back")}</a></p>']


def _question(result: dict, words: Words, root: str, options: list,
              earlier: dict | None = None) -> str:
    tree = result["tree"]
    # the answer given before to this very question, when the page script knows it
    before = earlier.get(result["id"]) if earlier else None
    parts = []
    parts.append(f'<p class="tebiki-caption">{words.text(result["tree_title"])}</p>')
    parts.append(f'<h1 id="{HEADING_ID}" class="tebiki-heading" tabindex="-1">'
                 f'{words.text(result["text"])}</h1>')
    described = ""
    if result.get("hint"):
        parts.append(f'<p class="tebiki-hint" id="{HINT_ID}">{words.rich(result["hint"])}</p>')
        described = f' aria-describedby="{HINT_ID}"'
    items = []
    for option in result["options"]:
        href = state_url(root, tree, options + [option["id"]])
        hint = ""
        if option.get("hint"):
            hint = f'<span class="tebiki-option__hint">{words.text(option["hint"])}</span>'
        items.append(f'<li><a class="{OPTION_CLASS}" id="{ANSWER_ID}{esc(option["id"])}" '
                     f'href="{esc(href)}" {DATA_OPTION}="{esc(option["id"])}"'
                     f'{earlier_attr(option["id"] == before)}>'
                     f'<span class="tebiki-option__label">{words.text(option["label"])}</span>'
                     f'{earlier_tag(words, option["id"] == before)}{hint}</a></li>')
    parts.append(f'<ul class="tebiki-options" aria-labelledby="{HEADING_ID}"{described}>'
                 + "".join(items) + "</ul>")
    if options:
        parts.append(_answers(result, words, root, options, "your-answers-so-far"))
        parts.append(f'<p class="{RESTART_CLASS}"><a href="{esc(state_url(root, tree, []))}">'
                     f'{words.label("start-again")}</a></p>')
    return "\n".join(parts)


def _outcome(result: dict, words: Words, root: str, options: list, now: datetime | None,
             trees: dict | None, guide_url: str | None, embed: bool = False) -> str:
    tree = result["tree"]
    parts = []
    parts.append('<div class="tebiki-panel">')
    parts.append(f'<p class="tebiki-caption">{words.text(result["tree_title"])}</p>')
    parts.append(f'<h1 id="{HEADING_ID}" class="tebiki-heading" tabindex="-1">'
                 f'{words.text(result["title"])}</h1>')
    if result.get("summary"):
        parts.append(f'<p class="tebiki-summary">{words.rich(result["summary"])}</p>')
    # Printing needs the browser's print dialog: the page script shows this button.
    parts.append(f'<p class="tebiki-print" hidden><button type="button" class="tebiki-button" '
                 f'{PRINT_ATTR}>{words.label("print-plan")}</button></p>')
    parts.append("</div>")
    parts.append(outcome_body(result, words, level=2, check_prefix=f"tebiki-check-{tree}-"
                              f"{result['id']}", now=now, id_prefix="tebiki-", folded=True))
    if result.get("continue"):
        links = []
        for link in result["continue"]:
            href = state_url(root, link["tree"], continue_options(link, trees))
            links.append(f'<li><a href="{esc(href)}">{words.text(link["title"])}</a></li>')
        parts.append(_h(2, words.label("continue"), "tebiki-continue"))
        parts.append('<ul class="tebiki-links">' + "".join(links) + "</ul>")
    parts.append(_answers(result, words, root, options))
    parts.append(f'<p class="{RESTART_CLASS}"><a href="{esc(state_url(root, tree, []))}">'
                 f'{words.label("start-again")}</a></p>')
    if guide_url:
        parts.append(f'<p class="tebiki-guide-link"><a href="{esc(guide_url)}"'
                     f'{new_tab_attrs(embed)}>{words.label("read-guide")}'
                     f'{new_tab_note(words, embed)}</a></p>')
    parts.append(sources_block(result["sources"], result["reviewed"], words, level=2,
                               heading_id="tebiki-sources", new_tab=embed, folded=True))
    return "\n".join(parts)


def continue_options(link: dict, trees: dict | None) -> list:
    """The URL segments of a pre-answered `continue` link."""
    answers = link.get("answers") or {}
    if trees and link["tree"] in trees:
        return [option for _question, option in engine.walk(trees[link["tree"]], answers)["path"]]
    return list(answers.values())


# --- the answers so far (check your answers), and what a change kept ----------------------


def answer_href(root: str, tree: str, options: list, n: int) -> str:
    """The state that asks the n-th question of a path again, with the answer given
    there as its fragment: the page marks that answer (CSS :target; no script)."""
    return state_url(root, tree, options[:n]) + "#" + ANSWER_ID + options[n]


def earlier_attr(mine: bool) -> str:
    """An answer's attribute when the page script knows it was the one given before."""
    return ' aria-current="true"' if mine else ""


def earlier_tag(words: Words, mine: bool) -> str:
    """"Your earlier answer" in an answer's link: shown when the page script knows
    it is, or when the page's address names that answer (wizard.css, `:target`)."""
    hidden = "" if mine else " hidden"
    return f'<span class="tebiki-option__earlier"{hidden}>{words.label("earlier-answer")}</span>'


def kept_notice(result: dict, words: Words, answered: str | None) -> str:
    """The answers a change kept: after `answered` (the question just answered), the
    path went on with answers the visitor gave before, so their questions were
    not asked again; the notice names each, so the reader can check them ('' when
    the next question is simply the next one)."""
    if not answered:
        return ""
    asked = [a["question"] for a in result["answers"]]
    if answered not in asked:
        return ""
    kept = result["answers"][asked.index(answered) + 1:]
    if not kept:
        return ""
    rows = "".join("<li>" + words.field(words.text(a["text"]),
                                        "<strong>" + words.text(a["label"]) + "</strong>")
                   + "</li>" for a in kept)
    return (f'<div class="{KEPT_CLASS}"><p>{words.label("kept-answers")}</p>'
            f"<ul>{rows}</ul></div>")


def _answers(result: dict, words: Words, root: str, options: list,
             heading: str = "your-answers") -> str:
    """The answers so far, each with a Change link to the state that asks it again."""
    if not result["answers"]:
        return ""
    rows = []
    for n, answer in enumerate(result["answers"]):
        href = answer_href(root, result["tree"], options, n)
        hidden = words.label("change-answer", question=words.text(answer["text"]))
        rows.append(f'<div class="tebiki-answers__row"><dt>{words.text(answer["text"])}</dt>'
                    f'<dd>{words.text(answer["label"])}</dd>'
                    f'<dd class="tebiki-answers__change"><a href="{esc(href)}" '
                    f'{DATA_QUESTION}="{esc(answer["question"])}">{words.label("change")}'
                    f'<span class="{HIDDEN_CLASS}"> ({hidden})</span>'
                    '</a></dd></div>')
    return (_h(2, words.label(heading), "tebiki-your-answers")
            + '\n<dl class="tebiki-answers">' + "".join(rows) + "</dl>")


# --- outcome parts (shared with the guide pages) --------------------------------------


def _h(level: int, content: str, hid: str | None = None) -> str:
    ident = f' id="{esc(hid)}"' if hid else ""
    return f"<h{level}{ident}>{content}</h{level}>"


def _extra(item: dict, words: Words) -> str:
    """The dated note and the condition of an item, if any."""
    notes = []
    dated = words.dated(item)
    if dated:
        notes.append(f'<span class="tebiki-tag">{dated}</span>')
    if item.get("condition"):
        notes.append(f'<span class="tebiki-tag tebiki-tag--when">{item["condition"]}</span>')
    return (" " + " ".join(notes)) if notes else ""


def outcome_body(view: dict, words: Words, *, level: int, check_prefix: str,
                 now: datetime | None = None, id_prefix: str | None = None,
                 docs_anchor: str | None = None, folded: bool = False) -> str:
    """What to do first: urgent warnings, steps, the other warnings; then key facts,
    where, bring, contacts, PINs, if it fails.

    Items may carry `condition` (HTML, from the guide) and dates; `level` is
    the heading level of each part; `id_prefix` names the parts' headings.
    What each document is (its examples and notes) follows the checklist, or,
    with `docs_anchor`, is on the page once at that anchor and the checklist
    points there (a guide page with many outcomes). `folded` puts it in a closed
    <details> (a wizard page: print opens it, search reads it).
    """
    parts = []

    def heading(lid: str, suffix: str = "") -> str:
        return _h(level, words.label(lid), f"{id_prefix}{lid}{suffix}" if id_prefix else None)

    def warnings(items: list, suffix: str = "", urgent: bool = False) -> None:
        if not items:
            return
        parts.append(heading("warnings", suffix))
        texts = [words.rich(item["text"]) + _extra(item, words) for item in items]
        inner = f"<p>{texts[0]}</p>" if len(texts) == 1 else \
            "<ul>" + "".join(f"<li>{t}</li>" for t in texts) + "</ul>"
        kind = "tebiki-warning tebiki-warning--urgent" if urgent else "tebiki-warning"
        parts.append(f'<div class="{kind}">{inner}</div>')

    # the reader acts first: what must not wait, then the steps in order
    every = view.get("warnings") or []
    warnings([w for w in every if w.get("urgent")], "-first", urgent=True)
    if view.get("steps"):
        parts.append(heading("steps"))
        parts.append('<ol class="tebiki-steps">' + "".join(
            f'<li>{words.rich(s["text"])}{_extra(s, words)}</li>' for s in view["steps"])
            + "</ol>")
    warnings([w for w in every if not w.get("urgent")])
    facts = []
    for name, lid in (("cost", "cost"), ("time", "time")):
        if view.get(name):
            facts.append(f'<div class="tebiki-facts__row"><dt>{words.label(lid)}</dt>'
                         f'<dd>{words.rich(view[name])}</dd></div>')
    if facts:
        parts.append('<dl class="tebiki-facts">' + "".join(facts) + "</dl>")
    if view.get("places"):
        parts.append(heading("where"))
        parts.append('<ul class="tebiki-places">' + "".join(
            "<li>" + place_html(p, words, now) + "</li>" for p in view["places"]) + "</ul>")
    if view.get("bring"):
        parts.append(heading("bring"))
        parts.append(checklist(view["bring"], words, check_prefix, level=level + 1,
                               docs_anchor=docs_anchor, folded=folded))
    if view.get("contacts"):
        parts.append(heading("contacts"))
        parts.append("".join(contact_html(c, words, now)
                             for c in for_reader(view["contacts"], words.lang)))
    if view.get("pins"):
        parts.append(heading("pins-involved"))
        parts.append('<ul class="tebiki-pins">' + "".join(
            "<li>" + words.field(f'<strong>{words.text(p["name"])}</strong>',
                                 words.text(p["format_text"]))
            + " (" + words.field(words.label("pin-tries"), esc(p["tries"])) + ")</li>"
            for p in view["pins"]) + "</ul>")
    if view.get("if_fails"):
        parts.append(heading("if-fails"))
        parts.append(f'<p>{words.rich(view["if_fails"])}</p>')
    return "\n".join(parts)


def place_html(place: dict, words: Words, now: datetime | None = None) -> str:
    lines = [f'<strong class="tebiki-place__name">{words.text(place["name"])}</strong>']
    hours = words.hours(place)
    if hours:
        lines.append('<span class="tebiki-hours">'
                     + words.field(words.label("hours"), words.join("list-join", hours))
                     + "</span>")
    for key in ("hours_note", "note"):
        if place.get(key):
            lines.append(f'<span class="tebiki-note">{words.text(place[key])}</span>')
    out = "<br>".join(lines)
    return out + words.status(place.get("status"), now)


def doc_name(doc: dict, words: Words, count: int = 1) -> str:
    """A document's short name with its count: '顔写真付きの本人確認書類1点', '2 × photo ID'.
    ID documents (A, B) always say how many; other documents only when more than one."""
    name = words.text(doc.get("short_name") or doc["name"])
    if count > 1 or doc.get("category") in ("A", "B"):
        return words.label("doc-n", name=name, n=str(count))
    return name


def one_of_caption(sets: list, words: Words) -> str:
    """The choices of a `one_of`, counted from its sets: the caption states the rule,
    so no hand-written note has to (and `tebiki check` refuses one that contradicts it)."""
    choices = [words.join("and-join", (doc_name(doc, words, count)
                                       for doc, count in _grouped(group)))
               for group in sets]
    return words.field(words.label("one-of"), words.join("choice-join", choices))


def _grouped(docs: list) -> list:
    """Documents of a set, the same one twice counted once: [(doc, count)]."""
    out: list = []
    for doc in docs:
        for entry in out:
            if entry[0]["id"] == doc["id"]:
                entry[1] += 1
                break
        else:
            out.append([doc, 1])
    return out


def item_docs(item: dict) -> list:
    """The documents a thing to bring names (one, or every one of its choices)."""
    if item["kind"] == "doc":
        return [item["doc"]]
    return [doc for group in item["sets"] for doc in group]


EVERY_VISIT = "every"


def bring_groups(bring: list) -> list:
    """What to bring as [(visit or None, [(whose or None, [items])])], in the order
    first written. What is brought on every visit (an item without `visit`, or
    naming them all) is listed once, under the visit "every", before the others;
    items without `for` come first in their visit."""
    visits: list = []
    for item in bring:
        for visit in item.get("visits", []):
            if visit not in visits:
                visits.append(visit)

    def every(item: dict) -> bool:
        return all(v in item.get("visits", visits) for v in visits)

    if len(visits) > 1 and any(every(i) for i in bring):
        order = [EVERY_VISIT]
        order.extend(visits)  # not [*a, b]: MicroPython has no unpacking in displays
    else:
        order = visits or [None]
    out = []
    for visit in order:
        if visit is None:
            items = list(bring)
        elif visit == EVERY_VISIT:
            items = [i for i in bring if every(i)]
        else:
            items = [i for i in bring if visit in i.get("visits", visits)
                     and not (EVERY_VISIT in order and every(i))]
        if not items:
            continue
        people: list = []
        for item in items:
            if item.get("for") not in people:
                people.append(item.get("for"))
        if None in people:
            people.remove(None)
            people.insert(0, None)
        out.append((visit, [(who, [i for i in items if i.get("for") == who])
                            for who in people]))
    return out


def checklist(bring: list, words: Words, prefix: str, *, level: int = 3,
              docs_anchor: str | None = None, folded: bool = False) -> str:
    """What to bring, one tick box per item (ids stable per document), grouped by
    visit and by whose document it is (headings at `level`), then what each
    document is: here (in a closed <details> when `folded`), or once per page at
    `docs_anchor`."""
    parts = []
    seen: dict = {}
    for visit, people in bring_groups(bring):
        if visit is not None:
            parts.append(_h(min(level, 6), words.label("bring-visit-" + visit)))
        for who, items in people:
            if who is not None:
                sub = level + 1 if visit is not None else level
                parts.append(_h(min(sub, 6), words.label("bring-for-" + who)))
            rows = []
            for item in items:
                if item["kind"] == "doc":
                    key = item["doc"]["id"]
                    body = f'<span class="tebiki-doc__name">{doc_name(item["doc"], words)}</span>'
                else:
                    key = "one-of-" + "-".join(d["id"] for d in item["sets"][0])
                    body = f'<span class="tebiki-doc__name">{one_of_caption(item["sets"], words)}' \
                           "</span>"
                key = "-".join(k for k in (visit, who, key) if k)
                seen[key] = seen.get(key, 0) + 1
                box = f"{prefix}-{key}" + (f"-{seen[key]}" if seen[key] > 1 else "")
                note = f'<span class="tebiki-doc__note">{words.rich(item["note"])}</span>' \
                    if item.get("note") else ""
                rows.append(f'<li class="tebiki-checklist__item"><input type="checkbox" '
                            f'class="{CHECK_CLASS}" id="{esc(box)}"><label for="{esc(box)}">'
                            f'{body}</label>{note}{_extra(item, words)}</li>')
            parts.append('<ul class="tebiki-checklist">' + "".join(rows) + "</ul>")
    explained = explained_docs(bring)
    if explained and docs_anchor:
        parts.append(f'<p class="tebiki-docs-link"><a href="#{esc(docs_anchor)}">'
                     f'{words.label("docs-see")}</a></p>')
    elif explained:
        parts.append(docs_block(explained, words, level=level, folded=folded))
    return '<div class="tebiki-bring">' + "".join(parts) + "</div>"


def explained_docs(bring: list) -> list:
    """The documents of a list that have examples or a note, each once, in order."""
    out: list = []
    for item in bring:
        for doc in item_docs(item):
            if (doc.get("examples") or doc.get("note")) and \
                    doc["id"] not in [d["id"] for d in out]:
                out.append(doc)
    return out


def docs_block(docs: list, words: Words, *, level: int | None,
               heading_id: str | None = None, folded: bool = False) -> str:
    """What each document is: its full name, examples and note, once per page
    (`level` None leaves out the heading: the page has its own). `folded` puts it
    in a closed <details> whose summary is the heading's words."""
    rows = []
    for doc in docs:
        details = ""
        if doc.get("examples"):
            examples = words.join("list-join", (words.text(e) for e in doc["examples"]))
            details += ('<span class="tebiki-doc__examples">'
                        + words.field(words.label("examples"), examples) + "</span>")
        if doc.get("note"):
            details += f'<span class="tebiki-doc__note">{words.rich(doc["note"])}</span>'
        rows.append(f'<div class="tebiki-docs__row"><dt>{words.text(doc["name"])}</dt>'
                    f"<dd>{details}</dd></div>")
    listing = '<dl class="tebiki-docs__list">' + "".join(rows) + "</dl>"
    if folded:
        return (f'<details class="tebiki-docs tebiki-fold"><summary>{words.label("docs-about")}'
                f"</summary>{listing}</details>")
    heading = _h(min(level, 6), words.label("docs-about"), heading_id) if level else ""
    return '<section class="tebiki-docs">' + heading + listing + "</section>"


def for_reader(contacts: list, lang: str) -> list:
    """Contacts in the order a reader of `lang` needs them: the lines that answer in
    that language first (on an English page the foreign-language line leads), the
    order written otherwise."""
    return ([c for c in contacts if lang in c.get("languages", [])]
            + [c for c in contacts if lang not in c.get("languages", [])])


def phone_groups(phones: list) -> list:
    """A contact's numbers, each once: [[phone, ...]] in the order written. One number
    written twice (one toll-free line, two groups of languages with their own hours)
    is one group, shown once with each use's label and hours under it."""
    groups: list = []
    for phone in phones:
        for group in groups:
            if (group[0]["number"] == phone["number"]
                    and group[0].get("kind") == phone.get("kind")):
                group.append(phone)
                break
        else:
            groups.append([phone])
    return groups


def contact_html(contact: dict, words: Words, now: datetime | None = None) -> str:
    own = [p["number"] for p in contact["phones"] if p.get("hours")]
    phones = [f"<li>{_phones_html(group, words, now)}</li>"
              for group in phone_groups(contact["phones"])]
    lines = [f'<p class="tebiki-contact__name"><strong>{words.text(contact["name"])}</strong></p>',
             '<ul class="tebiki-phones">' + "".join(phones) + "</ul>"]
    hours = words.hours(contact)
    if hours:
        # with numbers that keep hours of their own, say which numbers these are for
        others = [_number_text(group[0], words) for group in phone_groups(contact["phones"])
                  if not group[0].get("hours")]
        name = words.label("hours-for", numbers=words.join("list-join", others)) if own \
            else words.label("hours")
        lines.append('<p class="tebiki-hours">'
                     + words.field(name, words.join("list-join", hours)) + "</p>")
    if contact.get("hours_note"):
        lines.append(f'<p class="tebiki-note">{words.rich(contact["hours_note"])}</p>')
    # the languages a line answers in, unless that is just the page's own
    if contact.get("languages") and contact["languages"] != [words.lang]:
        names = words.join("list-join", (_language(code, words)
                                         for code in contact["languages"]))
        lines.append(f'<p class="tebiki-note">{words.label("languages-list", langs=names)}</p>')
    if contact.get("note"):
        lines.append(f'<p class="tebiki-note">{words.rich(contact["note"])}</p>')
    if hours or own:
        # once per block, not on every line: whose clock all the hours above keep
        lines.append(f'<p class="tebiki-note tebiki-timezone">'
                     f'{words.label("hours-japan-time")}</p>')
    lines.append(words.status(contact.get("status"), now))
    return '<div class="tebiki-contact">' + "".join(lines) + "</div>"


def _number_text(phone: dict, words: Words) -> str:
    """A number as text: 'FAX 0120-601-785' for a fax number, so no one calls it."""
    if phone.get("kind") == "fax":
        return words.label("fax-number", number=esc(phone["number"]))
    return esc(phone["number"])


def _phones_html(group: list, words: Words, now: datetime | None) -> str:
    """One number: a tap-to-call link (a fax number as text), then what it is for: one
    use inline, several (the same number written twice) as a list, each with its own
    label, hours and open-now note."""
    phone = group[0]
    if phone.get("kind") == "fax":
        number = (f'<span class="tebiki-phone__number tebiki-phone__number--fax">'
                  f'{_number_text(phone, words)}</span>')
    else:
        number = (f'<a class="tebiki-phone__number" href="{esc(phone["tel"])}">'
                  f'{esc(phone["number"])}</a>')
    if len(group) == 1:
        return f"{number} {_phone_use(phone, words, now)}"
    return (f'{number}<ul class="tebiki-phone__uses">'
            + "".join(f"<li>{_phone_use(use, words, now)}</li>" for use in group) + "</ul>")


def _phone_use(phone: dict, words: Words, now: datetime | None) -> str:
    """What one number is for: its label and menu choice, and, when it keeps hours of
    its own, those hours and whether it is open."""
    out = f'<span class="tebiki-phone__label">{words.text(phone["label"])}</span>'
    if phone.get("guidance"):
        out += f'<span class="tebiki-phone__guidance">{words.text(phone["guidance"])}</span>'
    hours = words.hours(phone) if phone.get("hours") else []
    if hours:
        out += ('<span class="tebiki-hours">'
                + words.field(words.label("hours"), words.join("list-join", hours)) + "</span>")
    if phone.get("hours_note"):
        out += f'<span class="tebiki-note">{words.rich(phone["hours_note"])}</span>'
    return out + words.status(phone.get("status"), now)


def _language(code: str, words: Words) -> str:
    lid = "lang-" + code
    return words.label(lid) if lid in words.labels else esc(code)


def new_tab_attrs(new_tab: bool) -> str:
    """The attributes of a link that opens in a new tab ('' for an ordinary link)."""
    return ' target="_blank" rel="noopener"' if new_tab else ""


def new_tab_note(words: Words, new_tab: bool) -> str:
    """What a screen reader hears after such a link's text ('' for an ordinary link)."""
    if not new_tab:
        return ""
    return f'<span class="{HIDDEN_CLASS}"> {words.label("new-tab")}</span>'


def paper_address(url: str) -> str:
    """A source's address as printed: without `https://`, which a browser adds itself."""
    return url[len("https://"):] if url.startswith("https://") else url


def sources_block(sources: list, reviewed: str, words: Words, *, level: int | None,
                  heading_id: str | None = None, new_tab: bool = False,
                  folded: bool = False) -> str:
    """Sources as links, and the review date; `level` None leaves out the heading.
    With `new_tab` the links open in a new tab (and say so). `folded` puts the list
    in a closed <details> (a wizard page on a phone: the review date stays in view)."""
    heading = _h(level, words.label("sources"), heading_id) if level else ""
    items = "".join(
        f'<li><a href="{esc(s["url"])}"{new_tab_attrs(new_tab)}>{words.text(s["title"])}'
        f'{new_tab_note(words, new_tab)}</a> '
        f'<span class="tebiki-source__url">{esc(paper_address(s["url"]))}</span> '
        f'<span class="tebiki-source__publisher">{words.text(s["publisher"])}</span></li>'
        for s in sources)
    listing = f"<ul>{items}</ul>"
    if folded:
        summary = words.label("sources-list", n=str(len(sources)))
        listing = f'<details class="tebiki-fold"><summary>{summary}</summary>{listing}</details>'
    return ('<section class="tebiki-sources">' + heading + listing +
            '<p class="tebiki-reviewed">' + words.field(
                words.label("reviewed"), f'<time datetime="{esc(reviewed)}">{esc(reviewed)}</time>')
            + "</p></section>")
