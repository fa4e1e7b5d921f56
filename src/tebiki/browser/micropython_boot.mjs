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
  bridge.set_labels(await labels);
  bridge.set_guides(JSON.stringify(manifest.guides ?? []));

  const linked = new Map(); // tree id -> the trees its outcomes continue to
  async function tree(id) {
    if (!(id in manifest.trees)) throw new Error(`no tree ${id}`);
    if (!trees.has(id)) trees.set(id, readText(resolve(manifest.trees[id])));
    const text = await trees.get(id);
    if (text !== null) {
      linked.set(id, Object.keys(JSON.parse(text).linked_trees ?? {}));
      bridge.add_tree(text);
      trees.set(id, Promise.resolve(null)); // handed to Python: drop the text
    }
  }
  // A state renders with its tree and the trees its outcomes continue to (a
  // continue link lands on a state of those, found by walking them); other trees
  // are fetched only when a step goes there.
  async function treesFor(id) {
    await tree(id);
    await Promise.all(linked.get(id).filter((other) => other in manifest.trees).map(tree));
  }
  const everyTree = () => Promise.all(Object.keys(manifest.trees).map(tree));

  return {
    micropython: mp,
    everyTree,
    treesFor,
    async step(treeId, answers, now = null) {
      await tree(treeId);
      return bridge.step(treeId, JSON.stringify(answers), now);
    },
    // `request`: {tree, lang, now, answers | options}, see tebiki.core.bridge.render.
    async render(request) {
      await treesFor(request.tree);
      return bridge.render(JSON.stringify(request));
    },
    modules() {
      return JSON.parse(bridge.modules());
    },
  };
}
