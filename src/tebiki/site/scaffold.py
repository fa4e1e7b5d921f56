"""`tebiki new DIR`: a small working site to start from.

Two languages (Japanese first, English second), one example tree with its
records, a guide page, a search page, the renderers' words in both languages,
and the two commands to preview and build it (its README). The files come
from `tebiki/site/scaffold/`; `package.json` pins the browser runtime's npm
packages to the versions this tebiki was made with.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tebiki.site.runtime import NPM_PACKAGES

SCAFFOLD = Path(__file__).with_name("scaffold")
RENAMED = {"gitignore": ".gitignore"}  # names a wheel would not carry as they are


class ScaffoldError(Exception):
    """The new site cannot be written there (the message says why)."""


def new_site(target: Path) -> list[Path]:
    """Write the example site into `target` (new or empty); the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} is not empty: give a new folder for the site")
    written = []
    for source in sorted(SCAFFOLD.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        rel = source.relative_to(SCAFFOLD)
        dest = target / rel.parent / RENAMED.get(rel.name, rel.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    package = {"name": target.resolve().name.lower().replace(" ", "-") or "guide",
               "private": True,
               "description": "The in-browser wizard's runtime, copied into the built site "
                              "by `tebiki build` (no CDN).",
               "dependencies": dict(NPM_PACKAGES)}
    (target / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    written.append(target / "package.json")
    return written
