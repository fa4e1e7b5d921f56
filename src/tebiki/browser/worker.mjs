// The wizard's module Web Worker: boots the engine from this site's own files
// and renders wizard states on request. The same file for every runtime: the
// manifest names the boot module of the site's (boot.mjs for Pyodide,
// micropython_boot.mjs for MicroPython; both export the same bootEngine).
//
// Messages in:  {type: "init", tree} (the page's tree: "ready" once it and the
//                trees it continues to are loaded; every tree without one)
//               {type: "render", id, request} (see tebiki.core.bridge.render)
// Messages out: {type: "ready", ms, timeZone} | {type: "failed", error}
//               {type: "rendered", id, ok: true, value} (the bridge's JSON text)
//               {type: "rendered", id, ok: false, error}
//
// Nothing here leaves the origin: every URL is resolved against this file's own.

const base = new URL("./", import.meta.url);
let engine = null;
let timeZone = null;

async function read(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  return response;
}
const readText = async (url) => (await read(url)).text();
const readBytes = async (url) => new Uint8Array(await (await read(url)).arrayBuffer());

async function boot(treeId) {
  const started = performance.now();
  // The manifest names every other file by content hash, so only it is revalidated.
  const response = await fetch(new URL("manifest.json", base), { cache: "no-cache" });
  if (!response.ok) throw new Error(`${response.status} manifest.json`);
  const manifest = await response.json();
  timeZone = manifest.timezone ?? null;
  preload(manifest.preload ?? []);
  const bootURL = new URL(manifest.boot, base);
  if (bootURL.origin !== base.origin) throw new Error("the boot module must be the site's own");
  const { bootEngine } = await import(bootURL.href);
  const known = typeof treeId === "string" && Object.hasOwn(manifest.trees, treeId);
  engine = await bootEngine({
    manifest,
    resolve: (rel) => new URL(rel, base).href,
    readText,
    readBytes,
    // the page's tree and those it continues to, fetched while the runtime starts
    preload: known ? [treeId, ...(manifest.linked?.[treeId] ?? [])] : Object.keys(manifest.trees),
  });
  await (known ? engine.treesFor(treeId) : engine.everyTree());
  return Math.round(performance.now() - started);
}

// The runtime's large files, asked for at once rather than one after the other
// as each module finds the next (a round trip each, on a slow line): modules by
// import() (the module map fetches a URL once), other files by fetch(), the
// response handed to the runtime's own first fetch() of that URL.
function preload(paths) {
  const early = new Map();
  for (const rel of paths) {
    const url = new URL(rel, base);
    if (url.origin !== base.origin) continue;
    if (url.pathname.endsWith(".mjs")) import(url.href).catch(() => {}); // the boot sees it fail
    else early.set(url.href, fetch(url.href, { credentials: "same-origin" }));
  }
  if (early.size === 0) return;
  const fetchLater = self.fetch.bind(self);
  self.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), base).href;
    const response = early.get(url);
    if (response === undefined) return fetchLater(input, init);
    early.delete(url); // once: a second try (after a failed compile, say) goes to the network
    return response;
  };
}

self.addEventListener("message", async (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    try {
      const ms = await boot(msg.tree);
      self.postMessage({ type: "ready", ms, timeZone });
    } catch (err) {
      self.postMessage({ type: "failed", error: String(err?.message ?? err) });
    }
  } else if (msg.type === "render") {
    try {
      const value = await engine.render(msg.request);
      self.postMessage({ type: "rendered", id: msg.id, ok: true, value });
    } catch (err) {
      self.postMessage({ type: "rendered", id: msg.id, ok: false, error: String(err?.message ?? err) });
    }
  }
});
