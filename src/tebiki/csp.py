"""Give every page of the built site a Content-Security-Policy of its own.

A static site cannot count on its host to send headers, so each page carries
its policy in a `<meta http-equiv>` tag: scripts from the site itself only,
plus the few inline scripts the theme writes (allowed by their hashes, page by
page), and WebAssembly for the search index and the in-browser wizard
(`'wasm-unsafe-eval'`; Pyodide hangs without it, Pagefind fails). Nothing may
be fetched from another origin, and no page may be framed by a form or a
plugin. Pages that set their own policy (the embed pages) are left alone.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

META = 'http-equiv="Content-Security-Policy"'
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_CHARSET = re.compile(r'<meta charset="utf-8">', re.I)
_DATA_TYPES = ("application/json", "application/ld+json")

POLICY = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'{hashes}",
    "worker-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    # The theme sets style attributes in its HTML; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy_for(html: str) -> str:
    """The policy a page needs: the common one plus the hashes of its inline scripts."""
    hashes = []
    for attrs, body in _INLINE_SCRIPT.findall(html):
        if any(kind in attrs for kind in _DATA_TYPES):
            continue  # data blocks do not run
        token = _hash(body)
        if token not in hashes:
            hashes.append(token)
    extra = "".join(" " + h for h in hashes)
    return "; ".join(POLICY).format(hashes=extra)


def add_policy(html: str) -> str:
    """`html` with its policy as the first thing after <meta charset>."""
    if META in html:
        return html
    tag = f'<meta {META} content="{policy_for(html)}">'
    match = _CHARSET.search(html)
    if match is None:
        raise ValueError("no <meta charset> to put the policy after")
    return html[: match.end()] + tag + html[match.end():]


def add_policies(site_dir: Path) -> int:
    """Add the policy to every HTML page under `site_dir`; returns how many changed."""
    changed = 0
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if META in html or "<meta charset" not in html.lower():
            continue
        page.write_text(add_policy(html), encoding="utf-8")
        changed += 1
    return changed
