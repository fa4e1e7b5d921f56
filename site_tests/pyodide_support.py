"""Helpers for the Pyodide tests: a vendored runtime, the engine's states, Node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.append(str(ROOT / "scripts"))

import vendor_pyodide  # noqa: E402
from tebiki.core import engine  # noqa: E402

# Clock times that open and close the places and lines of the fixtures and the
# real content: a Saturday morning, the New Year closure, just before a kiosk opens.
FIXED_NOWS = ("2026-11-28T09:30", "2026-12-31T23:30", "2027-01-04T06:00")

# On CI nothing is skipped: a missing install step must turn the run red.
_ON_CI = bool(os.environ.get("CI"))
needs_node = pytest.mark.skipif(
    not _ON_CI and (shutil.which("node") is None
                    or not (vendor_pyodide.NPM_PYODIDE / "pyodide.mjs").exists()),
    reason="needs node and node_modules/pyodide (run `npm ci`)")


def content_roots() -> dict[str, Path]:
    """The contents the Pyodide tests run on: the small fixture, and the real trees."""
    return {"mini": FIXTURES / "mini", "decision_trees": ROOT / "decision_trees"}


def with_site_labels(content: Path, dest: Path) -> Path:
    """`content` plus the site's wizard labels, which the HTML renderer needs."""
    shutil.copytree(content, dest)
    site_labels = ROOT / "decision_trees" / "ui" / "site-labels.yaml"
    if not (dest / "ui" / site_labels.name).exists():
        shutil.copyfile(site_labels, dest / "ui" / site_labels.name)
    return dest


def compile_content(content: Path, out: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "tebiki", "--content", str(content), "compile",
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        pytest.fail(f"tebiki compile failed for {content}:\n{proc.stderr}")
    return out


def build_runtime(content: Path, workdir: Path, variant: str = "fast",
                  guides: bool = True) -> tuple[Path, Path]:
    """Compile `content` (with site labels) and vendor the runtime: (site dir, compiled dir).

    With `guides`, the site gets a guide page per tree, so outcomes link to it.
    """
    source = with_site_labels(content, workdir / "content")
    compiled = compile_content(source, workdir / "compiled")
    site = workdir / "site"
    if guides:
        for path in (compiled / "trees").glob("*.json"):
            page = site / vendor_pyodide.GUIDE / path.stem / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text("<!doctype html><title>guide</title>\n", encoding="utf-8")
    try:
        vendor_pyodide.vendor(site, compiled, variant)
    except vendor_pyodide.VendorError as exc:
        pytest.fail(str(exc))
    return site, compiled


def load_trees(compiled: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((compiled / "trees").glob("*.json"))}


def states(tree: dict) -> list[dict]:
    """Every state a visitor can reach (each prefix of every path), and every state
    reached by taking one earlier answer back while keeping the later ones."""
    found: list[dict] = []
    seen: set = set()

    def add(answers: dict) -> None:
        key = tuple(sorted(answers.items()))
        if key not in seen:
            seen.add(key)
            found.append(answers)

    for path in engine.iter_paths(tree):
        answers = path["answers"]
        for n in range(len(answers) + 1):
            add(dict(answers[:n]))
        for n in range(len(answers)):
            add(dict(answers[:n] + answers[n + 1:]))
    return found


def canonical(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def bridge_on_cpython():
    """tebiki.core.bridge on CPython, fresh (its trees and labels are module state)."""
    import importlib

    from tebiki.core import bridge

    return importlib.reload(bridge)


def run_on_pyodide(runtime: Path, requests: list[dict]) -> list[dict]:
    return vendor_pyodide.run_engine(runtime, requests)


# --- a small static wizard site, following the site's markup contract ---------------------

FIXTURE_CSS = """@media screen{.tebiki-js .tebiki-print[hidden]{display:block!important}}
@media print{header,.tebiki-print,.tebiki-restart{display:none!important}}
.tebiki-visually-hidden{position:absolute!important;width:1px!important;
height:1px!important;overflow:hidden!important;clip-path:inset(50%)!important;
white-space:nowrap!important}
body{font-family:"Noto Sans CJK JP",sans-serif;max-width:40rem;margin:1rem auto;
padding:0 1rem;color:#1a1a1a;background:#fff}
a{color:#0b4fa0}
"""
FIXTURE_SITE_NAME = {"ja": "テスト用の手引き", "en": "Test guide"}


def write_fixture_site(site: Path, compiled: Path) -> list[str]:
    """Every wizard state of the compiled trees as a static page, like the real site's.

    Japanese at /wizard/<tree>/<option>/.../, English under /en/; each page has
    the region wizard_html renders, a title `<state> - <site>`, links to the
    same state in the other language (head and body), a relative home link, and
    the wizard script. Returns the Japanese state URLs (site-absolute).
    """
    from tebiki.core import render as wizard_html

    labels = json.loads((compiled / "labels.json").read_text(encoding="utf-8"))
    trees = load_trees(compiled)
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "fixture.css").write_text(FIXTURE_CSS, encoding="utf-8")
    urls = []
    for tid, tree in trees.items():
        seen = set()
        for path in engine.iter_paths(tree):
            for n in range(len(path["answers"]) + 1):
                state = path["answers"][:n]
                options = [o for _q, o in state]
                if tuple(options) in seen:
                    continue
                seen.add(tuple(options))
                rel = wizard_html.state_url("wizard/", tid, options)
                urls.append("/" + rel)
                for lang, other in (("ja", "en"), ("en", "ja")):
                    prefix = "" if lang == "ja" else "en/"
                    depth = rel.count("/") + (1 if prefix else 0)
                    up = "../" * depth  # to the site root
                    other_url = up + ("" if other == "ja" else "en/") + rel
                    root = "../" * (len(options) + 1)
                    guide = f"{root}../guide/{tid}/" \
                        if (site / prefix / "guide" / tid / "index.html").exists() else None
                    result = engine.next_step(tree, dict(state))
                    region = wizard_html.render_state(result, labels, lang, root=root,
                                                      trees=trees, guide_url=guide)
                    title = wizard_html.page_title(result, lang)
                    page = (
                        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
                        f'<meta name="viewport" content="width=device-width,initial-scale=1">\n'
                        '<link rel="icon" href="data:,">\n'
                        f"<title>{wizard_html.esc(title)} - {FIXTURE_SITE_NAME[lang]}</title>\n"
                        f'<link rel="alternate" hreflang="{other}" href="{other_url}">\n'
                        f'<link rel="stylesheet" href="{up}assets/fixture.css">\n</head>\n<body>\n'
                        f'<header><a href="{up}{prefix}">{FIXTURE_SITE_NAME[lang]}</a> '
                        f'<span data-tebiki-title="">{wizard_html.esc(title)}</span> '
                        f'<a class="lang" hreflang="{other}" lang="{other}" href="{other_url}">'
                        f"{other}</a></header>\n<main>\n{region}</main>\n"
                        f'<script type="module" src="{up}_tebiki/wizard.js"></script>\n'
                        "</body>\n</html>\n")
                    out = site / prefix / rel / "index.html"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_text(page, encoding="utf-8")
    for lang in ("ja", "en"):
        home = site / ("" if lang == "ja" else "en") / "index.html"
        home.write_text(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                        '<link rel="icon" href="data:,">'
                        f"<title>{FIXTURE_SITE_NAME[lang]}</title></head><body><main>"
                        f"<h1>{FIXTURE_SITE_NAME[lang]}</h1></main></body></html>\n",
                        encoding="utf-8")
    return urls


# --- serving a site on 127.0.0.1 ------------------------------------------------------------


class SiteServer:
    """A static server for a built site on 127.0.0.1, in a thread.

    It records every request (path, headers, body bytes sent); `csp` adds a
    Content-Security-Policy header to every response; paths under any of
    `missing` answer 404; `max_age` sends Cache-Control (not for manifest.json,
    which the worker revalidates anyway); `headers(path)` may return more headers
    for a path (like Access-Control-Allow-Origin).
    """

    def __init__(self, root: Path, csp: str | None = None, missing: tuple = (),
                 max_age: int | None = None, headers=None) -> None:
        import functools
        import http.server
        import threading

        self.root = root
        self.requests: list[dict] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send_head(self):
                self.record = {"path": self.path, "headers": dict(self.headers), "bytes": 0}
                server.requests.append(self.record)
                if any(self.path.startswith(m) for m in missing):
                    self.send_error(404)
                    return None
                return super().send_head()

            def copyfile(self, source, outputfile):
                self.record["bytes"] = os.fstat(source.fileno()).st_size
                super().copyfile(source, outputfile)

            def end_headers(self):
                if csp:
                    self.send_header("Content-Security-Policy", csp)
                if max_age is not None and "manifest.json" not in self.path:
                    self.send_header("Cache-Control", f"max-age={max_age}")
                for name, value in (headers(self.path) if headers else {}).items():
                    self.send_header(name, value)
                super().end_headers()

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # a page that navigates away drops its downloads: not an error here
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        handler = functools.partial(Handler, directory=str(root))
        self.httpd = Server(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.origin + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- Chromium --------------------------------------------------------------------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

needs_chromium = pytest.mark.skipif(not _ON_CI and shutil.which("chromium") is None,
                                    reason="needs Debian's chromium (make setup installs it)")


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                      args=CHROMIUM_ARGS)
