"""How much our layer costs: the site build against plain MkDocs on the same pages.

    python scripts/bench_site.py [--runs 3]

1. Builds the site as `make site` does (content check, MkDocs with macros,
   the wizard-page hook and i18n, then Pagefind), and counts the pages.
2. Captures every page's Markdown after the macros ran (the wizard pages as
   their rendered HTML), writes it as ordinary `*.ja.md` / `*.en.md` files,
   and builds that with plain MkDocs: same theme, i18n and Markdown
   extensions, no macros, no hooks.
3. Prints pages built, total time, and the ratio of our layer to plain
   MkDocs (target: at most 1.3): the content check and MkDocs with our macros
   and hooks, against MkDocs alone on the expanded pages. The stages after
   MkDocs (handbook PDFs, the Pyodide runtime, embed pages, search index,
   CSP) make other products, not pages, so they are in the total only.
   Each build runs in its own process; times are the best of --runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
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


CAPTURE = r"""
import json, sys
from pathlib import Path
import mkdocs_macros.plugin as macros
from tebiki.site import build, mkdocs as mkdocs_site

out = Path(sys.argv[1])
pages = {}
original = macros.MacrosPlugin.on_page_markdown

def capture(self, markdown, page, config, **kwargs):
    result = original(self, markdown, page, config, **kwargs)
    lang = mkdocs_site.language(config)
    fragment = mkdocs_site.wizard_content(page)
    if fragment is not None:
        result = result + "\n" + fragment
    pages[f"{lang}:{page.file.src_uri}"] = {"meta": page.meta, "markdown": result}
    return result

macros.MacrosPlugin.on_page_markdown = capture
code = build.build_site(out=out / "site", search=False)
(out / "pages.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
sys.exit(code)
"""


OURS = r"""
import os, sys
from pathlib import Path
from tebiki.site import build, mkdocs as mkdocs_site

content = build.ROOT / "decision_trees"
bundle = build.check_content(content)
os.environ["TEBIKI_CONTENT"] = str(content)
os.environ["SOURCE_DATE_EPOCH"] = build.source_date_epoch(build.ROOT, content)
mkdocs_site.use_bundle(content, bundle)
build.run_mkdocs(build.ROOT / "mkdocs.yml", Path(sys.argv[1]))
"""


def expanded_docs(work: Path) -> Path:
    """The site's pages after the macros, as a plain docs folder."""
    subprocess.run([PY, "-c", CAPTURE, str(work)], cwd=ROOT, check=True, timeout=900)
    pages = json.loads((work / "pages.json").read_text(encoding="utf-8"))
    docs = work / "docs"
    shutil.copytree(ROOT / "content" / "assets", docs / "assets")
    for key, page in pages.items():
        lang, src_uri = key.split(":", 1)
        if lang == "en" and src_uri.startswith("en/"):
            src_uri = src_uri[len("en/"):]  # a generated English page
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
    config["theme"].pop("custom_dir", None)
    config["plugins"] = [p for p in config["plugins"] if "i18n" in p]
    config.pop("hooks", None)
    config["markdown_extensions"][0] = "toc"
    path = work / "plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind (best counts)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        started = time.perf_counter()
        subprocess.run([PY, "scripts/build_site.py", "--out", str(work / "full")], cwd=ROOT,
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
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"pages built:            {pages} (wizard, guide and embed pages, ja and en)")
    print(f"total build time:       {total:.2f} s (check, MkDocs, handbooks, Pyodide runtime, "
          "embed pages, Pagefind, CSP, swap)")
    print(f"check + our MkDocs:     {ours:.2f} s, {our_pages} pages (best of {args.runs})")
    print(f"plain MkDocs, expanded: {plain:.2f} s, {plain_pages} pages (best of {args.runs})")
    print(f"ratio:                  {ours / plain:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
