"""The runtime folder the site ships: self-contained, from the same sources, reproducible."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from site_tests.pyodide_support import FIXTURES, ROOT, build_runtime, needs_node, vendor_pyodide

pytestmark = needs_node


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site, compiled = build_runtime(FIXTURES / "mini", tmp_path_factory.mktemp("vendor"),
                                   guides=False)
    runtime = site / "_tebiki"
    return runtime, compiled, json.loads((runtime / "manifest.json").read_text())


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_write_identical_files(built, tmp_path):
    runtime, compiled, _ = built
    again = vendor_pyodide.vendor(tmp_path / "site", compiled)
    assert _digest(again) == _digest(runtime)


def test_every_file_the_manifest_names_is_there(built):
    runtime, _, manifest = built
    named = [manifest["wheel"], manifest["labels"], manifest["pyodide"]["stdlib"],
             *manifest["trees"].values(),
             *(manifest["pyodide"]["index"] + f for f in vendor_pyodide.PYODIDE_FILES)]
    for rel in named:
        assert (runtime / rel).is_file(), rel
    for rel in vendor_pyodide.PAGE_FILES:
        assert (runtime / rel).is_file(), rel


def test_the_lock_file_names_only_our_wheel_with_its_hash(built):
    runtime, _, manifest = built
    packages = manifest["lock"]["packages"]
    assert list(packages) == ["tebiki"]
    wheel = (runtime / manifest["wheel"]).read_bytes()
    assert packages["tebiki"]["sha256"] == hashlib.sha256(wheel).hexdigest()
    assert packages["tebiki"]["file_name"] == manifest["wheel"]
    stock = json.loads((vendor_pyodide.NPM_PYODIDE / "pyodide-lock.json").read_text())
    assert manifest["lock"]["info"] == stock["info"]


def test_the_wheel_carries_the_very_source_files_the_build_uses(built):
    runtime, _, manifest = built
    with zipfile.ZipFile(runtime / manifest["wheel"]) as whl:
        names = set(whl.namelist())
        for module in ("__init__.py", "core/__init__.py", "core/engine.py", "core/render.py",
                       "core/bridge.py"):
            assert whl.read(f"tebiki/{module}") == (ROOT / "src" / "tebiki" / module).read_bytes()
    # Nothing that needs PyYAML or MkDocs goes to the browser.
    assert {n for n in names if n.startswith("tebiki/")} == {
        "tebiki/__init__.py", "tebiki/core/__init__.py", "tebiki/core/engine.py",
        "tebiki/core/render.py", "tebiki/core/bridge.py"}


def test_the_standard_library_is_bytecode_only_and_smaller_than_stock(built):
    runtime, _, manifest = built
    ours = runtime / manifest["pyodide"]["stdlib"]
    with zipfile.ZipFile(ours) as zf:
        names = zf.namelist()
    assert not [n for n in names if n.endswith(".py")]
    # What the engine, the renderer and the bridge import (they escape HTML
    # themselves, so html is not among them).
    for module in ("json/__init__.pyc", "datetime.pyc", "re/__init__.pyc"):
        assert module in names
    stock = vendor_pyodide.NPM_PYODIDE / "python_stdlib.zip"
    assert ours.stat().st_size < stock.stat().st_size


def test_the_bytecode_zip_is_cached_by_pyodide_version(built):
    cached = vendor_pyodide.precompiled_stdlib()
    assert cached.parent == vendor_pyodide.CACHE
    assert vendor_pyodide.pinned_version() in cached.name
    before = cached.stat().st_mtime_ns
    assert vendor_pyodide.precompiled_stdlib().stat().st_mtime_ns == before


def test_nothing_names_another_origin(built):
    runtime, _, _ = built
    for name in vendor_pyodide.PAGE_FILES:
        text = (runtime / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, name


def test_a_folder_it_did_not_make_is_left_alone(built, tmp_path):
    _, compiled, _ = built
    foreign = tmp_path / "site" / vendor_pyodide.TARGET_NAME
    foreign.mkdir(parents=True)
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(vendor_pyodide.VendorError, match="not touching it"):
        vendor_pyodide.vendor(tmp_path / "site", compiled)
    assert (foreign / "keep.txt").read_text() == "mine"


def test_the_stock_variant_ships_stock_pyodide(built, tmp_path):
    _, compiled, _ = built
    runtime = vendor_pyodide.vendor(tmp_path / "site", compiled, variant="stock")
    manifest = json.loads((runtime / "manifest.json").read_text())
    assert manifest["variant"] == "stock" and "lock" not in manifest
    for name in vendor_pyodide.STOCK_FILES:
        assert (runtime / manifest["pyodide"]["index"] / name).is_file()
