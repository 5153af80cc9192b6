"""The same input gives the same site, whatever order the file system lists
files in; and a build that fails leaves the last good site as it was."""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from generator import cli, write
from generator.content import read_content
from generator.render import render
from generator.search_index import index_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "seed" / "content"
SMALL = Path(__file__).parent / "fixtures" / "small"
# The build's date, and nothing else, is in these.
DATED = {"sitemap.xml", "sitemap.xml.gz"}
# tmpfs lists a folder's files newest first; the other file systems here list
# them in an order of their own (ext4: by a hash of the name).
TMPFS = Path("/dev/shm")


def survey(*args, cwd):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def copy_tree(src: Path, dst: Path, reverse: bool = False) -> None:
    """Copy a folder, creating its files in name order or in reverse name order."""
    files = sorted((p for p in src.rglob("*") if p.is_file()), reverse=reverse)
    for path in files:
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def project(folder: Path, content: Path, reverse: bool = False) -> Path:
    shutil.copy(ROOT / "mkdocs.yml", folder)
    copy_tree(ROOT / "overrides", folder / "overrides", reverse)
    copy_tree(content, folder / "content", reverse)
    (folder / "generated").mkdir()
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(set(a) ^ set(b)) + sorted(k for k in set(a) & set(b)
                                            if a[k] != b[k] and Path(k).name not in DATED)


def test_reading_does_not_depend_on_the_order_files_are_listed_in(monkeypatch):
    listed = pathlib.Path.iterdir
    first = render(read_content(SEEDS))
    monkeypatch.setattr(pathlib.Path, "iterdir",
                        lambda self: iter(sorted(listed(self), reverse=True)))
    again = render(read_content(SEEDS))
    assert list(again) == list(first)
    assert [k for k in first if first[k] != again[k]] == []


@pytest.fixture
def other_file_system(tmp_path):
    """A folder on a file system that lists files in another order, if there is one."""
    if TMPFS.is_dir() and os.access(TMPFS, os.W_OK):
        with tempfile.TemporaryDirectory(dir=TMPFS) as folder:
            yield Path(folder)
    else:
        yield tmp_path


def test_building_twice_gives_the_same_site(built_site, other_file_system):
    # built_site (conftest) is one build of the seed corpus; this is another,
    # somewhere else, with every file created in the opposite order.
    root = project(other_file_system, SEEDS, reverse=True)
    run = survey("build", "--strict", cwd=root)
    assert run.returncode == 0, run.stderr
    first, second = snapshot(built_site["site"]), snapshot(root / "site")
    assert differences(first, second) == []
    assert len(first) > 400 and DATED <= set(first)
    assert snapshot(built_site["docs"]) == snapshot(root / "generated")


def test_search_index_is_the_same_wherever_it_is_made(built_site, other_file_system):
    # Pagefind's own command line numbers pages in the order the file system
    # lists them; the index is made from the corpus's records, in its order.
    corpus = read_content(SEEDS)
    indexes = []
    for name in ("one", "two"):
        assert index_corpus(corpus, other_file_system / name) == 414
        indexes.append(snapshot(other_file_system / name / "pagefind"))
    assert differences(*indexes) == []
    assert indexes[0] == {k[len("pagefind/"):]: v for k, v in snapshot(built_site["site"]).items()
                          if k.startswith("pagefind/")}


# -- a failed build leaves the last good site -------------------------------------------------

@pytest.fixture
def small_site(tmp_path):
    root = project(tmp_path, SMALL)
    run = survey("build", "--strict", cwd=root)
    assert run.returncode == 0, run.stderr
    return root


def state(folder: Path) -> dict:
    """A folder's files with their content and modification times."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_failed_and_kept(root: Path, run, before: dict) -> None:
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1] == "survey: the site build failed; site is left as it was"
    assert "Traceback" not in run.stderr
    assert run.stdout.endswith("; no site written\n")
    assert state(root / "site") == before
    assert sorted(p.name for p in root.iterdir()) == [
        "content", "generated", "mkdocs.yml", "overrides", "site"]  # no staging folder left


def test_a_strict_build_that_fails_leaves_the_last_site(small_site):
    before = state(small_site / "site")
    with open(small_site / "mkdocs.yml", "a") as config:  # a warning: fatal under --strict
        config.write("\nno_such_setting: 1\n")
    run = survey("build", "--strict", cwd=small_site)
    # MkDocs says why it stopped: its warnings are shown, its chatter is not.
    assert run.stderr.splitlines() == [
        "WARNING -  Config value 'no_such_setting': Unrecognised configuration name: "
        "no_such_setting", "survey: the site build failed; site is left as it was"]
    assert "Aborted with 1 configuration warnings in 'strict' mode!" in run.stdout
    assert_failed_and_kept(small_site, run, before)


def test_a_build_that_fails_without_strict_leaves_the_last_site(small_site):
    before = state(small_site / "site")
    config = small_site / "mkdocs.yml"
    config.write_text(config.read_text().replace("name: material", "name: no-such-theme"))
    run = survey("build", cwd=small_site)
    assert "Unrecognised theme name: 'no-such-theme'" in run.stderr
    assert_failed_and_kept(small_site, run, before)


def test_an_interrupted_build_leaves_the_last_site(small_site, monkeypatch):
    before = state(small_site / "site")
    monkeypatch.chdir(small_site)

    def interrupted(command, **kwargs):
        staging = Path(command[command.index("--site-dir") + 1])
        staging.mkdir(parents=True, exist_ok=True)  # as MkDocs makes its site folder
        (staging / "index.html").write_text("half a site")
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.subprocess, "run", interrupted)
    args = argparse.Namespace(content="content", site_dir="site", config="mkdocs.yml", strict=True)
    with pytest.raises(KeyboardInterrupt):
        cli.build_site(args)
    assert state(small_site / "site") == before
    assert not list(small_site.glob(".site-*"))


def test_replacing_the_site_puts_the_old_one_back_if_the_new_one_cannot_go_in(tmp_path,
                                                                             monkeypatch):
    site, new = tmp_path / "site", tmp_path / ".site-new"
    site.mkdir()
    (site / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    (tmp_path / "site.old").mkdir()  # the user's own folder: not touched
    replace = os.replace

    def failing(src, dst):
        if Path(src) == new:
            raise OSError("disk full")
        replace(src, dst)

    monkeypatch.setattr(write.os, "replace", failing)
    with pytest.raises(OSError):
        write.replace_folder(new, site)
    assert (site / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-new", "site", "site.old"]
