"""The output folder (`--out`): what may be replaced, and replacing it safely.

`tebiki build`, `tebiki compile` and `tebiki handbook` replace their output
folder as a whole. They replace a folder only if it does not exist, is empty,
or holds nothing but what tebiki wrote there: the MARKER file that tebiki
writes into every output folder lists each file it wrote with its SHA-256, and
a folder that holds any other file, or a listed file changed since, is refused.
The marker alone proves nothing: it travels with every copy of the site (copy
site/ into a web root that holds other pages, and the web root holds a marker
too). Never `/`, the home folder, the content folder or a folder inside it,
the project (the folder of mkdocs.yml, the git checkout) or a folder that
holds one of them. All of it is decided before any work, with a message that
names the folder.

While it works, a build holds a lock beside the output (two builds into one
folder would swap their halves in turn), builds into a staging folder beside
it, and swaps the result in with one atomic exchange of names (Linux
renameat2 RENAME_EXCHANGE), so there is always a complete site. A build that
was killed leaves a staging folder: the next build into that folder removes
it (it is tebiki's by its name and marker, and not in use while the lock is
held), and if the build was killed between the two renames of the fallback
swap, puts the previous output back first.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import sys
from pathlib import Path

MARKER = ".tebiki-output"
MARKER_TEXT = ("This folder was made by tebiki. tebiki replaces it as a whole, but only while "
               "it holds nothing\nbut the files listed here, as tebiki wrote them "
               "(`sha256sum -c` reads this list).\n")
_LISTED = re.compile(r"^([0-9a-f]{64})  (.+)$")


class OutputError(Exception):
    """The output folder cannot be used; the message says which and why."""


def _resolve(path: Path) -> Path:
    try:
        return Path(os.path.abspath(path)).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise OutputError(f"cannot use {path} as the output folder: {exc}") from exc


def _git_checkout(start: Path) -> Path | None:
    """The git checkout (work tree) that holds `start`, if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def protected_folders(content: Path | None,
                      project: Path | None = None) -> list[tuple[Path, str]]:
    """Folders an output may never be, nor hold: (folder, what it is), the most
    specific first (a message names the first that applies). `project` is the
    site's folder (where its mkdocs.yml is)."""
    found = []
    if content is not None:
        found.append((_resolve(content), "the content folder"))
    if project is not None:
        found.append((_resolve(project), "the site's project (it holds mkdocs.yml)"))
    checkout = _git_checkout(_resolve(Path.cwd()))
    if checkout is not None:
        found.append((checkout, "the git checkout you are in"))
    with contextlib.suppress(RuntimeError, KeyError, OSError):  # no home folder known
        found.append((Path.home().resolve(), "your home folder"))
    found.append((Path(os.path.abspath(os.sep)), "the root of the file system"))
    return found


def inner_protected(content: Path | None) -> list[tuple[Path, str]]:
    """Folders no output may be inside of: the content folder (the site, its lock and
    its staging folders would land among the YAML), and git's own folder."""
    found = []
    if content is not None:
        found.append((_resolve(content), "the content folder"))
    checkout = _git_checkout(_resolve(Path.cwd()))
    if checkout is not None:
        found.append((checkout / ".git", "git's own folder"))
    return found


def _entries(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError as exc:
        raise OutputError(f"cannot read the output folder {folder}: "
                          f"{exc.strerror or exc}") from exc


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_marker(folder: Path) -> None:
    """The marker of a finished output: every file in `folder` with its SHA-256."""
    lines = [MARKER_TEXT]
    for path in sorted(_files(folder)):
        rel = path.relative_to(folder).as_posix()
        if rel != MARKER and "\n" not in rel:
            lines.append(f"{file_hash(path)}  {rel}\n")
    (folder / MARKER).write_text("".join(lines), encoding="utf-8")


def _files(folder: Path) -> list[Path]:
    found = []
    for top, dirs, files in os.walk(folder):
        found.extend(Path(top) / name for name in (*files, *(d for d in dirs
                     if os.path.islink(os.path.join(top, d)))))
    return found


def listed_files(folder: Path) -> dict[str, str] | None:
    """What the marker in `folder` lists ({path: sha256}), or None without a marker or
    with one that lists nothing (an older tebiki's)."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    listed = {}
    for line in text.splitlines():
        match = _LISTED.match(line)
        if match:
            listed[match.group(2)] = match.group(1)
    return listed or None


def foreign_files(folder: Path) -> tuple[list[str], list[str]] | None:
    """What in `folder` tebiki did not write: (files and links not in its marker, files
    changed since), or None when there is no marker that lists files."""
    listed = listed_files(folder)
    if listed is None:
        return None
    unknown, changed = [], []
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        rel_top = Path(top).relative_to(folder)
        for name in [*sorted(d for d in dirs if os.path.islink(os.path.join(top, d))),
                     *sorted(files)]:
            path = Path(top) / name
            rel = (rel_top / name).as_posix()
            if rel == MARKER:
                continue
            if rel not in listed or path.is_symlink() or not path.is_file():
                unknown.append(rel)
            elif file_hash(path) != listed[rel]:
                changed.append(rel)
        if not dirs and not files and rel_top != Path("."):
            unknown.append(rel_top.as_posix() + "/")  # an empty folder tebiki never makes
    return unknown, changed


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")


def _not_only_ours(folder: Path) -> str | None:
    """Why tebiki may not replace the non-empty `folder`, or None if it may."""
    found = foreign_files(folder)
    if found is None:
        if (folder / MARKER).exists():
            return (f"its {MARKER} file lists no files (an older tebiki wrote it), so "
                    "nothing shows that the folder holds only what tebiki wrote; look "
                    "inside, remove the folder yourself, and build again")
        return (f"it is not empty and was not made by tebiki (it has no {MARKER} file); give "
                "a new or empty folder, or move this one away yourself")
    unknown, changed = found
    if unknown:
        return (f"it holds files tebiki did not write there ({_some(unknown)}): tebiki "
                "replaces only a folder that holds nothing but what it wrote (listed in its "
                f"{MARKER} file, which travels with every copy of the output); give a new or "
                "empty folder, or move those files away yourself")
    if changed:
        return (f"files in it were changed since tebiki wrote them ({_some(changed)}): "
                "replacing the folder would lose those changes; give a new or empty folder, "
                "or move it away yourself")
    return None


def check_output(out: Path, content: Path | None, project: Path | None = None) -> Path:
    """The resolved output folder, if tebiki may replace it; else OutputError."""
    resolved = _resolve(out)
    protected = protected_folders(content, project)
    for folder, what in protected:
        if resolved == folder:
            raise OutputError(f"refusing to replace {resolved}: it is {what}; give a folder "
                              "of its own for the output, like --out site")
    for folder, what in protected:
        if resolved in folder.parents:
            raise OutputError(f"refusing to replace {resolved}: it holds {what} "
                              f"({folder}); give a folder of its own for the output, like "
                              "--out site")
    for folder, what in inner_protected(content):
        if folder in resolved.parents:
            raise OutputError(f"refusing to write {resolved}: it is inside {what} "
                              f"({folder}); give a folder outside it, like --out site")
    try:
        info = os.stat(resolved)
    except FileNotFoundError:
        return resolved
    except OSError as exc:
        raise OutputError(f"cannot use {resolved} as the output folder: "
                          f"{exc.strerror or exc}") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"refusing to replace {resolved}: it is a file, not a folder")
    if _entries(resolved):
        why = _not_only_ours(resolved)
        if why:
            raise OutputError(f"refusing to replace {resolved}: {why}")
    return resolved


# --- the lock, the staging folders, the swap --------------------------------------------


class Output:
    """An output folder being replaced: `with Output(out, content) as target:` holds
    the lock; `target.staging()` gives folders to build in; `target.publish(folder)`
    swaps one in."""

    def __init__(self, out: Path, content: Path | None = None,
                 project: Path | None = None) -> None:
        self.path = check_output(out, content, project)
        self.parent = self.path.parent
        self.name = self.path.name
        self._lock_fd: int | None = None
        self._made: list[Path] = []

    @property
    def lock_file(self) -> Path:
        return self.parent / f".{self.name}.tebiki-lock"

    @property
    def old(self) -> Path:
        """Where the two-rename fallback keeps the previous output for a moment."""
        return self.parent / f".{self.name}.tebiki-old"

    def _staging_prefix(self) -> str:
        return f".{self.name}.tebiki-staging-"

    def __enter__(self) -> Output:
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
        except OSError as exc:
            raise OutputError(f"cannot write beside {self.path}: "
                              f"{exc.strerror or exc}") from exc
        try:
            self.recover()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        for folder in self._made:
            shutil.rmtree(folder, ignore_errors=True)
        self._unlock()

    def _lock(self) -> None:
        import fcntl

        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(f"another tebiki build is writing {self.path} right now (it "
                              f"holds {self.lock_file}): wait until it has finished") from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the lock; the file stays, harmless
            self._lock_fd = None

    def recover(self) -> None:
        """Clean up after a build that was killed (we hold the lock: none is running)."""
        if self.old.is_dir() and not self.path.exists():
            self.old.rename(self.path)  # killed between the fallback's two renames
            print(f"put back the previous {self.path} (a build was stopped while swapping)",
                  file=sys.stderr)
        for folder in self._leftovers():
            shutil.rmtree(folder, ignore_errors=True)

    def _leftovers(self) -> list[Path]:
        """Staging folders of killed builds into this output: tebiki's by their name and
        their marker (or empty)."""
        found = []
        for name in _entries(self.parent):
            path = self.parent / name
            if not (name.startswith(self._staging_prefix()) or path == self.old):
                continue
            if path.is_dir() and not path.is_symlink() and \
                    (not _entries(path) or (path / MARKER).is_file()):
                found.append(path)
        return found

    def staging(self, label: str = "") -> Path:
        """A new, empty folder beside the output, with the marker; removed on exit
        unless it was published."""
        name = f"{self._staging_prefix()}{os.getpid()}-{secrets.token_hex(4)}{label}"
        folder = self.parent / name
        try:
            folder.mkdir(mode=0o755)
            (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write beside {self.path}: "
                              f"{exc.strerror or exc}") from exc
        self._made.append(folder)
        return folder

    def publish(self, staging: Path) -> None:
        """Make the staged output readable by everyone, list its files in the marker,
        and swap it in."""
        readable_by_all(staging)
        write_marker(staging)
        os.chmod(staging / MARKER, 0o644)
        swap_in(staging, self.path, self.old)


def readable_by_all(folder: Path) -> None:
    """Folders 755 and files 644 whatever the umask: the output is published as is."""
    os.chmod(folder, 0o755)
    for top, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(top, name), 0o755)
        for name in files:
            path = os.path.join(top, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


# renameat2(2): exchange two paths atomically (Linux 3.15+, most local file systems).
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+
    except (OSError, AttributeError):
        return None


_RENAMEAT2 = _load_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap the names of `a` and `b` in one step; False where that cannot be done."""
    if _RENAMEAT2 is None:
        return False
    result = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this file system cannot
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, out: Path, old: Path | None = None) -> None:
    """Replace `out` by `staging`. With an atomic exchange `out` is always complete;
    otherwise by two renames through `old` (the next build puts it back if this one
    is killed in between). `staging` is left holding the previous output, or gone."""
    if not out.exists():
        staging.rename(out)
        return
    if exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = old or out.with_name(f".{out.name}.tebiki-old")
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
