"""Property tests: whatever the answers or the content, no traceback."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tebiki.core import engine
from tebiki.load.content import compile_content, load_content

from ..conftest import FIXTURES, LANGUAGES

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

ids = st.sampled_from(["a", "b", "c", "q1", "q2", "q3", "r1", "o1", "o2", "x"])


def _tree_ids(tree):
    return list(tree["questions"]), [o["id"] for q in tree["questions"].values()
                                     for o in q["options"]]


@st.composite
def answer_sets(draw, tree):
    questions, options = _tree_ids(tree)
    keys = st.one_of(st.sampled_from(questions), st.text(max_size=5))
    values = st.one_of(st.sampled_from(options), st.text(max_size=5))
    return draw(st.dictionaries(keys, values, max_size=len(questions) + 2))


moments = st.one_of(st.none(), st.datetimes(min_value=datetime(2020, 1, 1),
                                            max_value=datetime(2035, 12, 31)))


@SETTINGS
@given(data=st.data(), now=moments)
def test_random_answers_never_crash_the_engine(bundle, data, now):
    for tree in bundle.trees.values():
        answers = data.draw(answer_sets(tree))
        result = engine.next_step(tree, answers, now)
        assert result["type"] in ("question", "outcome")
        if result["type"] == "question":
            assert result["options"], "a question with nothing to choose"
        on_path = {a["question"] for a in result["answers"]}
        assert on_path | set(result["unused"]) >= {k for k in answers if isinstance(k, str)}


# --- random trees --------------------------------------------------------------------

def text(label: str) -> dict:
    return {"ja": label, "en": label}


def conditions(question_ids: list[str]):
    leaf = st.builds(lambda q, o: {"answer": q, "is": o}, st.sampled_from(question_ids),
                     st.one_of(st.sampled_from(["a", "b", "c"]),
                               st.lists(st.sampled_from(["a", "b", "c"]), min_size=1,
                                        max_size=2)))
    return st.recursive(leaf, lambda inner: st.one_of(
        st.builds(lambda cs: {"all": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ), max_leaves=4)


@st.composite
def random_trees(draw):
    """Mostly well-formed trees (so many validate), with now and then a defect."""
    question_ids = ["q1", "q2", "q3"][: draw(st.integers(1, 3))]
    outcome_ids = ["o1", "o2"][: draw(st.integers(1, 2))]
    has_route = draw(st.booleans())
    questions = {}
    for n, qid in enumerate(question_ids):
        later = question_ids[n + 1:] + outcome_ids + (["r1"] if has_route else [])
        options = {}
        for oid in ["a", "b", "c"][: draw(st.integers(2, 3))]:
            option = {"label": text(oid)}
            if draw(st.integers(0, 19)):  # now and then an option that leads nowhere
                option["next"] = draw(st.one_of(st.sampled_from(later), ids)
                                      if not draw(st.integers(0, 9)) else st.sampled_from(later))
            options[oid] = option
        questions[qid] = {"text": text(qid), "options": options}
    routes = {}
    if has_route:
        entries = [{"when": draw(conditions(question_ids)), "goto": draw(st.sampled_from(
            outcome_ids))} for _ in range(draw(st.integers(1, 2)))]
        if draw(st.integers(0, 4)):
            entries.append({"goto": draw(st.sampled_from(outcome_ids))})
        routes["r1"] = entries
    outcomes = {}
    for oid in outcome_ids:
        outcome = {"title": text(oid), "bring": ["card"]}
        if draw(st.booleans()):
            outcome["steps"] = [{"text": text("s"), "when": draw(conditions(question_ids))}]
        outcomes[oid] = outcome
    tree = {"id": "rand", "title": text("t"), "summary": text("s"), "reviewed": "2026-11-01",
            "sources": ["src-a"], "start": "q1", "questions": questions, "outcomes": outcomes}
    if routes:
        tree["routes"] = routes
    if not draw(st.integers(0, 9)):  # a wrong type somewhere
        key = draw(st.sampled_from(["title", "questions", "outcomes", "start"]))
        tree[key] = draw(st.one_of(st.integers(), st.text(max_size=3), st.none(), st.booleans()))
    return tree


def _content_with(tree: dict, tmp: Path) -> Path:
    root = tmp / "decision_trees"
    (root / "records").mkdir(parents=True)
    (root / "records/base.yaml").write_bytes((FIXTURES / "mini/records/base.yaml").read_bytes())
    shutil.copytree(FIXTURES / "mini" / "ui", root / "ui")
    (root / "rand.yaml").write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    return root


@SETTINGS
@given(tree=random_trees())
def test_random_trees_validate_or_are_rejected_with_lines(tree):
    with tempfile.TemporaryDirectory() as tmp:
        content = load_content(_content_with(tree, Path(tmp)), languages=LANGUAGES)
        for problem in content.problems:
            assert problem.line >= 1 and problem.message
            assert problem.file.endswith(".yaml")
        if content.errors:
            return
        bundle = compile_content(content)
        compiled = bundle.trees["rand"]
        for path in engine.iter_paths(compiled):
            assert path["end"] == "outcome"
            result = engine.next_step(compiled, dict(path["answers"]))
            assert result["type"] == "outcome" and result["id"] == path["id"]


@SETTINGS
@given(data=st.data())
def test_mangled_yaml_text_never_raises(data):
    original = (FIXTURES / "mini" / "mini.yaml").read_text(encoding="utf-8")
    lines = original.splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    end = data.draw(st.integers(start, len(lines)))
    junk = data.draw(st.text(alphabet=st.sampled_from(list(":-[]{}\t '\"#&*!|>%@` ab日")),
                             max_size=12))
    mangled = "\n".join([*lines[:start], junk, *lines[end:]])
    with tempfile.TemporaryDirectory() as tmp:
        root = _content_with({}, Path(tmp))
        (root / "rand.yaml").unlink()
        (root / "mini.yaml").write_text(mangled, encoding="utf-8")
        content = load_content(root, languages=LANGUAGES)
        for problem in content.problems:
            assert problem.line >= 1
