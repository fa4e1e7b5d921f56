"""Problems found in content: what is wrong, where, and what would be right."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str
    severity: str = ERROR
    more: int = 0  # on a line that stands for problems left out: how many

    def format(self) -> str:
        """`file:line: message`, with `warning:` before the message for warnings."""
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


def in_order(problems) -> list[Problem]:
    """By file and line; in each file, the line that counts problems left out last."""
    return sorted(problems, key=lambda p: (p.file, p.more > 0, p.line))  # stable: as found


class ContentError(Exception):
    """Raised when content has errors; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as people will click it: relative to the working folder when possible.

    Only the folder is resolved, not the file: a file that is a symbolic link keeps
    its own name (and a link that loops cannot stop the message that says so)."""
    try:
        full = path.parent.resolve() / path.name
        here = Path.cwd()
    except (OSError, RuntimeError):  # a folder in a symlink loop, a deleted cwd
        return str(path)
    try:
        return str(full.relative_to(here))
    except ValueError:
        pass
    if root is not None:
        try:
            return str(full.relative_to(root.resolve().parent))
        except (ValueError, OSError, RuntimeError):
            pass
    return str(path)
