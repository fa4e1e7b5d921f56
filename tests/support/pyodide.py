"""Helpers for the browser runtime's tests: a runtime folder, the engine's states, Node."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tebiki.core import contract, engine
from tebiki.load.compile import write_bundle
from tebiki.load.content import load_bundle
from tebiki.site import pages
from tebiki.site.runtime import BrowserRuntimeError, Runtime, script_url

from ..conftest import BUILD_DAY, FIXTURES, LANGUAGES, ROOT, SITE

# Clock times that open and close the places and lines of the fixtures and the
# real content: a Saturday morning, the New Year closure, just before a kiosk opens.
FIXED_NOWS = ("2026-11-28T09:30", "2026-12-31T23:30", "2027-01-04T06:00")
# Public holidays (勤労感謝の日, 成人の日, a 振替休日, a 国民の休日), and a day in a year the
# session's builds do not ship (they ship 2025–2028): asked of one path per outcome.
HOLIDAY_NOWS = ("2026-11-23T18:30", "2027-01-11T19:00", "2027-03-22T18:00",
                "2026-09-22T18:00", "2029-11-22T18:30")


def holiday_requests(trees: dict) -> list[dict]:
    """The engine's step and both languages' render, at HOLIDAY_NOWS, for one path to
    each outcome of the trees that carry the holiday calendar."""
    requests = []
    for tid, tree in trees.items():
        if "holidays" not in tree:
            continue
        seen: set = set()
        for path in engine.iter_paths(tree):
            if path["id"] in seen:
                continue
            seen.add(path["id"])
            answers = dict(path["answers"])
            for now in HOLIDAY_NOWS:
                requests.append({"op": "step", "tree": tid, "answers": answers, "now": now})
                for lang in ("ja", "en"):
                    requests.append({"op": "render", "tree": tid, "answers": answers,
                                     "lang": lang, "now": now})
    return requests


def assert_holiday_answers(requests: list[dict], responses: list[dict]) -> None:
    """What the runtime answered at HOLIDAY_NOWS: the general line closed at holiday
    hours, and no note for it in a year not shipped (the other lines keep theirs)."""
    general = 0
    for req, res in zip(requests, responses, strict=True):
        if req["op"] != "step" or req["now"] not in HOLIDAY_NOWS:
            continue
        assert res["ok"], res
        result = json.loads(res["value"])
        for contact in result.get("contacts", []):
            if contact["id"] != "mynumber-general":
                continue
            general += 1
            if req["now"].startswith("2029"):
                assert "status" not in contact, req
            else:
                assert contact["status"]["open_now"] is False, req
                assert contact["status"]["opens_at"].endswith("T09:30"), req
    assert general, "no outcome showed the general line at a holiday"

# On CI nothing is skipped: a missing install step must turn the run red.
_ON_CI = bool(os.environ.get("CI"))
needs_node = pytest.mark.skipif(
    not _ON_CI and (shutil.which("node") is None
                    or not (SITE.node_modules / "pyodide" / "pyodide.mjs").exists()),
    reason="needs node and node_modules/pyodide (run `npm ci`)")


def content_roots() -> dict[str, Path]:
    """The contents the runtime tests run on: the small fixture, and the real trees."""
    return {"mini": FIXTURES / "mini", "decision_trees": ROOT / "decision_trees"}


def runtime_for(content: Path) -> Runtime:
    """The My Number site's runtime settings (node_modules, cache), on other content."""
    return Runtime(replace(SITE, content=content))


def compile_content(content: Path, out: Path) -> Path:
    """`content` compiled into `out` (trees/, records.json, labels.json)."""
    bundle = load_bundle(content, languages=LANGUAGES, today=BUILD_DAY,
                         holidays=SITE.holidays)
    write_bundle(bundle.trees, bundle.records, bundle.labels, out)
    return out


def build_runtime(content: Path, workdir: Path, variant: str = "fast",
                  guides: bool = True, runtime: str = "pyodide") -> tuple[Path, Path]:
    """The runtime (`pyodide` or `micropython`) for `content` in a site folder, and the
    compiled bundle beside it: (site dir, compiled dir). With `guides`, outcomes link to
    a guide per tree."""
    bundle = load_bundle(content, languages=LANGUAGES, today=BUILD_DAY,
                         holidays=SITE.holidays)
    compiled = workdir / "compiled"
    write_bundle(bundle.trees, bundle.records, bundle.labels, compiled)
    site = workdir / "site"
    site.mkdir(parents=True, exist_ok=True)
    try:
        runtime_for(content).write(site, bundle, set(bundle.trees) if guides else set(),
                                   runtime=runtime, variant=variant)
    except BrowserRuntimeError as exc:
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


def change_requests(tid: str, tree: dict) -> list[dict]:
    """Render requests as the page script makes them when an answer is changed: each
    question of each path asked again (its answer given before, `earlier`), and
    each answered otherwise, with the later answers kept (`answered`)."""
    found: list[dict] = []
    for path in engine.iter_paths(tree):
        answers = dict(path["answers"])
        for n, (question, option) in enumerate(path["answers"]):
            lang = ("ja", "en")[n % 2]
            rest = {q: o for q, o in answers.items() if q != question}
            found.append({"tree": tid, "answers": rest, "earlier": answers, "lang": lang,
                          "now": None})
            for other in tree["questions"][question]["options"]:
                if other["id"] != option:
                    found.append({"tree": tid, "answers": {**answers, question: other["id"]},
                                  "answered": question, "lang": lang, "now": None})
    return found


def canonical(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def bridge_on_cpython():
    """tebiki.core.bridge on CPython, fresh (its trees and labels are module state)."""
    import importlib

    from tebiki.core import bridge

    return importlib.reload(bridge)


def run_on_pyodide(runtime: Path, requests: list[dict]) -> list[dict]:
    """Answer `requests` with the engine on Pyodide in Node, booted from `runtime`."""
    return json.loads(Runtime(SITE).node("run", str(runtime), stdin=json.dumps(requests)))


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

    The pages are tebiki.site.pages' (the layout of every state, each state's
    HTML), each in a small document of its own: a title `<state> - <site>`,
    links to the same state in the other language (head and body), a relative
    home link, and the page script. Returns the default language's state URLs
    (site-absolute).
    """
    bundle = compiled_bundle(compiled)
    manifest = json.loads((site / "_tebiki" / "manifest.json").read_text(encoding="utf-8"))
    guides = set(manifest["guides"])  # as the runtime was told
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "fixture.css").write_text(FIXTURE_CSS, encoding="utf-8")
    urls = []
    for language in LANGUAGES:
        other = next(o for o in LANGUAGES if o.code != language.code)
        for made in pages.make(bundle, language, guides):
            rel = made.src_uri[len(language.prefix):-len("index.md")]
            if language.default:
                urls.append("/" + rel)
            up = "../" * (rel.count("/") + language.prefix.count("/"))  # to the site root
            other_url = up + other.prefix + rel
            title = made.title
            page = (
                f'<!doctype html>\n<html lang="{language.code}">\n<head>\n<meta charset="utf-8">\n'
                f'<meta name="viewport" content="width=device-width,initial-scale=1">\n'
                '<link rel="icon" href="data:,">\n'
                f"<title>{_esc(title)} - {FIXTURE_SITE_NAME[language.code]}</title>\n"
                f'<link rel="alternate" hreflang="{other.code}" href="{other_url}">\n'
                f'<link rel="stylesheet" href="{up}assets/fixture.css">\n</head>\n<body>\n'
                f'<header><a href="{up}{language.prefix}">{FIXTURE_SITE_NAME[language.code]}</a> '
                f'<span {contract.TITLE_ATTR}="">{_esc(title)}</span> '
                f'<a class="lang" hreflang="{other.code}" lang="{other.code}" '
                f'href="{other_url}">{other.code}</a></header>\n<main>\n{made.fragment}</main>\n'
                f'<script type="module" src="{up}{script_url("wizard.js")}"></script>\n'
                "</body>\n</html>\n")
            out = site / language.prefix / rel / "index.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(page, encoding="utf-8")
    for language in LANGUAGES:
        home = site / language.prefix / "index.html"
        name = FIXTURE_SITE_NAME[language.code]
        home.write_text(f'<!doctype html><html lang="{language.code}"><head><meta charset="utf-8">'
                        '<link rel="icon" href="data:,">'
                        f"<title>{name}</title></head><body><main>"
                        f"<h1>{name}</h1></main></body></html>\n", encoding="utf-8")
    return urls


def _esc(text: str) -> str:
    from tebiki.core.render import esc

    return esc(text)


def compiled_bundle(compiled: Path):
    """A compiled bundle read back (trees, records, labels)."""
    from tebiki.load.content import Bundle

    return Bundle(load_trees(compiled),
                  json.loads((compiled / "records.json").read_text(encoding="utf-8")),
                  json.loads((compiled / "labels.json").read_text(encoding="utf-8")), [])


# --- serving a site on 127.0.0.1 ------------------------------------------------------------


class SiteServer:
    """A static server for a built site on 127.0.0.1, in a thread.

    It records every request (path, headers, body bytes sent); `csp` adds a
    Content-Security-Policy header to every response; paths under any of
    `missing` answer 404; paths under any of `stall` get no answer until the
    server closes (a line too slow to use); `max_age` sends Cache-Control (not for
    manifest.json, which the worker revalidates anyway); `headers(path)` may return
    more headers for a path (like Access-Control-Allow-Origin).
    """

    def __init__(self, root: Path, csp: str | None = None, missing: tuple = (),
                 max_age: int | None = None, headers=None, stall: tuple = ()) -> None:
        import functools
        import http.server
        import threading

        self.root = root
        self.requests: list[dict] = []
        self.stalled = threading.Event()  # set on close: stalled requests end then
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
                if any(self.path.startswith(m) for m in stall):
                    server.stalled.wait(120)
                    self.send_error(503)
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
        self.stalled.set()
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
