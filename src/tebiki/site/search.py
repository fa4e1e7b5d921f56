"""The site's search: the Pagefind index of the pages, and the wizards' own entries.

Two parts, read by the search page's script (theme/assets/tebiki-search.js):

- **The pages, by Pagefind** (`pagefind/`): the theme marks the content of the
  pages for residents with `data-pagefind-body`, and Pagefind leaves out every
  page without it: the wizard states, the embed pages, the 404 page, the search
  page itself, and any page whose front matter says `search: {exclude: true}`
  (the page for municipal web teams, whose code samples showed as results).
  The sources lists and the handbook's download box are left out of every page
  (EXCLUDE): they repeat on each guide and drowned the results in publishers'
  names. Headings weigh more than text (Pagefind's own weights: h1 7, h2 6,
  h3 5, text 1), so a page's title and its questions (the guides' and the
  FAQ's headings) rank above a mention in a paragraph, and each result can
  name the section (heading with an id) it was found in.
- **The wizards** (`pagefind/tebiki-trees.<lang>.json`): per language, each
  tree's title, summary, `keywords:` (the words residents type that the texts
  may not say: 「カード なくした」, "card stolen"), and the addresses of its
  wizard and guide. The search page matches a query against these itself and
  offers the wizard first. Pagefind could not do it: it splits a Japanese
  query with the browser's segmenter and the pages with its own dictionary,
  and the two disagree on exactly these short colloquial phrases
  (盗まれた is 盗|まれ|た in Chromium, 盗ま|れ|た in the index), so a keyword
  would match in one browser and not in another.

Reproducible: Pagefind lists its languages in hash-map order, so they are
sorted after it runs, and the trees' files are canonical JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tebiki.core import layout
from tebiki.core.render import plain
from tebiki.site.procs import child_options

BUNDLE = "pagefind"  # the search bundle's folder at the site's root
# Left out of every indexed page: the sources (publishers' names and addresses,
# the same on every guide) and the handbook's download box.
EXCLUDE = ("#page-sources", ".tebiki-sources", "#tebiki-download", ".tebiki-download")


class SearchError(Exception):
    """The search index could not be made; the message says why."""


def trees_file(lang: str) -> str:
    """The wizards' entries for one language, in the search bundle's folder."""
    return f"tebiki-trees.{lang}.json"


def tree_entries(bundle, language, guides: set) -> list[dict]:
    """What the search page matches a query against: one entry per tree, addresses
    relative to the site's root."""
    entries = []
    for tree_id in sorted(bundle.trees):
        tree = bundle.trees[tree_id]
        lang = language.code
        entries.append({
            "id": tree_id,
            "title": plain(tree["title"][lang]),
            "summary": plain(tree["summary"][lang]),
            "keywords": list((tree.get("keywords") or {}).get(lang, [])),
            "wizard": language.prefix + layout.state_url(layout.WIZARD + "/", tree_id, []),
            "guide": (language.prefix + layout.GUIDE + "/" + tree_id + "/"
                      if tree_id in guides else None),
        })
    return entries


def write_trees(site_dir: Path, bundle, languages, guides: set) -> None:
    folder = site_dir / BUNDLE
    folder.mkdir(exist_ok=True)
    for language in languages:
        data = tree_entries(bundle, language, guides)
        (folder / trees_file(language.code)).write_text(
            json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            encoding="utf-8")


def run_pagefind(site_dir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site_dir),
                             "--exclude-selectors", ", ".join(EXCLUDE), "--silent"],
                            capture_output=True, text=True, timeout=600, **child_options())
    if result.returncode != 0:
        raise SearchError("pagefind failed:\n" + result.stdout + result.stderr)


def normalize(site_dir: Path) -> None:
    """Pagefind lists its languages in hash-map order: sort them, so builds are identical."""
    entry = site_dir / BUNDLE / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                     encoding="utf-8")


def index_site(site_dir: Path, bundle, languages, guides: set) -> None:
    """The search index of the built site in site_dir, and the wizards' entries."""
    run_pagefind(site_dir)
    normalize(site_dir)
    write_trees(site_dir, bundle, languages, guides)
