"""Put the in-browser wizard runtime into a built site: Pyodide, the engine, the trees.

    python scripts/vendor_pyodide.py --site site --compiled build/compiled

writes `site/_tebiki/` (and nothing else), after `mkdocs build`:

    manifest.json                 what the worker loads (the only file fetched uncached)
    wizard.js, worker.mjs, boot.mjs   the page script and the module Web Worker
    pyodide-<version>/            pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm (npm, pinned)
    python_stdlib-<hash>.zip      the standard library as bytecode compiled inside
                                  Pyodide, cut to the modules the engine uses
    engine-<hash>/tebiki-<v>-py3-none-any.whl   tebiki.core: engine, render, bridge
    trees/<id>-<hash>.json, labels-<hash>.json  the compiled bundle

Data files carry a content hash in their name, so a browser never mixes an old
file with a new one. Pyodide comes from `node_modules/pyodide` (`npm ci` first);
nothing is downloaded. The bytecode zip is cached in `build/cache/pyodide/` by
Pyodide version and compiler source, so only the first build pays for it.

The wheel is written here rather than by `pyodide build` (which fetches a
cross-build environment from the internet even for a pure-Python wheel) or
`python -m build` (which would pack the whole package, YAML loader included,
with build-time file dates): it holds only the stdlib-only modules the
browser runs, with fixed dates, so two builds give identical bytes.

`--variant stock` lays out stock Pyodide instead (its own stdlib zip and lock
file, the wheel loaded by URL): the benchmark's baseline.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "pyodide"
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / "build" / "cache" / "pyodide"
SRC = ROOT / "src" / "tebiki"
TARGET_NAME = "_tebiki"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

# Pyodide's runtime files the wizard needs (no console pages, no source maps).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STOCK_FILES = ("python_stdlib.zip", "pyodide-lock.json")
# The browser's own files, copied as they are.
PAGE_FILES = ("wizard.js", "worker.mjs", "boot.mjs")
# The package modules the browser runs: the engine and its HTML renderer (stdlib only).
WHEEL_MODULES = ("__init__.py", "core/__init__.py", "core/engine.py", "core/render.py",
                 "core/bridge.py")
# Imported lazily by the standard library on paths a trace may not take.
STDLIB_EXTRAS = ("_strptime", "encodings.ascii", "encodings.latin_1", "encodings.utf_8_sig")
TRACE_NOW = ("2026-01-02T03:04", "2026-06-15T12:00")
DEFAULT_TIMEZONE = "Asia/Tokyo"
GUIDE = "guide"  # the site's guide pages: <site>/guide/<tree>/ (tebiki.mkdocs_site.GUIDE)


class VendorError(Exception):
    """Something the person building must fix (the message says what)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short_hash(data: bytes) -> str:
    return sha256(data)[:12]


# --- Pyodide from npm -------------------------------------------------------------------


def pinned_version() -> str:
    """The Pyodide version package.json pins, checked against node_modules."""
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]
    installed = NPM_PYODIDE / "package.json"
    if not installed.exists():
        raise VendorError(f"{NPM_PYODIDE} is missing: run `npm ci` in {ROOT}")
    have = json.loads(installed.read_text())["version"]
    if have != wanted:
        raise VendorError(f"node_modules has pyodide {have}, package.json pins {wanted}: "
                          "run `npm ci`")
    return have


def lock_info() -> dict:
    """The ABI facts of this Pyodide build, for an inline lock file."""
    lock = json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())
    return lock["info"]


def _dies_with_us() -> dict:
    """Node is killed with this script (which a build kills with itself): see
    src/tebiki/procs.py."""
    sys.path.insert(0, str(ROOT / "src"))
    from tebiki.site.procs import child_options

    return child_options()


def node(*args: str, stdin: str | None = None, timeout: int = 600) -> str:
    exe = shutil.which("node")
    if exe is None:
        raise VendorError("node is not on PATH (Node 20 runs Pyodide at build time)")
    proc = subprocess.run([exe, str(RUNTIME / "node_engine.mjs"), *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          **_dies_with_us())
    if proc.returncode != 0:
        raise VendorError(f"node_engine.mjs {args[0]} failed:\n{proc.stderr[-4000:]}")
    return proc.stdout


def precompiled_stdlib(cache: Path = CACHE) -> Path:
    """The stock stdlib zip as bytecode compiled inside Pyodide, cached by version and compiler."""
    version = pinned_version()
    key = short_hash((NPM_PYODIDE / "python_stdlib.zip").read_bytes()
                     + (RUNTIME / "compile_stdlib.py").read_bytes())
    cached = cache / f"python_stdlib-{version}-{key}.zip"
    if not cached.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            out = Path(tmp) / "stdlib.zip"
            node("compile-stdlib", str(NPM_PYODIDE), str(out))
            os.replace(out, cached)
    return cached


def prune_stdlib(full: Path, modules: list[str], out: Path) -> int:
    """Write the bytecode zip cut to `modules` (and their packages); returns the file count."""
    wanted = set()
    for name in [*modules, *STDLIB_EXTRAS]:
        parts = name.split(".")
        for n in range(1, len(parts) + 1):
            stem = "/".join(parts[:n])
            wanted.update({stem + ".pyc", stem + "/__init__.pyc", stem + "/"})
    kept = 0
    with zipfile.ZipFile(full) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in wanted:
                dst.writestr(info, src.read(info), compresslevel=9)
                kept += 1
    return kept


# --- the engine wheel ----------------------------------------------------------------------


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def engine_version() -> str:
    text = (SRC / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise VendorError(f"{SRC / '__init__.py'}: no __version__")
    return match.group(1)


def build_wheel(out_dir: Path) -> Path:
    """A pure wheel of the browser's modules, byte-identical for identical sources."""
    version = engine_version()
    files: dict[str, bytes] = {}
    for name in WHEEL_MODULES:
        path = SRC / name
        if not path.exists():
            raise VendorError(f"{path} is missing: the browser runs it")
        files[f"tebiki/{name}"] = path.read_bytes()
    info = f"tebiki-{version}.dist-info"
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: tebiki\nVersion: {version}\n"
                                 "Summary: the tebiki engine for the browser\n").encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: tebiki vendor_pyodide\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = "".join(f"{n},{_record_hash(d)},{len(d)}\n" for n, d in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / f"tebiki-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as whl:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(entry, data, compresslevel=9)
    return wheel


# --- the runtime folder ----------------------------------------------------------------


def _hashed_copy(data: bytes, target: Path, stem: str, suffix: str) -> str:
    name = f"{stem}-{short_hash(data)}{suffix}"
    (target / name).parent.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)
    return name


def _clear(target: Path) -> None:
    """Empty `target`, refusing a folder this script did not make."""
    if target.exists():
        if any(target.iterdir()) and not (target / "manifest.json").exists():
            raise VendorError(f"{target} exists and is not a tebiki runtime folder: "
                              "not touching it")
        shutil.rmtree(target)
    target.mkdir(parents=True)


def trace_requests(compiled: Path) -> list[dict]:
    """Every state of every tree, rendered in both languages at a few clock times.

    Only the modules and any error matter here, so no rendered page is sent back
    (`keep: false`): all of them at once outgrew Node's heap on long texts."""
    sys.path.insert(0, str(ROOT / "src"))
    from tebiki.core import engine

    requests: list[dict] = []
    for path in sorted((compiled / "trees").glob("*.json")):
        tree = json.loads(path.read_text(encoding="utf-8"))
        states = {()}
        for found in engine.iter_paths(tree):
            for n in range(len(found["answers"]) + 1):
                states.add(tuple(found["answers"][:n]))
        for state in sorted(states):
            for lang in ("ja", "en"):
                for now in (None, *TRACE_NOW):
                    requests.append({"op": "render", "tree": tree["id"], "answers": dict(state),
                                     "lang": lang, "now": now, "keep": False})
                requests.append({"op": "render", "tree": tree["id"], "lang": lang, "now": None,
                                 "options": [o for _q, o in state], "keep": False})
    return [*requests, {"op": "modules"}]


def run_engine(runtime: Path, requests: list[dict]) -> list[dict]:
    """Answer `requests` with the engine on Pyodide in Node, booted from `runtime`."""
    return json.loads(node("run", str(runtime), stdin=json.dumps(requests)))


def vendor(site: Path, compiled: Path, variant: str = "fast", prune: bool = True,
           timezone: str = DEFAULT_TIMEZONE) -> Path:
    """Write the runtime into `site/_tebiki/` and return that folder.

    `timezone` is the zone of the places' opening hours: the visitor's clock
    is read in it for the open-now notes.
    """
    version = pinned_version()
    if not (compiled / "labels.json").exists():
        raise VendorError(f"{compiled} has no compiled bundle: "
                          f"run `tebiki compile --out {compiled}`")
    target = site / TARGET_NAME
    _clear(target)
    index = f"pyodide-{version}/"
    files = PYODIDE_FILES + (STOCK_FILES if variant == "stock" else ())
    for name in files:
        (target / index).mkdir(exist_ok=True)
        shutil.copyfile(NPM_PYODIDE / name, target / index / name)
    for name in PAGE_FILES:
        shutil.copyfile(RUNTIME / name, target / name)

    with tempfile.TemporaryDirectory() as tmp:
        built = build_wheel(Path(tmp))
        data = built.read_bytes()
    wheel = f"engine-{short_hash(data)}/{built.name}"
    (target / wheel).parent.mkdir()
    (target / wheel).write_bytes(data)

    trees = {}
    for path in sorted((compiled / "trees").glob("*.json")):
        trees[path.stem] = _hashed_copy(path.read_bytes(), target, f"trees/{path.stem}", ".json")
    labels = _hashed_copy((compiled / "labels.json").read_bytes(), target, "labels", ".json")

    manifest: dict = {
        "format": 1,
        "variant": variant,
        "pyodide": {"version": version, "index": index},
        "wheel": wheel,
        "trees": trees,
        "labels": labels,
        "guides": sorted(t for t in trees if (site / GUIDE / t / "index.html").exists()),
        "timezone": timezone,
    }
    if variant == "fast":
        manifest["lock"] = {"info": lock_info(), "packages": {"tebiki": {
            "name": "tebiki", "version": engine_version(), "file_name": wheel,
            "install_dir": "site", "sha256": sha256(data), "package_type": "package",
            "imports": ["tebiki"], "depends": []}}}
        full = precompiled_stdlib()
        manifest["pyodide"]["stdlib"] = _hashed_copy(full.read_bytes(), target,
                                                     "python_stdlib", ".zip")
        if prune:
            _write_manifest(target, manifest)
            modules = _traced_modules(target, compiled)
            (target / manifest["pyodide"]["stdlib"]).unlink()
            with tempfile.TemporaryDirectory() as tmp:
                cut = Path(tmp) / "stdlib.zip"
                prune_stdlib(full, modules, cut)
                manifest["pyodide"]["stdlib"] = _hashed_copy(cut.read_bytes(), target,
                                                             "python_stdlib", ".zip")
    _write_manifest(target, manifest)
    return target


def _write_manifest(target: Path, manifest: dict) -> None:
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    (target / "manifest.json").write_text(text, encoding="utf-8")


def _traced_modules(target: Path, compiled: Path) -> list[str]:
    """The modules Pyodide imports to boot and to render every state (cached by input)."""
    requests = trace_requests(compiled)
    manifest = (target / "manifest.json").read_bytes()
    key = short_hash(manifest + json.dumps(requests).encode())
    cached = CACHE / f"trace-{key}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    responses = run_engine(target, requests)
    failed = [(req, res["error"]) for req, res in zip(requests, responses, strict=True)
              if not res["ok"]]
    if failed:
        req, error = failed[0]
        raise VendorError(f"the engine failed on Pyodide ({len(failed)} requests), "
                          f"first {json.dumps(req, ensure_ascii=False)}:\n{error}")
    modules = json.loads(responses[-1]["value"])
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(modules))
    return modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site",
                        help="the built site (default: site); writes its _tebiki/ folder")
    parser.add_argument("--compiled", type=Path, default=ROOT / "build" / "compiled",
                        help="the compiled bundle (default: build/compiled)")
    parser.add_argument("--variant", choices=("fast", "stock"), default="fast")
    parser.add_argument("--timezone", default=DEFAULT_TIMEZONE,
                        help="the zone of the opening hours (default: Asia/Tokyo)")
    parser.add_argument("--no-prune", action="store_true",
                        help="keep the whole standard library (for debugging)")
    args = parser.parse_args(argv)
    try:
        target = vendor(args.site, args.compiled, args.variant, prune=not args.no_prune,
                        timezone=args.timezone)
    except VendorError as exc:
        print(f"vendor_pyodide: {exc}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"wrote {target} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
