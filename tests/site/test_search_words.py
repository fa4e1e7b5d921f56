"""A content page's search words (`search: {keywords: {<heading id>: [...]}}` in its
front matter): read with their lines, and every mistake said as file:line."""

from __future__ import annotations

import pytest

from tebiki.site.search import page_words, section_entries

HEADINGS = {"tries": "How many wrong tries lock a PIN?", "wait": "Does a lock go away?"}


def page(front: str) -> str:
    return "---\n" + front + "---\n\n# Questions\n\n## How many wrong tries lock a PIN? {#tries}\n"


def test_the_words_of_each_section_are_read_and_tidied():
    words, problems = page_words(page("search:\n  keywords:\n    tries:\n"
                                      "      - how many  tries\n      - \"<b>&amp;\"\n"),
                                 "faq.en.md", HEADINGS)
    assert problems == []
    assert words == {"tries": ["how many tries", "<b>&amp;"]}
    entries = section_entries("en/faq/", "Questions", words, HEADINGS)
    assert entries == [{"url": "en/faq/", "anchor": "tries", "title": HEADINGS["tries"],
                        "page": "Questions", "keywords": ["how many tries", "<b>&amp;"]}]


def test_a_page_without_search_words_has_none():
    assert page_words("# Questions\n", "faq.en.md", HEADINGS) == ({}, [])
    assert page_words(page("title: Questions\n"), "faq.en.md", HEADINGS) == ({}, [])
    assert page_words(page("search:\n  exclude: true\n"), "faq.en.md", HEADINGS) == ({}, [])


@pytest.mark.parametrize("front, line, says", [
    ("search:\n  keywords:\n    tires: [how many]\n", 4, "'tires' is no heading id on this page: "
     "give one of tries, wait"),
    ("search:\n  keywords:\n    tries: how many\n", 4, "should be a list of search words"),
    ("search:\n  keywords:\n    tries: []\n", 4, "lists 0 words: give 1 to 40"),
    ("search:\n  keywords:\n    tries:\n      - 12\n", 5, "should be a word or a few words"),
    ("search:\n  keywords:\n    tries:\n      - lock\n      - Lock\n", 6,
     "the search word 'Lock' is listed twice"),
    ("search:\n  keywords:\n    tries: [" + "x" * 41 + "]\n", 4, "has 41 characters"),
    ("search:\n  keyword:\n    tries: [lock]\n", 3, "unknown field 'keyword' in search "
     "(did you mean 'keywords'?)"),
    ("search:\n  keywords: [lock]\n", 3, "should be the search words of the page's sections"),
    ("search:\n  keywords:\n    tries: [lock\n", 5, "YAML syntax"),
])
def test_a_mistake_says_file_line_and_what_to_write(front, line, says):
    words, problems = page_words(page(front), "content/faq.en.md", HEADINGS)
    assert len(problems) == 1, problems
    assert problems[0].format().startswith(f"content/faq.en.md:{line}: "), problems[0].format()
    assert says in problems[0].message
    assert "tries" not in words or words["tries"]
