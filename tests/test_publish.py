"""A build publishes only what passed and writes nowhere but its own folders."""
from __future__ import annotations

import os
import shutil
import signal
import stat
from pathlib import Path

import pytest
from runner import survey

from generator import cli, search_index, write

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small"


def project(folder: Path, content: Path = SMALL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "tests" / "seed" / "mkdocs.yml", folder)
    shutil.copytree(ROOT / "overrides", folder / "overrides")
    shutil.copytree(content, folder / "content")
    (folder / "generated").mkdir()
    return folder


def state(folder: Path) -> dict:
    """A folder's files with their content, modification times and modes."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns,
                                               p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path):
    root = project(tmp_path)
    run = survey("build", "--strict", cwd=root)
    assert run.returncode == 0, run.stderr
    return root


def assert_kept(root: Path, run, before: dict) -> None:
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1].endswith("site is left as it was")
    assert "Traceback" not in run.stderr
    assert state(root / "site") == before
    assert not list(root.glob(".site-*"))  # no staging folder left


def test_a_strict_build_with_a_content_problem_leaves_the_site_byte_identical(built):
    before = state(built / "site")
    with open(built / "content" / "listings" / "a.txt", "a") as listing:
        listing.write("\nExtra Paper\n\nIts abstract.\n\n  • 3 authors\n·\nFeb 31, 2024\n")
    run = survey("build", "--strict", cwd=built)
    assert run.stderr.splitlines() == [
        "content/listings/a.txt:21: date 'Feb 31, 2024' does not exist; the entry is kept "
        "without a date",
        "survey: the build failed (--strict: 1 problem in the content, above); "
        "site is left as it was"]
    assert run.stdout.endswith("1 problem (1 error); no site written\n")
    assert_kept(built, run, before)


def test_a_strict_build_with_a_configuration_warning_leaves_the_site(built):
    before = state(built / "site")
    with open(built / "mkdocs.yml", "a") as config:
        config.write("\nno_such_setting: 1\n")
    run = survey("build", "--strict", cwd=built)
    assert run.stderr.splitlines()[0] == (
        "mkdocs: warning: Config value 'no_such_setting': Unrecognised configuration name: "
        "no_such_setting")
    assert_kept(built, run, before)


def test_a_search_index_failure_fails_the_build_and_publishes_nothing(built, index_worker):
    before = state(built / "site")

    index_worker("""
        def no_space(*args, **kwargs):
            raise OSError(28, "No space left on device")

        search_index.search_bundle = no_space
    """)
    run = survey("build", cwd=built)  # not even strict: a site without search is broken
    assert "the search index could not be built: [Errno 28] No space left on device" in run.stderr
    assert_kept(built, run, before)


def test_an_interrupted_build_leaves_the_site(built, monkeypatch, index_worker):
    before = state(built / "site")

    made = []

    class Interrupted(search_index.Apart):
        """Ctrl-C while the build waits for its search index."""

        def _answer(self):
            made.append(self)
            raise KeyboardInterrupt

    index_worker("""
        import time

        def slow(*args, **kwargs):
            time.sleep(60)  # should the test fail
            return {}

        search_index.search_bundle = slow
    """)
    monkeypatch.setattr(search_index, "Apart", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        survey("build", cwd=built)
    assert state(built / "site") == before
    assert not list(built.glob(".site-*"))
    assert made and made[0].process.returncode == -signal.SIGKILL  # the index's process too


def test_folders_left_by_a_killed_build_are_removed_by_the_next(built):
    dead = 2 ** 22 + 12345  # above the kernel's largest process id: never running
    for name in (f".site-build-{dead}-abcd", f".site-old-{dead}-abcd"):
        (built / name / "site").mkdir(parents=True)
    (built / ".site-notes").mkdir()  # not a build's: kept
    assert survey("build", cwd=built).returncode == 0
    assert sorted(p.name for p in built.glob(".site*")) == [".site-notes"]


def test_site_files_are_readable_by_a_web_server(built):
    site = built / "site"
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    modes = {stat.S_IMODE(p.stat().st_mode) for p in site.rglob("*") if p.is_file()}
    assert modes == {0o644}
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_the_swap_makes_files_and_folders_readable_and_leaves_what_links_point_to(tmp_path):
    new, outside = tmp_path / ".site-new", tmp_path / "outside"
    (new / "papers" / "a").mkdir(parents=True)
    (new / "papers" / "a" / "index.html").write_text("a")
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    (new / "linked-folder").symlink_to(outside, target_is_directory=True)
    (new / "linked-file").symlink_to(outside / "secret.txt")
    for path, mode in ((new / "papers" / "a" / "index.html", 0o600), (new / "papers", 0o700),
                       (outside / "secret.txt", 0o600), (outside, 0o700)):
        path.chmod(mode)
    write.replace_folder(new, tmp_path / "site")
    site = tmp_path / "site"
    assert {str(p.relative_to(site)): stat.S_IMODE(p.lstat().st_mode)
            for p in [site, *site.rglob("*")] if not p.is_symlink()} == {
        ".": 0o755, "papers": 0o755, "papers/a": 0o755, "papers/a/index.html": 0o644}
    # A link's target, outside the site, keeps its mode.
    assert stat.S_IMODE(outside.stat().st_mode) == 0o700
    assert stat.S_IMODE((outside / "secret.txt").stat().st_mode) == 0o600


def test_a_symlinked_generated_folder_is_refused_and_its_target_untouched(tmp_path):
    root = project(tmp_path / "p")
    elsewhere = tmp_path / "precious"
    elsewhere.mkdir()
    (elsewhere / "thesis.tex").write_text("years of work")
    (root / "generated").rmdir()
    (root / "generated").symlink_to(elsewhere)
    run = survey("build", cwd=root)
    assert run.returncode == 1
    assert "generated is a symbolic link; the build writes only into a folder of its own" \
        in run.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["thesis.tex"]
    assert not (root / "site").exists()


@pytest.mark.parametrize("site_dir, reason", [
    (".", "it holds the project"),
    ("..", "it holds the project"),
    ("content", "it holds the content"),
    ("content/site", "it is inside the content"),
    ("generated", "it holds the generated pages"),
    ("mkdocs.yml", "it is a file, not a folder"),
])
def test_a_site_folder_that_holds_the_project_is_refused(tmp_path, site_dir, reason):
    root = project(tmp_path / "p")
    before = state(tmp_path)
    run = survey("build", "--site-dir", site_dir, cwd=root)
    assert run.returncode == 1
    assert run.stderr.startswith(f"survey: refusing to build into {site_dir}: {reason}")
    assert state(tmp_path) == before


def test_a_second_build_sharing_the_generated_folder_is_refused(tmp_path):
    root = project(tmp_path)
    with write.locked(root / "generated"):
        run = survey("build", cwd=root)
    assert run.returncode == 1
    assert "generated is in use by another build; wait for it to finish" in run.stderr
    assert not (root / "site").exists()


def test_sync_removes_only_what_it_wrote(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notes.md").write_text("the user's own")
    write.sync({"a.md": "one", "sub/b.md": "two"}, folder)
    report = write.sync({"a.md": "one"}, folder)
    assert report.removed == ["sub/b.md"] and report.unchanged == 1
    assert sorted(p.name for p in folder.iterdir()) == [".survey-manifest.json", "a.md", "notes.md"]


def test_names_holding_escape_sequences_print_escaped(tmp_path):
    root = project(tmp_path)
    (root / "content" / "listings" / "x\x1b]0;owned\x07.txt").write_text("A Title\n\nText.\n")
    run = survey("check", "--content", "content", cwd=root)
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert "x\\x1b]0;owned\\x07.txt" in run.stderr


def test_terminal_shows_control_characters_as_escapes():
    assert cli.terminal("a\x1b[2Jb\tc\nd\x9b") == "a\\x1b[2Jb\tc\nd\\x9b"


def test_the_site_swap_is_one_step_or_puts_the_old_site_back(tmp_path, monkeypatch):
    site, new = tmp_path / "site", tmp_path / ".site-new"
    for folder, text in ((site, "old"), (new, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text)
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)  # a system without it
    replace = os.replace

    def failing(src, dst):
        if Path(src) == new:
            raise OSError("disk full")
        replace(src, dst)

    monkeypatch.setattr(write.os, "replace", failing)
    with pytest.raises(OSError):
        write.replace_folder(new, site)
    assert (site / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-new", "site"]


def test_the_site_swap_leaves_only_the_new_site(tmp_path):
    site, new = tmp_path / "site", tmp_path / ".site-new"
    for folder, text in ((site, "old"), (new, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text)
    write.replace_folder(new, site)
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the old site is gone
