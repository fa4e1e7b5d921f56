"""MkDocs' own messages on stderr, for `tebiki build` and `tebiki serve` alike."""

from __future__ import annotations

import logging
import sys


def show_mkdocs_log(verbose: bool = False) -> tuple[logging.Logger, logging.Handler]:
    """MkDocs' warnings and errors on stderr (its own CLI would set this up; tebiki
    calls MkDocs as a library, and without it they go nowhere)."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    if not verbose:
        handler.addFilter(_without_traceback)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    return logger, handler


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
