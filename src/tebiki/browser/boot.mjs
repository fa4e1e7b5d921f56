// Boot the tebiki engine on Pyodide, as tebiki.site.runtime laid the files out.
//
// Shared by the wizard's Web Worker (browser, which imports the boot module the
// manifest names) and node_engine.mjs (Node: the parity test, the stdlib trace),
// so both boot exactly the same way. micropython_boot.mjs exports the same
// `bootEngine` for MicroPython.
//
// `manifest` is the manifest.json that the build writes; its paths are relative
// to the manifest's folder, and `resolve` turns them into what loadPyodide and
// `readText` accept (URLs in a browser, paths in Node).

export async function bootEngine({ manifest, resolve, readText, stdout, stderr, preload = [] }) {
  const { loadPyodide } = await import(resolve(manifest.pyodide.index + "pyodide.mjs"));
  const options = {
    indexURL: resolve(manifest.pyodide.index),
    packageBaseUrl: resolve(""),
    packageCacheDir: resolve(""),
    stdout: stdout ?? (() => {}),
    stderr: stderr ?? (() => {}),
  };
  if (manifest.variant === "fast") {
    // Bytecode compiled inside Pyodide, and an inline lock file with no packages:
    // no pyodide-lock.json to fetch, no package installer to import.
    options.stdLibURL = resolve(manifest.pyodide.stdlib);
    options.lockFileContents = manifest.lock;
  }
  // Fetch the engine's files, the trees and the labels while Python starts.
  const modules = Object.entries(manifest.modules ?? {})
    .map(([file, rel]) => [file, readText(resolve(rel))]);
  const labels = readText(resolve(manifest.labels));
  const trees = new Map(preload.filter((id) => id in manifest.trees)
    .map((id) => [id, readText(resolve(manifest.trees[id]))]));
  const pyodide = await loadPyodide(options);
  if (manifest.variant === "fast") {
    // The engine's files go into a folder of their own on sys.path, as they are.
    const root = "/lib/tebiki-engine/";
    for (const [file, text] of modules) {
      const target = root + file;
      pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf("/")));
      pyodide.FS.writeFile(target, await text);
    }
    pyodide.pyimport("sys").path.insert(0, root);
  } else {
    // Stock Pyodide, the way its documentation shows: the stock standard
    // library and lock file, then the wheel by URL.
    await pyodide.loadPackage(resolve(manifest.wheel));
  }
  const bridge = pyodide.pyimport("tebiki.core.bridge");
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
    pyodide,
    everyTree,
    treesFor,
    async step(treeId, answers, now = null) {
      await tree(treeId);
      // undefined, not null, reaches Python as None.
      return bridge.step(treeId, JSON.stringify(answers), now ?? undefined);
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
