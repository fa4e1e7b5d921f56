"""`tebiki build`: check, print the handbooks, build with MkDocs, add the runtime, index, swap in.

0. Read the site's configuration (mkdocs.yml, tebiki.site.config) and make sure
   the output folder may be replaced, and lock it (tebiki.site.output): a
   refused --out or a build already running ends here, with exit 2.
1. Check the content; on any error print every problem as `file:line:
   message` (as `tebiki check` does) and stop: nothing is written.
2. Print the handbooks (tebiki.handbook), first: the pages link to them.
3. Build with MkDocs (strict) into a staging folder beside the output; the
   tebiki plugin gets the checked content and the handbooks from here.
4. Add the in-browser runtime (tebiki.site.runtime), the widget's embed pages
   (tebiki.site.embed), the search index (tebiki.site.search), each page's
   Content-Security-Policy (tebiki.site.csp) and the compressed copies.
5. Swap the staging folder in (one atomic exchange); a failed build leaves the
   old output alone, and every failure is a message with exit 3, not a traceback.

Reproducible: dates come from SOURCE_DATE_EPOCH (the last commit's time when
it is not given), and no step writes the wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

from tebiki.load.content import Bundle, compile_content, load_content
from tebiki.site import csp
from tebiki.site.compress import compress_site
from tebiki.site.config import ConfigError, SiteConfig
from tebiki.site.mkdocs_log import show_mkdocs_log
from tebiki.site.output import MARKER, Output, OutputError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUILD = 0, 1, 2, 3


class BuildError(Exception):
    details = ""  # a long log behind the one-line message, printed with -v


# The dates a build may print: 1970 to the end of 9999 (datetime's last year).
MAX_EPOCH = 253_402_300_799


def given_epoch() -> int | None:
    """$SOURCE_DATE_EPOCH as a number, None when it is not set; ConfigError (a usage
    error, before any work) when it is set to something that is not a time."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if not given:
        return None
    if not given.isascii() or not given.isdigit() or int(given) > MAX_EPOCH:
        raise ConfigError(f"SOURCE_DATE_EPOCH {given[:30]!r} is not a time: give the seconds "
                          "since 1970-01-01 UTC (like 1796083200, `git log -1 --format=%ct`), "
                          "or unset it")
    return int(given)


def source_date_epoch(site: SiteConfig) -> int:
    """$SOURCE_DATE_EPOCH, else the last commit's time, else the newest `reviewed:` date."""
    given = given_epoch()
    if given is not None:
        return given
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=site.root, check=True,
                             capture_output=True, text=True, timeout=30).stdout.strip()
        if out:
            return int(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    dates = re.findall(r"reviewed:\s*(\d{4}-\d{2}-\d{2})",
                       "".join(p.read_text(encoding="utf-8")
                               for p in site.content.rglob("*.yaml")))
    newest = max(dates, default="2026-01-01")
    return int(dt.datetime.fromisoformat(newest).replace(tzinfo=dt.UTC).timestamp())


def check_content(site: SiteConfig, epoch: int | None = None) -> Bundle | None:
    """The compiled bundle, or None after printing every problem. `epoch` (the
    build's SOURCE_DATE_EPOCH) is the day the trees are compiled for: the years of
    public holidays they carry, the dated items already in force."""
    today = dt.datetime.fromtimestamp(epoch, dt.UTC).date() if epoch is not None else None
    loaded = load_content(site.content, languages=site.languages, today=today,
                          review_age_months=site.review_age_months, holidays=site.holidays)
    for problem in loaded.problems:
        print(problem.format(), file=sys.stderr)
    if loaded.errors:
        print(f"{len(loaded.errors)} error(s): fix them, then build again (the site was not "
              "changed)", file=sys.stderr)
        return None
    return compile_content(loaded)


def load_mkdocs(config_file: Path, content: Path | None = None):
    """The site's MkDocs configuration, plugins included; `content` overrides the
    tebiki plugin's content folder."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    if not config_file.is_file():
        raise ConfigError(f"no {config_file}: give the site's mkdocs.yml with --config (or "
                          "make a new site with `tebiki new DIR`)")
    try:
        config = load_config(str(config_file), strict=True)
    except ConfigurationError as exc:
        raise ConfigError(f"{config_file}: {exc}") from exc
    except Abort as exc:  # MkDocs has logged what is wrong, line by line
        raise ConfigError(f"{config_file}: {exc} (see above)") from exc
    if content is not None and "tebiki" in config.plugins:
        config.plugins["tebiki"].config.content = str(content.resolve())
    return config


def run_mkdocs(config, site_dir: Path, verbose: bool = False) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    logger, handler = show_mkdocs_log(verbose)
    try:
        config["site_dir"] = str(site_dir)
        build(config)
    except MkDocsException as exc:
        raise BuildError(f"mkdocs: {exc}") from exc
    except SystemExit as exc:  # mkdocs-macros exits on a macro error (on_error_fail)
        raise BuildError(f"a macro failed (exit {exc.code}): see the message above") from exc
    finally:
        logger.removeHandler(handler)


def build_site(config_file: Path, out: Path, *, content: Path | None = None,
               search: bool = True, handbook: bool = True, verbose: bool = False) -> int:
    from tebiki.site.config import from_mkdocs

    started = time.perf_counter()
    try:
        given_epoch()
        config = load_mkdocs(config_file, content)
        site = from_mkdocs(config)
    except ConfigError as exc:
        print(f"tebiki: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        # The output folder is judged before any work: a refused --out costs nothing.
        with Output(out, site.content, site.root) as target:
            code = _build(target, config, site, search=search, handbook=handbook,
                          verbose=verbose)
    except OutputError as exc:
        print(f"tebiki: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if code == EXIT_OK:
        pages = sum(1 for _ in target.path.rglob("index.html"))
        print(f"built {pages} pages into {target.path} in "
              f"{time.perf_counter() - started:.1f} s")
    return code


def _build(target: Output, config, site: SiteConfig, *, search: bool, handbook: bool,
           verbose: bool) -> int:
    """Check, then build into a staging folder and swap it in; the lock is held."""
    epoch = source_date_epoch(site)
    bundle = check_content(site, epoch)
    if bundle is None:
        return EXIT_CONTENT
    # MkDocs reads it for its own dates (the sitemap's); tebiki's steps are given `epoch`.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        _build_into(target, config, site, bundle, epoch, search=search, handbook=handbook,
                    verbose=verbose)
    except BuildError as exc:
        if verbose and exc.details:
            print(exc.details, file=sys.stderr)
        hint = "; run with -v for the details" if exc.details and not verbose else ""
        print(f"build failed: {exc}\n({left_alone(target)}{hint})", file=sys.stderr)
        return EXIT_BUILD
    except OutputError:
        raise
    except Exception as exc:  # the last safety net: a message, not a traceback
        if verbose:
            traceback.print_exc()
        hint = "" if verbose else "; run with -v for the details"
        print(f"build failed: {one_line(exc)}\n({left_alone(target)}{hint})",
              file=sys.stderr)
        return EXIT_BUILD
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return EXIT_OK


def _build_into(target: Output, config, site: SiteConfig, bundle: Bundle, epoch: int, *,
                search: bool, handbook: bool, verbose: bool) -> None:
    from tebiki.handbook.compose import HandbookError
    from tebiki.handbook.printer import make_handbooks
    from tebiki.site.embed import EmbedError, write_embed
    from tebiki.site.plugin import DOWNLOADS, favicon_data_url
    from tebiki.site.runtime import BrowserRuntimeError, Runtime
    from tebiki.site.search import SearchError, index_site

    plugin = config.plugins["tebiki"]
    plugin.bundle = bundle
    staging = target.staging()
    books = target.staging("-handbook") if handbook else None  # made first: pages link to them
    if books:
        try:
            plugin.handbooks = make_handbooks(bundle, site, books, epoch=epoch)
        except HandbookError as exc:
            error = BuildError(f"the handbook (PDF): {exc}")
            error.details = exc.details
            raise error from exc
    run_mkdocs(config, staging, verbose)
    if books:
        (books / MARKER).unlink()
        books.rename(staging / DOWNLOADS)
    try:
        Runtime(site).write(staging, bundle, plugin.guides)
    except BrowserRuntimeError as exc:
        error = BuildError(f"adding the in-browser wizard failed: {exc}")
        error.details = exc.details
        raise error from exc
    try:
        icon = favicon_data_url(site.docs_dir / config.theme["favicon"])
        write_embed(bundle, staging, site, plugin.guides, icon)
    except EmbedError as exc:
        raise BuildError(f"the embed pages: {exc}") from exc
    if search:
        try:
            index_site(staging, bundle, site.languages, plugin.guides,
                       {lang: [entry for entries in by_url.values() for entry in entries]
                        for lang, by_url in plugin.search_words.items()})
        except SearchError as exc:
            raise BuildError(f"the search index: {exc}") from exc
    try:
        csp.add_policies(staging)
    except csp.InlineScript as exc:
        raise BuildError(f"the Content-Security-Policy: {exc}") from exc
    # last: the compressed copies are of the files as served
    compress_site(staging, cache=site.cache / "brotli")
    target.publish(staging)


def left_alone(target: Output) -> str:
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
