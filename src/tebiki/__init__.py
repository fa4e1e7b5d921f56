"""tebiki: bilingual help sites with interactive decision trees, from YAML."""

__version__ = "0.1.0"
