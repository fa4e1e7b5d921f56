"""The printed handbook: one A4 PDF per language, printed by Chromium."""
