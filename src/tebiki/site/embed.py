"""The widget for other sites' pages: embed pages, the loader, copy-paste snippets.

A city's web page can show a wizard in an `<iframe>` of an embed page:

    /embed/<tree>/<option>/.../      (Japanese; English under /en/embed/)

one page per reachable state, like the wizard pages (so the frame works with
JavaScript off too), holding the wizard region alone: no header, navigation,
footer or search, a small stylesheet of its own (`_tebiki/embed-<hash>.css`), and a
link to the same state in the other language. Each page carries its own
Content-Security-Policy (`POLICY`, a `<meta>`), so the host page's policy does
not matter: a host only has to allow the frame (`frame-src`). The page loads
the in-browser wizard (the page script, data-root is the embed folder, so
steps stay in the frame and the URL changes inside it only) and the frame's
script (browser/embed-frame.js), which tells the host page the document's height.

Links that leave the wizard (the whole guide, the sources) open in a new tab,
and say so to screen readers: a frame navigated to another site would be
stuck at the frame's size (or refused by that site), and `_top` would take the
reader away from the city's page. Links inside the wizard (options, back,
change, start again, the continue links to another tree, the other language)
stay in the frame.

The loader `_tebiki/embed-v1.js` (source `browser/embed-v1.js`, its `//` lines
dropped) turns `<div data-tebiki-embed data-src=... data-title=...>` into an
iframe and fits its height to the page's messages. The snippets on the page
for webmasters (`content/embed.*.md`, macros `embed_snippets`, `embed_csp`)
carry its Subresource Integrity hash, computed here from the very bytes the
build writes. The guide's address in them is the published address
(`site_url` in mkdocs.yml; `TEBIKI_SITE_URL` for this site), or
`PLACEHOLDER` when it is unset.

Every word comes from the content: the page titles from the trees, the
language names from mkdocs.yml, the rest from the content's `ui/` labels.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from tebiki.core import engine, layout
from tebiki.core.layout import EMBED, RUNTIME
from tebiki.core.render import esc, page_title, plain, render_state
from tebiki.render.guide import md_heading
from tebiki.render.templates import core_html, part, policy, render
from tebiki.site import describe
from tebiki.site.config import SiteConfig
from tebiki.site.runtime import BROWSER, page_scripts

LOADER = "embed-v1.js"
# The guide's address in the snippets when the build does not know it (no site_url).
PLACEHOLDER = "https://GUIDE.example/"
FRAME_HEIGHT = 720  # the plain iframe's fixed height (it scrolls inside); the loader's start

# What an embed page may load: its own scripts, styles and worker; WebAssembly for
# Pyodide (in the worker, which gets its policy with worker.mjs; listed here too for
# browsers that hand a page's policy to its workers); nothing from anywhere else.
POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",  # the icon is a data URL
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
))


class EmbedError(Exception):
    """Something the person building must fix (the message says what)."""


# --- the loader -------------------------------------------------------------------------


def loader_bytes() -> bytes:
    """The loader as published: browser/embed-v1.js without its comment lines and indents."""
    source = BROWSER / LOADER
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise EmbedError(f"{source}: {exc.strerror}") from exc
    lines = [line.strip() for line in text.splitlines()]
    return ("\n".join(s for s in lines if s and not s.startswith("//")) + "\n").encode("utf-8")


def integrity(data: bytes) -> str:
    """A Subresource Integrity value (sha384) for `data`."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


# --- the embed pages -----------------------------------------------------------------------


def page(region: str, *, lang: str, title: str, up: str, others: list, icon: str,
         description: str = "") -> str:
    """One embed page: `region` (the wizard's HTML), `up` the way to the site root,
    `others` [(lang, name, href)] the same state in the other languages, `icon` the
    site's icon as a data URL, `description` its meta description (plain text)."""
    scripts = page_scripts()
    return render("embed-page.html", lang=lang, policy=policy(POLICY), title=title, icon=icon,
                  description=description,
                  up=up, runtime=RUNTIME, stylesheet=scripts["embed.css"].name,
                  wizard_stylesheet=scripts["wizard.css"].name,
                  frame_script=scripts["embed-frame.js"].name,
                  wizard_script=scripts["wizard.js"].name,
                  others=[{"lang": o, "name": n, "href": h} for o, n, h in others],
                  region=core_html(region))


def write_pages(bundle, site_dir: Path, site: SiteConfig, guides: set, icon: str) -> int:
    """Every embed page of every tree in every language; returns how many."""
    written = 0
    for language in site.languages:
        lang, prefix = language.code, language.prefix
        for tree_id, tree in bundle.trees.items():
            for state in layout.states(tree):  # the wizard pages' states
                options = [o for _q, o in state]
                rel = EMBED + "/" + layout.state_path(tree_id, options)
                up = "../" * (prefix.count("/") + rel.count("/"))  # to the site root
                root = layout.up_from_state(options)  # to the embed folder
                result = engine.next_step(tree, dict(state))
                region = render_state(result, bundle.labels, lang, root=root, trees=bundle.trees,
                                      guide_url=layout.guide_url(root, tree_id)
                                      if tree_id in guides else None, embed=True)
                others = [(o.code, o.name, up + o.prefix + rel)
                          for o in site.languages if o.code != lang]
                title = f"{page_title(result, lang)} - {language.site_name}"
                out = site_dir / prefix / rel / "index.html"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(page(region, lang=lang, title=title, up=up, others=others,
                                    icon=icon,
                                    description=describe.of_state(tree, result, lang)),
                               encoding="utf-8")
                written += 1
    return written


def write_embed(bundle, site_dir: Path, site: SiteConfig, guides: set, icon: str) -> int:
    """The build step (after MkDocs and the browser runtime, which writes the pages'
    scripts): embed pages and the loader into `site_dir`; returns the number of pages."""
    target = site_dir / RUNTIME
    if not (target / page_scripts()["wizard.js"].name).exists():
        raise EmbedError(f"{target} has no page script: add the browser runtime first")
    (target / LOADER).write_bytes(loader_bytes())
    return write_pages(bundle, site_dir, site, guides, icon)


# --- the snippets for webmasters -----------------------------------------------------------


def guide_base(site_url: str | None) -> str:
    """The guide's address ending in '/': the published one, or the placeholder."""
    return site_url.rstrip("/") + "/" if site_url else PLACEHOLDER


def origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def _tree_title(bundle, tree_id: str, lang: str) -> str:
    if tree_id not in bundle.trees:
        raise EmbedError(f"no tree {tree_id!r} (trees: {', '.join(sorted(bundle.trees))})")
    return plain(bundle.trees[tree_id]["title"][lang])


def iframe_snippet(bundle, tree_id: str, lang: str, *, base: str, prefix: str) -> str:
    """A plain iframe: no script on the host page; a fixed height (the frame scrolls)."""
    return str(part("embed-snippets.html", "iframe", src=f"{base}{prefix}{EMBED}/{tree_id}/",
                    title=_tree_title(bundle, tree_id, lang), height=FRAME_HEIGHT))


def loader_snippet(bundle, tree_id: str, lang: str, *, base: str, prefix: str) -> str:
    """The loader: a placeholder (a link to the wizard, until the script runs) and the
    script with its integrity hash."""
    return str(part("embed-snippets.html", "loader", src=f"{base}{prefix}{EMBED}/{tree_id}/",
                    title=_tree_title(bundle, tree_id, lang),
                    wizard=f"{base}{prefix}{layout.WIZARD}/{tree_id}/",
                    script=f"{base}{RUNTIME}/{LOADER}", integrity=integrity(loader_bytes())))


def host_policy(way: str, *, base: str) -> str:
    """The directives a host page's CSP needs for `way` ("iframe" or "loader")."""
    frame = f"frame-src {origin(base)}"
    if way == "iframe":
        return frame
    if way == "loader":
        return f"script-src {base}{RUNTIME}/{LOADER}; {frame}"
    raise EmbedError(f"no way to embed called {way!r} (ways: iframe, loader)")


def code_block(text: str) -> str:
    """Code to copy, as an HTML block inside Markdown."""
    return str(part("embed-snippets.html", "code_block", code=text))


def snippets(bundle, tree_ids: list, lang: str, way: str, *, site_url: str | None,
             prefix: str, level: int = 3) -> str:
    """Markdown: per tree a heading (its title) and the code for `way`."""
    make = {"iframe": iframe_snippet, "loader": loader_snippet}.get(way)
    if make is None:
        raise EmbedError(f"no way to embed called {way!r} (ways: iframe, loader)")
    base = guide_base(site_url)
    out = []
    for tree_id in tree_ids:
        out.append(md_heading(level, esc(_tree_title(bundle, tree_id, lang)),
                              f"embed-{way}-{tree_id}") + "\n"
                   + code_block(make(bundle, tree_id, lang, base=base, prefix=prefix)) + "\n")
    return "\n".join(out)
