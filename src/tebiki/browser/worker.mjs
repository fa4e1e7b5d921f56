// The wizard's module Web Worker: boots the engine from this site's own files
// and renders wizard states on request. The same file for every runtime: the
// manifest names the boot module of the site's (boot.mjs for Pyodide,
// micropython_boot.mjs for MicroPython; both export the same bootEngine).
//
// Messages in:  {type: "init"}
//               {type: "render", id, request} (see tebiki.core.bridge.render)
// Messages out: {type: "ready", ms, timeZone} | {type: "failed", error}
//               {type: "rendered", id, ok: true, value} (the bridge's JSON text)
//               {type: "rendered", id, ok: false, error}
//
// Nothing here leaves the origin: every URL is resolved against this file's own.

const base = new URL("./", import.meta.url);
let engine = null;
let timeZone = null;

async function readText(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  return response.text();
}

async function boot() {
  const started = performance.now();
  // The manifest names every other file by content hash, so only it is revalidated.
  const response = await fetch(new URL("manifest.json", base), { cache: "no-cache" });
  if (!response.ok) throw new Error(`${response.status} manifest.json`);
  const manifest = await response.json();
  timeZone = manifest.timezone ?? null;
  const bootURL = new URL(manifest.boot, base);
  if (bootURL.origin !== base.origin) throw new Error("the boot module must be the site's own");
  const { bootEngine } = await import(bootURL.href);
  engine = await bootEngine({
    manifest,
    resolve: (rel) => new URL(rel, base).href,
    readText,
    preload: Object.keys(manifest.trees),
  });
  await engine.everyTree();
  return Math.round(performance.now() - started);
}

self.addEventListener("message", async (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    try {
      const ms = await boot();
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
