"""The engine in Node on MicroPython and on Pyodide, side by side in one run.

    .venv/bin/python scripts/bench_engine_node.py [--content decision_trees] [--boots 5]

Compiles the content (with the site's labels), lays out the Pyodide runtime the
site ships (bytecode stdlib, inline lock file, the engine wheel), and runs the
same Python files on both runtimes in Node (no browser, no network):

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
sys.path.insert(0, str(ROOT / "scripts"))

import vendor_pyodide  # noqa: E402
from tests.support.micropython import (  # noqa: E402
    NPM_MICROPYTHON,
    SHARED_FILES,
    run_on_micropython,
)
from tests.support.pyodide import (  # noqa: E402
    FIXED_NOWS,
    compile_content,
    load_trees,
    states,
    with_site_labels,
)

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


def run_pyodide(runtime: Path, requests: list[dict]) -> tuple[float, list[dict]]:
    proc = subprocess.run(["node", str(ROOT / "pyodide" / "node_engine.mjs"), "run",
                           str(runtime)], input=json.dumps(requests), capture_output=True,
                          text=True, timeout=600, check=True)
    boot = float(proc.stderr.split("booted in ")[1].split(" ms")[0])
    return boot, json.loads(proc.stdout)


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
        compiled = compile_content(with_site_labels(args.content, work / "content"),
                                   work / "compiled")
        trees = load_trees(compiled)
        runtime = vendor_pyodide.vendor(work / "site", compiled, "fast")
        manifest = json.loads((runtime / "manifest.json").read_text(encoding="utf-8"))
        guides = manifest["guides"]
        first = requests_for(trees)[:1]
        requests = requests_for(trees)

        runs = {"MicroPython": lambda reqs: run_on_micropython(compiled, reqs, guides),
                "Pyodide": lambda reqs: run_pyodide(runtime, reqs)}
        figures: dict[str, dict] = {}
        for name, run in runs.items():
            boots, firsts = [], []
            for _ in range(args.boots):
                boot, responses = run(first)
                assert responses[0]["ok"], responses[0]
                boots.append(boot)
                firsts.append(responses[0]["ms"])
            _boot, responses = run(requests)
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

        mpy_files = [NPM_MICROPYTHON / "micropython.mjs", NPM_MICROPYTHON / "micropython.wasm",
                     ROOT / "src" / "tebiki" / "__init__.py", *SHARED_FILES]
        pyodide_files = [runtime / manifest["pyodide"]["index"] / name
                         for name in vendor_pyodide.PYODIDE_FILES]
        pyodide_files += [runtime / manifest["pyodide"]["stdlib"], runtime / manifest["wheel"]]
        bytes_ = {"MicroPython": sizes(mpy_files), "Pyodide": sizes(pyodide_files)}

    node_version = subprocess.run(["node", "--version"], capture_output=True,
                                  text=True).stdout.strip()
    package = json.loads((NPM_MICROPYTHON / "package.json").read_text(encoding="utf-8"))
    print(f"content {args.content.name}: {len(trees)} trees, {len(requests) // 2} states; "
          f"Node {node_version}, MicroPython {package['version']}, "
          f"Pyodide {vendor_pyodide.pinned_version()}")
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
    print("runtime: MicroPython = micropython.mjs, micropython.wasm and the engine's .py "
          "files;\nPyodide = pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm, the bytecode "
          "stdlib zip and the wheel,\nas the site ships them (trees and labels, the same "
          "for both, left out).")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
