"""Child processes that die with the build.

A build that is killed (Ctrl-C twice, a CI timeout, `kill -9`) must not leave
Pagefind, Node or the handbook's font workers running. On Linux a child asks the
kernel to kill it when its parent dies (PR_SET_PDEATHSIG); elsewhere this does
nothing and the children end when they notice their closed pipes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def _load_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        return None


_PRCTL = _load_prctl()  # looked up before any fork: the child only calls it


def die_with_parent(parent: int | None = None) -> None:
    """In a new child: be killed when the parent process dies.

    Use as `preexec_fn=die_with_parent` or as a ProcessPoolExecutor initializer.
    If the parent died before this ran, the signal would never come: exit now."""
    if _PRCTL is None:
        return
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def child_options() -> dict:
    """Keyword arguments for subprocess.run/Popen: the child dies with this process."""
    if _PRCTL is None:
        return {}
    parent = os.getpid()
    return {"preexec_fn": lambda: die_with_parent(parent)}
