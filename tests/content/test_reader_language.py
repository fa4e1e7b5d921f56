"""On English pages the foreign-language line comes first: a text that names both a
line answering in English and a Japanese-only line names the English one first
(an English reader dials the first number given)."""

from __future__ import annotations

from tebiki.core import engine


def _texts(node, where=""):
    """Every (where, English text) in a tree's model."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str) and isinstance(node.get("ja"), str):
            yield where, node["en"]
        for key, value in node.items():
            if key != "records":
                yield from _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{where}[{i}]")


def test_english_texts_name_the_english_line_first(bundle):
    english, japanese = set(), set()
    for contact in bundle.records["contacts"].values():
        numbers = {p["number"] for p in contact["phones"]}
        (english if "en" in contact.get("languages", []) else japanese).update(numbers)
    japanese -= english
    late = []
    checked = 0
    for tid, tree in bundle.trees.items():
        for where, text in _texts(tree):
            named = [text[a:b] for a, b in engine.phones_in_text(text)]
            if any(n in english for n in named) and any(n in japanese for n in named):
                checked += 1
                first_en = min(i for i, n in enumerate(named) if n in english)
                first_ja = min(i for i, n in enumerate(named) if n in japanese)
                if first_ja < first_en:
                    late.append(f"{tid}{where}: {text[:70]}")
    assert checked >= 6  # the lost-card and lost-smartphone hints, summaries and steps
    assert not late, late
