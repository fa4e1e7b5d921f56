"""MkDocs hooks (mkdocs.yml `hooks:`): the generated wizard pages. Thin: see tebiki.mkdocs_site."""

from mkdocs.plugins import event_priority

from tebiki.site import mkdocs as mkdocs_site


@event_priority(-110)  # after mkdocs-static-i18n (-100) has sorted the hand-written pages
def on_files(files, config):
    return mkdocs_site.add_wizard_pages(files, config)


def on_page_content(html, page, config, files):
    fragment = mkdocs_site.wizard_content(page)
    return html if fragment is None else fragment


def on_page_context(context, page, config, nav):
    context["tebiki"] = mkdocs_site.page_context(config, page)
    return context


@event_priority(-110)  # after mkdocs-static-i18n has set the language of this build
def on_config(config):
    return mkdocs_site.one_error_page(config)


def on_env(env, config, files):
    env.globals["tebiki_labels"] = mkdocs_site.theme_labels(config)
    env.filters["urlsplit_path"] = mkdocs_site.url_path
    return env
