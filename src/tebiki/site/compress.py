"""Brotli and gzip copies of the built site's text and WebAssembly files.

A host that can serve a precompressed file (nginx `gzip_static`/`brotli_static`,
Apache with rewrite rules, most CDNs, `tebiki host`) sends `page.html.br` to a
browser that accepts Brotli, `page.html.gz` to one that accepts gzip, and the
file itself otherwise. Every text and wasm file over 1 KB gets both copies,
when they are smaller; files that are compressed already (the search index,
PDFs, images) are left alone. Zip archives are tried too: the runtime's
standard library is a zip of stored (uncompressed) entries, which Brotli
compresses as a whole; a deflated zip saves under 5 % and gets no copy.

Brotli at its best setting is slow (about 20 s for Pyodide's 9.6 MB wasm on
this kind of machine), so each result is cached by the SHA-256 of its input:
a file that did not change is compressed once per machine. gzip is written
without a file name or time, so two builds give the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import brotli

MIN_SIZE = 1024
# What compresses: text formats (the engine's .py files too), wasm and MicroPython
# bytecode (binaries that still halve), and zips (the runtime's stdlib is stored
# uncompressed for this).
SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt",
                      ".map", ".wasm", ".webmanifest", ".py", ".mpy", ".zip"})
ENCODINGS = {".br": "br", ".gz": "gzip"}
KEEP_BELOW = 0.95  # a copy must save at least 5 %, or it is not worth a second file


@dataclass
class Compressed:
    files: int = 0
    raw: int = 0
    brotli: int = 0
    gzip: int = 0


def _brotli(data: bytes, cache: Path | None) -> bytes:
    if cache is None:
        return brotli.compress(data, quality=11)
    key = cache / f"{hashlib.sha256(data).hexdigest()}.br"
    try:
        return key.read_bytes()
    except OSError:
        pass
    out = brotli.compress(data, quality=11)
    cache.mkdir(parents=True, exist_ok=True)
    temp = key.with_name(key.name + ".tmp")
    temp.write_bytes(out)
    temp.replace(key)
    return out


def compress_site(site: Path, cache: Path | None = None) -> Compressed:
    """Write `<file>.br` and `<file>.gz` beside every file worth compressing."""
    summary = Compressed()
    for path in sorted(site.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if len(data) <= MIN_SIZE:
            continue
        summary.files += 1
        summary.raw += len(data)
        for suffix, packed in ((".br", _brotli(data, cache)),
                               (".gz", gzip.compress(data, compresslevel=9, mtime=0))):
            if len(packed) < KEEP_BELOW * len(data):
                path.with_name(path.name + suffix).write_bytes(packed)
                size = len(packed)
            else:
                size = len(data)
            if suffix == ".br":
                summary.brotli += size
            else:
                summary.gzip += size
    return summary
