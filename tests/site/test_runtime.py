"""The runtime folder the site ships: self-contained, from the same sources, reproducible,
every file but the manifest named by its content; on Pyodide or on MicroPython."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import brotli
import pytest

from tebiki.core import contract
from tebiki.load.content import load_bundle
from tebiki.site import runtime as site_runtime

from ..conftest import FIXTURES, LANGUAGES, ROOT
from ..support.pyodide import build_runtime, needs_node, runtime_for

pytestmark = needs_node
MINI = FIXTURES / "mini"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site, compiled = build_runtime(MINI, tmp_path_factory.mktemp("runtime"), guides=False)
    runtime = site / "_tebiki"
    return runtime, compiled, json.loads((runtime / "manifest.json").read_text())


@pytest.fixture(scope="module")
def built_micropython(tmp_path_factory):
    site, compiled = build_runtime(MINI, tmp_path_factory.mktemp("runtime-mpy"), guides=False,
                                   runtime="micropython")
    runtime = site / "_tebiki"
    return runtime, compiled, json.loads((runtime / "manifest.json").read_text())


@pytest.fixture(params=["pyodide", "micropython"])
def each(request, built, built_micropython):
    """The runtime folder of each runtime, with its compiled bundle and manifest."""
    return {"pyodide": built, "micropython": built_micropython}[request.param]


@pytest.fixture(scope="module")
def mini():
    return load_bundle(MINI, languages=LANGUAGES)


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_write_identical_files(each, mini, tmp_path):
    runtime, _, manifest = each
    again = runtime_for(MINI).write(tmp_path / "site", mini, set(), runtime=manifest["runtime"])
    assert _digest(again) == _digest(runtime)


def _named(manifest: dict) -> list[str]:
    named = [manifest["boot"], manifest["labels"], *manifest["trees"].values(),
             *manifest["modules"].values()]
    if manifest["runtime"] == "pyodide":
        named += [manifest["pyodide"]["stdlib"],
                  *(manifest["pyodide"]["index"] + f for f in site_runtime.PYODIDE_FILES)]
    else:
        named += [manifest["micropython"]["index"] + f for f in site_runtime.MICROPYTHON_FILES]
    return named


def test_every_file_the_manifest_names_is_there_and_nothing_else(each):
    runtime, _, manifest = each
    named = _named(manifest)
    for rel in named:
        assert (runtime / rel).is_file(), rel
    scripts = {s.name for s in site_runtime.runtime_scripts(manifest["runtime"])}
    for name in scripts:
        assert (runtime / name).is_file(), name
    written = {p.relative_to(runtime).as_posix() for p in runtime.rglob("*") if p.is_file()}
    assert written == {*named, *scripts, "manifest.json"}
    # what the worker asks for at once: the interpreter's files, named above
    assert manifest["preload"] and set(manifest["preload"]) <= set(named)


def test_a_site_ships_its_own_runtime_only(built, built_micropython):
    pyodide, micropython = built[0], built_micropython[0]
    assert list(pyodide.glob("pyodide-*/pyodide.asm.wasm"))
    assert not list(pyodide.glob("micropython-*")) and not list(pyodide.glob("boot-micropython-*"))
    assert list(micropython.glob("micropython-*/micropython.wasm"))
    assert not [p.name for p in micropython.iterdir()
                if p.name.startswith(("pyodide", "python_stdlib", "boot-")) and
                not p.name.startswith("boot-micropython-")]
    # every wasm and module the MicroPython worker loads, raw: about a tenth of Pyodide's
    def weight(folder: Path) -> int:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.suffix in (".wasm", ".zip"))
    assert weight(micropython) * 10 < weight(pyodide)


def test_every_file_but_the_manifest_is_named_by_its_content(each):
    runtime = each[0]
    for path in runtime.rglob("*"):
        if not path.is_file() or path.name == "manifest.json":
            continue
        rel = path.relative_to(runtime).as_posix()
        assert re.search(r"-[0-9a-f]{12}[./]|^pyodide-[0-9.]+/", rel), rel
    scripts = site_runtime.page_scripts()
    for script in scripts.values():
        _stem, digest = re.fullmatch(r"(.+)-([0-9a-f]{12})\.\w+", script.name).groups()
        assert digest == hashlib.sha256(script.data).hexdigest()[:12]


def test_a_script_names_the_others_by_their_final_names(each):
    runtime, _, manifest = each
    scripts = site_runtime.page_scripts()
    wizard = (runtime / scripts["wizard.js"].name).read_text(encoding="utf-8")
    assert f'"./{scripts["contract.mjs"].name}"' in wizard
    assert f'"{scripts["worker.mjs"].name}"' in wizard
    # one worker for both runtimes: the manifest names the boot module
    boot = site_runtime.BOOTS[manifest["runtime"]]
    assert manifest["boot"] == scripts[boot].name


def test_the_page_script_takes_every_name_it_shares_with_the_markup_from_the_contract():
    """tebiki.core.contract is the one source: the page script writes none of its values."""
    source = (site_runtime.BROWSER / "wizard.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    values = {k: v for k, v in vars(contract).items() if k.isupper() and isinstance(v, str)}
    written = [(k, v) for k, v in values.items() if v in code]
    assert written == [], written
    module = site_runtime.contract_module()
    for key, value in values.items():
        assert f"export const {key} = {json.dumps(value)};" in module


def test_the_lock_file_is_inline_and_names_no_package(built):
    _runtime, _, manifest = built
    assert manifest["lock"]["packages"] == {}
    stock = json.loads((runtime_for(MINI).npm_pyodide / "pyodide-lock.json").read_text())
    assert manifest["lock"]["info"] == stock["info"]


def test_pyodide_runs_the_very_source_files_the_build_uses(built):
    runtime, _, manifest = built
    assert sorted(manifest["modules"]) == sorted(f"tebiki/{m}"
                                                 for m in site_runtime.ENGINE_MODULES)
    for name, rel in manifest["modules"].items():
        assert (runtime / rel).read_bytes() == (ROOT / "src" / name).read_bytes(), name
    # Nothing that needs PyYAML or MkDocs goes to the browser: tebiki.core alone.
    assert all(m == "__init__.py" or m.startswith("core/") for m in site_runtime.ENGINE_MODULES)


def test_micropython_runs_them_compiled_to_its_bytecode(built_micropython):
    """The same sources, compiled at build time by mpy-cross of the shipped MicroPython's
    version: the browser neither parses nor compiles Python, and downloads less."""
    runtime, _, manifest = built_micropython
    assert sorted(manifest["modules"]) == sorted(f"tebiki/{m[:-3]}.mpy"
                                                 for m in site_runtime.ENGINE_MODULES)
    shipped = {name: (runtime / rel).read_bytes() for name, rel in manifest["modules"].items()}
    assert all(data.startswith(b"M\x06") for data in shipped.values())  # .mpy version 6
    assert site_runtime.compile_micropython(manifest["micropython"]["version"]) == shipped
    sources = sum(len(d) for d in site_runtime.engine_sources().values())
    assert sum(len(d) for d in shipped.values()) < sources / 2


def test_the_standard_library_is_bytecode_only_and_smaller_than_stock(built):
    runtime, _, manifest = built
    ours = runtime / manifest["pyodide"]["stdlib"]
    with zipfile.ZipFile(ours) as zf:
        names = zf.namelist()
        stored = all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
    assert not [n for n in names if n.endswith(".py")]
    # What the engine, the renderer and the bridge import (they escape HTML
    # themselves, so html is not among them).
    for module in ("json/__init__.pyc", "datetime.pyc", "re/__init__.pyc"):
        assert module in names
    # The engine is no package: nothing of Pyodide's package installer is shipped.
    assert not [n for n in names if n.startswith(("tarfile", "importlib/metadata"))]
    # Stored, for the host's Brotli; still smaller than the stock sources, compressed.
    assert stored
    stock = runtime_for(MINI).npm_pyodide / "python_stdlib.zip"
    assert len(brotli.compress(ours.read_bytes(), quality=5)) < stock.stat().st_size


def test_the_bytecode_zip_is_cached_by_pyodide_version(built):
    runtime = runtime_for(MINI)
    cached = runtime.precompiled_stdlib()
    assert cached.parent == runtime.cache
    assert runtime.pinned_version() in cached.name
    before = cached.stat().st_mtime_ns
    assert runtime.precompiled_stdlib().stat().st_mtime_ns == before


def test_nothing_names_another_origin(each):
    runtime, _, manifest = each
    for script in site_runtime.runtime_scripts(manifest["runtime"]):
        text = (runtime / script.name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, script.name


def test_a_folder_it_did_not_make_is_left_alone(mini, tmp_path):
    foreign = tmp_path / "site" / "_tebiki"
    foreign.mkdir(parents=True)
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(site_runtime.BrowserRuntimeError, match="not touching it"):
        runtime_for(MINI).write(tmp_path / "site", mini, set())
    assert (foreign / "keep.txt").read_text() == "mine"


def test_the_stock_variant_ships_stock_pyodide_and_a_wheel(mini, tmp_path):
    runtime = runtime_for(MINI).write(tmp_path / "site", mini, set(), variant="stock")
    manifest = json.loads((runtime / "manifest.json").read_text())
    assert manifest["variant"] == "stock" and "lock" not in manifest
    for name in site_runtime.STOCK_FILES:
        assert (runtime / manifest["pyodide"]["index"] / name).is_file()
    with zipfile.ZipFile(runtime / manifest["wheel"]) as whl:
        names = set(whl.namelist())
        for module in site_runtime.WHEEL_MODULES:
            assert whl.read(f"tebiki/{module}") == (ROOT / "src" / "tebiki" / module).read_bytes()
    assert {n for n in names if n.startswith("tebiki/")} == {
        f"tebiki/{m}" for m in site_runtime.WHEEL_MODULES}
