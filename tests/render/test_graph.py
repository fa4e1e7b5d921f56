"""The whole flow as a picture: every question, answer and outcome, readable, safe."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from tebiki.core import engine
from tebiki.core.render import plain
from tebiki.render import graph

from ..conftest import run_cli

LANGS = ("ja", "en")
SVG = "{http://www.w3.org/2000/svg}"


def largest(bundle) -> dict:
    return max(bundle.trees.values(),
               key=lambda t: len(t["questions"]) + len(t["outcomes"]) + len(t["routes"]))


def texts(svg: str) -> str:
    """Every text of the picture, without white space (lines are wrapped anywhere)."""
    root = ET.fromstring(svg)
    return re.sub(r"\s+", "", "".join(t.text or "" for t in root.iter(SVG + "text")))


@pytest.mark.parametrize("lang", LANGS)
def test_every_question_answer_and_outcome_is_in_the_picture(bundle, lang):
    tree = largest(bundle)
    shown = texts(graph.tree_svg(tree, bundle.labels, lang))
    numbers = graph.question_numbers(tree)
    for qid, question in tree["questions"].items():
        assert re.sub(r"\s+", "", f"{numbers[qid]}. {plain(question['text'][lang])}") in shown
        for option in question["options"]:
            assert re.sub(r"\s+", "", plain(option["label"][lang])) in shown, option["id"]
    for outcome in tree["outcomes"].values():
        assert re.sub(r"\s+", "", plain(outcome["title"][lang])) in shown


def test_answers_are_arrows_from_their_question_to_where_they_lead(bundle):
    tree = largest(bundle)
    dot = graph.dot_source(tree, bundle.labels, "en")
    for qid, question in tree["questions"].items():
        for option in question["options"]:
            kind = "q" if option["next"] in tree["questions"] else \
                "o" if option["next"] in tree["outcomes"] else "r"
            assert f'"q:{qid}" -> "{kind}:{option["next"]}"' in dot
    reached = {p["id"] for p in engine.iter_paths(tree) if p["end"] == "outcome"}
    assert reached == set(tree["outcomes"])  # nothing drawn that no path reaches


def test_a_text_cannot_become_markup_or_break_the_graph(bundle):
    tree = dict(largest(bundle))
    question_id = next(iter(tree["questions"]))
    question = dict(tree["questions"][question_id])
    nasty = 'Q" ]; evil [label="x"]; \\N <script>alert(1)</script> <a href="javascript:x">'
    question["text"] = {"ja": nasty, "en": nasty}
    tree["questions"] = {**tree["questions"], question_id: question}
    svg = graph.tree_svg(tree, bundle.labels, "en")
    root = ET.fromstring(svg)
    tags = {element.tag.replace(SVG, "") for element in root.iter()}
    assert tags <= set(graph.ALLOWED), tags
    attributes = {name for element in root.iter() for name in element.attrib}
    assert not [a for a in attributes if "href" in a or a.startswith("on") or a == "style"]
    # the quote did not end the label: no node "evil" was made
    titles = {t.text for t in root.iter(SVG + "title")}
    assert "evil" not in titles and len(titles) > 5
    assert re.sub(r"\s+", "", nasty) in texts(svg)  # shown as the text it is


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_the_largest_tree_is_readable_at_its_own_size(browser, bundle, lang, tmp_path):
    """No text smaller than 10 pt, and no two texts on top of each other."""
    svg = graph.tree_svg(largest(bundle), bundle.labels, lang)
    path = tmp_path / "flow.svg"
    path.write_text(svg, encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(path.as_uri())
        # x and width as drawn; the line's height from its baseline and size (a
        # glyph box includes the font's whole ascent and descent, taller than a line)
        boxes = page.evaluate("""() => [...document.querySelectorAll('text')].map((t) => {
            const r = t.getBBox(), size = parseFloat(t.getAttribute('font-size')),
                  base = parseFloat(t.getAttribute('y'));
            return {x: r.x, w: r.width, y: base - 0.75 * size, h: 0.9 * size, size,
                    text: t.textContent};
        })""")
    finally:
        page.close()
    assert boxes and min(b["size"] for b in boxes) >= 10
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a["x"] < b["x"] + b["w"] - 1 and b["x"] < a["x"] + a["w"] - 1
                and a["y"] < b["y"] + b["h"] - 2 and b["y"] < a["y"] + a["h"] - 2]
    assert overlaps == [], overlaps[:3]


def test_the_command_writes_the_picture_and_names_a_missing_tree(tmp_path):
    out = tmp_path / "flow.svg"
    result = run_cli("graph", "pin-reset", "--lang", "ja", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert ET.fromstring(out.read_text(encoding="utf-8")).tag == SVG + "svg"
    result = run_cli("graph", "pin-rest", "--lang", "ja")
    assert result.returncode == 2 and "no tree 'pin-rest'" in result.stderr


def test_without_graphviz_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(graph.GraphError, match="graphviz"):
        graph.render_svg("digraph { a }")


@pytest.mark.parametrize("lang", LANGS)
def test_a_hostile_title_is_text_in_the_picture_and_on_the_printed_page(bundle, lang,
                                                                        tmp_path):
    """Every payload of the injection corpus in an outcome's title: the SVG file and the
    copy put inside the handbook's HTML both keep it as the text of <text> elements."""
    from ..support.injection import payload

    nasty = payload(tmp_path / "ran", "http://127.0.0.1:9/")
    tree = dict(largest(bundle))
    oid = next(iter(tree["outcomes"]))
    tree["outcomes"] = {**tree["outcomes"],
                        oid: {**tree["outcomes"][oid], "title": {"ja": nasty, "en": nasty}}}
    fitted = graph.fit(tree, bundle.labels, lang, 780, 470)
    for svg in (graph.tree_svg(tree, bundle.labels, lang),
                graph.inline(fitted.svg, nasty, fitted.scale)):
        root = ET.fromstring(svg)
        assert {e.tag.replace(SVG, "") for e in root.iter()} <= set(graph.ALLOWED)
        assert not [n for e in root.iter() for n in e.attrib
                    if "href" in n or n.startswith("on") or n == "style"]
        assert re.sub(r"\s+", "", plain(nasty)) in texts(svg)
    assert "<script" not in graph.inline(fitted.svg, nasty, fitted.scale).replace(
        "&lt;script", "")
    assert not (tmp_path / "ran").exists()


def test_the_printed_picture_fits_its_box_with_its_text_as_large_as_it_can(bundle):
    tree = largest(bundle)
    box = (780, 470)
    fitted = graph.fit(tree, bundle.labels, "en", *box)
    width, height = graph.size(fitted.svg)
    assert width * fitted.scale <= box[0] + 0.5 and height * fitted.scale <= box[1] + 0.5
    for columns in graph.FIT_COLUMNS:  # no other wrap width prints it larger
        svg = graph.render_svg(graph.dot_source(tree, bundle.labels, "en",
                                                graph.compact(columns)))
        w, h = graph.size(svg)
        assert graph.smallest_font(svg) * min(1, box[0] / w, box[1] / h) \
            <= fitted.smallest_text + 1e-9
