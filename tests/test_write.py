import os

from generator.write import replace_folder, sync


def test_sync_rewrites_only_what_changed_and_removes_stale_files(tmp_path):
    out = tmp_path / "docs"
    first = sync({"a.md": "one", "sub/b.md": "two", "old.md": "gone soon"}, out)
    assert sorted(first.written) == ["a.md", "old.md", "sub/b.md"]
    (out / ".gitignore").write_text("*\n")
    os.utime(out / "a.md", (1, 1))
    second = sync({"a.md": "one", "sub/b.md": "changed"}, out)
    assert second.written == ["sub/b.md"]
    assert second.removed == ["old.md"]
    assert second.unchanged == 1
    assert (out / "a.md").stat().st_mtime == 1  # untouched, so a live preview rebuilds nothing for it
    assert (out / "sub" / "b.md").read_text() == "changed"
    assert (out / ".gitignore").read_text() == "*\n"  # not the generator's to remove
    third = sync({}, out)
    assert sorted(third.removed) == ["a.md", "sub/b.md"]
    assert not (out / "sub").exists()


def test_replace_folder_swaps_in_the_new_site(tmp_path):
    site, new = tmp_path / "site", tmp_path / "new"
    site.mkdir(); (site / "old.html").write_text("old")
    new.mkdir(); (new / "index.html").write_text("new")
    replace_folder(new, site)
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert not new.exists() and not (tmp_path / "site.old").exists()
