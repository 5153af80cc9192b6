"""The same input gives the same site, whatever order the file system lists
files in; and a build that fails leaves the last good site as it was."""
import os
import pathlib
import shutil
import tempfile
from pathlib import Path

import pytest
from runner import survey

from generator.build import read_corpus
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


def copy_tree(src: Path, dst: Path, reverse: bool = False) -> None:
    """Copy a folder, creating its files in name order or in reverse name order."""
    files = sorted((p for p in src.rglob("*") if p.is_file()), reverse=reverse)
    for path in files:
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def project(folder: Path, content: Path, reverse: bool = False) -> Path:
    shutil.copy(ROOT / "tests" / "seed" / "mkdocs.yml", folder)
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
    first = render(read_corpus(SEEDS))
    monkeypatch.setattr(pathlib.Path, "iterdir",
                        lambda self: iter(sorted(listed(self), reverse=True)))
    again = render(read_corpus(SEEDS))
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
    assert len(first) > 400 and set(first) >= DATED
    assert survey("generate", cwd=root).returncode == 0  # the pages the build took from memory
    assert snapshot(built_site["docs"]) == snapshot(root / "generated")


def test_search_index_is_the_same_wherever_it_is_made(built_site, other_file_system):
    # Pagefind's own command line numbers pages in the order the file system
    # lists them; the index is made from the corpus's records, in its order.
    corpus = read_corpus(SEEDS)
    indexes = []
    for name in ("one", "two"):
        assert index_corpus(corpus, other_file_system / name) == 414
        indexes.append(snapshot(other_file_system / name / "pagefind"))
    assert differences(*indexes) == []
    assert indexes[0] == {k[len("pagefind/"):]: v for k, v in snapshot(built_site["site"]).items()
                          if k.startswith("pagefind/")}
