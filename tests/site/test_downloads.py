"""The handbooks (PDF) in the built site: there, linked in both languages, and a failed
PDF step leaves the old site alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tebiki.site.output import write_marker

from .conftest import ROOT
from .test_built_site import parse

PDFS = ("downloads/tebiki-handbook-ja.pdf", "downloads/tebiki-handbook-en.pdf")
LINKED_FROM = ["index.html", *(f"guide/{t}/index.html" for t in
                               ("pin-reset", "pin-change", "lost-card", "which-pin"))]


def test_the_build_puts_one_pdf_per_language_in_downloads(site):
    for name in PDFS:
        data = (site / name).read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 100_000, name


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_home_and_guide_pages_link_to_both_pdfs(site, prefix):
    lang = "en" if prefix else "ja"
    for rel in LINKED_FROM:
        page = site / prefix / rel
        links = [url for tag, attr, url in parse(page).links if url.endswith(".pdf")]
        assert len(links) == 2, f"{prefix}{rel}: {links}"
        assert links[0].endswith(f"tebiki-handbook-{lang}.pdf")  # this language first
        for url in links:
            assert (page.parent / url).resolve().is_file(), url
        text = page.read_text(encoding="utf-8")
        pages = re.findall(r"(\d+)(?:ページ| pages)", text[text.index("tebiki-download"):])
        assert len(pages) == 2 and all(int(n) > 10 for n in pages), pages


def test_a_failing_pdf_step_keeps_the_old_site(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    write_marker(out)  # an earlier build's output: its marker lists index.html
    env = {**os.environ, "TEBIKI_CHROMIUM": str(tmp_path / "no-chromium")}
    result = subprocess.run([sys.executable, "-m", "tebiki", "build", "--out", str(out),
                             "--no-search"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "handbook" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".tebiki-output", "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob(".site.tebiki-staging-*"))
