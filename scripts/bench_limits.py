"""How big a tree the build can take: time and peak memory against wizard states.

    python scripts/bench_limits.py [--questions 6 8 10] [--no-handbook] [--no-search]

For each N, copies decision_trees/ into a temporary folder, adds a tree of N
two-option questions in a row (2^N paths, 2^(N+1) - 1 wizard states), and runs
`tebiki check` on it (which refuses trees past the limits) and `tebiki build`
with the check's limits lifted, to see what a build past them would cost.
Prints the states of the added tree, the pages built, the build's wall time
and the peak memory of its largest process (Node for the Pyodide trace,
Chromium, Pagefind, or the build itself). The limits in docs/FORMAT.md ("Limits") come from this.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def chain_tree(tree_id: str, questions: int, nonce: str) -> str:
    """A tree of `questions` two-option questions in a row, every path to one outcome."""
    lines = [f"id: {tree_id}", f"title: {{ja: 連鎖 {nonce}, en: Chain {nonce}}}",
             "summary: {ja: 計測用, en: For measuring}", "reviewed: 2026-11-01",
             "sources: [jlis-password]", "start: q1", "questions:"]
    for n in range(1, questions + 1):
        after = f"q{n + 1}" if n < questions else "done"
        lines += [f"  q{n}:", f"    text: {{ja: 質問{n}, en: Question {n}}}", "    options:",
                  f"      a: {{label: {{ja: はい{n}, en: Yes {n}}}, next: {after}}}",
                  f"      b: {{label: {{ja: いいえ{n}, en: No {n}}}, next: {after}}}"]
    lines += ["outcomes:", "  done:", "    title: {ja: 終わり, en: Done}"]
    return "\n".join(lines) + "\n"


# `tebiki` with the limits of src/tebiki/validate.py lifted, for measuring past them.
UNLIMITED = ("import sys, tebiki.validate as v; "
             "v.MAX_TREE_STATES = v.MAX_TOTAL_STATES = v.MAX_PATH_QUESTIONS = 10 ** 9; "
             "from tebiki.cli import main; sys.exit(main(sys.argv[1:]))")


def peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def measure(questions: int, flags: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="tebiki-bench-") as tmp:
        content = Path(tmp) / "decision_trees"
        shutil.copytree(ROOT / "decision_trees", content)
        # A nonce in the title, so no cached trace of an earlier run is reused.
        (content / "chain.yaml").write_text(chain_tree("chain", questions, uuid.uuid4().hex[:8]),
                                            encoding="utf-8")
        started = time.perf_counter()
        check = subprocess.run([sys.executable, "-m", "tebiki", "--content", str(content),
                                "check"], capture_output=True, text=True)
        checked = time.perf_counter() - started
        started = time.perf_counter()
        build = subprocess.run([sys.executable, "-c", UNLIMITED, "--content", str(content),
                                "build", "--out", str(Path(tmp) / "site"), *flags],
                               capture_output=True, text=True, cwd=ROOT)
        built = time.perf_counter() - started
        pages = sum(1 for _ in (Path(tmp) / "site").rglob("index.html"))
        states = 2 ** (questions + 1) - 1
        status = "ok" if build.returncode == 0 else f"exit {build.returncode}"
        print(f"{questions:3d} questions  {states:6d} states  check {checked:5.1f} s "
              f"(exit {check.returncode})  build {built:6.1f} s {status:8s} {pages:6d} pages  "
              f"peak child {peak_child_mb():6.0f} MB", flush=True)
        if build.returncode != 0:
            print("   " + (build.stderr.strip().splitlines() or [""])[-1][:300], flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, nargs="+", default=[6, 8, 10])
    parser.add_argument("--no-handbook", action="store_true")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    flags = [f for f, on in (("--no-handbook", args.no_handbook),
                             ("--no-search", args.no_search)) if on]
    if args.one:  # in a process of its own, so the peak memory is this run's
        measure(args.questions[0], flags)
        return 0
    print(f"{os.cpu_count()} CPUs; build flags: {' '.join(flags) or '(full build)'}")
    for n in args.questions:
        subprocess.run([sys.executable, __file__, "--one", "--questions", str(n), *flags],
                       check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
