"""A build's generated files are written by a process of their own while
MkDocs builds the pages from memory; the site and the folder are the same as
when they were written first, and a failure to write them fails the build."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import get_files
from runner import survey
from test_publish import assert_kept, project, state

from generator import mkdocs_plugin, write

FILES = {
    "index.md": "# Home\n", "about.md": "a", "cite.bib": b"@misc{x}",
    "papers/b.md": "b", "papers/a.md": "a", "papers/index.md": "i",
    "cite/themes/t.bib": "t", "cite/x.bib": "x", "cite-more/y.md": "y",
    "data/papers.json": "{}",
}


def test_the_process_writes_what_sync_writes(tmp_path):
    (tmp_path / "b" / "gone.md").parent.mkdir(parents=True)
    write.sync({"gone.md": "old", "about.md": "a"}, tmp_path / "b")
    write.sync({"gone.md": "old", "about.md": "a"}, tmp_path / "a")
    expected = write.sync(FILES, tmp_path / "a")
    writing = write.WrittenApart(FILES, tmp_path / "b")
    assert writing.plan.report() == expected  # what the build's log says, before it is done
    assert writing.wait() == expected
    assert state(tmp_path / "b") == {
        path: (content, (tmp_path / "b" / path).stat().st_mtime_ns, mode)
        for path, (content, _, mode) in state(tmp_path / "a").items()}
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "b").rglob("*")} == {0o644, 0o755}


def test_a_file_the_process_cannot_write_is_an_error_naming_it(tmp_path):
    (tmp_path / "papers" / "a.md").mkdir(parents=True)  # in the way of a generated page
    writing = write.WrittenApart(FILES, tmp_path)
    with pytest.raises(OSError, match=r"^the generated pages could not be written: "
                                      r"/.*/papers/a.md: Is a directory$"):
        writing.wait()
    assert not (tmp_path / write.MANIFEST).exists()  # nothing recorded as written


def config(docs: Path) -> MkDocsConfig:
    cfg = MkDocsConfig()
    cfg.load_dict({"site_name": "s", "docs_dir": str(docs), "site_dir": str(docs.parent / "s")})
    assert cfg.validate() == ([], [])
    return cfg


def test_the_folder_is_listed_as_mkdocs_lists_it_once_written(tmp_path, caplog):
    docs = tmp_path / "docs"
    write.sync({"gone.md": "old", "papers/gone.md": "old", "papers/b.md": "old b"}, docs)
    (docs / "README.md").write_text("the maintainer's own, until an index.md is generated")
    (docs / "notes.md").write_text("the maintainer's own")
    cfg = config(docs)
    plan = write.Plan.of(FILES, docs)
    listed = mkdocs_plugin._listed_as_written(get_files(cfg), cfg, plan)
    assert [r.getMessage() for r in caplog.records] == [
        "Excluding 'README.md' from the site because it conflicts with 'index.md'."]
    caplog.clear()
    write.sync(FILES, docs)
    whole = get_files(cfg)
    assert [r.getMessage() for r in caplog.records] == [
        "Excluding 'README.md' from the site because it conflicts with 'index.md'."]
    assert [f.src_uri for f in listed] == [f.src_uri for f in whole]
    assert [(f.abs_src_path, f.dest_uri, f.inclusion) for f in listed] == [
        (f.abs_src_path, f.dest_uri, f.inclusion) for f in whole]


def test_a_build_whose_generated_files_cannot_be_written_fails_and_publishes_nothing(built):
    before = state(built / "site")
    page = next((built / "generated" / "papers").glob("*.md"))
    page.unlink()
    page.mkdir()  # in the way of the page
    run = survey("build", "--strict", cwd=built)
    assert f"the generated pages could not be written: {page}: Is a directory\n" in run.stderr
    assert_kept(built, run, before)
    page.rmdir()
    assert survey("build", "--strict", cwd=built).returncode == 0
    assert page.is_file()


@pytest.fixture
def built(tmp_path):
    root = project(tmp_path)
    run = survey("build", "--strict", cwd=root)
    assert run.returncode == 0, run.stderr
    return root


def test_a_page_no_longer_generated_is_not_built(built):
    listing = built / "content" / "listings" / "b.txt"
    listing.write_text(listing.read_text().replace("Sparse Model Soups\n", "Dense Model Soups\n"))
    old, new = "sparse-model-soups", "dense-model-soups"
    assert (built / "site" / "papers" / old / "index.html").is_file()
    assert survey("build", cwd=built).returncode == 0  # not strict: an override names it
    assert not (built / "generated" / "papers" / f"{old}.md").exists()
    assert not (built / "site" / "papers" / old).exists()
    assert (built / "site" / "papers" / new / "index.html").is_file()
    sitemap = (built / "site" / "sitemap.xml").read_text()
    assert f"/papers/{new}/" in sitemap and f"/papers/{old}/" not in sitemap


def test_the_build_reads_no_generated_file_from_disk(tmp_path, monkeypatch):
    """The same site when the files are written only once the pages are built."""
    first = project(tmp_path / "first")
    assert survey("build", "--strict", cwd=first).returncode == 0
    monkeypatch.setattr(write.WrittenApart, "start", lambda self: None)  # wait() writes them
    late = project(tmp_path / "late")
    assert survey("build", "--strict", cwd=late).returncode == 0
    assert contents(late / "site") == contents(first / "site")
    assert contents(late / "generated") == contents(first / "generated")


def contents(folder: Path) -> dict[str, bytes]:
    return {path: content for path, (content, _, _) in state(folder).items()
            if not path.startswith(".survey-lock")}
