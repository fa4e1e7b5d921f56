"""A failed build says what failed in one line; the long logs behind it wait for -v."""

from __future__ import annotations

from tebiki.site.runtime import node_failed

V8_DUMP = """
<--- Last few GCs --->
[4121:0x6a3b000]   201512 ms: Mark-Compact 4043.9 (4130.2) -> 4031.6 (4134.0) MB
<--- JS stacktrace --->
FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
 1: 0xb9c1f0 node::Abort() [node]
 2: 0xaa27ee  [node]
"""


def test_node_out_of_memory_is_named_as_such_in_one_line():
    """The build printed `adding the in-browser wizard failed (did npm ci run?)` and 26
    lines of V8's dump when the content was past what a build can take."""
    error = node_failed("run", 134, V8_DUMP)
    message = str(error)
    assert "\n" not in message and "npm" not in message
    assert message.startswith("Node ran out of memory in `run`")
    assert "docs/FORMAT.md, Limits" in message
    assert "FATAL ERROR" in error.details


def test_another_node_failure_gives_its_last_line():
    error = node_failed("compile-stdlib", 1, "at foo\nError: cannot find module 'pyodide'\n")
    assert str(error) == ("node_engine.mjs compile-stdlib failed (exit 1): Error: cannot find "
                          "module 'pyodide'")
