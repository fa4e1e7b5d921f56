"""The engine on MicroPython answers exactly as on CPython, for every state of every tree.

The runtime folder a site with `runtime: micropython` ships (MicroPython's
WebAssembly port from npm, the engine's files compiled to MicroPython bytecode
from the same sources) runs in Node, booted by the very boot module the
browser's worker uses: one process per content answers every request. The JSON
texts must be identical to CPython's: the engine's `next_step` (as CPython's
json.dumps writes it canonically), and the wizard region the bridge renders, in
both languages, with and without a clock, on ordinary and on embed pages. The
requests are the Pyodide parity test's own (tests/support/parity.py).
"""

from __future__ import annotations

import json

import pytest

from tests.support.micropython import (
    MICROPYTHON_ATTRS,
    PROBE_ATTRS,
    exec_on_micropython,
    needs_micropython,
    run_on_micropython,
)
from tests.support.parity import (
    assert_covers_everything,
    render_differences,
    requests_for,
    step_differences,
)
from tests.support.pyodide import (
    HOLIDAY_NOWS,
    assert_holiday_answers,
    build_runtime,
    content_roots,
    load_trees,
)

pytestmark = needs_micropython


@pytest.fixture(scope="module", params=sorted(content_roots()))
def run(request, tmp_path_factory):
    """(content name, compiled folder, manifest, requests, MicroPython's responses)."""
    workdir = tmp_path_factory.mktemp("mpy-" + request.param)
    site, compiled = build_runtime(content_roots()[request.param], workdir,
                                   runtime="micropython")
    runtime = site / "_tebiki"
    manifest = json.loads((runtime / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runtime"] == "micropython"
    # what ships is bytecode, not the sources: the parity is that of the .mpy files
    assert list(runtime.glob("engine-*/tebiki/core/engine.mpy"))
    requests = requests_for(load_trees(compiled))
    _boot_ms, responses = run_on_micropython(runtime, requests)
    return request.param, compiled, manifest, requests, responses


def test_every_state_steps_the_same(run):
    _name, compiled, _manifest, requests, responses = run
    problem = step_differences("MicroPython", compiled, requests, responses)
    assert problem is None, problem


def test_every_state_renders_the_same_html(run):
    _name, compiled, manifest, requests, responses = run
    problem = render_differences("MicroPython", compiled, manifest["guides"], requests,
                                 responses)
    assert problem is None, problem


def test_the_run_covers_every_state_the_clock_and_the_embed_pages(run):
    name, compiled, manifest, requests, responses = run
    assert manifest["guides"] == sorted(load_trees(compiled))
    assert_covers_everything(name, compiled, requests, responses)


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
