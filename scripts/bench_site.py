"""How much tebiki's layer costs, and how fast the author's preview answers.

    python scripts/bench_site.py [--runs 3]     (make bench-site)

1. Builds the site as `make site` does (tebiki build: check, handbooks,
   MkDocs with the tebiki plugin, runtime, embed pages, Pagefind, CSP,
   compressed copies) and counts the pages.
2. Times MkDocs with the tebiki plugin and mkdocs-macros (the content check
   and the wizard pages included), and captures every page's Markdown after
   the macros ran (a wizard page as its rendered HTML); writes those as
   ordinary `*.ja.md` / `*.en.md` files and times plain MkDocs on them: same
   theme, i18n and Markdown extensions, no tebiki, no macros. Prints the ratio
   (target: at most 1.3). Each build runs in its own process; times are the
   best of --runs.
3. Starts `tebiki serve` on the site and times the first page from the start
   of the process, then saves a change to a tree's YAML and times until the
   served page shows it (the author's loop; target: at most 3 s), both as
   the median of --runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(cmd: list, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, timeout=900)
        best = min(best, time.perf_counter() - started)
    return best


# MkDocs with the tebiki plugin, as `tebiki build` runs it (the content checked first).
OURS = r"""
import sys
from pathlib import Path
from tebiki import build
from tebiki.site.config import from_mkdocs

config = build.load_mkdocs(Path("mkdocs.yml"))
site = from_mkdocs(config)
config.plugins["tebiki"].bundle = build.check_content(site)
build.run_mkdocs(config, Path(sys.argv[1]))
"""

# The same, noting every page's Markdown after the macros (a wizard page: its HTML).
CAPTURE = r"""
import json, sys
from pathlib import Path
import mkdocs_macros.plugin as macros
from tebiki import build
from tebiki.site import pages as site_pages
from tebiki.site.config import from_mkdocs

out = Path(sys.argv[1])
captured = {}
original = macros.MacrosPlugin.on_page_markdown

def capture(self, markdown, page, config, **kwargs):
    result = original(self, markdown, page, config, **kwargs)
    lang = site_pages.building(config, site).code
    fragment = plugin.wizard.fragment(page)
    if fragment is not None:
        result = result + "\n" + fragment
    captured[f"{lang}:{page.file.src_uri}"] = {"meta": page.meta, "markdown": result}
    return result

# before the configuration is loaded: MkDocs keeps the plugins' bound methods
macros.MacrosPlugin.on_page_markdown = capture
config = build.load_mkdocs(Path("mkdocs.yml"))
site = from_mkdocs(config)
plugin = config.plugins["tebiki"]
plugin.bundle = build.check_content(site)
build.run_mkdocs(config, out / "site")
(out / "pages.json").write_text(json.dumps(captured, ensure_ascii=False), encoding="utf-8")
"""


def expanded_docs(work: Path) -> Path:
    """The site's pages after the macros, as a plain docs folder."""
    subprocess.run([PY, "-c", CAPTURE, str(work)], cwd=ROOT, check=True, timeout=900)
    pages = json.loads((work / "pages.json").read_text(encoding="utf-8"))
    docs = work / "docs"
    shutil.copytree(ROOT / "content" / "assets", docs / "assets")
    for key, page in pages.items():
        lang, src_uri = key.split(":", 1)
        if src_uri.startswith(f"{lang}/"):
            src_uri = src_uri[len(lang) + 1:]  # a generated page of another language
        stem = src_uri[:-len(".md")]
        if stem.endswith((".ja", ".en")):
            stem = stem[:-3]
        meta = {k: v for k, v in page["meta"].items() if k in ("title", "hide")}
        body = page["markdown"]
        text = ("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" if meta else "") \
            + body
        target = docs / f"{stem}.{lang}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return docs


def plain_config(work: Path, docs: Path) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                            .replace("!ENV [TEBIKI_SITE_URL]", "null")
                            .replace("!!python/object/apply:pymdownx.slugs.slugify "
                                     "{kwds: {case: lower}}", "null"))
    config["docs_dir"] = str(docs)
    config["plugins"] = [p for p in config["plugins"] if "i18n" in p]
    config["markdown_extensions"][0] = "toc"
    path = work / "plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(url: str, predicate, timeout: float = 120) -> float:
    """Poll `url` until its body satisfies `predicate`; the time it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if predicate(response.read().decode("utf-8")):
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url}: not there after {timeout} s")


def serve_times(work: Path, runs: int) -> tuple[list, list]:
    """(start to first page, YAML save to reloaded page) of `tebiki serve`, per run."""
    project = work / "serve"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "site", "build", "tests", ".*cache*"))
    tree = project / "decision_trees" / "pin-change.yaml"
    original = tree.read_text(encoding="utf-8")
    firsts, reloads = [], []
    for run in range(runs):
        port = _free_port()
        started = time.perf_counter()
        server = subprocess.Popen([PY, "-m", "tebiki", "serve", "--port", str(port)],
                                  cwd=project, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/wizard/pin-change/"
        try:
            _until(url, lambda html: "tebiki-wizard" in html)
            firsts.append(time.perf_counter() - started)
            time.sleep(1)  # let the watcher settle
            marker = f"bench-edit-{run}"
            edited = original.replace("ja: ", f"ja: {marker} ", 1)
            saved = time.perf_counter()
            tree.write_text(edited, encoding="utf-8")
            _until(url, lambda html, m=marker: m in html)
            reloads.append(time.perf_counter() - saved)
        finally:
            tree.write_text(original, encoding="utf-8")
            server.terminate()
            server.wait(timeout=30)
    return firsts, reloads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind (best counts)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        started = time.perf_counter()
        subprocess.run([PY, "-m", "tebiki", "build", "--out", str(work / "full")], cwd=ROOT,
                       check=True, capture_output=True, timeout=900)
        total = time.perf_counter() - started
        pages = sum(1 for _ in (work / "full").rglob("index.html"))
        ours = timed([PY, "-c", OURS, str(work / "ours")], args.runs)
        our_pages = sum(1 for _ in (work / "ours").rglob("index.html"))
        docs = expanded_docs(work)
        config = plain_config(work, docs)
        plain = timed([PY, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d",
                       str(work / "plain")], args.runs)
        plain_pages = sum(1 for _ in (work / "plain").rglob("index.html"))
        firsts, reloads = serve_times(work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"pages built:            {pages} (wizard, guide and embed pages, every language)")
    print(f"total build time:       {total:.2f} s (check, handbooks, MkDocs, runtime, embed "
          "pages, Pagefind, CSP, compressed copies, swap)")
    print(f"check + our MkDocs:     {ours:.2f} s, {our_pages} pages (best of {args.runs})")
    print(f"plain MkDocs, expanded: {plain:.2f} s, {plain_pages} pages (best of {args.runs})")
    print(f"ratio:                  {ours / plain:.2f} (target <= 1.3)")
    print(f"tebiki serve, start to first page:  median {statistics.median(firsts):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in firsts)})")
    print(f"tebiki serve, YAML save to reload:  median {statistics.median(reloads):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in reloads)}; target <= 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
