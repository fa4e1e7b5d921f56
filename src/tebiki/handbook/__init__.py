"""The printed handbook: one A4 PDF per language, printed by Chromium.

compose (the content pages made for paper) → paper (links, ids, blocks) →
printer (Chromium, offline) → pdf (dates, ID, outline); fonts makes the local
Noto Sans CJK JP embeddable.
"""
