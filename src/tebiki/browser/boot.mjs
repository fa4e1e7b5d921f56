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

import { engineOver } from "./engine_api.mjs";

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
  const engine = await engineOver(bridge, { manifest, resolve, readText, trees, labels });
  return { pyodide, ...engine };
}
