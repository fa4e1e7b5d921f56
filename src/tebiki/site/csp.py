"""Give every page of the built site a Content-Security-Policy of its own.

A static site cannot count on its host to send headers, so each page carries
its policy in a `<meta http-equiv>` tag. Scripts may come only from files the
build wrote, on the site's own origin: no inline script is allowed, by hash or
otherwise. The theme's two inline snippets are served as files too (see
`overrides/partials/javascripts/`), so a `<script>` that a content text managed
to smuggle into a page could never run, and `add_policies` refuses to finish a
build whose pages still hold one.

Only the pages that run WebAssembly (the wizard's states, which start the
engine in a Web Worker, and the search page, whose index is WebAssembly) get
`'wasm-unsafe-eval'` and `worker-src 'self'`; every other page gets neither.
Nothing may be fetched from another origin, and no page may be framed by a
form or a plugin. Pages that set their own policy (the embed pages) are left
alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from tebiki.render.templates import part, policy
from tebiki.site.runtime import script_url

META = 'http-equiv="Content-Security-Policy"'
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
_DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json\b""", re.I)
_CHARSET = re.compile(r'<meta charset="utf-8">', re.I)
_HEAD_END = re.compile(r"</head\s*>", re.I)
_POLICY_TAG = re.compile(r"""<meta\s[^>]*\bhttp-equiv\s*=\s*["']?Content-Security-Policy\b""", re.I)
# The scripts whose pages run WebAssembly: the wizard (its runtime in a worker) and search.
SEARCH_SCRIPT = "/assets/tebiki-search.js"

COMMON = (
    "default-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    # The theme sets style attributes in its HTML; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
PLAIN = ("script-src 'self'", "worker-src 'none'")
WASM = ("script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'")


class InlineScript(ValueError):
    """A page holds a script written into the page, which the policy would block."""


def _scripts(html: str) -> list[str]:
    """The `src` of every script of a page; an inline one (other than a data block)
    is refused."""
    found = []
    for attrs in _SCRIPT.findall(html):
        src = _SRC.search(attrs)
        if src:
            found.append(src.group(1))
        elif not _DATA_TYPE.search(attrs):
            raise InlineScript(f"an inline <script{attrs}>: only script files are allowed")
    return found


def policy_for(html: str) -> str:
    """The policy a page needs: WebAssembly and workers only where its scripts use them."""
    sources = _scripts(html)
    wizard = "/" + script_url("wizard.js")
    wasm = any(src.endswith((wizard, SEARCH_SCRIPT)) for src in sources)
    return "; ".join((COMMON[0], *(WASM if wasm else PLAIN), *COMMON[1:]))


def has_policy(html: str) -> bool:
    """Whether the page's <head> already sets a policy (the embed pages set their own).

    Only a policy <meta> in the head counts: a browser ignores one in the body, and a
    page's own text (raw HTML in a Markdown page, even a comment) may hold the words;
    taken for a policy, they would leave the page with none."""
    end = _HEAD_END.search(html)
    return end is not None and _POLICY_TAG.search(html, 0, end.start()) is not None


def add_policy(html: str) -> str:
    """`html` with its policy as the first thing after <meta charset>. A page that
    sets its own is left as it is, but an inline script is refused on it too."""
    if has_policy(html):
        _scripts(html)
        return html
    match = _CHARSET.search(html)
    if match is None:
        raise ValueError("no <meta charset> to put the policy after")
    tag = str(part("csp.html", "meta", policy=policy(policy_for(html))))
    return html[: match.end()] + tag + html[match.end():]


def add_policies(site_dir: Path) -> int:
    """Add the policy to every HTML page under `site_dir`; returns how many changed.

    Raises InlineScript (naming the page) if a page holds an inline script."""
    changed = 0
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if "<meta charset" not in html.lower():
            continue
        try:
            with_policy = add_policy(html)
        except InlineScript as exc:
            raise InlineScript(f"{page.relative_to(site_dir)}: {exc}") from exc
        if with_policy != html:
            page.write_text(with_policy, encoding="utf-8")
            changed += 1
    return changed
