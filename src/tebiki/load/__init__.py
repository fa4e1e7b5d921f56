"""Loading content: YAML, its shape, its validation, the compiled JSON."""
