"""Helpers for the MicroPython tests: the engine in Node on the npm package, and
what that MicroPython lacks, as found by trying it (and checked against it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tebiki.site.runtime import BROWSER, PACKAGE

from ..conftest import SITE

RUNNER = BROWSER / "micropython_engine.mjs"
NPM_MICROPYTHON = SITE.node_modules / "@micropython" / "micropython-webassembly-pyscript"

# The Python files every runtime runs, unchanged: tebiki.core.
SHARED_FILES = tuple(sorted((PACKAGE / "core").glob("*.py")))

# On CI nothing is skipped: a missing install step must turn the run red.
_ON_CI = bool(os.environ.get("CI"))
needs_micropython = pytest.mark.skipif(
    not _ON_CI and (shutil.which("node") is None
                    or not (NPM_MICROPYTHON / "micropython.mjs").exists()),
    reason="needs node and node_modules/@micropython (run `npm ci`)")

# The public attributes of the objects the shared files handle, on the pinned
# MicroPython (1.27.0, PyScript variant), as `dir()` lists them there. The subset
# test refuses what CPython has beyond these; the parity test checks this list
# against the real thing, so a new pin that changes it is noticed.
MICROPYTHON_ATTRS: dict[str, list[str]] = {
    "str": ["center", "count", "encode", "endswith", "find", "format", "index", "isalpha",
            "isdigit", "islower", "isspace", "isupper", "join", "lower", "lstrip", "partition",
            "replace", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split",
            "splitlines", "startswith", "strip", "upper"],
    "dict": ["clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem",
             "setdefault", "update", "values"],
    "list": ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove",
             "reverse", "sort"],
    "set": ["add", "clear", "copy", "difference", "difference_update", "discard",
            "intersection", "intersection_update", "isdisjoint", "issubset", "issuperset",
            "pop", "remove", "symmetric_difference", "symmetric_difference_update", "union",
            "update"],
    "date": ["day", "fromisoformat", "fromordinal", "fromtimestamp", "isoformat", "isoweekday",
             "max", "min", "month", "replace", "resolution", "timetuple", "today", "toordinal",
             "tuple", "weekday", "year"],
    "datetime": ["EPOCH", "astimezone", "combine", "date", "day", "dst", "fold",
                 "fromisoformat", "fromordinal", "fromtimestamp", "hour", "isoformat",
                 "isoweekday", "microsecond", "minute", "month", "now", "replace", "second",
                 "time", "timestamp", "timetuple", "timetz", "toordinal", "tuple", "tzinfo",
                 "tzname", "utcoffset", "weekday", "year"],
    "timedelta": ["days", "isoformat", "max", "microseconds", "min", "resolution", "seconds",
                  "total_seconds", "tuple"],
    "re.Pattern": ["match", "search", "split", "sub"],
    "re.Match": ["group"],
    "re": ["compile", "match", "search", "sub"],
    "json": ["dump", "dumps", "load", "loads"],
}

# Prints the same table from inside MicroPython (see MICROPYTHON_ATTRS).
PROBE_ATTRS = """
import json, re
from datetime import date, datetime, timedelta
pattern = re.compile("a")
objects = {"str": str, "dict": dict, "list": list, "set": set, "date": date,
           "datetime": datetime, "timedelta": timedelta, "re.Pattern": pattern,
           "re.Match": pattern.search("a"), "re": re, "json": json}
out = {}
for name in objects:
    out[name] = sorted(a for a in dir(objects[name]) if not a.startswith("_"))
print(json.dumps(out))
"""


def node(*args: str, stdin: str) -> tuple[str, str]:
    proc = subprocess.run(["node", str(RUNNER), *args], input=stdin, capture_output=True,
                          text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"micropython_engine.mjs {args[0]} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout, proc.stderr


def run_on_micropython(runtime: Path, requests: list[dict]) -> tuple[float, list[dict]]:
    """(boot time in ms, responses) of the engine on MicroPython in Node, booted from a
    built runtime folder (`_tebiki/` of a site with runtime: micropython) exactly as the
    browser's worker boots it: the same boot module, the same files."""
    proc = subprocess.run(["node", str(BROWSER / "node_engine.mjs"), "run", str(runtime)],
                          input=json.dumps(requests), capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"node_engine.mjs run failed:\n{proc.stderr[-3000:]}")
    boot = re.search(r"booted in (\d+) ms", proc.stderr)
    assert boot, proc.stderr
    return float(boot.group(1)), json.loads(proc.stdout)


def exec_on_micropython(code: str) -> str:
    """What `code` prints when MicroPython runs it."""
    out, _err = node("exec", stdin=code)
    return out
