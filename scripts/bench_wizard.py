"""Benchmark the in-browser wizard as residents connect: each runtime side by side, one run.

    .venv/bin/python scripts/bench_wizard.py [--content decision_trees] [--cold 3] [--warm 2]
                                             [--json figures.json]

Builds three copies of a wizard site from the same content, every state a static
page (the markup contract of the real site, small pages of our own around it):

  pyodide        the site's default runtime as the build ships it (bytecode
                 stdlib cut to what is used, stored for Brotli; inline lock file)
  micropython    the same engine files on MicroPython's WebAssembly port
  stock pyodide  stock Pyodide as its documentation shows (stock stdlib and lock
                 file, the engine as a wheel): the baseline

Each gets its Brotli and gzip copies (the build's own step) and is served by
`tebiki host`'s handler on 127.0.0.1: the compressed copy the browser accepts,
a year's cache for files named by content, revalidation for the rest. Debian's
Chromium loads the longest path's tree under these profiles, through the
DevTools protocol (Network.emulateNetworkConditions, Emulation.setCPUThrottlingRate):

  localhost   no throttling
  fast 4G     9 Mbps down, 60 ms round trip, CPU 2x slower
  slow 4G     1.6 Mbps down, 150 ms round trip, CPU 4x slower (Lighthouse's mobile)

each cold (a new browser profile: nothing cached) and warm (reloads in the last
cold load's profile, its disk cache filled), and prints the medians:

  runtime bytes     bytes over the wire (headers and compressed bodies, as the
                    protocol reports them, the worker's requests included) for
                    everything the engine needs: worker, manifest, boot module,
                    interpreter, stdlib, engine files, trees and labels
  page bytes        the rest: the page, its stylesheet, the page script
  question usable   navigation start to DOMContentLoaded: the static page's links
                    work from then on, before any Python runs
  engine ready      navigation start to the page's "ready" mark, or "gave up"
                    when the page script's 8 s wait for the worker ran out (the
                    page then stays static and its links work)
  engine boot       the worker's start to "ready": what the runtime costs
  step              a click on an answer until the new state is in the page
                    (the worker's render, both messages, the DOM), median and p95
                    over a walk of the longest path, twice, on a warm load

and a Save-Data row: with Save-Data on, the runtime bytes of a load (0: the page
script fetches no runtime at all).

CPU throttling reaches the page's main thread only: Chromium refuses
Emulation.setCPUThrottlingRate for a worker target ("only supported for pages"),
so the engine's boot and renders run at this machine's speed under every
profile. The report adds an estimate: engine ready plus (rate - 1) x the
localhost boot time, the worker's CPU at the profile's slowdown.

It asserts nothing: this machine's load changes the figures, so compare the
columns of one run. About ten minutes with the defaults.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.pyodide import (  # noqa: E402
    CHROMIUM_ARGS,
    SITE,
    build_runtime,
    load_trees,
    write_fixture_site,
)

from tebiki.core import engine  # noqa: E402
from tebiki.site import host  # noqa: E402
from tebiki.site.compress import compress_site  # noqa: E402

# name -> (runtime, variant) as tebiki.site.runtime.Runtime.write takes them
RUNTIMES = {"pyodide": ("pyodide", "fast"), "micropython": ("micropython", "fast"),
            "stock pyodide": ("pyodide", "stock")}


@dataclass(frozen=True)
class Profile:
    name: str
    latency_ms: float = 0
    down_kbps: float = 0  # 0: not throttled
    up_kbps: float = 0
    cpu: float = 1


PROFILES = (
    Profile("localhost"),
    Profile("fast 4G", latency_ms=60, down_kbps=9000, up_kbps=1500, cpu=2),
    Profile("slow 4G", latency_ms=150, down_kbps=1600, up_kbps=750, cpu=4),
)

# The page script's own files: fetched with the page whatever the connection.
PAGE_SCRIPTS = ("/_tebiki/wizard-", "/_tebiki/contract-")

STEP_JS = """async (option) => {
  const region = document.getElementById('tebiki-wizard');
  const link = region.querySelector(`a[data-option="${option}"]`);
  const changed = new Promise((resolve) => {
    const seen = new MutationObserver(() => { seen.disconnect(); resolve(); });
    seen.observe(region, {childList: true});
  });
  const t0 = performance.now();
  link.click();
  await changed;
  return performance.now() - t0;
}"""

TIMES_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const ready = performance.getEntriesByName('tebiki-ready')[0];
  const worker = performance.getEntriesByType('resource')
    .find((e) => /\\/worker-[0-9a-f]+\\.mjs$/.test(e.name));
  return {usable: nav.domContentLoadedEventEnd, ready: ready ? ready.startTime : null,
          worker: worker ? worker.startTime : null,
          state: document.documentElement.dataset.tebiki ?? null};
}"""


# --- the network, as the DevTools protocol sees it ---------------------------------------


class Tap:
    """Bytes over the wire of a page and of its dedicated workers.

    A worker's requests are not reported to the page's session: the tap attaches
    to each worker as it starts (Target.setAutoAttach, paused until attached) and
    enables the Network domain there, so it sees the bytes of aborted downloads
    too (a worker the page gave up on). Playwright's own session may resume the
    worker first, so a request or two at its very start can escape the tap: those
    are counted from Playwright's finished requests (headers and encoded body).
    """

    def __init__(self, context, page, profile: Profile, save_data: bool = False) -> None:
        self.cdp = context.new_cdp_session(page)
        self.transfers: dict[tuple[str, str], dict] = {}
        self.finished: list[tuple[str, int]] = []  # Playwright's view: (url, bytes)
        context.on("requestfinished", self._finished)
        self._ids = iter(range(10_000, 10**9))
        for event in ("requestWillBeSent", "responseReceived", "dataReceived",
                      "loadingFinished", "loadingFailed"):
            self.cdp.on(f"Network.{event}",
                        lambda e, kind=event: self._network("page", kind, e))
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.receivedMessageFromTarget", self._from_target)
        self.cdp.send("Network.enable")
        if profile.down_kbps:
            self.cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": profile.latency_ms,
                "downloadThroughput": profile.down_kbps * 1000 / 8,
                "uploadThroughput": profile.up_kbps * 1000 / 8})
        if profile.cpu > 1:
            self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile.cpu})
        if save_data:
            self.cdp.send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
            self.cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Save-Data": "on"}})
        self.cdp.send("Target.setAutoAttach", {"autoAttach": True,
                                               "waitForDebuggerOnStart": True,
                                               "flatten": False})

    def reset(self) -> None:
        self.transfers.clear()
        self.finished.clear()

    def _finished(self, request) -> None:
        try:
            sizes = request.sizes()
        except Exception:  # a request of a page being closed
            return
        self.finished.append((request.url, sizes["responseBodySize"]
                              + sizes["responseHeadersSize"]))

    def _send_to(self, session: str, method: str, params: dict | None = None) -> None:
        message = {"id": next(self._ids), "method": method, "params": params or {}}
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": session,
                                                     "message": json.dumps(message)})

    def _attached(self, event: dict) -> None:
        session = event["sessionId"]
        if event["targetInfo"]["type"] == "worker":
            self._send_to(session, "Network.enable")
        if event.get("waitingForDebugger"):
            self._send_to(session, "Runtime.runIfWaitingForDebugger")

    def _from_target(self, event: dict) -> None:
        message = json.loads(event["message"])
        method = message.get("method", "")
        if method.startswith("Network."):
            self._network(event["sessionId"], method.split(".", 1)[1], message["params"])

    def _network(self, session: str, kind: str, e: dict) -> None:
        key = (session, e["requestId"])
        if kind == "requestWillBeSent":
            self.transfers[key] = {"url": e["request"]["url"], "bytes": 0, "done": False}
            return
        entry = self.transfers.get(key)
        if entry is None or entry["done"]:
            return
        if kind == "responseReceived":
            entry["bytes"] = e["response"].get("encodedDataLength", 0)  # headers so far
        elif kind == "dataReceived":
            entry["bytes"] += e.get("encodedDataLength", 0)
        elif kind == "loadingFinished":
            entry.update(bytes=e["encodedDataLength"], done=True)  # the whole transfer
        elif kind == "loadingFailed":
            entry["done"] = True  # what arrived before the abort stays counted

    def totals(self) -> tuple[int, int]:
        """(runtime bytes, page bytes) over the wire since the last reset."""
        seen = {entry["url"] for entry in self.transfers.values()}
        counted = [(entry["url"], entry["bytes"]) for entry in self.transfers.values()]
        counted += [(url, size) for url, size in self.finished if url not in seen]
        runtime = page = 0
        for url, size in counted:
            if "/_tebiki/" in url and not any(p in url for p in PAGE_SCRIPTS):
                runtime += size
            elif url.startswith("http"):
                page += size
        return runtime, page


# --- the sites -------------------------------------------------------------------------------


def build_sites(content: Path, work: Path) -> tuple[dict[str, Path], Path]:
    """The fixture site on each runtime, compressed as the build does; and its bundle."""
    sites = {}
    compiled = None
    for name, (runtime, variant) in RUNTIMES.items():
        folder = work / name.replace(" ", "-")
        site, compiled = build_runtime(content, folder, variant=variant, runtime=runtime)
        write_fixture_site(site, compiled)
        compress_site(site, cache=SITE.cache / "brotli")
        sites[name] = site
    return sites, compiled


class Hosted:
    """A built site served by `tebiki host`'s handler, in a thread."""

    def __init__(self, site: Path) -> None:
        self.httpd = host.server(site, port=0)
        # a worker the page gave up on drops its downloads: not an error here
        self.httpd.handle_error = lambda request, address: None
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def longest_path(trees: dict) -> tuple[str, list[str]]:
    best: tuple[str, list[str]] = ("", [])
    for tid, tree in sorted(trees.items()):
        for path in engine.iter_paths(tree):
            options = [o for _q, o in path["answers"]]
            if len(options) > len(best[1]):
                best = (tid, options)
    return best


# --- the loads -------------------------------------------------------------------------------


@dataclass
class Figures:
    cold: list = field(default_factory=list)
    warm: list = field(default_factory=list)
    steps: list = field(default_factory=list)


def load(page, tap: Tap, url: str) -> dict:
    tap.reset()
    page.goto(url, wait_until="domcontentloaded")
    deadline = time.monotonic() + 40
    while page.get_attribute("html", "data-tebiki") is None and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.wait_for_timeout(400)  # the last transfers' events, the redraw with the clock
    figures = page.evaluate(TIMES_JS)
    figures["runtime_bytes"], figures["page_bytes"] = tap.totals()
    return figures


def steps(page, options: list[str]) -> list[float]:
    """Walk the path by clicks, back to the start, and again: each step timed alone
    (a visitor reads before the next click)."""
    out = []
    for _round in range(2):
        for option in options:
            page.wait_for_timeout(150)
            out.append(page.evaluate(STEP_JS, option))
        page.click(".tebiki-restart a")
        for _ in range(100):
            if page.get_attribute("#tebiki-wizard", "data-answers") == "{}":
                break
            page.wait_for_timeout(50)
    return out


def launch_profile(playwright, folder: Path):
    return playwright.chromium.launch_persistent_context(
        str(folder), executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)


def run(playwright, origin: str, start: str, options: list[str], profile: Profile,
        cold: int, warm: int) -> Figures:
    figures = Figures()
    for n in range(cold):
        with tempfile.TemporaryDirectory(prefix="tebiki-bench-") as folder:
            context = launch_profile(playwright, Path(folder))
            try:
                page = context.pages[0] if context.pages else context.new_page()
                tap = Tap(context, page, profile)
                figures.cold.append(load(page, tap, origin + start))
                if n < cold - 1:
                    continue
                for _ in range(warm):
                    figures.warm.append(load(page, tap, origin + start))
                if figures.warm and figures.warm[-1]["state"] == "ready":
                    figures.steps = steps(page, options)
            finally:
                context.close()
    return figures


def save_data_bytes(playwright, origin: str, start: str) -> int:
    with tempfile.TemporaryDirectory(prefix="tebiki-bench-") as folder:
        context = launch_profile(playwright, Path(folder))
        try:
            page = context.pages[0] if context.pages else context.new_page()
            tap = Tap(context, page, PROFILES[0], save_data=True)
            figures = load(page, tap, origin + start)
            page.wait_for_timeout(1500)  # time enough for an engine that would start
            return tap.totals()[0] if figures["state"] == "static" else -1
        finally:
            context.close()


# --- the report ------------------------------------------------------------------------------


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def p95(values: list) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _mb(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.0f} KB"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def _ready(loads: list) -> str:
    """The median ready time, or 'gave up' when most loads gave up (with how many)."""
    gave_up = sum(1 for r in loads if r["state"] != "ready")
    if gave_up * 2 > len(loads):
        return f"gave up {gave_up}/{len(loads)}"
    text = _ms(median([r["ready"] for r in loads if r["state"] == "ready"]))
    return text + (f" ({gave_up} gave up)" if gave_up else "")


def _boot(loads: list) -> float | None:
    return median([r["ready"] - r["worker"] for r in loads
                   if r["state"] == "ready" and r["worker"] is not None])


def report(results: dict, saved: dict, tid: str, options: list[str], cold: int,
           warm: int, version: str) -> str:
    names = list(RUNTIMES)
    width = 18
    lines = [f"wizard benchmark: tree {tid}, longest path ({len(options)} answers); "
             f"Chromium {version}; {cold} cold and {warm} warm loads per profile, medians",
             "", f"{'':34}" + "".join(f"{n:>{width}}" for n in names)]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"{label:34}" + "".join(f"{c:>{width}}" for c in cells))

    local_boot = {n: _boot(results[n]["localhost"].cold) for n in names}
    for profile in PROFILES:
        for kind in ("cold", "warm"):
            loads = {n: getattr(results[n][profile.name], kind) for n in names}
            lines.append(f"{profile.name}, {kind}")
            row("  runtime bytes over the wire",
                [_mb(median([r["runtime_bytes"] for r in loads[n]])) for n in names])
            row("  page bytes over the wire",
                [_mb(median([r["page_bytes"] for r in loads[n]])) for n in names])
            row("  first question usable",
                [_ms(median([r["usable"] for r in loads[n]])) for n in names])
            row("  engine ready", [_ready(loads[n]) for n in names])
            row("  engine boot (worker start->ready)", [_ms(_boot(loads[n])) for n in names])
            if profile.cpu > 1 and kind == "cold":
                cells = []
                for n in names:
                    ready = median([r["ready"] for r in loads[n] if r["state"] == "ready"])
                    if ready is None or local_boot[n] is None:
                        cells.append("-")
                    else:
                        cells.append(_ms(ready + (profile.cpu - 1) * local_boot[n]))
                row(f"  ready est. with worker CPU {profile.cpu:g}x", cells)
    lines.append("step, median / p95 (warm load, after ready)")
    for profile in PROFILES:
        cells = []
        for n in names:
            values = results[n][profile.name].steps
            cells.append(f"{median(values):.0f} / {p95(values):.0f} ms" if values else "-")
        row(f"  {profile.name}", cells)
    row("Save-Data on: runtime bytes", [("?" if saved[n] < 0 else _mb(saved[n]) if saved[n]
                                         else "0") for n in names])
    lines += ["", "CPU throttling reaches the page's main thread only (Chromium refuses it "
              "for workers):", "the estimate adds (rate - 1) x the localhost cold boot "
              "to engine ready."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "decision_trees")
    parser.add_argument("--cold", type=int, default=3, help="cold loads per runtime and profile")
    parser.add_argument("--warm", type=int, default=2, help="warm reloads after the last cold")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)
    if shutil.which("chromium") is None:
        print("bench_wizard: needs Debian's chromium (make setup installs it)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tebiki-bench-") as tmp:
        sites, compiled = build_sites(args.content, Path(tmp))
        tid, options = longest_path(load_trees(compiled))
        start = f"/wizard/{tid}/"
        print(f"built the three sites in {time.monotonic() - started:.0f} s; loading "
              f"/wizard/{tid}/ ...", file=sys.stderr)
        results: dict = {n: {} for n in RUNTIMES}
        saved: dict = {}
        hosted = {n: Hosted(site) for n, site in sites.items()}
        try:
            with sync_playwright() as playwright:
                probe = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                   args=CHROMIUM_ARGS)
                version = probe.version
                probe.close()
                # profile by profile, the runtimes in turn: a busy spell of the machine
                # then costs every column alike
                for profile in PROFILES:
                    for name in RUNTIMES:
                        results[name][profile.name] = run(
                            playwright, hosted[name].origin, start, options, profile,
                            args.cold, args.warm)
                        print(f"  {profile.name}: {name} done", file=sys.stderr)
                for name in RUNTIMES:
                    saved[name] = save_data_bytes(playwright, hosted[name].origin, start)
        finally:
            for server in hosted.values():
                server.close()
    print(report(results, saved, tid, options, args.cold, args.warm, version))
    print(f"(run took {time.monotonic() - started:.0f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({n: {p: vars(f) for p, f in r.items()}
                                         for n, r in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
