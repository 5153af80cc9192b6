"""A build takes the generated files from memory and writes none of them:
MkDocs is given the docs folder as it would list it had they been written
(tests/test_shared_fragments.py checks that the site is then the same, byte
for byte), the files an earlier `survey generate` or preview wrote there are
not built unless generated again, and the maintainer's own files stay."""
from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import get_files
from runner import survey
from test_publish import project

from generator import mkdocs_plugin, write

FILES = {
    "index.md": "# Home\n", "about.md": "a", "cite.bib": b"@misc{x}",
    "papers/b.md": "b", "papers/a.md": "a", "papers/index.md": "i",
    "cite/themes/t.bib": "t", "cite/x.bib": "x", "cite-more/y.md": "y",
    "data/papers.json": "{}",
}


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
    statics = {path: data for path, data in FILES.items() if not path.endswith(".md")}
    listed = mkdocs_plugin._listed_as_generated(
        get_files(cfg), cfg, write.untouched(FILES, docs), statics)
    assert [r.getMessage() for r in caplog.records] == [
        "Excluding 'README.md' from the site because it conflicts with 'index.md'."]
    assert statics == {}  # each handed to its file
    caplog.clear()
    write.sync(FILES, docs)
    whole = get_files(cfg)
    assert [r.getMessage() for r in caplog.records] == [
        "Excluding 'README.md' from the site because it conflicts with 'index.md'."]
    assert [f.src_uri for f in listed] == [f.src_uri for f in whole]
    assert [(f.dest_uri, f.url, f.inclusion) for f in listed] == [
        (f.dest_uri, f.url, f.inclusion) for f in whole]
    assert {f.src_uri: f.content_bytes for f in listed if not f.is_documentation_page()} == {
        f.src_uri: f.content_bytes for f in whole if not f.is_documentation_page()}


def test_a_file_not_a_page_is_let_go_once_copied_into_the_site(tmp_path):
    (tmp_path / "docs").mkdir()
    cfg = config(tmp_path / "docs")
    [file] = [f for f in mkdocs_plugin._listed_as_generated(
        [], cfg, write.untouched({"data/papers.json": "{}"}, tmp_path / "docs"),
        {"data/papers.json": "{}"})]
    file.copy_file()
    assert (tmp_path / "s" / "data" / "papers.json").read_bytes() == b"{}"
    assert file.content_bytes == b""  # not held to the build's end


def test_a_build_writes_no_generated_file_and_builds_none_left_from_before(tmp_path):
    root = project(tmp_path)
    assert survey("generate", cwd=root).returncode == 0  # as a preview or Zensical leaves it
    (root / "generated" / "notes.txt").write_text("the maintainer's own")
    listing = root / "content" / "listings" / "b.txt"
    listing.write_text(listing.read_text().replace("Sparse Model Soups\n", "Dense Model Soups\n"))
    before = {p: p.read_bytes() for p in (root / "generated").rglob("*") if p.is_file()}
    run = survey("build", cwd=root)  # not strict: an override names the old paper
    assert run.returncode == 0, run.stderr
    after = {p: p.read_bytes() for p in (root / "generated").rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing removed
    old, new = "sparse-model-soups", "dense-model-soups"
    assert (root / "generated" / "papers" / f"{old}.md").is_file()
    assert not (root / "site" / "papers" / old).exists()
    assert (root / "site" / "papers" / new / "index.html").is_file()
    assert (root / "site" / "notes.txt").read_text() == "the maintainer's own"
    sitemap = (root / "site" / "sitemap.xml").read_text()
    assert f"/papers/{new}/" in sitemap and f"/papers/{old}/" not in sitemap
