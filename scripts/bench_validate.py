"""Validation time against path count, on synthetic trees of ~1k, 10k and 100k paths.

    .venv/bin/python scripts/bench_validate.py

Each tree is a chain of questions with ten options each; the last options go
through a guarded route (three guards on earlier answers, then a default) to
one of three outcomes with conditional items. `tebiki check` must enumerate
every path, so time should grow linearly with the path count. Prints seconds,
microseconds per path, and each size's ratio against the 1k tree measured in
the same run. Target: 100k paths in under 5 s.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tebiki.load.content import load_content
from tebiki.site import config as site_config

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = site_config.load(ROOT / "mkdocs.yml").languages
FIXTURE = ROOT / "tests" / "fixtures" / "mini"


def text(s: str) -> dict:
    return {"ja": s, "en": s}


def synthetic_tree(depth: int, width: int = 10) -> dict:
    questions = {}
    for level in range(depth):
        nxt = f"q{level + 1}" if level + 1 < depth else "pick"
        questions[f"q{level}"] = {
            "text": text(f"Question {level}"),
            "options": {f"o{i}": {"label": text(f"Option {i}"), "next": nxt}
                        for i in range(width)},
        }
    routes = {"pick": [
        {"when": {"all": [{"answer": "q0", "is": "o1"}, {"not": {"answer": "q1", "is": "o2"}}]},
         "goto": "counter"},
        {"when": {"any": [{"answer": "q0", "is": ["o2", "o3"]}, {"answer": "q1", "is": "o4"}]},
         "goto": "store"},
        {"when": {"answer": "q2", "is": "o5"}, "goto": "online"},
        {"goto": "counter"},
    ]}
    outcome = {"title": text("Done"), "place": "counter",
               "bring": ["card", {"doc": "authority", "when": {"answer": "q1", "is": "o9"}}],
               "steps": [text("Go"), {"text": text("Proxy"),
                                      "when": {"answer": f"q{depth - 1}", "is": "o3"}}]}
    return {"id": "synthetic", "title": text("Synthetic"), "summary": text("Benchmark"),
            "reviewed": "2026-11-01", "sources": ["src-a"], "start": "q0",
            "questions": questions, "routes": routes,
            "outcomes": {name: dict(outcome) for name in ("counter", "store", "online")}}


def measure(depth: int, repeats: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "decision_trees"
        shutil.copytree(FIXTURE, root)
        (root / "synthetic.yaml").write_text(yaml.safe_dump(synthetic_tree(depth)),
                                             encoding="utf-8")
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            content = load_content(root, languages=LANGUAGES)
            times.append(time.perf_counter() - start)
        if content.errors:
            sys.exit("synthetic tree has errors:\n" + "\n".join(p.format() for p in content.errors))
        return content.reports["synthetic"].paths, statistics.median(times)


def main() -> None:
    rows = [measure(depth, repeats) for depth, repeats in ((3, 5), (4, 3), (5, 1))]
    base_paths, base_time = rows[0]
    print(f"{'paths':>8} {'seconds':>8} {'us/path':>8} {'x time':>7} {'x paths':>8}")
    for paths, seconds in rows:
        print(f"{paths:>8} {seconds:>8.3f} {seconds / paths * 1e6:>8.1f} "
              f"{seconds / base_time:>7.1f} {paths / base_paths:>8.0f}")
    paths, seconds = rows[-1]
    verdict = "meets" if seconds < 5 else "MISSES"
    print(f"100k target (< 5 s): {verdict} ({seconds:.2f} s for {paths} paths)")


if __name__ == "__main__":
    main()
