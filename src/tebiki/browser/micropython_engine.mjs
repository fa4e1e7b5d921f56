// The engine on MicroPython in Node, for tests and the benchmark (never shipped).
//
//   node src/tebiki/browser/micropython_engine.mjs run COMPILED_DIR [GUIDES] < requests.json > responses.json
//       boot MicroPython from node_modules with the engine's source files as
//       they are in this repository and the compiled bundle in COMPILED_DIR
//       (labels.json, trees/<id>.json; `tebiki compile` writes it), then answer
//       a JSON array of requests, in order, in this one process, exactly like
//       node_engine.mjs does on Pyodide:
//         {"op": "step", "tree": id, "answers": {...}, "now": "2026-11-28T09:30" | null}
//         {"op": "render", "tree": id, "lang": "ja", "now": ..., "answers": {...} | "options": [...]}
//         {"op": "modules"}
//       GUIDES is a JSON list of the tree ids that have a guide page (default: none).
//       Each response is {"ok": true, "value": <the bridge's JSON text>, "ms": time}
//       or {"ok": false, "error": text, "ms": time}. The first line of stderr
//       gives the boot time.
//   node src/tebiki/browser/micropython_engine.mjs exec < code.py
//       run Python source on a bare MicroPython and print what it prints (tests
//       use it to see what this MicroPython has).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { bootMicroPythonEngine } from "./micropython_boot.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.dirname(here); // the tebiki package

// The Python the browser would run: the same files the Pyodide wheel packs (tebiki.core).
const MODULES = { "tebiki/__init__.py": path.join(pkg, "__init__.py") };
for (const name of ["__init__", "engine", "contract", "layout", "render", "bridge"]) {
  MODULES[`tebiki/core/${name}.py`] = path.join(pkg, "core", `${name}.py`);
}

function bundleManifest(compiledDir, guides) {
  const trees = {};
  for (const name of fs.readdirSync(path.join(compiledDir, "trees")).sort()) {
    if (name.endsWith(".json")) trees[name.slice(0, -5)] = path.join(compiledDir, "trees", name);
  }
  return { modules: MODULES, labels: path.join(compiledDir, "labels.json"), trees, guides };
}

async function run(compiledDir, guidesJson) {
  const manifest = bundleManifest(path.resolve(compiledDir), JSON.parse(guidesJson ?? "[]"));
  const requests = JSON.parse(fs.readFileSync(0, "utf8"));
  const started = performance.now();
  const engine = await bootMicroPythonEngine({
    loadMicroPython,
    manifest,
    resolve: (file) => file,
    readText: async (file) => fs.readFileSync(file, "utf8"),
    stderr: (line) => process.stderr.write(line + "\n"),
  });
  process.stderr.write(`booted in ${Math.round(performance.now() - started)} ms\n`);
  const out = [];
  for (const req of requests) {
    const begun = performance.now();
    try {
      let value;
      if (req.op === "step") value = await engine.step(req.tree, req.answers, req.now ?? null);
      else if (req.op === "render") {
        const { op, ...request } = req;
        value = await engine.render(request);
      }
      else if (req.op === "modules") value = JSON.stringify(engine.modules());
      else throw new Error(`unknown op ${req.op}`);
      out.push({ ok: true, value, ms: performance.now() - begun });
    } catch (err) {
      out.push({ ok: false, error: String(err.message ?? err), ms: performance.now() - begun });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

async function exec() {
  const lines = [];
  const mp = await loadMicroPython({ stdout: (line) => lines.push(line) });
  try {
    mp.runPython(fs.readFileSync(0, "utf8"));
  } catch (err) {
    process.stderr.write(String(err.message ?? err) + "\n");
    process.exit(1);
  }
  process.stdout.write(lines.map((line) => line + "\n").join(""));
}

const [command, ...args] = process.argv.slice(2);
if (command === "run" && (args.length === 1 || args.length === 2)) await run(...args);
else if (command === "exec" && args.length === 0) await exec();
else {
  process.stderr.write("usage: micropython_engine.mjs run COMPILED_DIR [GUIDES_JSON] | exec\n");
  process.exit(2);
}
