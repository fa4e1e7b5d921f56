"""Phone numbers written in forms the pages cannot link, found for `tebiki check`.

Pages link a number written one way: ASCII digits in three groups joined by
hyphens (`engine.phones_in_text`, which runs in the browser too and stays
small). A number written any other way (full-width or Arabic-Indic digits,
another dash such as ー or −, spaces, dots, brackets, no separators, `+81 3 …`)
is still a number a reader will dial, but neither checked against the contact
records nor linked. This module finds those, so that the check can ask for the
one form: what it accepts, the pages link, and every number is a contact's.
"""

from __future__ import annotations

import re
import unicodedata

from tebiki.core import engine

# Dashes and long-vowel marks written between digit groups (NFKC leaves them alone).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u207b\u208b\u2212\u2500\u30fc\ufe58" \
          "\ufe63\uff0d\uff70\u02d7"


class _Folded(dict):
    """A str.translate table, filled as characters come: each digit of any script as its
    ASCII digit, each dash as '-', and what NFKC makes one ASCII character of (full-width
    brackets, plus, dot, the ideographic space) as that character. Everything else
    stays, so positions in the folded text are positions in the text."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            folded = ord(str(digit))
        elif char in _DASHES:
            folded = ord("-")
        else:
            normal = unicodedata.normalize("NFKC", char)
            folded = ord(normal) if len(normal) == 1 and normal.isascii() else code
        self[code] = folded
        return folded


_FOLDED = _Folded()
_GROUP = re.compile(r"[0-9]+")
# What may stand between two groups of one number: a hyphen or dot, brackets, spaces.
_GAP = re.compile(r" ?[-.] ?| ?\(| ?\) ?|\) ?\( ?| ")
_DOMESTIC = (10, 11)  # digits of a Japanese number from 0: 03-1234-5678, 090-1234-5678
_INTERNATIONAL = (9, 10)  # the same after +81, without the 0


def fold(text: str) -> str:
    """`text` with every digit ASCII and every dash '-', position for position."""
    return text if text.isascii() else text.translate(_FOLDED)


def loose_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each phone number in `text` that is not written as pages
    link numbers. `digits` are the number's digits (ASCII, with 81 first for +81)."""
    folded = fold(text)
    groups = list(_GROUP.finditer(folded))
    if sum(len(g.group()) for g in groups) < min(_INTERNATIONAL):
        return []
    linked = set(engine.phones_in_text(text))
    found: list[tuple[int, int, str]] = []
    index = 0
    while index < len(groups):
        number = _number_at(folded, groups, index)
        if number is None:
            index += 1
            continue
        start, end, last = number
        if (start, end) not in linked:
            digits = "".join(g.group() for g in groups[index:last + 1])
            found.append((start, end, digits))
        index = last + 1
    return found


def _joined(folded: str, before, after) -> str | None:
    """The gap between two groups if it joins them into one number, else None."""
    gap = folded[before.end():after.start()]
    return gap if _GAP.fullmatch(gap) else None


def _number_at(folded: str, groups: list, index: int) -> tuple[int, int, int] | None:
    """A number that starts with group `index`: (start, end, index of its last group)."""
    first = groups[index]
    start = first.start()
    if _in_word(folded, start):
        return None
    if index and _joined(folded, groups[index - 1], first) not in (None, " ", " (", "("):
        return None  # the middle of a run such as 12-0120-95-0178
    if first.group().startswith("0"):
        wanted, digits = _DOMESTIC, 0
    elif first.group() == "81" and folded[max(0, start - 2):start].strip().endswith("+"):
        wanted, digits = _INTERNATIONAL, -2
        start = folded.rindex("+", 0, start)
    else:
        return None
    if start and folded[start - 1] == "(" and folded[first.end():first.end() + 1] == ")":
        start -= 1  # (03) 1234-5678
    last = index
    while True:
        digits += len(groups[last].group())
        if digits in wanted and _ends(folded, groups, last):
            return start, groups[last].end(), last
        if digits > max(wanted) or last + 1 == len(groups) \
                or _joined(folded, groups[last], groups[last + 1]) is None:
            return None
        last += 1


def _in_word(folded: str, start: int) -> bool:
    """The digits at `start` go on a word, an id or a path (A0120…, call-0120-…,
    /0120…): as for the pages, that is no number (engine.phones_in_text)."""
    before = start
    while before and folded[before - 1] in "-_+":
        before -= 1
    if before and folded[before - 1] == "/":
        return True
    return bool(before) and folded[before - 1].isascii() and folded[before - 1].isalnum()


def _ends(folded: str, groups: list, last: int) -> bool:
    """A number may end after group `last`: what follows is no letter or digit, and no
    hyphen or dot that goes on to more digits."""
    end = groups[last].end()
    if end < len(folded) and folded[end].isascii() and folded[end].isalnum():
        return False
    if last + 1 < len(groups):
        gap = _joined(folded, groups[last], groups[last + 1])
        return gap is None or gap.strip() == ""
    return True


def digits_of(number: str) -> str:
    """The digits of a number as a contact record writes it (`+81-3-…` keeps its 81)."""
    return "".join(c for c in number if "0" <= c <= "9")
