"""What the check refuses in a text, refused in every kind of text.

Each payload of REFUSED (tests/support/injection.py) is appended to every text
of the small fixture content (tree, question, option, outcome parts, records,
labels), and `tebiki check` must name each text at its line: none of them may
reach a build. The payloads the check accepts are built and opened in Chromium
by tests/site/test_injection.py.
"""

from __future__ import annotations

import pytest

from tebiki.load.content import load_content

from ..conftest import FIXTURES, LANGUAGES
from ..support.injection import REFUSED, inject


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_text_with_the_payload_is_refused_at_its_line(name, tmp_path):
    extra, words = REFUSED[name]
    texts = inject(FIXTURES / "mini", tmp_path / "decision_trees", extra)
    assert texts > 60  # every kind of text of the fixture, labels included
    content = load_content(tmp_path / "decision_trees", languages=LANGUAGES)
    named = [p for p in content.errors if words in p.message]
    left_out = sum(p.more for p in content.errors)
    # one problem per language of every text; past 50 in a file, a line counts the rest
    assert len(named) + left_out >= 2 * texts, (len(named), left_out, texts,
                                                 [p.format() for p in content.errors][:5])
    files = {p.file for p in named}
    assert any(f.endswith("mini.yaml") for f in files), files
    assert any("/records/" in f for f in files) and any("/ui/" in f for f in files), files
    assert content.trees == {} or not content.reports.get("mini") or content.errors
