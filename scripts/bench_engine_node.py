"""The engine in Node on MicroPython and on Pyodide, side by side in one run.

    .venv/bin/python scripts/bench_engine_node.py [--content decision_trees] [--boots 5]

Compiles the content (with its labels) and lays out each runtime folder as the
site build does (tebiki.site.runtime: Pyodide with its bytecode stdlib and an
inline lock file; MicroPython's wasm and module), then runs the same Python
files from those folders in Node (node_engine.mjs, the boot module each
manifest names; no browser, no network):

  boot       loading the runtime, the engine's modules and the labels, until the
             bridge answers (median and range of --boots fresh processes)
  first step the first step of a fresh process (loads its tree)
  step       the bridge's `step` for every state of every tree, with a clock
  render     the bridge's `render` of every state, Japanese, with a clock
             (median and 95th percentile over one process's calls, after its first)

and the bytes a browser would download for each runtime, raw, gzip -9 and
Brotli (quality 11, Node's zlib). It prints figures, it asserts nothing: machines
differ, so compare the two columns of one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.pyodide import (  # noqa: E402
    FIXED_NOWS,
    build_runtime,
    load_trees,
    states,
)

from tebiki.site.runtime import BROWSER  # noqa: E402

SIZES_JS = """
const fs = require("fs"), zlib = require("zlib");
const out = {};
for (const file of JSON.parse(fs.readFileSync(0, "utf8"))) {
  const data = fs.readFileSync(file);
  out[file] = [data.length, zlib.gzipSync(data, {level: 9}).length,
    zlib.brotliCompressSync(data, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11}}).length];
}
process.stdout.write(JSON.stringify(out));
"""


def requests_for(trees: dict) -> list[dict]:
    requests = []
    for tid, tree in trees.items():
        for answers in states(tree):
            requests.append({"op": "step", "tree": tid, "answers": answers,
                             "now": FIXED_NOWS[0]})
            requests.append({"op": "render", "tree": tid, "answers": answers, "lang": "ja",
                             "now": FIXED_NOWS[0]})
    return requests


def run_node(runtime: Path, requests: list[dict]) -> tuple[float, list[dict]]:
    """(boot ms, responses): the engine booted from a runtime folder, as the worker does."""
    proc = subprocess.run(["node", str(BROWSER / "node_engine.mjs"), "run", str(runtime)],
                          input=json.dumps(requests), capture_output=True, text=True,
                          timeout=600, check=True, cwd=ROOT)
    boot = float(proc.stderr.split("booted in ")[1].split(" ms")[0])
    return boot, json.loads(proc.stdout)


def runtime_files(runtime: Path, manifest: dict) -> list[Path]:
    """What a browser downloads for the runtime itself (not the trees and labels, the
    same for both): the interpreter, its stdlib, the boot module, the engine's files."""
    files = [runtime / manifest["boot"], *(runtime / rel for rel in manifest["modules"].values())]
    if manifest["runtime"] == "pyodide":
        files.append(runtime / manifest["pyodide"]["stdlib"])
    return files + [runtime / rel for rel in manifest["preload"]
                    if not rel.endswith(".zip")]


def sizes(files: list[Path]) -> list[int]:
    proc = subprocess.run(["node", "-e", SIZES_JS], input=json.dumps([str(f) for f in files]),
                          capture_output=True, text=True, check=True)
    per_file = json.loads(proc.stdout)
    return [sum(v[i] for v in per_file.values()) for i in range(3)]


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f}"


def kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "decision_trees")
    parser.add_argument("--boots", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runtimes, manifests = {}, {}
        for name, runtime in (("MicroPython", "micropython"), ("Pyodide", "pyodide")):
            site, compiled = build_runtime(args.content, work / runtime, runtime=runtime)
            runtimes[name] = site / "_tebiki"
            manifests[name] = json.loads((runtimes[name] / "manifest.json").read_text())
        trees = load_trees(compiled)
        first = requests_for(trees)[:1]
        requests = requests_for(trees)

        figures: dict[str, dict] = {}
        for name, folder in runtimes.items():
            boots, firsts = [], []
            for _ in range(args.boots):
                boot, responses = run_node(folder, first)
                assert responses[0]["ok"], responses[0]
                boots.append(boot)
                firsts.append(responses[0]["ms"])
            _boot, responses = run_node(folder, requests)
            failed = [r for r in responses if not r["ok"]]
            assert not failed, failed[0]
            timed = list(zip(requests, responses, strict=True))[2:]  # after the first state
            figures[name] = {
                "boot": boots, "first": firsts,
                "step": [res["ms"] for req, res in timed if req["op"] == "step"],
                "render": [res["ms"] for req, res in timed if req["op"] == "render"],
            }
            figures[name]["values"] = [res["value"] for res in responses]
        identical = figures["MicroPython"]["values"] == figures["Pyodide"]["values"]
        bytes_ = {name: sizes(runtime_files(runtimes[name], manifests[name]))
                  for name in runtimes}
        runs = list(runtimes)

    node_version = subprocess.run(["node", "--version"], capture_output=True,
                                  text=True).stdout.strip()
    print(f"content {args.content.name}: {len(trees)} trees, {len(requests) // 2} states; "
          f"Node {node_version}, MicroPython {manifests['MicroPython']['micropython']['version']}, "
          f"Pyodide {manifests['Pyodide']['pyodide']['version']}")
    rows = [("", "MicroPython", "Pyodide")]
    for label, key in (("boot, ms (median / max)", "boot"),
                       ("first step, ms (median / max)", "first")):
        rows.append((label, *(f"{statistics.median(figures[n][key]):.1f} / "
                              f"{max(figures[n][key]):.1f}" for n in runs)))
    for label, key in (("step, ms (median / p95)", "step"),
                       ("render, ms (median / p95)", "render")):
        rows.append((label, *(spread(figures[n][key]) for n in runs)))
    for index, label in enumerate(("runtime, raw", "runtime, gzip -9", "runtime, brotli 11")):
        rows.append((label, *(kb(bytes_[n][index]) for n in runs)))
    for row in rows:
        print(f"{row[0]:32}{row[1]:>18}{row[2]:>18}")
    print(f"same answers from both: {'yes' if identical else 'NO'}")
    print("runtime: the boot module, the engine's .py files and the interpreter as the site "
          "ships them\n(MicroPython: micropython.mjs, micropython.wasm; Pyodide: pyodide.mjs,"
          " pyodide.asm.mjs,\npyodide.asm.wasm, the bytecode stdlib zip); the trees and labels,"
          " the same for both, left out.")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
