"""tebiki as a MkDocs plugin: the wizard pages, the fact macros and the theme.

In a site's `mkdocs.yml`:

    plugins:
      - i18n: …            # the languages (mkdocs-static-i18n)
      - tebiki:
          content: decision_trees
      - macros             # mkdocs-macros: tebiki registers its macros with it

The plugin loads and checks the content once, registers the page macros
(tebiki.render.macros) with mkdocs-macros, puts tebiki's theme templates
between the site's own overrides and Material, and adds one page per state of
every wizard in each language, and one per guide showing its flow picture
full size (tebiki.site.pages). `tebiki build` hands it
the content it has already checked, and the handbooks it printed, so that
pages can link to them.

While `tebiki serve` (or `mkdocs serve`) runs, bad content does not stop the
server: the problems are printed as `file:line: message` and shown at the top
of every page until they are fixed.
"""

from __future__ import annotations

import base64
import sys
from html import unescape
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

from tebiki.core import contract
from tebiki.core.layout import GUIDE, flow_page_path, flow_path
from tebiki.core.render import esc
from tebiki.load.content import Bundle, compile_content, load_content
from tebiki.load.pagecheck import body_offset, raw_html_problems
from tebiki.load.problems import display_path
from tebiki.render import graph, guide
from tebiki.render.macros import Page, table
from tebiki.render.templates import part
from tebiki.site import config as site_config
from tebiki.site import describe, embed, pages, runtime, search
from tebiki.site.pages import TITLE_ESCAPED

THEME = Path(__file__).with_name("theme")
DOWNLOADS = "downloads"  # the printed handbooks' folder in the site


class TebikiConfig(Config):
    content = c.Type(str, default=site_config.DEFAULT_CONTENT)
    runtime = c.Choice(site_config.RUNTIMES, default=site_config.DEFAULT_RUNTIME)
    handbook = c.Optional(c.ListOfItems(c.Type(str)))
    review_age_months = c.Type(int, default=site_config.DEFAULT_REVIEW_AGE_MONTHS)
    # the country whose public holidays opening hours mean (`days: [sat, sun, holidays]`)
    holidays = c.Optional(c.Type(str))


class TebikiPlugin(BasePlugin[TebikiConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: site_config.SiteConfig | None = None
        self.bundle: Bundle | None = None  # set by `tebiki build` (checked already)
        self.handbooks: dict = {}  # lang -> what was printed, when the build made PDFs
        self.problems: list = []  # content errors while serving
        self.partial_labels: dict = {}  # the labels of content with errors (while serving)
        self.serving = False
        self.guides: set = set()
        self.flows: dict = {}  # tree -> its flow picture's size (points), this language
        # lang -> page url -> its sections' search words (tebiki.site.search)
        self.search_words: dict[str, dict[str, list[dict]]] = {}
        self.wizard = pages.WizardPages()
        self.page: Page | None = None
        self._registered = False

    # --- configuration --------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this one plugin object for all of `mkdocs serve`'s
        # rebuilds, so it knows it is serving, and reloads the content on each.
        self.serving = command == "serve"

    @event_priority(100)  # before mkdocs-macros reads its macros
    def on_config(self, config):
        try:
            self.site = site_config.from_mkdocs(config)
        except site_config.ConfigError as exc:
            raise PluginError(str(exc)) from exc
        if config.theme.name != "material":
            raise PluginError("tebiki's pages are made for the Material theme: set "
                              "`theme: {name: material}` in mkdocs.yml")
        dirs = config.theme.dirs
        if str(THEME) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        if "assets/tebiki.css" not in config.extra_css:
            config.extra_css.append("assets/tebiki.css")
        if self.serving:
            self.bundle, self.problems = None, []
            # a macro that names something missing shows its error on the page
            if "macros" in config.plugins:
                config.plugins["macros"].config["on_error_fail"] = False
        if self.bundle is None and not self.problems:
            self._load()
        self._register_macros(config)
        return config

    def _load(self) -> None:
        loaded = load_content(self.site.content, languages=self.site.languages,
                              review_age_months=self.site.review_age_months,
                              holidays=self.site.holidays)
        for problem in loaded.problems:
            print(problem.format(), file=sys.stderr)
        if loaded.errors:
            if not self.serving:
                raise PluginError(f"{len(loaded.errors)} content error(s): fix them (see "
                                  "above), then build again")
            self.problems = loaded.errors
            self.partial_labels = loaded.labels  # the theme still needs its words
            return
        self.bundle = compile_content(loaded)

    @property
    def labels(self) -> dict:
        return self.bundle.labels if self.bundle is not None else self.partial_labels

    def _register_macros(self, config) -> None:
        macros = config.plugins.get("macros")
        if macros is None:
            raise PluginError("add `- macros` (mkdocs-macros) to `plugins:` after `- tebiki`: "
                              "the content pages call tebiki's macros")
        if not self._registered:  # mkdocs-macros keeps them for every language's build
            macros.register_macros(table(self._page, lambda: _Web(self)))
            self._registered = True

    def _page(self) -> Page:
        if self.page is None or self.bundle is None:
            raise PluginError("a tebiki macro ran outside a page, or without content")
        return self.page

    def on_pre_build(self, config) -> None:
        # after every plugin's on_config (the i18n plugin's adds its sitemap), before
        # MkDocs makes the theme's Jinja environment from its folders
        pages.own_sitemap(config, THEME)

    # --- pages -----------------------------------------------------------------------

    @event_priority(-110)  # after mkdocs-static-i18n (-100) has sorted the hand-written pages
    def on_files(self, files, config):
        pages.one_error_page(config, self.site)
        if self.serving:
            # `tebiki build` adds _tebiki/ after MkDocs; the preview has no build step,
            # and without the wizard's stylesheet its pages and the header are unstyled
            css = runtime.page_scripts()["wizard.css"]
            files.append(File.generated(config, runtime.script_url("wizard.css"),
                                        content=css.data))
        self.guides = pages.guides(files, self.bundle)
        self.flows = {}
        if self.bundle is not None:
            self.wizard.add(files, config, self.bundle, self.site, self.guides)
            try:
                pictures = pages.flow_pictures(files, config, self.bundle,
                                               pages.building(config, self.site))
            except graph.GraphError as exc:
                raise PluginError(str(exc)) from exc
            self.flows = {tree_id: graph.size(svg) for tree_id, svg in pictures.items()}
            self.wizard.add_flow_pages(files, config, self.bundle, self.site, self.guides,
                                       pictures)
        return files

    @event_priority(50)  # before mkdocs-macros renders the page
    def on_page_markdown(self, markdown, page, config, files):
        sandbox_macros(config.plugins.get("macros"))
        if page.file.abs_src_path and not page.meta.get(TITLE_ESCAPED):  # a page someone wrote
            self._refuse_raw_html(markdown, Path(page.file.abs_src_path))
        if isinstance(page.meta.get("title"), str) and not page.meta.get(TITLE_ESCAPED):
            # a content page's own title lands raw in the menu of every page (the theme
            # does not escape it): escaped here, like the titles tebiki gives its pages
            page.meta["title"] = esc(page.meta["title"])
            page.meta[TITLE_ESCAPED] = True
        if self.bundle is None:  # broken content while serving: show the page as written
            self.page = None
            page.meta["render_macros"] = False
            return markdown
        language = pages.building(config, self.site)
        up = pages.up_to_language_root(page.url, language)
        self.page = Page(self.bundle, language.code, up, pages.up_to_site_root(page.url))
        return markdown

    def on_page_content(self, html, page, config, files):
        fragment = self.wizard.fragment(page)
        if fragment is not None:
            html = fragment
        else:
            self._search_words(page, pages.building(config, self.site).code)
            if not page.meta.get("description"):  # the front matter's, if it has one
                page.meta["description"] = describe.of_html(html)
        tree_id = pages.guide_of(page.file.src_uri)
        if self.bundle is not None and tree_id in self.guides:
            # after the page is rendered (which sets its title from its h1), before
            # any page's navigation is drawn
            page.title = pages.guide_nav_title(self.bundle, tree_id,
                                               pages.building(config, self.site).code)
        if self.problems:
            html = _problems_box(self.problems) + html
        return html

    def _refuse_raw_html(self, markdown: str, source: Path) -> None:
        """Stop the build on an element in a page's Markdown that could run, load or send
        something, or take the reader elsewhere: the CSP stops scripts, not a
        `<meta http-equiv=refresh>`, a `<base>` or a form posting to another site."""
        offset = body_offset(source.read_text(encoding="utf-8-sig"))
        problems = raw_html_problems(markdown, display_path(source), offset)
        if not problems:
            return
        for problem in problems:
            print(problem, file=sys.stderr)
        if not self.serving:
            raise PluginError(f"{len(problems)} element(s) a page may not hold in "
                              f"{display_path(source)} (see above)")

    def _search_words(self, page, lang: str) -> None:
        """The search words the page's front matter gives its sections (now that its
        headings and their ids are known)."""
        if not (isinstance(page.meta.get("search"), dict) and "keywords" in page.meta["search"]):
            self.search_words.get(lang, {}).pop(page.url, None)
            return
        source = Path(page.file.abs_src_path)
        headings = {item.id: unescape(item.title) for item in _toc_items(page.toc)}
        words, problems = search.page_words(source.read_text(encoding="utf-8-sig"),
                                            display_path(source), headings)
        if problems:
            for problem in problems:
                print(problem.format(), file=sys.stderr)
            if not self.serving:
                raise PluginError(f"{len(problems)} error(s) in the front matter of "
                                  f"{display_path(source)} (see above)")
        title = unescape(page.title or "")
        self.search_words.setdefault(lang, {})[page.url] = search.section_entries(
            page.url, title, words, headings)

    def on_page_context(self, context, page, config, nav):
        language = pages.building(config, self.site)
        labels = self.labels
        context["tebiki"] = {
            "lang": language.code,
            "favicon": favicon_data_url(Path(config.docs_dir) / config.theme["favicon"]),
            "label": lambda lid: esc(labels[lid][language.code]) if lid in labels else "",
            "search_url": language.prefix + "search/",
            "alternates": pages.alternates(page, self.site, language),
            # the preview has no in-browser runtime: its wizard is the static pages
            "wizard_script": None if self.serving else runtime.script_url("wizard.js"),
            "wizard_stylesheet": runtime.script_url("wizard.css"),
            "contract": {key: value for key, value in vars(contract).items() if key.isupper()},
        }
        return context

    def on_env(self, env, config, files):
        # Escaped: MkDocs renders its templates without autoescaping, and labels are content.
        # A label missing (only while serving content with errors) is empty.
        env.globals["tebiki_labels"] = _Labels(
            {lid: {code: esc(text) for code, text in pair.items()}
             for lid, pair in self.labels.items()})
        env.globals["tebiki_languages"] = [{"code": lang.code, "prefix": lang.prefix}
                                           for lang in self.site.languages]
        env.filters["urlsplit_path"] = pages.url_path
        return env

    def on_serve(self, server, config, builder):
        server.watch(str(self.site.content))
        # MkDocs' own "Serving on ..." goes to a logger tebiki does not show
        print(f"previewing at http://{config.dev_addr}/ (Ctrl+C to stop): save a file "
              "and the page follows", file=sys.stderr, flush=True)
        return server


def _toc_items(items):
    for item in items:
        yield item
        yield from _toc_items(item.children)


class _Web:
    """The macros' web side (the print side is tebiki.handbook's)."""

    start_buttons = True

    def __init__(self, plugin: TebikiPlugin) -> None:
        self.plugin = plugin

    def start_links(self, page: Page, tree_ids: list) -> str:
        return guide.start_links(page.bundle, tree_ids, page.lang, wizard_root=page.wizard_root)

    def wizard_link(self, page: Page, tree_id: str, text: str | None) -> str:
        return guide.wizard_link(page.bundle, tree_id, page.lang, wizard_root=page.wizard_root,
                                 text=text)

    def flow_picture(self, page: Page, tree_id: str) -> str:
        size = self.plugin.flows.get(tree_id)
        if size is None:  # no picture was drawn (content with errors, while serving)
            return ""
        return guide.flow_figure(page.bundle, tree_id, page.lang,
                                 src=page.up + flow_path(tree_id),
                                 full=page.up + flow_page_path(tree_id), size=size)

    def search_box(self, page: Page) -> str:
        return guide.search_box(page.bundle, page.lang, site_root=page.to_site_root)

    def handbook_link(self, page: Page) -> str:
        return guide.download_links(page.bundle, page.lang, self.plugin.handbooks,
                                    site_root=page.to_site_root, folder=DOWNLOADS)

    def embed_snippets(self, page: Page, tree_ids: list, way: str) -> str:
        site = self.plugin.site
        return embed.snippets(page.bundle, tree_ids, page.lang, way, site_url=site.site_url,
                              prefix=site.language(page.lang).prefix)

    def embed_csp(self, page: Page, way: str) -> str:
        return embed.code_block(embed.host_policy(way, base=embed.guide_base(
            self.plugin.site.site_url)))

    def page_sources(self, page: Page) -> str:
        return guide.page_sources(page.bundle, page.lang, page.used)


class _Labels(dict):
    """Labels by id, then language; one that is missing reads as empty."""

    def __missing__(self, lid: str) -> dict:
        return _Empty()


class _Empty(dict):
    def __missing__(self, lang: str) -> str:
        return ""


def favicon_data_url(path: Path) -> str:
    """The site's icon as a data URL: the page asks nothing of the server for it, so the
    browser's icon lookups (again on every step of the enhanced wizard) make no request."""
    kind = "svg+xml" if path.suffix == ".svg" else path.suffix.lstrip(".") or "png"
    return f"data:image/{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _problems_box(problems: list) -> str:
    """What is wrong with the content, on top of every page while serving."""
    return str(part("problems.html", "problems_box", problems=[p.format() for p in problems]))


__all__ = ["GUIDE", "TebikiPlugin"]


def sandbox_macros(macros) -> None:
    """Render the pages' macros in Jinja's sandbox.

    mkdocs-macros renders every Markdown page as a template in a plain Jinja
    environment, so a page in a pull request could reach Python through
    `{{ cycler.__init__.__globals__.os.popen(...) }}` and run commands on the
    machine that builds it. The sandbox refuses every attribute that starts with
    an underscore and every unsafe callable; the pages need neither: they call
    tebiki's macros and the site's own. The environment is swapped for one with
    the same loader, settings, globals and filters, before each page (mkdocs-macros
    may make a new one when the i18n plugin builds the next language)."""
    if macros is None:
        return
    env = macros.env
    if isinstance(env, SandboxedEnvironment):
        return
    safe = SandboxedEnvironment(
        loader=env.loader, undefined=env.undefined, autoescape=env.autoescape,
        block_start_string=env.block_start_string, block_end_string=env.block_end_string,
        variable_start_string=env.variable_start_string,
        variable_end_string=env.variable_end_string,
        comment_start_string=env.comment_start_string,
        comment_end_string=env.comment_end_string, extensions=list(env.extensions))
    safe.globals.update(env.globals)
    safe.filters.update(env.filters)
    safe.tests.update(env.tests)
    macros._env = safe

