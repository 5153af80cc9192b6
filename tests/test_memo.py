"""A preview keeps placements and related papers between rebuilds (build.Memo):
after any edit, what it builds is what a fresh build makes of the same content."""
import shutil
from pathlib import Path

import pytest

from generator import render
from generator.build import Memo, generate, read_corpus

SMALL = Path(__file__).parent / "fixtures" / "small"


def themes_of(corpus) -> dict[str, tuple[str, ...]]:
    return {p.id: p.themes for p in corpus.papers}


def test_placements_kept_by_a_preview_follow_every_edit(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    memo = Memo()
    before = themes_of(read_corpus(content, memo=memo))
    assert before["a-survey-of-protein-folding"] == ("other",) and memo.placed
    # A listing's abstract now speaks of domain generalization.
    listing = content / "listings" / "b.txt"
    listing.write_text(listing.read_text().replace(
        "We review protein structure prediction.",
        "We review domain generalization for protein structure prediction."))
    edited = themes_of(read_corpus(content, memo=memo))
    assert edited["a-survey-of-protein-folding"] == ("domain-shift",)
    assert edited == themes_of(read_corpus(content))
    # The rules change: grokking no longer counts in titles.
    rules = content / "themes.yml"
    rules.write_text(rules.read_text().replace("in_title: [grokking, memoriz*]",
                                               "in_title: [memoriz*]"))
    changed = themes_of(read_corpus(content, memo=memo))
    assert changed != edited and changed == themes_of(read_corpus(content))


def test_related_papers_kept_by_a_preview_follow_every_edit(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    memo = Memo()
    docs, fresh = tmp_path / "docs", tmp_path / "fresh"
    generate(content, docs, memo=memo)
    listing = content / "listings" / "b.txt"
    listing.write_text(listing.read_text().replace(
        "We review protein structure prediction.",
        "We review grokking after overfitting in protein structure prediction."))
    generate(content, docs, memo=memo)
    generate(content, fresh)
    page = "papers/a-survey-of-protein-folding.md"
    assert (docs / page).read_text() == (fresh / page).read_text()
    assert (docs / "data" / "papers.json").read_text() == (fresh / "data" / "papers.json").read_text()


SEED = Path(__file__).parent / "seed" / "content"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _cross_list(content: Path) -> None:
    """A paper listed once elsewhere is copied into listing 001: the page of
    the listing it was in now says "also in", though nothing in it changed."""
    listing = content / "listings" / "001_013222afc1971526.txt"
    paper = next(p for p in read_corpus(content).papers
                 if p.listing_files == ("004_7ba648cf8c4f5973.txt",))
    with listing.open("a", encoding="utf-8") as out:
        out.write(f"\n{paper.title}\n\n{paper.abstract}\n")


EDITS = [  # one edit of each kind a curator makes while previewing
    ("summaries/grokking-generalization-beyond-overfitting-on-small-algorithmic-datasets.md",
     "\n---\n", "\n---\nA sentence added in the preview.\n"),
    # The paper has code now; as the only change on a theme page beyond its counts.
    ("summaries/general-purpose-in-context-learning-by-meta-learning-transformers.md",
     "\n---\n", "\ncode: https://github.com/example/gpicl\n---\n"),
    ("listings.yml", 'title: "Generalization across models, tasks and domains',
     'title: "Generalization across all models, tasks and domains'),
    ("listings.yml", "year: 2025", "year: 2024"),
    _cross_list,
    ("themes.yml", "title: Theory of generalization", "title: Theories of generalization"),
    # A concept's phrases change, and nothing else: placements are made anew.
    ("themes.yml", "title: [memoriz*, hyperfitting]", "title: [memoriz*, hyperfitting, generaliz*]"),
    ("metadata.yml", 'venue: "ICLR 2024"', 'venue: "ICLR 2024 (oral)"'),
    # A paper leaves two themes' lists and joins a third: its neighbours' pages change.
    ("reviewed.yml", "themes: [domain-generalization, language-speech]",
     "themes: [generalization-theory]"),
]


# Themes of several pages too: an edit changes one page's papers and every page's counts.
@pytest.mark.parametrize("page_size", [render.THEME_PAGE_SIZE, 8])
def test_a_preview_after_each_kind_of_edit_writes_what_a_fresh_build_writes(
        tmp_path, monkeypatch, page_size):
    monkeypatch.setattr(render, "THEME_PAGE_SIZE", page_size)
    content = tmp_path / "content"
    shutil.copytree(SEED, content)
    memo, docs = Memo(), tmp_path / "docs"
    generate(content, docs, memo=memo, site_url="https://example.org/s/")
    for n, edit in enumerate(EDITS):
        if callable(edit):
            edit(content)
        else:
            _replace(content / edit[0], edit[1], edit[2])
        written = generate(content, docs, memo=memo, site_url="https://example.org/s/").sync
        fresh = tmp_path / f"fresh-{n}"
        generate(content, fresh, site_url="https://example.org/s/")
        assert written is not None and written.written, edit  # the edit changed pages
        assert _files(docs) == _files(fresh), edit


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def test_a_preview_forgets_the_pages_of_papers_no_longer_listed(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    memo = Memo()
    generate(content, tmp_path / "docs", memo=memo)
    assert "papers/a-survey-of-protein-folding.md" in memo.pages
    _replace(content / "listings" / "b.txt",
             "A Survey of Protein Folding\nWe review protein structure prediction.\n", "")
    generate(content, tmp_path / "docs", memo=memo)
    assert "papers/a-survey-of-protein-folding.md" not in memo.pages and memo.pages


def test_a_theme_renamed_remakes_only_the_pieces_that_show_its_name(tmp_path, monkeypatch):
    # Every theme page names every theme ("Other themes"), so all are made
    # anew; but of their papers' items only those saying "Also in" the
    # renamed theme are, and no feed entry, BibTeX entry or papers.json record.
    content = tmp_path / "content"
    shutil.copytree(SEED, content)
    memo, docs = Memo(), tmp_path / "docs"
    generate(content, docs, memo=memo, site_url="https://example.org/s/")
    made: list[tuple] = []
    get = render.KeptParts.get
    monkeypatch.setattr(render.KeptParts, "get", lambda self, key, make: get(
        self, key, lambda: made.append(key) or make()))
    _replace(content / "themes.yml", "title: Theory of generalization",
             "title: Theories of generalization")
    corpus = generate(content, docs, memo=memo, site_url="https://example.org/s/").corpus
    renamed = "generalization-theory"
    expected = sorted((theme, paper.id) for paper in corpus.papers if renamed in paper.themes
                      for theme in paper.themes if theme != renamed)
    assert expected  # papers of the theory theme in other themes too
    assert sorted((key[0], key[2], key[3].id) for key in made) == [
        ("theme item", theme, paper) for theme, paper in expected]
