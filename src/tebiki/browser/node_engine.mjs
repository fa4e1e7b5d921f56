// The engine in Node, for build steps, tests and benchmarks (never shipped).
//
//   node node_engine.mjs compile-stdlib PYODIDE_DIR OUT_ZIP
//       compile the stock standard library zip to bytecode inside Pyodide
//   node node_engine.mjs run RUNTIME_DIR < requests.json > responses.json
//       boot from a built runtime folder (the one holding manifest.json) with
//       the boot module its manifest names (Pyodide or MicroPython), exactly
//       as the browser worker does, then answer a JSON array of requests, in
//       order, in this one process:
//         {"op": "step", "tree": id, "answers": {...}, "now": "2026-11-28T09:30" | null}
//         {"op": "render", "tree": id, "lang": "ja", "now": ..., "answers": {...} | "options": [...]}
//         {"op": "modules"}
//       Each response is {"ok": true, "value": <the bridge's JSON text>, "ms": time}
//       or {"ok": false, "error": text, "ms": time}. A request with "keep": false
//       answers "value": null (the build's module trace renders every state and
//       needs none of them: holding them all ran Node out of heap). The first
//       line of stderr gives the boot time.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
const here = path.dirname(fileURLToPath(import.meta.url));

async function compileStdlib(pyodideDir, outZip) {
  const { loadPyodide } = await import(path.resolve(pyodideDir, "pyodide.mjs"));
  const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/" });
  pyodide.FS.writeFile("/tmp/compile_stdlib.py", fs.readFileSync(path.join(here, "compile_stdlib.py")));
  const count = pyodide.runPython(`
import sys
sys.path.insert(0, "/tmp")
import compile_stdlib
compile_stdlib.compile_zip("/lib/python314.zip", "/tmp/out.zip", "/lib/python314.zip")
`);
  fs.writeFileSync(outZip, pyodide.FS.readFile("/tmp/out.zip"));
  process.stderr.write(`compiled ${count} modules\n`);
}

async function run(runtimeDir) {
  const base = path.resolve(runtimeDir) + "/";
  const manifest = JSON.parse(fs.readFileSync(base + "manifest.json", "utf8"));
  const requests = JSON.parse(fs.readFileSync(0, "utf8"));
  const started = performance.now();
  const { bootEngine } = await import(base + manifest.boot);
  const engine = await bootEngine({
    manifest,
    // Files only: drop nothing but join paths (no URLs, no query strings here).
    resolve: (rel) => base + rel,
    readText: async (file) => fs.readFileSync(file, "utf8"),
    readBytes: async (file) => new Uint8Array(fs.readFileSync(file)),
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
        const { op, keep, ...request } = req;
        value = await engine.render(request);
      }
      else if (req.op === "modules") value = JSON.stringify(engine.modules());
      else throw new Error(`unknown op ${req.op}`);
      out.push({ ok: true, value: req.keep === false ? null : value, ms: performance.now() - begun });
    } catch (err) {
      out.push({ ok: false, error: String(err.message ?? err), ms: performance.now() - begun });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

const [command, ...args] = process.argv.slice(2);
if (command === "compile-stdlib" && args.length === 2) await compileStdlib(...args);
else if (command === "run" && args.length === 1) await run(...args);
else {
  process.stderr.write("usage: node_engine.mjs compile-stdlib PYODIDE_DIR OUT_ZIP | run RUNTIME_DIR\n");
  process.exit(2);
}
