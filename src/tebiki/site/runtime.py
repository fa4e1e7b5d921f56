"""The in-browser wizard runtime in a built site: Pyodide, the engine, the trees.

After MkDocs, the build writes `_tebiki/` (and nothing else):

    manifest.json                 what the worker loads (the only file revalidated)
    wizard-<h>.js, worker-<h>.mjs, boot-<h>.mjs, contract-<h>.mjs
                                  the page script and the module Web Worker, named by
                                  content (the pages name the page script)
    pyodide-<version>/            pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm (npm, pinned)
    python_stdlib-<h>.zip         the standard library as bytecode compiled inside
                                  Pyodide, cut to the modules the engine uses
    engine-<h>/tebiki-<v>-py3-none-any.whl   tebiki.core: engine, render, layout, bridge
    trees/<id>-<h>.json, labels-<h>.json      the compiled bundle

Every file but the manifest carries a content hash (or Pyodide's version) in
its name, so a browser never mixes an old file with a new one and a host may
cache them for a year. Pyodide comes from the site's `node_modules/pyodide`
(`npm ci` first); nothing is downloaded. The bytecode zip is cached in
`build/cache/pyodide/` by Pyodide version and compiler source, so only the
first build pays for it.

The wheel is written here rather than by `pyodide build` (which fetches a
cross-build environment from the internet even for a pure-Python wheel) or
`python -m build` (which would pack the whole package, YAML loader included,
with build-time file dates): it holds only the stdlib-only modules the
browser runs, with fixed dates, so two builds give identical bytes.

`variant="stock"` lays out stock Pyodide instead (its own stdlib zip and lock
file, the wheel loaded by URL): the benchmark's baseline.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tebiki
from tebiki.core import contract, layout
from tebiki.load.compile import write_bundle
from tebiki.site.config import SiteConfig
from tebiki.site.procs import child_options

PACKAGE = Path(tebiki.__file__).parent
BROWSER = PACKAGE / "browser"  # the browser's own files, as written
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

# Pyodide's runtime files the wizard needs (no console pages, no source maps).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STOCK_FILES = ("python_stdlib.zip", "pyodide-lock.json")
# The package modules the browser runs: the engine and its HTML renderer (stdlib only).
WHEEL_MODULES = ("__init__.py", "core/__init__.py", "core/engine.py", "core/contract.py",
                 "core/layout.py", "core/render.py", "core/bridge.py")
# Imported lazily by the standard library on paths a trace may not take.
STDLIB_EXTRAS = ("_strptime", "encodings.ascii", "encodings.latin_1", "encodings.utf_8_sig")
TRACE_NOW = ("2026-01-02T03:04", "2026-06-15T12:00")
DEFAULT_TIMEZONE = "Asia/Tokyo"
# The npm packages of the browser runtime, as this tebiki was made and tested with them
# (a new site's package.json pins these; this repository's package.json too).
NPM_PACKAGES = {"pyodide": "314.0.7", "@micropython/micropython-webassembly-pyscript": "1.27.0"}


class BrowserRuntimeError(Exception):
    """Something the person building must fix (the message says what)."""

    details = ""  # Node's own output behind the one-line message, for -v


def node_failed(step: str, code: int, stderr: str) -> BrowserRuntimeError:
    """Node's failure as one line (its output, a 28-line V8 dump when out of memory, is
    kept for -v)."""
    if "heap out of memory" in stderr or "Reached heap limit" in stderr:
        error = BrowserRuntimeError(
            f"Node ran out of memory in `{step}` (rendering every wizard state in Pyodide): "
            "the content is more than one build can take; `tebiki check` measures it "
            "(docs/FORMAT.md, Limits) and should have refused it")
    else:
        last = [line for line in stderr.strip().splitlines() if line.strip()]
        error = BrowserRuntimeError(f"node_engine.mjs {step} failed (exit {code}): "
                                    f"{last[-1][:300] if last else 'no message'}")
    error.details = stderr[-20000:]
    return error


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short_hash(data: bytes) -> str:
    return sha256(data)[:12]


# --- the page scripts, named by their content ------------------------------------------


def contract_module() -> str:
    """contract.mjs: the names of tebiki.core.contract for the page script."""
    names = {key: value for key, value in vars(contract).items()
             if key.isupper() and isinstance(value, str)}
    lines = ["// The names the wizard's markup and its page script share: written by the",
             "// build from tebiki/core/contract.py (do not edit).",
             *(f"export const {key} = {json.dumps(value)};"
               for key, value in sorted(names.items()))]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Script:
    name: str  # its name in _tebiki/, with the hash of its content
    data: bytes


@cache
def page_scripts() -> dict[str, Script]:
    """The page script and what it loads, each named by its content; a file that names
    another is rewritten to the other's final name first (so a change anywhere below
    renames everything above it). Keys are the names as written in the sources."""
    made: dict[str, Script] = {}

    def add(source: str, text: str, stem: str, suffix: str, uses: dict[str, str]) -> None:
        for written, key in uses.items():
            if text.count(written) != 1:
                raise BrowserRuntimeError(f"{source}: expected to name {written} exactly once")
            text = text.replace(written, written.replace(key, made[key].name))
        data = text.encode("utf-8")
        made[source] = Script(f"{stem}-{short_hash(data)}{suffix}", data)

    def read(name: str) -> str:
        return (BROWSER / name).read_text(encoding="utf-8")

    add("contract.mjs", contract_module(), "contract", ".mjs", {})
    add("boot.mjs", read("boot.mjs"), "boot", ".mjs", {})
    add("worker.mjs", read("worker.mjs"), "worker", ".mjs", {'"./boot.mjs"': "boot.mjs"})
    add("wizard.js", read("wizard.js"), "wizard", ".js",
        {'"./contract.mjs"': "contract.mjs", '"worker.mjs"': "worker.mjs"})
    add("embed-frame.js", read("embed-frame.js"), "embed-frame", ".js", {})
    add("embed.css", read("embed.css"), "embed", ".css", {})
    add("wizard.css", read("wizard.css"), "wizard", ".css", {})
    return made


def script_url(name: str) -> str:
    """The page script (or another file of page_scripts) as a path from the site root."""
    return f"{layout.RUNTIME}/{page_scripts()[name].name}"


# --- Pyodide from npm -------------------------------------------------------------------


class Runtime:
    """The runtime of one site: its npm packages, its cache."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.npm_pyodide = site.node_modules / "pyodide"
        self.cache = site.cache / "pyodide"

    def pinned_version(self) -> str:
        """The Pyodide version the site's package.json pins, checked against node_modules."""
        package = self.site.root / "package.json"
        try:
            wanted = json.loads(package.read_text())["dependencies"]["pyodide"]
        except (OSError, ValueError, KeyError) as exc:
            raise BrowserRuntimeError(f"{package} pins no pyodide: the in-browser wizard needs it "
                                "(tebiki new writes one; then run `npm ci`)") from exc
        installed = self.npm_pyodide / "package.json"
        if not installed.exists():
            raise BrowserRuntimeError(f"{self.npm_pyodide} is missing: run `npm ci` in "
                                f"{self.site.root}")
        have = json.loads(installed.read_text())["version"]
        if have != wanted:
            raise BrowserRuntimeError(f"node_modules has pyodide {have}, package.json pins "
                                f"{wanted}: run `npm ci`")
        return have

    def lock_info(self) -> dict:
        """The ABI facts of this Pyodide build, for an inline lock file."""
        lock = json.loads((self.npm_pyodide / "pyodide-lock.json").read_text())
        return lock["info"]

    def node(self, *args: str, stdin: str | None = None, timeout: int = 600) -> str:
        exe = shutil.which("node")
        if exe is None:
            raise BrowserRuntimeError("node is not on PATH (Node 20 runs Pyodide at build time)")
        proc = subprocess.run([exe, str(BROWSER / "node_engine.mjs"), *args], input=stdin,
                              capture_output=True, text=True, timeout=timeout,
                              cwd=self.site.root, **child_options())
        if proc.returncode != 0:
            raise node_failed(args[0], proc.returncode, proc.stderr)
        return proc.stdout

    def precompiled_stdlib(self) -> Path:
        """The stock stdlib zip as bytecode compiled inside Pyodide, cached by version
        and compiler."""
        version = self.pinned_version()
        key = short_hash((self.npm_pyodide / "python_stdlib.zip").read_bytes()
                         + (BROWSER / "compile_stdlib.py").read_bytes())
        cached = self.cache / f"python_stdlib-{version}-{key}.zip"
        if not cached.exists():
            self.cache.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.cache) as tmp:
                out = Path(tmp) / "stdlib.zip"
                self.node("compile-stdlib", str(self.npm_pyodide), str(out))
                os.replace(out, cached)
        return cached

    def write(self, site_dir: Path, bundle, guides: set, *, variant: str = "fast",
              prune: bool = True, timezone: str = DEFAULT_TIMEZONE) -> Path:
        """Write the runtime into `site_dir/_tebiki/` and return that folder.

        `guides` are the trees with a guide page; `timezone` is the zone of the
        places' opening hours: the visitor's clock is read in it for the open-now notes.
        """
        version = self.pinned_version()
        target = site_dir / layout.RUNTIME
        _clear(target)
        index = f"pyodide-{version}/"
        (target / index).mkdir()
        for name in PYODIDE_FILES + (STOCK_FILES if variant == "stock" else ()):
            shutil.copyfile(self.npm_pyodide / name, target / index / name)
        for script in page_scripts().values():
            (target / script.name).write_bytes(script.data)

        with tempfile.TemporaryDirectory() as tmp:
            built = build_wheel(Path(tmp))
            data = built.read_bytes()
        wheel = f"engine-{short_hash(data)}/{built.name}"
        (target / wheel).parent.mkdir()
        (target / wheel).write_bytes(data)

        with tempfile.TemporaryDirectory(prefix="tebiki-compiled-") as tmp:
            compiled = Path(tmp)
            write_bundle(bundle.trees, bundle.records, bundle.labels, compiled)
            trees = {path.stem: _hashed_copy(path.read_bytes(), target, f"trees/{path.stem}",
                                             ".json")
                     for path in sorted((compiled / "trees").glob("*.json"))}
            labels = _hashed_copy((compiled / "labels.json").read_bytes(), target, "labels",
                                  ".json")

        manifest: dict = {
            "format": 1,
            "variant": variant,
            "pyodide": {"version": version, "index": index},
            "wheel": wheel,
            "trees": trees,
            "labels": labels,
            "guides": sorted(guides & set(trees)),
            "timezone": timezone,
        }
        if variant == "fast":
            manifest["lock"] = {"info": self.lock_info(), "packages": {"tebiki": {
                "name": "tebiki", "version": tebiki.__version__, "file_name": wheel,
                "install_dir": "site", "sha256": sha256(data), "package_type": "package",
                "imports": ["tebiki"], "depends": []}}}
            full = self.precompiled_stdlib()
            manifest["pyodide"]["stdlib"] = _hashed_copy(full.read_bytes(), target,
                                                         "python_stdlib", ".zip")
            if prune:
                _write_manifest(target, manifest)
                modules = self.traced_modules(target, bundle)
                (target / manifest["pyodide"]["stdlib"]).unlink()
                with tempfile.TemporaryDirectory() as tmp:
                    cut = Path(tmp) / "stdlib.zip"
                    prune_stdlib(full, modules, cut)
                    manifest["pyodide"]["stdlib"] = _hashed_copy(cut.read_bytes(), target,
                                                                 "python_stdlib", ".zip")
        _write_manifest(target, manifest)
        return target

    def trace_requests(self, bundle) -> list[dict]:
        """Every state of every tree, rendered in each language at a few clock times.

        Only the modules and any error matter here, so no rendered page is sent back
        (`keep: false`): all of them at once outgrew Node's heap on long texts."""
        requests: list[dict] = []
        for tree_id, tree in sorted(bundle.trees.items()):
            for state in layout.states(tree):
                for lang in self.site.codes:
                    for now in (None, *TRACE_NOW):
                        requests.append({"op": "render", "tree": tree_id,
                                         "answers": dict(state), "lang": lang, "now": now,
                                         "keep": False})
                    requests.append({"op": "render", "tree": tree_id, "lang": lang,
                                     "now": None, "options": [o for _q, o in state],
                                     "keep": False})
        return [*requests, {"op": "modules"}]

    def traced_modules(self, target: Path, bundle) -> list[str]:
        """The modules Pyodide imports to boot and to render every state (cached by input)."""
        requests = self.trace_requests(bundle)
        manifest = (target / "manifest.json").read_bytes()
        key = short_hash(manifest + json.dumps(requests).encode())
        cached = self.cache / f"trace-{key}.json"
        if cached.exists():
            return json.loads(cached.read_text())
        responses = json.loads(self.node("run", str(target), stdin=json.dumps(requests)))
        failed = [(req, res["error"]) for req, res in zip(requests, responses, strict=True)
                  if not res["ok"]]
        if failed:
            req, error = failed[0]
            raise BrowserRuntimeError(f"the engine failed on Pyodide ({len(failed)} requests), "
                                f"first {json.dumps(req, ensure_ascii=False)}:\n{error}")
        modules = json.loads(responses[-1]["value"])
        self.cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(modules))
        return modules


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


def build_wheel(out_dir: Path) -> Path:
    """A pure wheel of the browser's modules, byte-identical for identical sources."""
    version = tebiki.__version__
    files: dict[str, bytes] = {}
    for name in WHEEL_MODULES:
        path = PACKAGE / name
        if not path.exists():
            raise BrowserRuntimeError(f"{path} is missing: the browser runs it")
        files[f"tebiki/{name}"] = path.read_bytes()
    info = f"tebiki-{version}.dist-info"
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: tebiki\nVersion: {version}\n"
                                 "Summary: the tebiki engine for the browser\n").encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: tebiki\n"
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
    """Empty `target`, refusing a folder this step did not make."""
    if target.exists():
        if any(target.iterdir()) and not (target / "manifest.json").exists():
            raise BrowserRuntimeError(f"{target} exists and is not a tebiki runtime folder: "
                                "not touching it")
        shutil.rmtree(target)
    target.mkdir(parents=True)


def _write_manifest(target: Path, manifest: dict) -> None:
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    (target / "manifest.json").write_text(text, encoding="utf-8")


__all__ = ["BrowserRuntimeError", "Runtime", "page_scripts", "script_url"]
