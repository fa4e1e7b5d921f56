"""The engine on MicroPython answers exactly as on CPython, for every state of every tree.

The same source files (engine.py, wizard_html.py, the bridge tebiki_browser.py)
run on MicroPython's WebAssembly port from npm, in Node: one process per
content boots it once and answers every request. The JSON texts must be
identical to CPython's: the engine's `next_step` (as CPython's json.dumps writes
it canonically), and the wizard region the bridge renders, in both languages,
with and without a clock, on ordinary and on embed pages.
"""

from __future__ import annotations

import json

import pytest

from tebiki.core import engine
from tests.support.micropython import (
    MICROPYTHON_ATTRS,
    PROBE_ATTRS,
    exec_on_micropython,
    needs_micropython,
    run_on_micropython,
)
from tests.support.pyodide import (
    FIXED_NOWS,
    HOLIDAY_NOWS,
    assert_holiday_answers,
    bridge_on_cpython,
    canonical,
    compile_content,
    content_roots,
    holiday_requests,
    load_trees,
    states,
)

pytestmark = needs_micropython


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
                # The embed flag changes the outward links only: with and without a clock.
                for now in (None, FIXED_NOWS[0]):
                    requests.append({"op": "render", "tree": tid, "answers": answers,
                                     "lang": lang, "now": now, "embed": True})
                requests.append({"op": "render", "tree": tid, "lang": lang, "now": None,
                                 "options": list(answers.values())})
    return requests + holiday_requests(trees)


@pytest.fixture(scope="module", params=sorted(content_roots()))
def run(request, tmp_path_factory):
    """(content name, compiled folder, guides, requests, MicroPython's responses)."""
    workdir = tmp_path_factory.mktemp("mpy-" + request.param)
    compiled = compile_content(content_roots()[request.param], workdir / "compiled")
    trees = load_trees(compiled)
    guides = sorted(trees)  # every tree has a guide page, so outcomes link to it
    requests = _requests(trees)
    _boot_ms, responses = run_on_micropython(compiled, requests, guides)
    return request.param, compiled, guides, requests, responses


def _report(found: list) -> str:
    lines = [f"{len(found)} request(s) differ; the first ones:"]
    for req, want, got in found[:5]:
        at = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
                  min(len(want), len(got)))
        lines.append(f"  {json.dumps(req, ensure_ascii=False)}\n"
                     f"    first difference at character {at}:\n"
                     f"    CPython:     {want[max(0, at - 150):at + 250]}\n"
                     f"    MicroPython: {got[max(0, at - 150):at + 250]}")
    return "\n".join(lines)


def _got(res: dict) -> str:
    return res["value"] if res["ok"] else "error: " + res["error"]


def test_every_state_steps_the_same(run):
    _name, compiled, _guides, requests, responses = run
    trees = load_trees(compiled)
    found = []
    for req, res in zip(requests, responses, strict=True):
        if req["op"] == "step":
            want = canonical(engine.next_step(trees[req["tree"]], req["answers"], req["now"]))
            if _got(res) != want:
                found.append((req, want, _got(res)))
    assert not found, _report(found)


def test_every_state_renders_the_same_html(run):
    _name, compiled, guides, requests, responses = run
    bridge = bridge_on_cpython()
    bridge.set_labels((compiled / "labels.json").read_text(encoding="utf-8"))
    bridge.set_guides(json.dumps(guides))
    for path in sorted((compiled / "trees").glob("*.json")):
        bridge.add_tree(path.read_text(encoding="utf-8"))
    found = []
    for req, res in zip(requests, responses, strict=True):
        if req["op"] == "render":
            want = bridge.render(json.dumps({k: v for k, v in req.items() if k != "op"}))
            if _got(res) != want:
                found.append((req, want, _got(res)))
    assert not found, _report(found)


def test_the_run_covers_every_path_the_clock_and_the_embed_pages(run):
    name, compiled, _guides, requests, responses = run
    trees = load_trees(compiled)
    stepped = {(r["tree"], canonical(r["answers"])) for r in requests if r["op"] == "step"}
    for tid, tree in trees.items():
        for path in engine.iter_paths(tree):
            assert path["end"] == "outcome", path
            assert (tid, canonical(dict(path["answers"]))) in stepped
    rendered = [(req, json.loads(res["value"])["html"])
                for req, res in zip(requests, responses, strict=True)
                if req["op"] == "render" and res["ok"]]
    assert len(rendered) == sum(r["op"] == "render" for r in requests)
    timed = [html for req, html in rendered if req["now"]]
    assert any("tebiki-status--open" in h for h in timed)
    assert any("tebiki-status--closed" in h for h in timed)
    embedded = [html for req, html in rendered if req.get("embed")]
    assert embedded and all('data-embed="true"' in h for h in embedded)
    assert any('target="_blank"' in h for h in embedded)
    if name == "decision_trees":  # its texts name phone numbers, linked by link_phones
        assert any('class="tebiki-tel"' in h for _req, h in rendered)


def test_the_subset_check_knows_this_micropython():
    """test_micropython_subset.py refuses what the pinned MicroPython lacks; its
    picture of that MicroPython must be the real one."""
    assert json.loads(exec_on_micropython(PROBE_ATTRS)) == MICROPYTHON_ATTRS


def test_public_holidays_answer_as_on_cpython(run):
    """Parity above covers the holiday requests too; here, what they answered."""
    requests, responses = run[-2], run[-1]
    if not any(r["now"] in HOLIDAY_NOWS for r in requests if r["op"] == "step"):
        pytest.skip("this content has no hours that name public holidays")
    assert_holiday_answers(requests, responses)
