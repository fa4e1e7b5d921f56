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
- **The pages' sections** (`pagefind/tebiki-pages.<lang>.json`): the search
  words a content page's front matter gives its sections
  (`search: {keywords: {HEADING-ID: [word, …]}}`): the questions residents
  type in words the page does not use (「まちがえる」 where the FAQ writes
  間違える, "someone called" where the page says "by phone"). Matched like the
  trees' words, for the same reason; a section found lists its page first (at
  that section), after the wizards offered.

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
from tebiki.load.problems import Problem
from tebiki.load.schema import KEYWORD_CHARS, KEYWORDS_MAX, Checker
from tebiki.load.yamlsource import front_matter
from tebiki.site.procs import child_options

BUNDLE = "pagefind"  # the search bundle's folder at the site's root
# Left out of every indexed page: the sources (publishers' names and addresses,
# the same on every guide) and the handbook's download box.
EXCLUDE = ("#page-sources", ".tebiki-sources", "#tebiki-download", ".tebiki-download")


class SearchError(Exception):
    """The search index could not be made; the message says why."""


def pages_file(lang: str) -> str:
    """The pages' sections' search words for one language, in the search bundle's folder."""
    return f"tebiki-pages.{lang}.json"


# A content page's `search:` front matter: left out of the search, or its sections'
# search words.
SEARCH_FIELDS = ("exclude", "keywords")


def page_words(text: str, display: str, headings: dict[str, str]) -> tuple[dict, list[Problem]]:
    """The search words a page's front matter gives its sections, {heading id: [word, …]},
    checked against the page's headings ({id: text}); and the problems, as file:line."""
    source, problems = front_matter(text, display)
    if source is None or not isinstance(source.data, dict) or "search" not in source.data:
        return {}, problems
    c = Checker(source, problems, ())
    search = source.data["search"]
    if not c.mapping(search, ("search",), (), SEARCH_FIELDS,
                     "a mapping: {exclude: true} or {keywords: {HEADING-ID: [word, …]}}"):
        return {}, problems
    if "exclude" in search:
        c.expect(search["exclude"], bool, ("search", "exclude"), "true or false")
    if "keywords" not in search:
        return {}, problems
    key = ("search", "keywords")
    if not c.expect(search["keywords"], dict, key,
                    "the search words of the page's sections, {HEADING-ID: [word, …]}"):
        return {}, problems
    out = {}
    for anchor, words in search["keywords"].items():
        if anchor not in headings:
            c.error((*key, anchor), f"'{anchor}' is no heading id on this page: give one of "
                    f"{', '.join(headings) or '(none)'} (a heading's id: `## Text {{#id}}`)")
            continue
        good = _words(c, words, (*key, anchor))
        if good:
            out[anchor] = good
    return out, problems


def _words(c: Checker, words, key) -> list[str]:
    """One section's search words: plain words, 1 to KEYWORDS_MAX, each at most
    KEYWORD_CHARS characters, none twice (the same rule as a tree's `keywords:`)."""
    if not c.expect(words, list, key, "a list of search words, [word, …]"):
        return []
    if not words or len(words) > KEYWORDS_MAX:
        c.error(key, f"{c.where(key)} lists {len(words)} words: give 1 to {KEYWORDS_MAX}")
        return []
    seen: set = set()
    good = []
    for i, word in enumerate(words):
        if not c.expect(word, str, (*key, i), "a word or a few words, in quotes if need be"):
            continue
        word = " ".join(word.split())
        if not word or len(word) > KEYWORD_CHARS:
            c.error((*key, i), f"the search word '{word[:KEYWORD_CHARS]}' has {len(word)} "
                    f"characters: give 1 to {KEYWORD_CHARS}")
        elif word.casefold() in seen:
            c.error((*key, i), f"the search word '{word}' is listed twice: remove one")
        else:
            seen.add(word.casefold())
            good.append(word)
    return good


def section_entries(url: str, page_title: str, words: dict,
                    headings: dict[str, str]) -> list[dict]:
    """What the search page matches a query against for one page: one entry per section
    with search words; `url` relative to the site's root."""
    return [{"url": url, "anchor": anchor, "title": headings[anchor], "page": page_title,
             "keywords": words[anchor]} for anchor in sorted(words)]


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


def write_pages(site_dir: Path, sections: dict[str, list[dict]], languages) -> None:
    """Each language's sections' search words ({lang: [entry, …]}), sorted by address."""
    folder = site_dir / BUNDLE
    folder.mkdir(exist_ok=True)
    for language in languages:
        data = sorted(sections.get(language.code, []), key=lambda e: (e["url"], e["anchor"]))
        (folder / pages_file(language.code)).write_text(
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


def index_site(site_dir: Path, bundle, languages, guides: set,
               sections: dict[str, list[dict]] | None = None) -> None:
    """The search index of the built site in site_dir, the wizards' entries and the
    pages' sections' search words."""
    run_pagefind(site_dir)
    normalize(site_dir)
    write_trees(site_dir, bundle, languages, guides)
    write_pages(site_dir, sections or {}, languages)
