"""What a site says about itself, read once from its MkDocs configuration.

One place says which languages a site has and which is the default: the
`i18n` plugin's `languages` in `mkdocs.yml` (or, for a site in one language,
`theme.language`). Everything else tebiki needs is the `tebiki` plugin's
options there. Every part of tebiki (the check, the plugin, the build, the
handbook, the widget, the runtime) asks a `SiteConfig` and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

RUNTIMES = ("pyodide", "micropython")
DEFAULT_CONTENT = "decision_trees"
DEFAULT_RUNTIME = "pyodide"
DEFAULT_REVIEW_AGE_MONTHS = 12
# The published address: http(s), a host name, a port, a path. The path keeps to the
# characters a URL path needs: no ';' or ',' (a Content-Security-Policy snippet for
# host pages holds the address, and they split its directives), no quotes, spaces
# or brackets, and '%' only as a %XX escape.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
SITE_URL = re.compile(rf"^https?://{_LABEL}(?:\.{_LABEL})*\.?(?::(?P<port>[0-9]{{1,5}}))?"
                      r"(?P<path>/(?:[A-Za-z0-9._~!$+=:@/-]|%[0-9A-Fa-f]{2})*)?$")


class ConfigError(Exception):
    """The site's configuration cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Language:
    code: str  # as in texts: {ja: …, en: …}
    name: str  # in its own words, for the language switch: 日本語, English
    site_name: str
    prefix: str  # its folder in the site: "" for the default language, "en/" for another
    default: bool


@dataclass(frozen=True)
class SiteConfig:
    config_file: Path
    languages: tuple[Language, ...]
    content: Path
    docs_dir: Path
    site_url: str | None
    runtime: str
    handbook: tuple[str, ...]  # the content pages printed as chapters, in order
    review_age_months: int
    holidays: str | None = None  # the country of the public holidays hours name ("JP")
    markdown_extensions: tuple = ()
    markdown_configs: dict | None = None
    template_options: dict = field(default_factory=dict)  # mkdocs-macros' Jinja settings (j2_…)

    @property
    def root(self) -> Path:
        """The site's project folder (where mkdocs.yml is)."""
        return self.config_file.parent

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def default(self) -> Language:
        return next(language for language in self.languages if language.default)

    def language(self, code: str) -> Language:
        for language in self.languages:
            if language.code == code:
                return language
        raise KeyError(code)

    @property
    def cache(self) -> Path:
        """Where builds keep what is slow to make again (the precompiled standard
        library, Brotli copies): the user's cache folder, shared by every site, as
        every entry is named by the content it was made from."""
        from platformdirs import user_cache_path

        return user_cache_path("tebiki")

    @property
    def node_modules(self) -> Path:
        return self.root / "node_modules"


def site_url_problem(value: str | None) -> str | None:
    """What is wrong with the published address, if anything: it goes into every page's
    canonical link, the sitemap, the widget's snippets and the PDFs."""
    if not value:
        return None
    match = SITE_URL.match(value)
    if not match:
        return (f"site_url (TEBIKI_SITE_URL) {value!r} is not a web address: give the address "
                "the site will be published at, like https://example.jp/tebiki/ (http or "
                "https, a host name, a port if need be, a path of letters, digits, "
                "- . _ ~ / and %XX escapes; no quotes, spaces, brackets, ';' or ',')")
    if match.group("port") and not 1 <= int(match.group("port")) <= 65535:
        return (f"site_url (TEBIKI_SITE_URL) {value!r} is not a web address: the port "
                f"{match.group('port')} is not one (ports are 1 to 65535)")
    return None


def from_mkdocs(config) -> SiteConfig:
    """The SiteConfig of a loaded MkDocs configuration (`mkdocs.config.load_config`)."""
    config_file = Path(config.config_file_path).resolve()
    plugin = config.plugins.get("tebiki")
    if plugin is None:
        raise ConfigError(f"{config_file}: add `- tebiki` to `plugins:` (tebiki adds the "
                          "wizard pages and the fact macros as a MkDocs plugin)")
    options = plugin.config
    problem = site_url_problem(config.site_url)
    if problem:
        raise ConfigError(f"{config_file}: {problem}")
    languages = _languages(config, config_file)
    if options.holidays is not None:
        from tebiki.load.public_holidays import country_problem

        problem = country_problem(options.holidays)
        if problem:
            raise ConfigError(f"{config_file}: tebiki plugin: {problem}")
    root = config_file.parent
    return SiteConfig(
        config_file=config_file,
        languages=languages,
        content=(root / options.content).resolve(),
        docs_dir=Path(config.docs_dir).resolve(),
        site_url=config.site_url or None,
        runtime=options.runtime,
        handbook=tuple(options.handbook) if options.handbook is not None
        else _nav_pages(config),
        review_age_months=options.review_age_months,
        holidays=options.holidays,
        markdown_extensions=tuple(config.markdown_extensions),
        markdown_configs=dict(config.mdx_configs),
        template_options=_template_options(config),
    )


def load(config_file: Path) -> SiteConfig:
    """Read `mkdocs.yml` (plugins included) and return the site's configuration."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    if not config_file.is_file():
        raise ConfigError(f"no {config_file}: tebiki reads the site's languages and options "
                          "from its mkdocs.yml (give --config, or run `tebiki new DIR` for a "
                          "new site)")
    try:
        return from_mkdocs(load_config(str(config_file)))
    except ConfigurationError as exc:
        raise ConfigError(f"{config_file}: {exc}") from exc
    except Abort as exc:  # MkDocs has logged what is wrong, line by line
        raise ConfigError(f"{config_file}: {exc} (see above)") from exc


def _languages(config, config_file: Path) -> tuple[Language, ...]:
    site_name = config.site_name
    i18n = config.plugins.get("i18n")
    if i18n is None:
        code = config.theme.get("language") or "en"
        return (Language(code, code, site_name, "", True),)
    found = []
    for entry in i18n.config.languages:
        if not entry.build:
            continue
        found.append(Language(entry.locale, entry.name or entry.locale,
                              entry.site_name or site_name,
                              "" if entry.default else f"{entry.locale}/", bool(entry.default)))
    if sum(language.default for language in found) != 1:
        raise ConfigError(f"{config_file}: the i18n plugin must have exactly one default "
                          "language among those it builds")
    found.sort(key=lambda language: not language.default)  # the default language first
    return tuple(found)


def _template_options(config) -> dict:
    """mkdocs-macros' Jinja settings (like the comment strings), for the handbook, which
    renders the same pages outside MkDocs."""
    macros = config.plugins.get("macros")
    if macros is None:
        return {}
    return {key[3:]: value for key, value in macros.config.items()
            if key.startswith("j2_") and value}  # unset ones are '' or []


def _nav_pages(config) -> tuple[str, ...]:
    """Without a `handbook:` list: every page of the navigation but the home page."""
    pages: list[str] = []

    def walk(items) -> None:
        for item in items or []:
            if isinstance(item, str):
                pages.append(item)
            elif isinstance(item, dict):
                for value in item.values():
                    walk(value if isinstance(value, list) else [value])

    walk(config.nav)
    return tuple(p for p in pages if p.endswith(".md") and p != "index.md")
