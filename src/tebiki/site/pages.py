"""The wizard's pages inside MkDocs, and what the plugin needs of mkdocs-static-i18n.

Every state of every tree (tebiki.core.layout) is a page of its own in each
language, made in memory: its content is the state as `tebiki.core.render`
draws it, so it works without JavaScript, and the in-browser engine draws the
very same HTML when it takes over.

Each guide's flow picture (an SVG file beside the guide) gets a page of its
own too, guide/<tree>/flow/, showing it full size: made the same way, so it
has the theme's viewport tag, stylesheet and policy like every other page.

mkdocs-static-i18n builds the site once per language. The wizard pages are
added after it has sorted the hand-written pages (earlier, it crashes on
them), with the locale and alternates it would have given them. Everything
this module knows of that plugin's internals is in `_i18n_file`, `building`
and `alternates`: the one place to change for another way of building
languages (see docs/ARCHITECTURE.md, "The way off MkDocs 1.x").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.structure.files import File, Files, InclusionLevel

from tebiki.core import engine, layout
from tebiki.core.render import Words, esc, page_title, render_state
from tebiki.render import graph
from tebiki.render.guide import flow_full_page
from tebiki.site import describe
from tebiki.site.config import Language, SiteConfig

# in a page's meta: its title is HTML already (tebiki.site.plugin escapes the others)
TITLE_ESCAPED = "tebiki_title_escaped"


@dataclass
class WizardPage:
    src_uri: str
    title: str
    fragment: str
    description: str = ""


@dataclass
class WizardPages:
    """The pages tebiki makes in the language being built, by their source path: a page
    per wizard state, and one per guide showing its flow picture full size."""

    pages: dict = field(default_factory=dict)

    def add(self, files: Files, config, bundle, site: SiteConfig, guides: set) -> None:
        language = building(config, site)
        self.pages = {}
        added = []
        for page in make(bundle, language, guides):
            added.append(self._add(files, config, site, language, page,
                                   {"tebiki_wizard": True}))
        self._seen_by_i18n(config, language, added)

    def add_flow_pages(self, files: Files, config, bundle, site: SiteConfig, guides: set,
                       pictures: dict) -> None:
        """A page per guide (in `guides`) showing its tree's flow picture (`pictures`,
        SVG by tree) full size, beside the picture: guide/<tree>/flow/. Kept out of
        the search (`tebiki_flow`): the guide page holds the same flow in words."""
        language = building(config, site)
        added = [self._add(files, config, site, language, page, {"tebiki_flow": True})
                 for page in make_flow_pages(bundle, language, guides, pictures)]
        self._seen_by_i18n(config, language, added)

    def _add(self, files: Files, config, site: SiteConfig, language: Language,
             page: WizardPage, flags: dict) -> File:
        # A page's title is content (YAML): the theme prints titles as HTML, so it gets
        # the escaped text; and mkdocs-macros must never read the page, or it would run
        # a `{{ ... }}` in that title as a template. The description is plain text
        # (main.html escapes it): the state's own, else the page's first paragraph.
        meta = {"title": esc(page.title), TITLE_ESCAPED: True, "hide": ["navigation", "toc"],
                "description": page.description or describe.of_html(page.fragment),
                "render_macros": False, **flags}
        content = "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n"
        file = File.generated(config, page.src_uri, content=content,
                              inclusion=InclusionLevel.NOT_IN_NAV)
        _i18n_file(file, config, site, language, page.src_uri[len(language.prefix):])
        files.append(file)
        self.pages[page.src_uri] = page
        return file

    @staticmethod
    def _seen_by_i18n(config, language: Language, added: list) -> None:
        if "i18n" in config.plugins:  # its sitemap lists the pages it saw in on_files
            config.plugins["i18n"].i18n_files_per_language.setdefault(language.code, []) \
                .extend(added)

    def fragment(self, page) -> str | None:
        """A made page's HTML: the rendered state or picture page (None for other pages)."""
        built = self.pages.get(page.file.src_uri)
        return built.fragment if built else None


def make(bundle, language: Language, guides: set) -> list[WizardPage]:
    """Every state of every tree, as a page in one language."""
    made = []
    for tree_id, tree in bundle.trees.items():
        for state in layout.states(tree):
            options = [o for _q, o in state]
            root = layout.up_from_state(options)
            result = engine.next_step(tree, dict(state))
            guide = layout.guide_url(root, tree_id) if tree_id in guides else None
            fragment = render_state(result, bundle.labels, language.code, root=root,
                                    trees=bundle.trees, guide_url=guide)
            src_uri = (language.prefix + layout.WIZARD + "/"
                       + layout.state_path(tree_id, options) + "index.md")
            made.append(WizardPage(src_uri, page_title(result, language.code), fragment,
                                   describe.of_state(tree, result, language.code)))
    return made


def flow_pictures(files: Files, config, bundle, language: Language) -> dict:
    """Every tree's whole flow as a picture in one language: an SVG file in its guide's
    folder (tebiki.core.layout.flow_path), drawn now by Graphviz (no script in the
    page). Returns each picture's SVG, by tree."""
    pictures = {}
    for tree_id, tree in bundle.trees.items():
        svg = graph.tree_svg(tree, bundle.labels, language.code)
        files.append(File.generated(config, language.prefix + layout.flow_path(tree_id),
                                    content=svg))
        pictures[tree_id] = svg
    return pictures


def make_flow_pages(bundle, language: Language, guides: set, pictures: dict) -> list:
    """The page showing each guide's flow picture full size, in one language."""
    made = []
    for tree_id in sorted(guides & set(pictures)):
        words = Words(bundle.labels, language.code)
        title = words.label_plain("flow-page-title",
                                  title=words.plain(bundle.trees[tree_id]["title"]))
        # the guide is the folder above: guide/<tree>/flow/ -> guide/<tree>/
        fragment = flow_full_page(bundle, tree_id, language.code,
                                  svg=pictures[tree_id], guide="../")
        summary = words.plain(bundle.trees[tree_id].get("summary"))  # its description
        made.append(WizardPage(language.prefix + layout.flow_page_path(tree_id) + "index.md",
                               title, fragment, describe.shorten(summary)))
    return made


def guides(files: Files, bundle) -> set:
    """The one rule for which trees have a guide page: a content page guide/<tree>.md
    (in some language) for a tree the content has."""
    if bundle is None:
        return set()
    found = {guide_of(f.src_uri) for f in files}
    return found & set(bundle.trees)


def guide_of(src_uri: str) -> str | None:
    """The tree whose guide a content page is (guide/<tree>.<lang>.md), or None."""
    if src_uri.startswith(layout.GUIDE + "/") and src_uri.endswith(".md"):
        return src_uri[len(layout.GUIDE) + 1:].split(".")[0]
    return None


def guide_nav_title(bundle, tree_id: str, lang: str) -> str:
    """A guide page's title in the navigation, the browser's tab and the pager: the
    tree's title and that this is the whole guide, so that it reads apart from the
    start links to the same tree's wizard (which say to answer questions). Escaped:
    the theme prints titles as HTML."""
    words = Words(bundle.labels, lang)
    return esc(words.label_plain("guide-nav-title",
                                 title=words.plain(bundle.trees[tree_id]["title"])))


def building(config, site: SiteConfig) -> Language:
    """The language of the build under way (mkdocs-static-i18n builds one at a time)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return site.default
    return site.language(i18n.current_language)


def _i18n_file(file: File, config, site: SiteConfig, language: Language, bare: str) -> None:
    """The attributes mkdocs-static-i18n gives a page: its locale and its twins."""
    file.locale = language.code
    file.locale_alternate_of = language.code
    file.localization = language.code
    file.norm_src_uri = bare
    file.alternates = {}
    for other in site.languages:
        if other.code == language.code:
            file.alternates[other.code] = file
        else:
            twin = File.generated(config, other.prefix + bare, content="")
            twin.locale = other.code
            file.alternates[other.code] = twin


def alternates(page, site: SiteConfig, language: Language) -> list[dict]:
    """This page in the other languages, for the header's switch: {lang, name, url}."""
    found = []
    twins = getattr(page.file, "alternates", {}) if page else {}
    for other in site.languages:
        if other.code == language.code:
            continue
        twin = twins.get(other.code)
        found.append({"lang": other.code, "name": other.name,
                      "url": twin.url if twin else other.prefix})
    return found


def up_to_language_root(page_url: str, language: Language) -> str:
    """From a page to the root of its language (like '../../', or '' at the top)."""
    path = page_url[len(language.prefix):]
    return "../" * len([p for p in path.split("/") if p])


def up_to_site_root(page_url: str) -> str:
    """From a page to the root of the whole site (where pagefind/ lives)."""
    return "../" * len([p for p in page_url.split("/") if p])


def url_path(url: str) -> str:
    """The path of an address, ending in '/' ('https://a.jp/guide' gives '/guide/')."""
    path = urlsplit(url).path
    return path if path.endswith("/") else path + "/"


def one_error_page(config, site: SiteConfig) -> None:
    """Every language's build writes 404.html at the root; keep the default language's."""
    if "i18n" in config.plugins and building(config, site) != site.default:
        config.theme.static_templates.discard("404.html")


def own_sitemap(config, theme: Path) -> None:
    """tebiki's sitemap.xml (the i18n plugin's, written only when the site knows its
    address) over the one mkdocs-static-i18n puts first in the theme's folders
    unless the site's own custom_dir has one: with no site_url, that one would
    write `None` into every <loc>."""
    dirs = config.theme.dirs
    for folder in [d for d in dirs if Path(d).name == "custom_i18n_sitemap"]:
        if dirs.index(folder) < dirs.index(str(theme)):
            dirs.remove(folder)
