"""The page macros (mkdocs-macros `module_name: macros/main`). Thin on purpose.

Every macro renders facts from the compiled content in the language being
built, read per call: mkdocs-static-i18n builds each language in turn, so a
value captured when this module loads would be stale in the second build.
Each macro notes the records it showed; `page_sources()` lists their sources.
"""

from tebiki.handbook import compose as handbook
from tebiki.render import guide as render_html
from tebiki.site import embed
from tebiki.site import mkdocs as mkdocs_site

_USED: list = []  # records shown on the page being rendered


def on_pre_page_macros(env):
    _USED.clear()


def define_env(env):
    def bundle():
        return mkdocs_site.bundle_for(env.conf)

    def lang():
        return mkdocs_site.language(env.conf)

    def root():
        """From the current page to the root of its language's site."""
        return mkdocs_site.relative_root(env.conf, env.page.url)

    def wizard_root():
        return root() + mkdocs_site.WIZARD + "/"

    @env.macro
    def tree_guide(tree_id):
        """A tree's whole decision flow: every question, option and outcome."""
        return render_html.tree_guide(bundle(), tree_id, lang(), wizard_root=wizard_root(),
                                      used=_USED)

    @env.macro
    def outcome(tree_id, outcome_id, level=3):
        """One outcome in full, with a heading."""
        return render_html.outcome_section(bundle(), tree_id, outcome_id, lang(), level=level,
                                           used=_USED)

    @env.macro
    def checklist(tree_id, outcome_id, answers=None):
        """What to bring for one outcome, as tick boxes (for a path: answers={q: option})."""
        return render_html.outcome_checklist(bundle(), tree_id, outcome_id, lang(), used=_USED,
                                             answers=answers)

    @env.macro
    def pin_table(ids=None):
        return render_html.pin_table(bundle(), lang(), ids, used=_USED)

    @env.macro
    def document_table(categories=None):
        return render_html.document_table(bundle(), lang(), categories, used=_USED)

    @env.macro
    def hotline_box(ids, heading, level=2):
        return render_html.hotline_box(bundle(), lang(), ids, heading, level=level, used=_USED)

    @env.macro
    def fact(path):
        """One field of a record, like fact("pins.signature.tries")."""
        return render_html.fact(bundle(), path, lang(), used=_USED)

    @env.macro
    def tree_fact(tree_id, path):
        """One text of a tree, like tree_fact("pin-reset", "outcomes.counter-reset.cost")."""
        return render_html.tree_fact(bundle(), tree_id, path, lang(), used=_USED)

    @env.macro
    def tree_title(tree_id):
        return render_html.tree_text(bundle(), tree_id, "title", lang())

    @env.macro
    def tree_summary(tree_id):
        return render_html.tree_text(bundle(), tree_id, "summary", lang())

    @env.macro
    def start_links(tree_ids):
        """Big links that start each tree's wizard at its first question."""
        return render_html.start_links(bundle(), tree_ids, lang(), wizard_root=wizard_root())

    @env.macro
    def wizard_link(tree_id, text=None):
        return render_html.wizard_link(bundle(), tree_id, lang(), wizard_root=wizard_root(),
                                       text=text)

    @env.macro
    def search_box():
        return render_html.search_box(bundle(), lang(),
                                      site_root=mkdocs_site.relative_site_root(env.page.url))

    @env.macro
    def handbook_link():
        """Links to the printable handbooks (PDF), when the build made them."""
        return handbook.download_links(bundle(), lang(), mkdocs_site.handbooks(),
                                       site_root=mkdocs_site.relative_site_root(env.page.url))

    @env.macro
    def embed_snippets(tree_ids, way):
        """Code for other sites to embed each tree's wizard: way "iframe" or "loader"."""
        return embed.snippets(bundle(), tree_ids, lang(), way, site_url=env.conf.site_url,
                              prefix=mkdocs_site.lang_prefix(env.conf, lang()))

    @env.macro
    def embed_csp(way):
        """What a host page's Content-Security-Policy needs for that way of embedding."""
        return embed.code_block(embed.host_policy(way, base=embed.guide_base(env.conf.site_url)))

    @env.macro
    def page_sources():
        """Sources and last-checked date of every fact shown above on this page."""
        return render_html.page_sources(bundle(), lang(), _USED)
