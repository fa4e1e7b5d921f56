"""HTML for the guide pages: a tree's whole flow, checklists, tables, boxes.

The page macros (tebiki.render.macros) call these. Each function takes the
compiled bundle and a language and returns Markdown with HTML blocks (headings
stay Markdown so they reach the table of contents). The HTML comes from the
templates `guide.html`, `tables.html` and `boxes.html` (tebiki.render.templates).
Every record a function shows is added to `used`, so a page can list its
sources and the date its facts were last checked. The parts an outcome shares
with the wizard come from `tebiki.core.render`, so both say the same thing the
same way.
"""

from __future__ import annotations

import html
import re

from tebiki.core import engine
from tebiki.core.render import (
    Words,
    checklist,
    contact_html,
    docs_block,
    esc,
    explained_docs,
    inline,
    link_phones,
    outcome_body,
    sources_block,
    state_url,
)
from tebiki.load.content import Bundle
from tebiki.render import graph
from tebiki.render.order import questions_in_order
from tebiki.render.templates import HtmlWords, core_html, page_html, part

PIN_PLACE_LABELS = {"store": "place-store", "counter": "place-counter",
                    "online": "place-online", "app": "place-app"}
# Every ASCII punctuation character: Markdown and its extensions build all their syntax
# (links, images, headings, lists, attribute lists, tables, code) from these.
_MD_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_TAG = re.compile(r"(<[^>]*>)")
_LINE_BREAK = re.compile(r"[ \t]*[\r\n]\s*")


class UnknownId(LookupError):
    """A page asked for a tree, outcome or record that the content does not have."""


def md_inert(fragment: str) -> str:
    """HTML made from content texts, safe to place where Markdown will run over it.

    The macros' inline results land in Markdown (a heading, a paragraph, a table
    cell), so a text must not be able to form Markdown syntax there: a link to
    `javascript:`, a remote image, a heading, an attribute list that restyles the
    page. Outside our own tags every punctuation character becomes a numeric
    character reference (the browser shows the same character; Markdown sees no
    syntax) and line breaks become spaces (no new block can start).
    """
    out = []
    for n, piece in enumerate(_TAG.split(fragment)):
        if n % 2:
            out.append(piece)  # a tag this module wrote
            continue
        text = _LINE_BREAK.sub(" ", html.unescape(piece))
        out.append("".join(f"&#{ord(c)};" if c in _MD_PUNCT else c for c in text))
    return "".join(out)


def md_heading(level: int, inner: str, anchor: str) -> str:
    """A Markdown heading (so it reaches the page's table of contents) whose text is
    `inner`, HTML made from content or labels: made inert here, whatever it holds."""
    return f"{'#' * level} {md_inert(inner)} {{#{anchor}}}\n"


def block(html: str) -> str:
    """An HTML block Python-Markdown passes through untouched."""
    return "\n\n" + str(html).replace("\n\n", "\n") + "\n\n"


def get_tree(bundle: Bundle, tree_id: str) -> dict:
    if tree_id not in bundle.trees:
        raise UnknownId(f"no tree '{tree_id}'; the trees are: {', '.join(sorted(bundle.trees))}")
    return bundle.trees[tree_id]


def get_record(bundle: Bundle, kind: str, rid: str) -> dict:
    if kind not in bundle.records:
        raise UnknownId(f"no record kind '{kind}'; the kinds are: "
                        f"{', '.join(sorted(bundle.records))}")
    if rid not in bundle.records[kind]:
        raise UnknownId(f"no {kind} record '{rid}'; they are: "
                        f"{', '.join(sorted(bundle.records[kind]))}")
    return bundle.records[kind][rid]


# --- conditions, in words ---------------------------------------------------------------


def condition_html(tree: dict, cond: dict, words: Words) -> str:
    if "answer" in cond:
        question = tree["questions"][cond["answer"]]
        wanted = cond["is"] if isinstance(cond["is"], list) else [cond["is"]]
        labels = {o["id"]: o["label"] for o in question["options"]}
        option = words.join("or-join", (words.text(labels[o]) for o in wanted))
        return words.label("cond-answer", question=words.text(question["text"]), option=option)
    if "all" in cond:
        return words.join("cond-and", (condition_html(tree, c, words) for c in cond["all"]))
    if "any" in cond:
        return words.join("cond-or", (condition_html(tree, c, words) for c in cond["any"]))
    return words.label("cond-not", cond=condition_html(tree, cond["not"], words))


# --- an outcome with every item, each with its condition ------------------------------


def full_outcome(tree: dict, oid: str, words: Words) -> dict:
    """Like `engine.outcome_view`, but keeping every item and saying when it applies."""
    outcome = tree["outcomes"][oid]
    records = tree["records"]

    def extra(item: dict) -> dict:
        out = engine.clockless_dates(item, tree.get("built"))
        if item.get("when"):
            out["condition"] = words.label("only-if",
                                           cond=condition_html(tree, item["when"], words))
        return out

    bring = []
    for item in outcome.get("bring", []):
        entry = {"note": item.get("note"), **extra(item)}
        for name in ("for", "visits"):
            if item.get(name):
                entry[name] = item[name]
        if "sets" in item:
            entry["kind"] = "one_of"
            entry["sets"] = [[records["documents"][d] for d in s] for s in item["sets"]]
        else:
            entry["kind"] = "doc"
            entry["doc"] = records["documents"][item["doc"]]
        bring.append(entry)
    view = engine.outcome_view(tree, oid, _all_answers(tree, oid))
    view["bring"] = bring
    for name in ("steps", "warnings"):
        view[name] = [{"text": item["text"], **extra(item)} for item in outcome.get(name, [])]
    return view


def _all_answers(tree: dict, oid: str) -> dict:
    """Answers of the first path that reaches `oid` (for the parts without conditions)."""
    for path in engine.iter_paths(tree):
        if path["end"] == "outcome" and path["id"] == oid:
            return dict(path["answers"])
    return {}


def used_records(view: dict) -> list:
    """Every record an outcome view shows (for the page's sources)."""
    out = list(view["places"]) + list(view["contacts"]) + list(view["pins"])
    for item in view["bring"]:
        if item["kind"] == "doc":
            out.append(item["doc"])
        else:
            out.extend(d for group in item["sets"] for d in group)
    return out


# --- a tree's whole guide ---------------------------------------------------------------


def _anchor(tree_id: str, kind: str, node: str) -> str:
    return f"{tree_id}-{kind}-{node}"


def tree_guide(bundle: Bundle, tree_id: str, lang: str, *, wizard_root: str,
               used: list | None = None, start_button: bool = True,
               picture: str = "") -> str:
    """Every question (its options and where each leads) and every outcome in full;
    with `start_button` (the web), a button that starts the wizard first; then
    `picture` (the medium's: the flow picture, or where to find it)."""
    tree = get_tree(bundle, tree_id)
    words = Words(bundle.labels, lang)
    if used is not None:
        used.append(tree)
    out = []
    if start_button:
        out.append(block(part("guide.html", "start_button",
                              href=state_url(wizard_root, tree_id, []),
                              label=core_html(words.label("start-wizard")))))
    out.append(picture)
    out.append(md_heading(2, words.label("guide-questions"), f"{tree_id}-questions"))
    first = engine.resolve(tree, tree["start"], {})[1]
    for n, (qid, question) in enumerate(questions_in_order(tree), 1):
        out.append(md_heading(3, f"{n}. {words.text(question['text'])}",
                              _anchor(tree_id, "q", qid)))
        out.append(block(part(
            "guide.html", "question", w=HtmlWords(words), tree=tree, question=question,
            first=qid == first, anchor=_anchor,
            condition=lambda cond: core_html(condition_html(tree, cond, words)))))
    out.append(md_heading(2, words.label("guide-outcomes"), f"{tree_id}-outcomes"))
    docs: list = []
    anchor = f"{tree_id}-documents"
    for oid in tree["outcomes"]:
        out.append(outcome_section(bundle, tree_id, oid, lang, level=3, used=used,
                                   docs_anchor=anchor))
        for doc in explained_docs(full_outcome(tree, oid, words)["bring"]):
            if doc["id"] not in [d["id"] for d in docs]:
                docs.append(doc)
    if docs:
        # what each document is, once for the whole page (the outcomes point here)
        out.append(md_heading(2, words.label("docs-about"), anchor))
        out.append(block(docs_block(docs, words, level=None)))
    return "".join(out)


def _outcome_view(bundle: Bundle, tree_id: str, oid: str, lang: str) -> tuple:
    """The tree, the words of `lang` and the full view of one of its outcomes."""
    tree = get_tree(bundle, tree_id)
    if oid not in tree["outcomes"]:
        raise UnknownId(f"tree '{tree_id}' has no outcome '{oid}'; its outcomes: "
                        f"{', '.join(tree['outcomes'])}")
    words = Words(bundle.labels, lang)
    return tree, words, full_outcome(tree, oid, words)


def outcome_section(bundle: Bundle, tree_id: str, oid: str, lang: str, *, level: int = 3,
                    used: list | None = None, docs_anchor: str | None = None) -> str:
    """One outcome in full: a heading, its summary and every part (what the documents
    are follows its checklist, or is once on the page at `docs_anchor`)."""
    tree, words, view = _outcome_view(bundle, tree_id, oid, lang)
    if used is not None:
        used.append(tree)
        used.extend(used_records(view))
    body = outcome_body(view, words, level=level + 1, check_prefix=f"guide-{tree_id}-{oid}",
                        docs_anchor=docs_anchor)
    return (md_heading(level, words.text(view["title"]), _anchor(tree_id, "o", oid))
            + block(part("guide.html", "outcome", w=HtmlWords(words), view=view,
                         body=core_html(body), level=level + 1)))


def outcome_checklist(bundle: Bundle, tree_id: str, oid: str, lang: str,
                      used: list | None = None, answers: dict | None = None) -> str:
    """Just what to bring for one outcome, as tick boxes. With `answers` (question
    to option, like a path through the tree) only what that path brings is shown;
    without, every item with the answers it depends on."""
    tree, words, view = _outcome_view(bundle, tree_id, oid, lang)
    if answers:
        questions = tree["questions"]
        for qid, option in answers.items():
            if qid not in questions or option not in [o["id"] for o in questions[qid]["options"]]:
                raise UnknownId(f"tree '{tree_id}' has no answer {qid}={option}")
        view = engine.outcome_view(tree, oid, answers)
    if used is not None:
        used.append(tree)
        used.extend(d for item in view["bring"] for d in (
            [item["doc"]] if item["kind"] == "doc" else [x for g in item["sets"] for x in g]))
    return block(checklist(view["bring"], words, f"list-{tree_id}-{oid}", level=3))


# --- tables and boxes --------------------------------------------------------------------


def pin_table(bundle: Bundle, lang: str, ids: list | None = None,
              used: list | None = None) -> str:
    words = Words(bundle.labels, lang)
    pins = [get_record(bundle, "pins", p) for p in (ids or sorted(bundle.records["pins"]))]
    if used is not None:
        used.extend(pins)
    return block(part("tables.html", "pin_table", w=HtmlWords(words), pins=pins,
                      place_labels=PIN_PLACE_LABELS))


def document_table(bundle: Bundle, lang: str, categories: list | None = None,
                   used: list | None = None) -> str:
    words = Words(bundle.labels, lang)
    categories = categories or ["A", "B"]
    rows = []
    for category in categories:
        docs = [d for d in bundle.records["documents"].values() if d["category"] == category]
        if not docs:
            raise UnknownId(f"no documents in category '{category}'")
        if used is not None:
            used.extend(docs)
        rows.append({"name": core_html(words.label("doc-category-" + category.lower())),
                     "docs": docs})
    return block(part("tables.html", "document_table", w=HtmlWords(words), categories=rows))


def hotline_box(bundle: Bundle, lang: str, ids: list, heading: str, *,
                level: int = 2, used: list | None = None) -> str:
    """Phone lines in a box that stands out; `heading` is the page's own words."""
    if not isinstance(level, int) or not 1 <= level <= 6:
        raise UnknownId(f"hotline_box: level is a heading level from 1 to 6, not {level!r}")
    words = Words(bundle.labels, lang)
    contacts = [get_record(bundle, "contacts", c) for c in ids]
    seen: dict = {}
    for contact in contacts:
        for number in dict.fromkeys(p["number"] for p in contact["phones"]):
            first = seen.setdefault(number, contact["id"])
            if first != contact["id"]:
                raise UnknownId(f"hotline_box: {number} is in both '{first}' and "
                                 f"'{contact['id']}': one number, one meaning, so list the "
                                 "contact for this box's purpose only")
    if used is not None:
        used.extend(contacts)
    body = "".join(contact_html(c, words) for c in contacts)
    return block(part("boxes.html", "hotline", heading=core_html(inline(heading)), level=level,
                      box_id=f"hotline-{ids[0]}", contacts=core_html(body)))


def phone(bundle: Bundle, number: str, lang: str, used: list | None = None) -> str:
    """One number of a contact record as the outcomes show it: a tap-to-call link, or
    'FAX …' as text for a fax number. A number no contact has is an error."""
    for contact in bundle.records["contacts"].values():
        for entry in contact["phones"]:
            if entry["number"] == number:
                if used is not None:
                    used.append(contact)
                words = Words(bundle.labels, lang)
                text = words.label("fax-number", number=esc(number)) \
                    if entry.get("kind") == "fax" else esc(number)
                return md_inert(link_phones(text))
    raise UnknownId(f"phone: no contact record has the number '{number}' (write it as in "
                    "records/contacts.yaml, like 0120-95-0178)")


def fact(bundle: Bundle, path: str, lang: str, used: list | None = None) -> str:
    """One field of one record, like 'pins.signature.tries', as inline HTML."""
    parts = path.split(".")
    if len(parts) < 3:
        raise UnknownId(f"'{path}' is not kind.id.field (like pins.signature.tries)")
    record = get_record(bundle, parts[0], parts[1])
    value: object = record
    for key in parts[2:]:
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            raise UnknownId(f"'{path}': no '{key}' in {parts[0]} record '{parts[1]}'")
    if used is not None:
        used.append(record)
    words = Words(bundle.labels, lang)
    if parts[2:] == ["hours"]:
        return md_inert(words.join("list-join", words.hours(record)))
    if isinstance(value, dict) and lang in value:
        return md_inert(words.rich(value))
    if isinstance(value, str | int):
        return md_inert(esc(value))
    raise UnknownId(f"'{path}' is not a text or a number")


def tree_fact(bundle: Bundle, tree_id: str, path: str, lang: str,
              used: list | None = None) -> str:
    """One text of a tree, like 'outcomes.counter-reset.summary' or
    'questions.which-pin.options.signature.label', as inline HTML."""
    tree = get_tree(bundle, tree_id)
    value: object = tree
    for key in path.split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and any(isinstance(v, dict) and v.get("id") == key
                                             for v in value):
            value = next(v for v in value if v.get("id") == key)
        else:
            raise UnknownId(f"tree '{tree_id}' has no '{path}' (stopped at '{key}')")
    if not (isinstance(value, dict) and lang in value):
        raise UnknownId(f"'{tree_id}: {path}' is not a text")
    if used is not None:
        used.append(tree)
        keys = path.split(".")
        if keys[0] == "outcomes":
            outcome = tree["outcomes"][keys[1]]
            used.append({"reviewed": tree["reviewed"], "sources": outcome.get("sources", [])})
    return md_inert(Words(bundle.labels, lang).rich(value))


def page_sources(bundle: Bundle, lang: str, used: list) -> str:
    """The sources of every record a page showed, and the oldest review date among them."""
    if not used:
        return ""
    words = Words(bundle.labels, lang)
    sources, reviewed = engine.cited(bundle.records, used)
    return (md_heading(2, words.label("page-sources"), "page-sources")
            + block(sources_block(sources, reviewed, words, level=None)))


# --- links into the wizard, search ------------------------------------------------------


def tree_text(bundle: Bundle, tree_id: str, key: str, lang: str) -> str:
    """A tree's title (plain: it is a heading) or summary (its phone numbers as
    tap-to-call links, as everywhere else on a page)."""
    tree = get_tree(bundle, tree_id)
    words = Words(bundle.labels, lang)
    return md_inert(words.text(tree.get(key)) if key == "title" else words.rich(tree.get(key)))


def start_links(bundle: Bundle, tree_ids: list, lang: str, *, wizard_root: str) -> str:
    """One big link per tree, straight to its first question."""
    words = Words(bundle.labels, lang)
    links = [{"href": state_url(wizard_root, tree_id, []),
              "title": core_html(words.text(get_tree(bundle, tree_id)["title"]))}
             for tree_id in tree_ids]
    return block(part("boxes.html", "start_links", links=links,
                      action=core_html(words.label("start-wizard"))))


def wizard_link(bundle: Bundle, tree_id: str, lang: str, *, wizard_root: str,
                text: str | None = None) -> str:
    """A button that starts a tree's wizard (its label, or `text` from the page)."""
    get_tree(bundle, tree_id)
    words = Words(bundle.labels, lang)
    label = inline(text) if text else words.label("start-wizard")
    return block(part("guide.html", "start_button", href=state_url(wizard_root, tree_id, []),
                      label=core_html(label)))


def flow_figure(bundle: Bundle, tree_id: str, lang: str, *, src: str, full: str,
                size: tuple[float, float]) -> str:
    """A tree's flow picture on its guide page: an image whose text alternative is the
    flow in words below it (its alt says so, its caption links there), and a link
    to the page showing it full size (`full`). `size` is the picture's own, in points."""
    tree = get_tree(bundle, tree_id)
    words = Words(bundle.labels, lang)
    alt = words.label_plain("flow-picture-alt", title=words.plain(tree["title"]),
                            questions=words.label_plain("guide-questions"),
                            outcomes=words.label_plain("guide-outcomes"))
    width, height = (round(points * 4 / 3) for points in size)  # CSS pixels
    return block(part("guide.html", "flow_picture", w=HtmlWords(words), src=src, full=full,
                      alt=alt, width=width, height=height, anchor=f"{tree_id}-flow",
                      text_anchor=f"{tree_id}-questions"))


def flow_full_page(bundle: Bundle, tree_id: str, lang: str, *, svg: str, guide: str) -> str:
    """The page showing a tree's flow picture (`svg`, from tebiki.render.graph) full size:
    a bare SVG opened on a phone is shrunk to the screen's width, its text a few pixels
    high; here the page has the phone's width and the picture scrolls in a box of its
    own at its size, with the way back to the guide (`guide`) and its flow in words."""
    tree = get_tree(bundle, tree_id)
    words = Words(bundle.labels, lang)
    title = words.plain(tree["title"])
    alt = words.label_plain("flow-page-alt", title=title,
                            questions=words.label_plain("guide-questions"),
                            outcomes=words.label_plain("guide-outcomes"))
    return str(part("guide.html", "flow_full_page", w=HtmlWords(words),
                    title=core_html(words.text(tree["title"])), guide=guide,
                    text_anchor=f"{tree_id}-questions", picture=page_html(graph.inline(svg, alt)),
                    name=words.label_plain("flow-page-title", title=title)))


SEARCH_LABELS = ("search-results", "search-none", "search-loading", "search-failed",
                 "search-in-guide", "start-wizard", "read-guide")


def search_box(bundle: Bundle, lang: str, *, site_root: str) -> str:
    """The search form; assets/tebiki-search.js shows it and runs the search (without
    JavaScript the page says so and the form stays hidden)."""
    words = Words(bundle.labels, lang)
    messages = [(lid, bundle.labels[lid][lang]) for lid in SEARCH_LABELS]  # text, escaped there
    return block(part("boxes.html", "search", w=HtmlWords(words), site_root=site_root,
                      messages=messages))


def download_links(bundle: Bundle, lang: str, made: dict, *, site_root: str,
                   folder: str) -> str:
    """Links to the printed handbooks, this page's language first (empty when the build
    made none). `made` maps a language to what was printed (name, pages, size)."""
    if not made:
        return ""
    words = Words(bundle.labels, lang)
    editions = []
    for other in [lang, *sorted(lg for lg in made if lg != lang)]:
        printed = made.get(other)
        if printed is None:
            continue
        meta = words.label("handbook-file", pages=str(printed.pages),
                           size=_size(printed.size, words))
        editions.append({"href": f"{site_root}{folder}/{printed.name}", "lang": other,
                         "name": core_html(words.label("handbook-edition-" + other)),
                         "meta": core_html(meta)})
    return block(part("boxes.html", "downloads", w=HtmlWords(words), editions=editions))


def _size(size: int, words: Words) -> str:
    if size < 1024 * 1024:
        return words.label("handbook-size-kb", n=str(max(1, round(size / 1024))))
    return words.label("handbook-size-mb", n=f"{size / (1024 * 1024):.1f}")
