"""Glue between MkDocs and the tebiki renderers: the bundle, the wizard pages.

`macros/main.py` (the page macros) and `macros/hooks.py` (the MkDocs hooks)
are thin and call into here. mkdocs-static-i18n runs the whole build once per
language, so everything here asks for the language per call.

Wizard pages are generated in memory: one per reachable state of every tree,
at `<lang root>wizard/<tree>/<option>/<option>/.../`. The hook adds them after
the i18n plugin has sorted the hand-written pages (an earlier hook crashes
it), and gives them the locale and alternates that plugin would have given.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.structure.files import File, Files, InclusionLevel

from tebiki.core import engine
from tebiki.core.render import esc, page_title, render_state, state_url
from tebiki.load.content import Bundle, load_bundle

WIZARD = "wizard"
GUIDE = "guide"
_BUNDLES: dict[Path, Bundle] = {}


def content_root(config) -> Path:
    """The content folder: $TEBIKI_CONTENT, or decision_trees/ beside mkdocs.yml."""
    given = os.environ.get("TEBIKI_CONTENT")
    if given:
        return Path(given).resolve()
    return (Path(config.config_file_path).parent / "decision_trees").resolve()


def use_bundle(root: Path, bundle: Bundle) -> None:
    """Hand an already checked bundle to the build (so it is loaded once)."""
    _BUNDLES[root.resolve()] = bundle


_HANDBOOKS: dict = {}  # lang -> handbook.Printed, when this build made the PDFs


def use_handbooks(made: dict) -> None:
    """Tell the pages which handbooks (PDF) this build made, so they can link to them."""
    _HANDBOOKS.clear()
    _HANDBOOKS.update(made)


def handbooks() -> dict:
    return dict(_HANDBOOKS)


def bundle_for(config) -> Bundle:
    root = content_root(config)
    if root not in _BUNDLES:
        _BUNDLES[root] = load_bundle(root)
    return _BUNDLES[root]


def i18n(config):
    return config.plugins["i18n"]


def language(config) -> str:
    return i18n(config).current_language


def lang_prefix(config, lang: str) -> str:
    """The folder of a language in the site: '' for the default, 'en/' for English."""
    return "" if lang == i18n(config).default_language else lang + "/"


def relative_root(config, page_url: str) -> str:
    """From a page to the root of its language (like '../../', or '' at the top)."""
    path = page_url[len(lang_prefix(config, language(config))):]
    depth = len([p for p in path.split("/") if p])
    return "../" * depth


# --- the wizard's states -----------------------------------------------------------------


def wizard_states(tree: dict) -> list:
    """Every reachable state: each prefix of each path, as [(question, option), ...]."""
    seen: set = set()
    states: list = []
    for path in engine.iter_paths(tree):
        if path["end"] != "outcome":
            continue
        answers = path["answers"]
        for n in range(len(answers) + 1):
            key = tuple(o for _q, o in answers[:n])
            if key not in seen:
                seen.add(key)
                states.append(answers[:n])
    return states


@dataclass
class WizardPage:
    src_uri: str
    title: str
    fragment: str


@dataclass
class _Built:
    """The wizard pages of the current language build, by src_uri."""

    pages: dict = field(default_factory=dict)


_CURRENT = _Built()


def wizard_pages(bundle: Bundle, lang: str, prefix: str, guides: set) -> list:
    pages = []
    for tree_id, tree in bundle.trees.items():
        for state in wizard_states(tree):
            options = [o for _q, o in state]
            root = "../" * (len(options) + 1)
            result = engine.next_step(tree, dict(state))
            guide = f"{root}../{GUIDE}/{tree_id}/" if tree_id in guides else None
            fragment = render_state(result, bundle.labels, lang, root=root, trees=bundle.trees,
                                    guide_url=guide)
            src_uri = prefix + state_url(f"{WIZARD}/", tree_id, options) + "index.md"
            pages.append(WizardPage(src_uri, page_title(result, lang), fragment))
    return pages


def _guides(files: Files, bundle: Bundle) -> set:
    """Trees that have a hand-written guide page (guide/<tree>.md in some language)."""
    found = set()
    for f in files:
        uri = f.src_uri
        if uri.startswith(GUIDE + "/") and uri.endswith(".md"):
            found.add(uri[len(GUIDE) + 1:].split(".")[0])
    return found & set(bundle.trees)


def add_wizard_pages(files: Files, config) -> Files:
    """The on_files hook: add this language's wizard pages, with i18n metadata."""
    bundle = bundle_for(config)
    plugin = i18n(config)
    lang = language(config)
    languages = plugin.build_languages
    guides = _guides(files, bundle)
    _CURRENT.pages = {}
    added = []
    for page in wizard_pages(bundle, lang, lang_prefix(config, lang), guides):
        # A state's title is content (YAML): the theme prints titles as HTML, so it gets
        # the escaped text; and mkdocs-macros must never read the page, or it would run a
        # `{{ ... }}` in that title as a template.
        meta = {"title": esc(page.title), "hide": ["navigation", "toc"], "tebiki_wizard": True,
                "render_macros": False}
        content = "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n"
        file = File.generated(config, page.src_uri, content=content,
                              inclusion=InclusionLevel.NOT_IN_NAV)
        bare = page.src_uri[len(lang_prefix(config, lang)):]
        file.locale = lang
        file.locale_alternate_of = lang
        file.localization = lang
        file.norm_src_uri = bare
        file.alternates = {}
        for other in sorted(languages):
            if other == lang:
                file.alternates[other] = file
            else:
                alt = File.generated(config, lang_prefix(config, other) + bare, content="")
                alt.locale = other
                file.alternates[other] = alt
        files.append(file)
        added.append(file)
        _CURRENT.pages[page.src_uri] = page
    # the i18n sitemap lists the pages it saw in on_files; add ours
    plugin.i18n_files_per_language.setdefault(lang, []).extend(added)
    return files


def wizard_content(page) -> str | None:
    """The on_page_content hook: a wizard page's HTML is the rendered state itself."""
    built = _CURRENT.pages.get(page.file.src_uri)
    return built.fragment if built else None


def page_context(config, page) -> dict:
    """What the theme overrides use: the language, its labels, the search page, and this
    page in the other languages (relative links, so the site works on any subpath)."""
    lang = language(config)
    labels = bundle_for(config).labels
    alternates = []
    for other in i18n(config).config.languages:
        if other.locale == lang or not other.build:
            continue
        twin = getattr(page.file, "alternates", {}).get(other.locale) if page else None
        alternates.append({"lang": other.locale, "name": other.name,
                           "url": twin.url if twin else lang_prefix(config, other.locale)})
    return {
        "lang": lang,
        "favicon": favicon_data_url(Path(config.docs_dir) / config.theme["favicon"]),
        "label": lambda lid: esc(labels[lid][lang]),
        "search_url": lang_prefix(config, lang) + "search/",
        "alternates": alternates,
    }


def favicon_data_url(path: Path) -> str:
    """The site's icon as a data URL: the page asks nothing of the server for it, so the
    browser's icon lookups (again on every step of the enhanced wizard) make no request."""
    return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def theme_labels(config) -> dict:
    """Every label for the theme's own templates, HTML-escaped: MkDocs renders its
    templates without autoescaping, and labels are content."""
    return {lid: {lang: esc(text) for lang, text in pair.items()}
            for lid, pair in bundle_for(config).labels.items()}


def url_path(url: str) -> str:
    """The path of an address, ending in '/' ('https://a.jp/guide' gives '/guide/')."""
    path = urlsplit(url).path
    return path if path.endswith("/") else path + "/"


def relative_site_root(page_url: str) -> str:
    """From a page to the root of the whole site (where pagefind/ lives)."""
    return "../" * len([p for p in page_url.split("/") if p])


def one_error_page(config):
    """Every language build writes 404.html at the root; keep the default language's."""
    if language(config) != i18n(config).default_language:
        config.theme.static_templates.discard("404.html")
    return config
