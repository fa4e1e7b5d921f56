"""The engine on Pyodide answers exactly as on CPython, for every state of every tree.

One Node process per content boots Pyodide once, from the runtime folder a site
with `runtime: pyodide` ships (bytecode stdlib, inline lock file, the engine's
files), with the very boot module the browser's worker uses, and answers every
request. The JSON texts must be identical to CPython's: the engine's
`next_step`, and the wizard region the bridge renders, in both languages, with
and without a clock, on ordinary and on embed pages. The requests are the
MicroPython parity test's own (tests/support/parity.py).
"""

from __future__ import annotations

import json

import pytest

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
    needs_node,
    run_on_pyodide,
)

pytestmark = needs_node


@pytest.fixture(scope="module", params=sorted(content_roots()))
def run(request, tmp_path_factory):
    """(content name, compiled folder, manifest, requests, Pyodide's responses)."""
    site, compiled = build_runtime(content_roots()[request.param],
                                   tmp_path_factory.mktemp(request.param))
    runtime = site / "_tebiki"
    manifest = json.loads((runtime / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runtime"] == "pyodide"
    requests = requests_for(load_trees(compiled))
    return request.param, compiled, manifest, requests, run_on_pyodide(runtime, requests)


def test_every_state_steps_the_same(run):
    _name, compiled, _manifest, requests, responses = run
    problem = step_differences("Pyodide", compiled, requests, responses)
    assert problem is None, problem


def test_every_state_renders_the_same_html(run):
    _name, compiled, manifest, requests, responses = run
    problem = render_differences("Pyodide", compiled, manifest["guides"], requests, responses)
    assert problem is None, problem


def test_the_run_covers_every_state_the_clock_and_the_embed_pages(run):
    name, compiled, manifest, requests, responses = run
    assert manifest["guides"] == sorted(load_trees(compiled))
    assert_covers_everything(name, compiled, requests, responses)


def test_public_holidays_answer_as_on_cpython(run):
    """Parity above covers the holiday requests too; here, what they answered."""
    requests, responses = run[-2], run[-1]
    if not any(r["now"] in HOLIDAY_NOWS for r in requests if r["op"] == "step"):
        pytest.skip("this content has no hours that name public holidays")
    assert_holiday_answers(requests, responses)
