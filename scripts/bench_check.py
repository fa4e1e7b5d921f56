"""How long `tebiki check` takes on hostile files, and how much it prints.

    python scripts/bench_check.py [--scale 1.0] [--timeout 1200] [--only NAME ...]

Each case copies decision_trees/ into a temporary folder, adds one file, and
times `tebiki check` on it (wall clock, in a process of its own), with the
exit code and the number of lines it printed on stderr. At --scale 1 the
files are those of the attack report on issue 9 (the 2 MB ones are now refused
for their size; --scale 0.5 times the characters check at 1 MB):

- controls: a 2 MB double-quoted text of U+0001 characters;
- bell-lines: a million lines holding U+0007 each;
- alias-text: one 1 MB text repeated by 9,999 aliases (`*s`);
- utf16: 512 KB of YAML saved as UTF-16LE without a BOM (a NUL after each letter);
- deep: `[` 30,000 times (the C parser recursed until the process crashed).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _controls(scale: float) -> bytes:
    size = int((2 * 1024 * 1024 - 10) * scale)
    return b'a: "' + b"\x01" * size + b'"\n'


def _bell_lines(scale: float) -> bytes:
    return b"\x07\n" * int(1_000_000 * scale)


def _alias_text(scale: float) -> bytes:
    text = "s: &s " + json.dumps("x" * int(1_000_000 * scale)) + "\nl: [" \
        + ",".join(["*s"] * 9999) + "]\n"
    return text.encode()


def _utf16(scale: float) -> bytes:
    source = (ROOT / "decision_trees" / "pin-reset.yaml").read_text(encoding="utf-8")
    ascii_only = "".join(c if ord(c) < 128 else "x" for c in source)
    wanted = int(512 * 1024 * scale) // 2
    return (ascii_only * (wanted // len(ascii_only) + 1))[:wanted].encode("utf-16-le")


def _deep(scale: float) -> bytes:
    return b"[" * int(30_000 * max(scale, 1.0)) + b"\n"


CASES = {"controls": _controls, "bell-lines": _bell_lines, "alias-text": _alias_text,
         "utf16": _utf16, "deep": _deep}


def measure(name: str, scale: float, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="tebiki-bench-check-") as tmp:
        content = Path(tmp) / "decision_trees"
        shutil.copytree(ROOT / "decision_trees", content)
        data = CASES[name](scale)
        (content / f"{name}.yaml").write_bytes(data)
        started = time.perf_counter()
        try:
            result = subprocess.run([sys.executable, "-m", "tebiki", "--content", str(content),
                                     "check"], capture_output=True, timeout=timeout,
                                    cwd=ROOT)
        except subprocess.TimeoutExpired:
            print(f"{name:11s} {len(data) / 1024:8.0f} KB  over {timeout:.0f} s (stopped)",
                  flush=True)
            return
        took = time.perf_counter() - started
        lines = result.stderr.decode("utf-8", "replace").splitlines()
        mine = [line for line in lines if f"{name}.yaml" in line]
        first = mine[0][:110] if mine else (lines[0][:110] if lines else "")
        print(f"{name:11s} {len(data) / 1024:8.0f} KB  {took:7.2f} s  exit {result.returncode:3d}"
              f"  {len(lines):8d} lines | {first}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="file sizes as a part of the report's (deep stays at 30,000)")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), default=sorted(CASES))
    args = parser.parse_args(argv)
    for name in args.only:
        measure(name, args.scale, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
