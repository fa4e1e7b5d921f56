// Boot the tebiki engine on MicroPython's WebAssembly port, the lighter runtime
// (npm @micropython/micropython-webassembly-pyscript, pinned in package.json).
//
// The wizard's Web Worker imports it (as the manifest of a site with
// `runtime: micropython` names it) and calls `bootEngine`, exactly as it calls
// boot.mjs's on Pyodide; so does node_engine.mjs in Node (the parity test, the
// benchmark). It answers the calls boot.mjs answers, with the very same Python
// files: the bridge tebiki.core.bridge over tebiki.core.engine and
// tebiki.core.render.
//
// `manifest` names what to load, its paths relative to wherever `resolve`
// points (URLs in a browser, paths in Node):
//   micropython: {index}  the folder of micropython.mjs and micropython.wasm;
//   modules: {"tebiki/core/engine.mpy": path, ...}  written into MicroPython's
//            in-memory file system under /lib (on its sys.path): the engine's
//            files as MicroPython bytecode (or as sources, .py);
//   labels:  path of labels.json;   trees: {id: path of the compiled tree};
//   guides:  the tree ids that have a guide page.

import { engineOver } from "./engine_api.mjs";

export function bootEngine(options) {
  const { manifest, resolve } = options;
  // micropython.mjs loads micropython.wasm from beside itself.
  const loadMicroPython = import(resolve(manifest.micropython.index + "micropython.mjs"))
    .then((module) => module.loadMicroPython);
  return bootMicroPythonEngine({ ...options, loadMicroPython });
}

// `loadMicroPython` is the package's export, or a promise of it (bootEngine imports
// it from the site while the engine's files download). `readBytes` reads a file
// as bytes (the bytecode); without it, `readText` reads the modules.
export async function bootMicroPythonEngine({ loadMicroPython, manifest, resolve, readText,
                                              readBytes, stdout, stderr, preload = [] }) {
  // Fetch the modules (bytecode, .mpy, when the build could compile them), trees and
  // labels while MicroPython starts.
  const modules = Object.entries(manifest.modules)
    .map(([file, rel]) => [file, (readBytes ?? readText)(resolve(rel))]);
  const labels = readText(resolve(manifest.labels));
  const trees = new Map(preload.filter((id) => id in manifest.trees)
    .map((id) => [id, readText(resolve(manifest.trees[id]))]));
  // The package's default heap (1 MB) grows as needed: a larger start measured no faster.
  const load = await loadMicroPython;
  const mp = await load({
    stdout: stdout ?? (() => {}),
    stderr: stderr ?? (() => {}),
  });
  for (const [file, text] of modules) {
    const target = "/lib/" + file;
    mp.FS.mkdirTree(target.slice(0, target.lastIndexOf("/")));
    mp.FS.writeFile(target, await text);
  }
  // A proxy of the Python module: calling its functions with JavaScript strings
  // passes Python str, and a str returned comes back as a JavaScript string
  // (null and undefined both reach Python as None).
  const bridge = mp.pyimport("tebiki.core.bridge");
  const engine = await engineOver(bridge, { manifest, resolve, readText, trees, labels });
  return { micropython: mp, ...engine };
}
