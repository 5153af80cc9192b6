"""A preview keeps placements and related papers between rebuilds (build.Memo):
after any edit, what it builds is what a fresh build makes of the same content."""
import shutil
from pathlib import Path

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
