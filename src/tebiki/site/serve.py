"""`tebiki serve`: a live preview for authors.

MkDocs' development server with the tebiki plugin in it: every save of a
tree, a record, a label, a page or mkdocs.yml rebuilds the site and reloads
the page in the browser. Bad content does not stop it: the plugin prints the
problems as `file:line: message` and shows them at the top of every page
(tebiki.site.plugin), and the next save that fixes them brings the site back.
The preview leaves out what only `tebiki build` makes (the handbooks, the
search index, the in-browser runtime): its wizard works as the static pages.
"""

from __future__ import annotations

from pathlib import Path


def serve(config_file: Path, *, bind: str = "127.0.0.1", port: int = 8000) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    from tebiki.site.mkdocs_log import show_mkdocs_log

    show_mkdocs_log()  # a page MkDocs could not build says why, not only "Aborted"
    mkdocs_serve(config_file=str(config_file), livereload=True, dev_addr=f"{bind}:{port}")
