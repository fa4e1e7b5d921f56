"""Build the site: check the content, run MkDocs, index for search, swap in.

    python scripts/build_site.py [--content decision_trees] [--out site]

0. Make sure the output folder may be replaced, and lock it (src/tebiki/outdir.py):
   a refused --out or a build already running ends here, with exit 2.
1. Check the content; on any error print every problem as `file:line:
   message` (as `tebiki check` does) and stop: nothing is written.
2. Build with MkDocs (strict) into a staging folder beside the output.
3. Index the staging folder with Pagefind (one index per <html lang>).
4. Swap the staging folder in (one atomic exchange); a failed build leaves the
   old output alone, and every failure is a message with exit 3, not a traceback.

Reproducible: dates come from SOURCE_DATE_EPOCH (set from the last commit
when not given), and no step writes the wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from tebiki.load.content import DEFAULT_ROOT, compile_content, load_content
from tebiki.site import csp
from tebiki.site.compress import compress_site
from tebiki.site.output import MARKER, Output, OutputError
from tebiki.site.procs import child_options

ROOT = Path(__file__).resolve().parents[3]
EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUILD = 0, 1, 2, 3


class BuildError(Exception):
    pass


def source_date_epoch(root: Path, content: Path) -> str:
    """$SOURCE_DATE_EPOCH, else the last commit's time, else the newest `reviewed:` date."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given:
        return given
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, check=True,
                             capture_output=True, text=True, timeout=30).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.SubprocessError):
        pass
    import datetime as dt

    dates = re.findall(r"reviewed:\s*(\d{4}-\d{2}-\d{2})",
                       "".join(p.read_text(encoding="utf-8") for p in content.rglob("*.yaml")))
    newest = max(dates, default="2026-01-01")
    return str(int(dt.datetime.fromisoformat(newest).replace(tzinfo=dt.UTC).timestamp()))


SITE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$")


def site_url_problem(value: str | None) -> str | None:
    """What is wrong with the published address ($TEBIKI_SITE_URL), if anything: it goes
    into every page's canonical link, the sitemap, the widget's snippets and the PDFs."""
    if not value:
        return None
    if not SITE_URL.match(value) or any(c in value for c in "'()"):
        return (f"TEBIKI_SITE_URL={value!r} is not a web address: give the address the site "
                "will be published at, like https://example.jp/tebiki/ (http or https, no "
                "quotes, spaces or brackets)")
    return None


def check_content(content: Path):
    """The compiled bundle, or None after printing every problem."""
    loaded = load_content(content)
    for problem in loaded.problems:
        print(problem.format(), file=sys.stderr)
    if loaded.errors:
        print(f"{len(loaded.errors)} error(s): fix them, then build again (the site was not "
              "changed)", file=sys.stderr)
        return None
    return compile_content(loaded)


def run_mkdocs(config_file: Path, site_dir: Path, verbose: bool = False) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    if not verbose:
        handler.addFilter(_without_traceback)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
        build(config)
    except MkDocsException as exc:
        raise BuildError(f"mkdocs: {exc}") from exc
    except SystemExit as exc:  # mkdocs-macros exits on a macro error (on_error_fail)
        raise BuildError(f"a macro failed (exit {exc.code}): see the message above") from exc
    finally:
        logger.removeHandler(handler)


def _without_traceback(record: logging.LogRecord) -> logging.LogRecord:
    """mkdocs-macros logs a failed macro with its Python traceback: keep the page and
    the error, leave the traceback to -v."""
    message = record.getMessage()
    if "Traceback (most recent call last)" not in message:
        return record
    kept = [line for line in message.split("```")[0].splitlines() if line.strip()]
    kept.append("(run with -v for the details)")
    record.msg, record.args = "\n".join(kept), ()
    return record


def run_pagefind(site_dir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site_dir),
                             "--silent"], capture_output=True, text=True, timeout=600,
                            **child_options())
    if result.returncode != 0:
        raise BuildError("pagefind failed:\n" + result.stdout + result.stderr)


def normalize_pagefind(site_dir: Path) -> None:
    """Pagefind lists its languages in hash-map order: sort them, so builds are identical."""
    entry = site_dir / "pagefind" / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                     encoding="utf-8")


def add_browser_runtime(bundle, site_dir: Path) -> None:
    """Pyodide, the engine and the compiled trees into site_dir/_tebiki/, so the
    wizard pages can answer in the page (scripts/vendor_pyodide.py, pyodide/)."""
    from tebiki.load.compile import write_bundle

    with tempfile.TemporaryDirectory(prefix="tebiki-compiled-") as tmp:
        write_bundle(bundle.trees, bundle.records, bundle.labels, Path(tmp))
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "vendor_pyodide.py"), "--site",
             str(site_dir), "--compiled", tmp], capture_output=True, text=True, timeout=900,
            **child_options())
    if result.returncode != 0:
        raise BuildError("adding the in-browser wizard failed (did `npm ci` run?):\n"
                         + (result.stderr or result.stdout).strip())


def add_embed(bundle, site_dir: Path, config_file: Path) -> None:
    """The widget for other sites: embed pages (/embed/..., /en/embed/...) and the loader
    _tebiki/embed-v1.js (src/tebiki/embed.py); after the runtime, which they use."""
    from tebiki.site.embed import EmbedError, write_embed

    try:
        write_embed(bundle, site_dir, config_file)
    except EmbedError as exc:
        raise BuildError(f"the embed pages: {exc}") from exc


def make_handbooks(bundle, out: Path, config_file: Path) -> dict:
    """The printable handbooks (one A4 PDF per language) into `out` (src/tebiki/handbook.py)."""
    from tebiki.handbook.compose import HandbookError
    from tebiki.handbook.compose import make_handbooks as make

    try:
        return make(bundle, out, config_file=config_file,
                    epoch=int(os.environ["SOURCE_DATE_EPOCH"]))
    except HandbookError as exc:
        raise BuildError(f"the handbook (PDF): {exc}") from exc


def build_site(content: Path = DEFAULT_ROOT, out: Path = Path("site"),
               config_file: Path = ROOT / "mkdocs.yml", *, search: bool = True,
               handbook: bool = True, verbose: bool = False) -> int:
    started = time.perf_counter()
    problem = site_url_problem(os.environ.get("TEBIKI_SITE_URL"))
    if problem:
        print(f"tebiki: {problem}", file=sys.stderr)
        return EXIT_USAGE
    content = content.resolve()
    try:
        # The output folder is judged before any work: a refused --out costs nothing.
        with Output(out, content) as target:
            code = _build(target, content, config_file, search=search, handbook=handbook,
                          verbose=verbose)
    except OutputError as exc:
        print(f"tebiki: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if code == EXIT_OK:
        pages = sum(1 for _ in target.path.rglob("index.html"))
        print(f"built {pages} pages into {target.path} in "
              f"{time.perf_counter() - started:.1f} s")
    return code


def _build(target: Output, content: Path, config_file: Path, *, search: bool,
           handbook: bool, verbose: bool) -> int:
    """Check, then build into a staging folder and swap it in; the lock is held."""
    bundle = check_content(content)
    if bundle is None:
        return EXIT_CONTENT
    with _build_environment(content, config_file):
        try:
            _build_into(target, bundle, content, config_file, search=search,
                        handbook=handbook, verbose=verbose)
        except BuildError as exc:
            print(f"build failed: {exc}\n({_left_alone(target)})", file=sys.stderr)
            return EXIT_BUILD
        except OutputError:
            raise
        except Exception as exc:  # the last safety net: a message, not a traceback
            if verbose:
                traceback.print_exc()
            hint = "" if verbose else "; run with -v for the details"
            print(f"build failed: {one_line(exc)}\n({_left_alone(target)}{hint})",
                  file=sys.stderr)
            return EXIT_BUILD
    return EXIT_OK


def _build_into(target: Output, bundle, content: Path, config_file: Path, *, search: bool,
                handbook: bool, verbose: bool) -> None:
    from tebiki.site import mkdocs as mkdocs_site

    mkdocs_site.use_bundle(content, bundle)
    staging = target.staging()
    books = target.staging("-handbook") if handbook else None  # made first: pages link to them
    try:
        if books:
            mkdocs_site.use_handbooks(make_handbooks(bundle, books, config_file))
        run_mkdocs(config_file, staging, verbose)
        if books:
            (books / MARKER).unlink()
            books.rename(staging / "downloads")
        add_browser_runtime(bundle, staging)
        add_embed(bundle, staging, config_file)
        if search:
            run_pagefind(staging)
            normalize_pagefind(staging)
        try:
            csp.add_policies(staging)
        except csp.InlineScript as exc:
            raise BuildError(f"the Content-Security-Policy: {exc}") from exc
        # last: the compressed copies are of the files as served
        compress_site(staging, cache=config_file.parent / "build" / "cache" / "brotli")
        target.publish(staging)
    finally:
        mkdocs_site.use_handbooks({})


@contextmanager
def _build_environment(content: Path, config_file: Path):
    """TEBIKI_CONTENT and SOURCE_DATE_EPOCH for the build's steps, restored after."""
    saved = {k: os.environ.get(k) for k in ("TEBIKI_CONTENT", "SOURCE_DATE_EPOCH")}
    os.environ["TEBIKI_CONTENT"] = str(content)
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(config_file.parent, content)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _left_alone(target: Output) -> str:
    if target.path.exists():
        return f"the previous {target.path} was left as it was"
    return f"nothing was written to {target.path}"


def one_line(exc: BaseException) -> str:
    """An exception as one line for people: its kind and its first line."""
    if isinstance(exc, MemoryError):
        return "out of memory"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_site", description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / DEFAULT_ROOT,
                        help="folder with the trees and records (default: decision_trees)")
    parser.add_argument("--out", type=Path, default=ROOT / "site",
                        help="where the site goes (default: site/ in the repository)")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind index")
    parser.add_argument("--no-handbook", action="store_true",
                        help="skip the printable handbooks (PDF) and the links to them")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    return build_site(args.content, args.out, args.config, search=not args.no_search,
                      handbook=not args.no_handbook, verbose=args.verbose)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
