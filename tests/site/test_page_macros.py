"""Content pages are Markdown with tebiki's macros in them; a stranger's pull request may
change one. The macros run in Jinja's sandbox, and a page's own title is escaped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TEBIKI = [sys.executable, "-m", "tebiki"]
ROOT = Path(__file__).resolve().parents[2]


def _new_site(tmp_path: Path) -> Path:
    site = tmp_path / "city"
    subprocess.run([*TEBIKI, "new", str(site)], check=True, capture_output=True, timeout=120)
    (site / "node_modules").symlink_to(ROOT / "node_modules")  # the runtime, as `npm ci` would
    return site


def _build(site: Path, out: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([*TEBIKI, "build", "--out", str(out), "--no-handbook", "--no-search"],
                          cwd=site, capture_output=True, text=True, timeout=600, env=env)


def test_a_page_cannot_reach_python_through_the_macros(tmp_path):
    """`{{ cycler.__init__.__globals__.os.popen(...) }}` ran a shell command as the user
    who built the site; now the build stops, naming the page, and nothing ran."""
    site = _new_site(tmp_path)
    marker = tmp_path / "ran"
    page = site / "content" / "index.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ cycler.__init__.__globals__"
                    f".os.popen('touch {marker}').read() }}}}\n", encoding="utf-8")
    result = _build(site, tmp_path / "out")
    assert not marker.exists()
    assert result.returncode == 3, result.stderr
    assert "index.en.md" in result.stderr and "unsafe" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_pages_own_title_is_text_in_every_menu(tmp_path):
    site = _new_site(tmp_path)
    page = site / "content" / "index.en.md"
    text = page.read_text(encoding="utf-8")
    hostile = "Home</title><img src=x onerror=alert(1)>"
    front, body = text.split("\n---\n", 1)
    front = "\n".join(line for line in front.splitlines() if not line.startswith("title:"))
    text = f'{front}\ntitle: "{hostile}"\n---\n{body}'
    page.write_text(text, encoding="utf-8")
    result = _build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    pages = list((tmp_path / "out").rglob("*.html"))
    shown = [p for p in pages if "&lt;img src=x onerror=alert(1)&gt;" in p.read_text("utf-8")]
    assert shown, "the title should be on the English pages, as text"
    assert not [p for p in pages if "<img src=x" in p.read_text("utf-8")]


def test_a_page_may_not_hold_a_redirect_or_other_active_elements(tmp_path):
    """The CSP stops scripts but not `<meta http-equiv=refresh>`, which sent residents to
    another site; the build names the file and line, and shows how to write it as text."""
    site = _new_site(tmp_path)
    page = site / "content" / "index.en.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines += ["", "Shown as text: `<meta http-equiv=refresh>`.", "",
              '<meta http-equiv="refresh" content="4;url=https://evil.example/">']
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _build(site, tmp_path / "out")
    assert result.returncode == 3, result.stderr
    assert f"content/index.en.md:{len(lines)}: a <meta> element in a page" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_handbook_refuses_it_before_chromium_could_follow_it(tmp_path):
    """Printing a chapter with a meta refresh failed as 'is Chromium working?'; now the
    page's file and line are named and nothing is printed."""
    site = _new_site(tmp_path)
    page = site / "content" / "index.en.md"
    text = page.read_text(encoding="utf-8").rstrip("\n") + "\n\n<base href=https://evil.example/>\n"
    page.write_text(text, encoding="utf-8")
    result = subprocess.run([*TEBIKI, "handbook", "--out", str(tmp_path / "pdf")], cwd=site,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stderr
    line = text.count("\n")
    assert f"content/index.en.md:{line}: a <base> element in a page" in result.stderr
    assert "Chromium" not in result.stderr and not (tmp_path / "pdf").exists()
