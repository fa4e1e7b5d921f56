"""Renderers outside the browser core: the guide's HTML, plain text, the flow picture."""
