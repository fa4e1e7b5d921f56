"""How big a content the build can take: time and peak memory against wizard states
and against the length of texts.

    python scripts/bench_limits.py [--questions 6 8 10] [--no-handbook] [--no-search]
    python scripts/bench_limits.py --text-scale 2 4 8 [--no-handbook] [--no-search]
    python scripts/bench_limits.py --label-length 300 [--no-handbook] [--no-search]

For each N of --questions, copies decision_trees/ into a temporary folder, adds a
tree of N two-option questions in a row (2^N paths, 2^(N+1) - 1 wizard states).
For each K of --text-scale, makes every text of the content (not the labels) K
times as long instead; for each L of --label-length, every label of ui/ L
characters long (its words repeated, its slots kept). Each case runs `tebiki
check` on it (which refuses content past the limits, and says how much wizard
text it holds) and `tebiki build` with the check's limits lifted, to see what a
build past them would cost.
Prints the states and the wizard text (the characters on all wizard states
together, as the check counts them), the pages built, the build's wall time
and the peak memory of its largest process (Node for the Pyodide trace,
Chromium, Pagefind, or the build itself). The limits in docs/FORMAT.md
("Limits") come from this.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


# `tebiki` with the limits of src/tebiki/load/ lifted, for measuring past them.
UNLIMITED = ("import sys, tebiki.load.validate as v, tebiki.load.schema as s; "
             "v.MAX_TREE_STATES = v.MAX_TOTAL_STATES = v.MAX_PATH_QUESTIONS = 10 ** 9; "
             "v.MAX_WIZARD_TEXT = v.MAX_TREE_TEXT = s.MAX_TEXT = s.MAX_SHORT_TEXT = 10 ** 12; "
             "from tebiki.cli import main; sys.exit(main(sys.argv[1:]))")
# What the check says about the content with the limits lifted: states, wizard text.
MEASURE = ("import sys, json; from pathlib import Path; "
           "import tebiki.load.validate as v, tebiki.load.schema as s; "
           "v.MAX_TREE_STATES = v.MAX_TOTAL_STATES = v.MAX_PATH_QUESTIONS = 10 ** 9; "
           "v.MAX_WIZARD_TEXT = v.MAX_TREE_TEXT = s.MAX_TEXT = s.MAX_SHORT_TEXT = 10 ** 12; "
           "from tebiki.site.config import load; from tebiki.load.content import load_content; "
           "c = load_content(Path(sys.argv[1]), languages=load(Path('mkdocs.yml')).languages); "
           "print(json.dumps([sum(r.states for r in c.reports.values()), "
           "sum(r.text for r in c.reports.values()), len(c.errors)]))")


def _longer(value, times: int):
    """`value` with every text ({ja: …, en: …}) `times` times as long."""
    if isinstance(value, dict):
        if value and all(isinstance(v, str) for v in value.values()) and set(value) <= {"ja", "en"}:
            return {k: " ".join([v] * times) for k, v in value.items()}
        return {k: _longer(v, times) for k, v in value.items()}
    if isinstance(value, list):
        return [_longer(v, times) for v in value]
    return value


def _padded(label: str, length: int) -> str:
    """`label` repeated up to `length` characters; its {slots} once, at the start."""
    words = re.sub(r"\{[a-z_]+\}", "", label) or "x"
    slots = "".join(re.findall(r"\{[a-z_]+\}", label))
    body = (words + " ") * (length // (len(words) + 1) + 1)
    return slots + body[:max(0, length - len(slots))]


def pad_labels(content: Path, length: int) -> None:
    """Every label of ui/*.yaml `length` characters long."""
    import yaml

    for path in (content / "ui").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["labels"] = {lid: {lang: _padded(text, length) for lang, text in texts.items()}
                          for lid, texts in data["labels"].items()}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                       width=10 ** 6), encoding="utf-8")


def scale_texts(content: Path, times: int) -> None:
    """Every text of the trees and records (not the labels) `times` times as long."""
    import yaml

    for path in [*content.glob("*.yaml"), *(content / "records").glob("*.yaml")]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_longer(data, times), allow_unicode=True,
                                       sort_keys=False, width=10 ** 6), encoding="utf-8")


def peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def measure(questions: int, flags: list[str], text_scale: int = 0,
            label_length: int = 0) -> None:
    with tempfile.TemporaryDirectory(prefix="tebiki-bench-") as tmp:
        content = Path(tmp) / "decision_trees"
        shutil.copytree(ROOT / "decision_trees", content)
        # A nonce in the title, so no cached trace of an earlier run is reused.
        nonce = uuid.uuid4().hex[:8]
        if text_scale or label_length:
            if text_scale:
                scale_texts(content, text_scale)
            if label_length:
                pad_labels(content, label_length)
            (content / "chain.yaml").write_text(chain_tree("chain", 1, nonce), encoding="utf-8")
        else:
            (content / "chain.yaml").write_text(chain_tree("chain", questions, nonce),
                                                encoding="utf-8")
        states, text, _errors = json.loads(subprocess.run(
            [sys.executable, "-c", MEASURE, str(content)], capture_output=True, text=True,
            cwd=ROOT, check=True).stdout)
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
        status = "ok" if build.returncode == 0 else f"exit {build.returncode}"
        case = (f"texts x{text_scale:<3d}" if text_scale else
                f"labels {label_length:4d}" if label_length else f"{questions:3d} questions")
        print(f"{case}  {states:6d} states  {text / 1e6:6.1f} M chars  check {checked:5.1f} s "
              f"(exit {check.returncode})  build {built:6.1f} s {status:8s} {pages:6d} pages  "
              f"peak child {peak_child_mb():6.0f} MB", flush=True)
        if build.returncode != 0:
            print("   " + (build.stderr.strip().splitlines() or [""])[-1][:300], flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, nargs="+", default=[6, 8, 10])
    parser.add_argument("--text-scale", type=int, nargs="+", default=[],
                        help="instead: make every text this many times as long")
    parser.add_argument("--label-length", type=int, nargs="+", default=[],
                        help="instead: make every label this many characters long")
    parser.add_argument("--no-handbook", action="store_true")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    flags = [f for f, on in (("--no-handbook", args.no_handbook),
                             ("--no-search", args.no_search)) if on]
    if args.one:  # in a process of its own, so the peak memory is this run's
        measure(args.questions[0], flags, args.text_scale[0] if args.text_scale else 0,
                args.label_length[0] if args.label_length else 0)
        return 0
    print(f"{os.cpu_count()} CPUs; build flags: {' '.join(flags) or '(full build)'}")
    cases = [["--text-scale", str(k)] for k in args.text_scale] + \
        [["--label-length", str(n)] for n in args.label_length] or \
        [["--questions", str(n)] for n in args.questions]
    for case in cases:
        subprocess.run([sys.executable, __file__, "--one", *case, *flags], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
