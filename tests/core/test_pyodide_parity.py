"""The engine on Pyodide answers exactly as on CPython, for every state of every tree.

One Node process per content boots Pyodide once, from the runtime folder the
site ships (bytecode stdlib, inline lock file, the engine wheel), and answers
every request; the JSON texts must be identical to CPython's: the engine's
`next_step`, and the wizard region the worker renders with `wizard_html`.
"""

from __future__ import annotations

import json

import pytest

from tebiki.core import engine
from tests.support.pyodide import (
    FIXED_NOWS,
    HOLIDAY_NOWS,
    assert_holiday_answers,
    bridge_on_cpython,
    build_runtime,
    canonical,
    content_roots,
    holiday_requests,
    load_trees,
    needs_node,
    run_on_pyodide,
    states,
)

pytestmark = needs_node


def _requests(trees: dict) -> list[dict]:
    requests = []
    for tid, tree in trees.items():
        for answers in states(tree):
            for now in (None, *FIXED_NOWS):
                requests.append({"op": "step", "tree": tid, "answers": answers, "now": now})
            for lang in ("ja", "en"):
                for now in (None, *FIXED_NOWS):
                    requests.append({"op": "render", "tree": tid, "answers": answers,
                                     "lang": lang, "now": now})
                requests.append({"op": "render", "tree": tid, "lang": lang, "now": None,
                                 "options": list(answers.values())})
    return requests + holiday_requests(trees)


@pytest.fixture(scope="module", params=sorted(content_roots()))
def run(request, tmp_path_factory):
    """(compiled folder, runtime manifest, requests, Pyodide's responses) for one content."""
    site, compiled = build_runtime(content_roots()[request.param],
                                   tmp_path_factory.mktemp(request.param))
    runtime = site / "_tebiki"
    requests = _requests(load_trees(compiled))
    manifest = json.loads((runtime / "manifest.json").read_text(encoding="utf-8"))
    return compiled, manifest, requests, run_on_pyodide(runtime, requests)


def _report(found: list) -> str:
    lines = [f"{len(found)} request(s) differ; the first ones:"]
    for req, want, got in found[:5]:
        lines.append(f"  {json.dumps(req, ensure_ascii=False)}\n    CPython: {want[:400]}\n"
                     f"    Pyodide: {got[:400]}")
    return "\n".join(lines)


def _got(res: dict) -> str:
    return res["value"] if res["ok"] else "error: " + res["error"]


def test_every_state_steps_the_same(run):
    compiled, _manifest, requests, responses = run
    trees = load_trees(compiled)
    found = []
    for req, res in zip(requests, responses, strict=True):
        if req["op"] == "step":
            want = canonical(engine.next_step(trees[req["tree"]], req["answers"], req["now"]))
            if _got(res) != want:
                found.append((req, want, _got(res)))
    assert not found, _report(found)


def test_every_state_renders_the_same_html(run):
    compiled, manifest, requests, responses = run
    bridge = bridge_on_cpython()
    bridge.set_labels((compiled / "labels.json").read_text(encoding="utf-8"))
    bridge.set_guides(json.dumps(manifest["guides"]))
    for path in sorted((compiled / "trees").glob("*.json")):
        bridge.add_tree(path.read_text(encoding="utf-8"))
    found = []
    for req, res in zip(requests, responses, strict=True):
        if req["op"] == "render":
            want = bridge.render(json.dumps({k: v for k, v in req.items() if k != "op"}))
            if _got(res) != want:
                found.append((req, want, _got(res)))
    assert not found, _report(found)


def test_the_run_covers_every_path_and_the_time_aware_notes(run):
    compiled, manifest, requests, responses = run
    trees = load_trees(compiled)
    stepped = {(r["tree"], canonical(r["answers"])) for r in requests if r["op"] == "step"}
    for tid, tree in trees.items():
        for path in engine.iter_paths(tree):
            assert path["end"] == "outcome", path
            assert (tid, canonical(dict(path["answers"]))) in stepped
    assert manifest["guides"] == sorted(trees)
    html = [json.loads(res["value"])["html"] for req, res in zip(requests, responses, strict=True)
            if req["op"] == "render" and req["now"] and res["ok"]]
    assert any("tebiki-status--open" in h for h in html)
    assert any("tebiki-status--closed" in h for h in html)


def test_public_holidays_answer_as_on_cpython(run):
    """Parity above covers the holiday requests too; here, what they answered."""
    requests, responses = run[-2], run[-1]
    if not any(r["now"] in HOLIDAY_NOWS for r in requests if r["op"] == "step"):
        pytest.skip("this content has no hours that name public holidays")
    assert_holiday_answers(requests, responses)
