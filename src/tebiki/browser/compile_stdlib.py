"""Compile Pyodide's standard library zip to bytecode, inside Pyodide itself.

Run by `node_engine.mjs compile-stdlib` in Pyodide (never on the host Python:
the bytecode must come from the very interpreter that will load it, Python
3.14 here). Most of a stock boot is Python compiling its start-up modules from
source, so a zip of ready bytecode starts about 2.5 times faster.

Each `x.py` becomes `x.pyc` (unchecked hash-based, so no source and no
timestamps are needed); other files are kept. The bytecode is optimized as
`python -OO` would (no docstrings, no asserts): 16 % fewer bytes, and
zipimport loads `x.pyc` whatever the optimization level. Entries are stored,
not deflated, so the host's Brotli compresses the zip as a whole (a third
smaller than deflating each file). The output is deterministic: same entry
order as the input, fixed dates.
"""

from __future__ import annotations

import importlib.util
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def compile_zip(source: str, target: str, prefix: str) -> int:
    """Write `target`: the zip `source` with its modules as bytecode. Returns the module count.

    `prefix` is where the zip sits on Pyodide's `sys.path` (`/lib/python314.zip`),
    so tracebacks name the same files a stock boot would.
    """
    count = 0
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            if name.endswith(".py"):
                code = compile(data, f"{prefix}/{name}", "exec", dont_inherit=True, optimize=2)
                data = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data),
                                               checked=False))
                name = name[:-3] + ".pyc"
                count += 1
            entry = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            entry.external_attr = info.external_attr
            entry.compress_type = zipfile.ZIP_STORED
            out.writestr(entry, data)
    return count
