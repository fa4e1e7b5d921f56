"""Benchmark the in-browser wizard: ours against stock Pyodide, in the same run.

    .venv/bin/python scripts/bench_wizard.py [--content decision_trees] [--cold 5] [--warm 5]

Builds two copies of a wizard site from the same content (every state as a
static page, as the site renders them): one with our runtime (bytecode
stdlib compiled inside Pyodide, inline lock file naming only the engine wheel),
one with stock Pyodide (its own stdlib zip and lock file, the wheel loaded by
URL). Each is served on 127.0.0.1 (Cache-Control: max-age=600, like a typical
static host) and loaded in Debian's Chromium:

  cold   a new browser profile each time (empty cache)
  warm   reloads in the profile of the last cold load (files and wasm code in its
         disk cache)

and prints, per variant and kind of load (median, and 95th percentile for steps):

  first question usable  navigation start to DOMContentLoaded: the static page's
                         links work from then on, before any Python runs
  engine ready           navigation start to the worker's "ready"
  step to DOM            a click on an answer until the new state is in the page
                         (the worker's render and both messages)
  step to focus          until focus is on the new heading: includes the layout
                         that focusing forces
  bytes                  response bodies the server sent for one load
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import vendor_pyodide  # noqa: E402
from tests.support.pyodide import (  # noqa: E402
    CHROMIUM_ARGS,
    SiteServer,
    compile_content,
    load_trees,
    with_site_labels,
    write_fixture_site,
)

from tebiki.core import engine  # noqa: E402

STEP_JS = """async (option) => {
  const region = document.getElementById('tebiki-wizard');
  const link = region.querySelector(`a[data-option="${option}"]`);
  const changed = new Promise((resolve) => {
    const seen = new MutationObserver(() => { seen.disconnect(); resolve(); });
    seen.observe(region, {childList: true});
  });
  performance.clearMarks('tebiki-step');
  const t0 = performance.now();
  link.click();
  await changed;
  const done = performance.now();
  const [step] = performance.getEntriesByName('tebiki-step');
  return [step.startTime - t0, done - t0];
}"""

TIMES_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const ready = performance.getEntriesByName('tebiki-ready')[0];
  return {usable: nav.domContentLoadedEventEnd, ready: ready ? ready.startTime : null};
}"""


def launch_profile(playwright, profile: Path):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)


def build_sites(content: Path, work: Path) -> dict[str, Path]:
    source = with_site_labels(content, work / "content")
    compiled = compile_content(source, work / "compiled")
    sites = {}
    for variant in ("fast", "stock"):
        site = work / variant
        vendor_pyodide.vendor(site, compiled, variant)
        write_fixture_site(site, compiled)
        sites[variant] = site
    return sites


def longest_path(compiled_trees: dict) -> tuple[str, list[str]]:
    best = ("", [])
    for tid, tree in compiled_trees.items():
        for path in engine.iter_paths(tree):
            options = [o for _q, o in path["answers"]]
            if len(options) > len(best[1]):
                best = (tid, options)
    return best


def load(page, server: SiteServer, url: str) -> dict:
    before = len(server.requests)
    page.goto(server.url(url))
    page.wait_for_function("document.documentElement.dataset.tebiki", timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # let the in-place redraw with the clock settle
    times = page.evaluate(TIMES_JS)
    times["bytes"] = sum(r["bytes"] for r in server.requests[before:])
    return times


def steps(page, options: list[str]) -> list[float]:
    """Walk the path by clicks, then back to the start and again: every step timed.

    A visitor reads before the next click: each click waits until the page has
    drawn the last step, so a step is timed alone.
    """
    out = []
    for _round in range(4):
        for option in options:
            page.wait_for_timeout(150)
            in_dom, focused = page.evaluate(STEP_JS, option)
            out.append({"dom": in_dom, "focused": focused})
        page.click(".tebiki-restart a")
        page.wait_for_function("document.getElementById('tebiki-wizard').dataset.answers === '{}'")
    return out


def run_variant(playwright, site: Path, tid: str, options: list[str], cold: int,
                warm: int) -> dict:
    results: dict = {"cold": [], "warm": [], "steps": []}
    start = f"/wizard/{tid}/"
    with SiteServer(site, max_age=600) as server:
        for n in range(cold):
            # a new profile each time: nothing cached, on disk or in memory
            with tempfile.TemporaryDirectory() as profile:
                context = launch_profile(playwright, Path(profile))
                page = context.pages[0] if context.pages else context.new_page()
                results["cold"].append(load(page, server, start))
                if n == cold - 1:
                    # then reloads with the disk cache of that profile
                    for _ in range(warm):
                        results["warm"].append(load(page, server, start))
                    results["steps"] = steps(page, options)
                context.close()
    return results


def median(values: list) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(all_results: dict, tid: str, options: list[str]) -> str:
    lines = [f"wizard benchmark: tree {tid}, path of {len(options)} steps, times in ms "
             "(median of the loads)", ""]
    header = f"{'':22}{'ours':>12}{'stock':>12}{'ratio':>8}"
    lines.append(header)

    def row(label: str, ours: float, stock: float, unit: str = "") -> None:
        ratio = f"{ours / stock:.2f}" if stock else ""
        fmt = (lambda v: f"{v / 1e6:.2f} MB") if unit == "MB" else (lambda v: f"{v:.0f}")
        lines.append(f"{label:22}{fmt(ours):>12}{fmt(stock):>12}{ratio:>8}")

    ours, stock = all_results["fast"], all_results["stock"]
    for kind in ("cold", "warm"):
        row(f"{kind}: question usable", median([r["usable"] for r in ours[kind]]),
            median([r["usable"] for r in stock[kind]]))
        row(f"{kind}: engine ready", median([r["ready"] for r in ours[kind]]),
            median([r["ready"] for r in stock[kind]]))
        row(f"{kind}: bytes", median([r["bytes"] for r in ours[kind]]),
            median([r["bytes"] for r in stock[kind]]), "MB")
    for key, label in (("dom", "step to DOM"), ("focused", "step to focus")):
        a = [s[key] for s in ours["steps"]]
        b = [s[key] for s in stock["steps"]]
        lines.append(f"{label + ' median':22}{median(a):>12.1f}{median(b):>12.1f}")
        lines.append(f"{label + ' p95':22}{p95(a):>12.1f}{p95(b):>12.1f}")
    lines.append("")
    for name, res in (("ours", ours), ("stock", stock)):
        for kind in ("cold", "warm"):
            ready = ", ".join(f"{r['ready']:.0f}" for r in res[kind])
            lines.append(f"{name} {kind} ready, each load: {ready}")
        lines.append(f"{name} steps to DOM / to focus ({len(res['steps'])}): "
                     + ", ".join(f"{s['dom']:.1f}/{s['focused']:.1f}" for s in res["steps"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "decision_trees")
    parser.add_argument("--cold", type=int, default=5, help="cold loads per variant")
    parser.add_argument("--warm", type=int, default=5, help="warm loads per variant")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)
    if shutil.which("chromium") is None:
        print("bench_wizard: needs Debian's chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        sites = build_sites(args.content, Path(tmp))
        tid, options = longest_path(load_trees(Path(tmp) / "compiled"))
        results = {}
        with sync_playwright() as p:
            for variant in ("stock", "fast"):
                results[variant] = run_variant(p, sites[variant], tid, options,
                                               args.cold, args.warm)
    print(report(results, tid, options))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
