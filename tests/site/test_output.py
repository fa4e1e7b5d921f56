"""The output folder: what `build` and `compile` may replace, and replacing it safely.

A refused --out, bad content, a failed, killed or concurrent build: the
previous output stays byte for byte, nothing else is touched, every outcome is
a message and an exit code. And what the check accepts, the build builds.
Builds here skip the handbook and the search index (seconds each), and share
one built site where they can.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import CONTENT, FIXTURES, ROOT, run_cli
from ..load.test_bad_input import ACCEPTED, _install, case_file, chain

QUICK = ("--no-handbook", "--no-search")


def tebiki(*args: str, cwd: Path = ROOT, env: dict | None = None,
           umask: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tebiki", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def start_build(content: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tebiki", "--content", str(content),
                             "build", "--out", str(out), *QUICK], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def snapshot(folder: Path) -> dict:
    """Every file's bytes and mode, and every folder, by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        found[rel] = (path.read_bytes(), path.stat().st_mode) if path.is_file() else "dir"
    return found


def beside(out: Path) -> set[str]:
    """What is next to the output folder (leftovers of builds), lock file aside."""
    return {p.name for p in out.parent.iterdir() if not p.name.endswith(".tebiki-lock")}


def wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def accepted_content(folder: Path) -> Path:
    """The repository's content, with the mini tree and every case of the bad-input
    corpus that the check accepts, and a path at the limits (20 questions, 64-character
    option ids): all must build."""
    content = folder / "decision_trees"
    shutil.copytree(CONTENT, content)
    shutil.copy(FIXTURES / "mini" / "mini.yaml", content / "mini.yaml")
    shutil.copy(FIXTURES / "mini" / "records" / "base.yaml", content / "records" / "mini.yaml")
    for name in [*ACCEPTED, "condition-never-true"]:
        _install(case_file(name), content)
    (content / "deepest.yaml").write_text(
        chain("deepest", 20, leave=True, option="go-" + "x" * 61), encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The accepted content, built under umask 077 (a private umask must not make a
    private site)."""
    tmp = tmp_path_factory.mktemp("accepted")
    content = accepted_content(tmp)
    checked = tebiki("--content", str(content), "check")
    assert checked.returncode == 0, checked.stderr
    out = tmp / "site"
    result = tebiki("--content", str(content), "build", "--out", str(out), *QUICK, umask=0o077)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def previous(built: Path, tmp_path: Path) -> Path:
    """A copy of a built site, as the previous output of the next build."""
    out = tmp_path / "out" / "site"
    shutil.copytree(built, out, symlinks=True)
    return out


def test_what_the_check_accepts_builds(built):
    deepest = "/".join(["go-" + "x" * 61] * 20)
    assert (built / "wizard" / "deepest" / deepest / "index.html").is_file()
    assert (built / "en" / "embed" / "deepest" / deepest / "index.html").is_file()
    assert (built / "wizard" / "id-64" / ("option-" + "x" * 57) / "index.html").is_file()


def test_the_site_is_readable_by_everyone_whatever_the_umask(built):
    modes = {p.relative_to(built): p.stat().st_mode & 0o777 for p in built.rglob("*")}
    assert len(modes) > 100
    wrong = {str(p): oct(m) for p, m in modes.items()
             if m != (0o755 if (built / p).is_dir() else 0o644)}
    assert not wrong, list(wrong.items())[:5]
    assert built.stat().st_mode & 0o777 == 0o755


# --- what --out may name ------------------------------------------------------------------


def test_build_out_root_is_refused_before_any_work():
    started = time.perf_counter()
    result = tebiki("build", "--out", "/", *QUICK)
    assert time.perf_counter() - started < 5
    assert result.returncode == 2, result.stderr
    assert "refusing to replace /: it is the root of the file system" in result.stderr
    assert "Traceback" not in result.stderr


def test_home_content_checkout_and_their_parents_are_refused(tmp_path, mini_copy):
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "todo.txt").write_text("keep me")
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "draft.md").write_text("keep me too")
    env = {**os.environ, "HOME": str(home)}
    cases = [
        ([str(home)], ROOT, "it is your home folder"),
        ([str(mini_copy)], ROOT, "it is the content folder"),
        ([str(mini_copy.parent)], ROOT, "it holds the content folder"),
        (["."], checkout, "it is the git checkout you are in"),
    ]
    before = snapshot(tmp_path)
    for out, cwd, words in cases:
        for command in (["build", "--out", *out, *QUICK], ["compile", "--out", *out]):
            result = tebiki("--config", str(ROOT / "mkdocs.yml"), "--content", str(mini_copy),
                            *command, cwd=cwd, env=env)
            assert result.returncode == 2, (command, result.stdout, result.stderr)
            assert words in result.stderr, (command, result.stderr)
            assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


def test_the_project_itself_is_refused():
    from tebiki.site.output import OutputError, check_output

    with pytest.raises(OutputError, match="it is the site's project"):
        check_output(ROOT, None, ROOT)
    with pytest.raises(OutputError, match="it holds the site's project"):
        check_output(ROOT.parent, None, ROOT)


def test_a_folder_tebiki_did_not_make_is_refused(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    (tmp_path / "a-file").write_text("a file")
    before = snapshot(tmp_path)
    for out, words in ((mine, "it is not empty and was not made by tebiki"),
                       (tmp_path / "a-file", "it is a file, not a folder")):
        for command in (["build", "--out", str(out), *QUICK], ["compile", "--out", str(out)]):
            result = tebiki("--content", str(FIXTURES / "mini"), *command)
            assert result.returncode == 2, (command, result.stderr)
            assert f"refusing to replace {out}: {words}" in result.stderr
    assert snapshot(tmp_path) == before


def test_an_empty_folder_and_tebikis_own_are_replaced(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert tebiki("--content", str(FIXTURES / "mini"), "compile", "--out", str(out)).returncode \
        == 0
    assert (out / ".tebiki-output").is_file() and (out / "index.json").is_file()
    assert tebiki("--content", str(FIXTURES / "mini"), "compile", "--out", str(out)).returncode \
        == 0


def test_a_copy_of_the_site_among_other_files_is_refused(built, tmp_path):
    """The README says: copy site/ to any static host. Its marker went along, and the next
    `build --out /srv/www` deleted the city's other pages (exit 0)."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "other-page.html").write_text("city page")
    (www / "photos").mkdir()
    (www / "photos" / "hall.jpg").write_bytes(b"\xff\xd8 a photo")
    shutil.copytree(built, www, dirs_exist_ok=True)  # cp -r site/. /srv/www/
    before = snapshot(www)
    for command in (["build", "--out", str(www), *QUICK], ["compile", "--out", str(www)]):
        result = tebiki("--content", str(FIXTURES / "mini"), *command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert f"refusing to replace {www}: it holds files tebiki did not write there " \
               "(other-page.html, photos/hall.jpg)" in result.stderr, result.stderr
    assert snapshot(www) == before


def test_a_copy_with_a_changed_file_is_refused_and_an_exact_copy_is_not(built, tmp_path):
    exact = tmp_path / "exact"
    shutil.copytree(built, exact)
    from tebiki.site.output import check_output

    assert check_output(exact, FIXTURES / "mini") == exact.resolve()
    (exact / "index.html").write_text("edited on the host")
    result = tebiki("--content", str(FIXTURES / "mini"), "compile", "--out", str(exact))
    assert result.returncode == 2
    assert "files in it were changed since tebiki wrote them (index.html)" in result.stderr
    assert (exact / "index.html").read_text() == "edited on the host"


def test_what_only_looks_like_an_old_output_is_refused(tmp_path):
    """An older tebiki took a folder holding only index.json for its bundle, and a folder
    with _tebiki/manifest.json beside other files for its site: both were replaced."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "index.json").write_text("{}")
    webroot = tmp_path / "webroot"
    (webroot / "_tebiki").mkdir(parents=True)
    (webroot / "_tebiki" / "manifest.json").write_text("{}")
    (webroot / "my-notes.txt").write_text("precious")
    unlisted = tmp_path / "unlisted"
    unlisted.mkdir()
    (unlisted / ".tebiki-output").write_text("This folder was made by tebiki.\n")
    (unlisted / "notes.txt").write_text("precious")
    before = snapshot(tmp_path)
    for out, words in ((bundle, "it is not empty and was not made by tebiki"),
                       (webroot, "it is not empty and was not made by tebiki"),
                       (unlisted, "its .tebiki-output file lists no files")):
        result = tebiki("--content", str(FIXTURES / "mini"), "compile", "--out", str(out))
        assert result.returncode == 2, result.stderr
        assert f"refusing to replace {out}: {words}" in result.stderr
    assert snapshot(tmp_path) == before


def test_the_marker_lists_every_file_with_its_hash(tmp_path):
    import hashlib

    out = tmp_path / "compiled"
    assert tebiki("--content", str(FIXTURES / "mini"), "compile", "--out", str(out)).returncode \
        == 0
    lines = (out / ".tebiki-output").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines if "  " in line)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(listed) == files - {".tebiki-output"} and len(listed) == 4
    for rel, digest in listed.items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest


def test_an_output_inside_the_content_folder_is_refused(mini_copy):
    for command in (["build", "--out", str(mini_copy / "site"), *QUICK],
                    ["compile", "--out", str(mini_copy / "compiled")]):
        result = tebiki("--content", str(mini_copy), *command)
        assert result.returncode == 2, result.stderr
        assert "it is inside the content folder" in result.stderr
    assert sorted(p.name for p in mini_copy.iterdir()) == ["mini.yaml", "records", "ui"]


def test_compile_into_a_place_that_cannot_be_written_is_a_clean_error():
    result = run_cli("--content", str(FIXTURES / "mini"), "compile", "--out", "/proc/x")
    assert result.returncode == 2, result.stderr
    assert "cannot write beside /proc/x" in result.stderr
    assert "Traceback" not in result.stderr


# --- failed, killed and concurrent builds ---------------------------------------------------


def test_a_failed_build_leaves_the_previous_output_byte_for_byte(previous, tmp_path):
    before = snapshot(previous)
    around = beside(previous)
    # bad content: exit 1 at the check
    bad = tmp_path / "bad"
    shutil.copytree(CONTENT, bad)
    shutil.copy(FIXTURES / "bad_input" / "cycle.yaml", bad / "cycle.yaml")
    result = tebiki("--content", str(bad), "build", "--out", str(previous), *QUICK)
    assert result.returncode == 1 and "cycle.yaml:" in result.stderr
    # content the check accepts but the site's pages cannot use (they show this tree):
    # the build fails in MkDocs, exit 3, one message and no traceback
    gone = tmp_path / "gone"
    shutil.copytree(CONTENT, gone)
    (gone / "living-abroad.yaml").unlink()  # no tree continues to it; pages show it
    result = tebiki("--content", str(gone), "build", "--out", str(previous), *QUICK)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "build failed" in result.stderr and "living-abroad" in result.stderr
    assert f"the previous {previous} was left as it was" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(previous) == before
    assert beside(previous) == around


def test_a_killed_build_leaves_the_previous_site_and_the_next_build_cleans_up(previous):
    before = snapshot(previous)
    build = start_build(CONTENT, previous)

    def staging_has_pages() -> bool:
        return any(p.is_dir() and any(p.rglob("*.html")) for p in previous.parent.iterdir()
                   if p != previous)

    wait_for(staging_has_pages)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert snapshot(previous) == before
    leftovers = beside(previous) - {previous.name}
    assert leftovers  # the killed build's staging folder (22 MB of a site)
    result = tebiki("--content", str(CONTENT), "build", "--out", str(previous), *QUICK)
    assert result.returncode == 0, result.stderr
    assert beside(previous) == {previous.name}
    assert (previous / "index.html").is_file()


def test_a_swap_stopped_between_two_renames_is_put_back(previous):
    """Where the atomic exchange is missing, the swap is two renames; a kill between
    them leaves no output, only the previous one under another name."""
    before = snapshot(previous)
    old = previous.with_name(f".{previous.name}.tebiki-old")
    previous.rename(old)
    staging = previous.with_name(f".{previous.name}.tebiki-staging-1-dead")
    shutil.copytree(old, staging)
    bad = previous.parent / "bad"
    shutil.copytree(FIXTURES / "mini", bad)
    shutil.copy(FIXTURES / "bad_input" / "cycle.yaml", bad / "cycle.yaml")
    result = tebiki("--content", str(bad), "build", "--out", str(previous), *QUICK)
    assert result.returncode == 1
    assert f"put back the previous {previous}" in result.stderr
    assert snapshot(previous) == before
    assert beside(previous) == {previous.name, "bad"}


def test_the_swap_is_one_atomic_exchange(tmp_path):
    from tebiki.site.output import exchange

    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "index.html").write_text("new")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("old")
    assert exchange(tmp_path / "new", tmp_path / "site")  # Linux, on ext4/tmpfs/btrfs/xfs
    assert (tmp_path / "site" / "index.html").read_text() == "new"
    assert (tmp_path / "new" / "index.html").read_text() == "old"


def test_two_builds_into_one_folder_one_is_refused(tmp_path):
    out = tmp_path / "site"
    first = start_build(CONTENT, out)
    wait_for(lambda: any(p.name.startswith(".site.tebiki-staging-") for p in tmp_path.iterdir()))
    second = tebiki("--content", str(CONTENT), "build", "--out", str(out), *QUICK)
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"another tebiki build is writing {out} right now" in second.stderr
    assert "Traceback" not in second.stderr
    _stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert beside(out) == {"site"}


# --- child processes ------------------------------------------------------------------------

PARENT = {
    "subprocess": """
import subprocess, sys, time
from tebiki.site.procs import child_options
child = subprocess.Popen(["sleep", "120"], **child_options())
print(child.pid, flush=True)
time.sleep(120)
""",
    "worker": """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from tebiki.site.procs import die_with_parent
pool = ProcessPoolExecutor(1, initializer=die_with_parent, initargs=(os.getpid(),))
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(120)
""",
}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie waits for a reaper, it runs no more


@pytest.mark.parametrize("kind", sorted(PARENT))
def test_children_die_with_a_killed_build(kind):
    """Pagefind, Node (through the runtime script) and the handbook's font workers are
    started like this: killed with the build, they do not run on."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT[kind]], stdout=subprocess.PIPE,
                              text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    wait_for(lambda: not _alive(child), timeout=5)
