"""Curating themes: reviewed decisions win over rules, the review queue, rule hygiene."""
import shutil
from pathlib import Path

from runner import survey

from generator.build import read_corpus
from generator.model import Paper
from generator.review import hygiene, read_reviewed, review_queue
from generator.themes import assign, explain, read_taxonomy
from generator.yamlfile import load_yaml

SMALL = Path(__file__).parent / "fixtures" / "small"

TAXONOMY = """\
themes:
  - id: grokking
    title: Grokking
    description: Late generalization.
    concepts:
      - {name: grokking, anywhere: [grokking]}
      - {name: delay, abstract: [long after]}
  - id: shift
    title: Shift
    description: Domains.
    concepts:
      - {name: domain generalization, anywhere: [domain generalization]}
      - {name: style, title: [style mixing]}
  - id: other
    title: Other
    description: The rest.
    catch_all: true
"""


def paper(id_, title, abstract=""):
    return Paper(id=id_, key=title.casefold(), title=title, abstract=abstract, sources=())


PAPERS = [
    paper("grokking-beyond-overfitting", "Grokking Beyond Overfitting",
          "Grokking: generalization long after the training loss converges."),
    paper("grokking-in-the-wild", "Grokking in the Wild", "Grokking on real data, long after."),
    paper("grokking-and-style", "Grokking and Style Mixing",
          "Style mixing makes grokking come sooner."),
    paper("style-mixing", "Domain Generalization with Style Mixing",
          "Domain generalization by style."),
    paper("protein-folding", "A Survey of Protein Folding",
          "We review protein structure prediction."),
]


def taxonomy(text: str = TAXONOMY):
    tax, problems = read_taxonomy(load_yaml(text, "themes.yml"), "themes.yml")
    assert problems == []
    return tax


def taxonomy_with(decisions: str):
    tax = taxonomy()
    found, problems = read_reviewed(load_yaml(decisions, "reviewed.yml"), "reviewed.yml",
                                    PAPERS, tax)
    return tax.__class__(**{**tax.__dict__, "reviewed": found}), problems


def test_a_reviewed_decision_wins_over_the_rules_and_explain_shows_it():
    decision = ("reviewed:\n  - paper: grokking-and-style\n    themes: [shift, grokking]\n"
                "    note: The style mixing is the method; grokking is what it changes.\n")
    tax, problems = taxonomy_with(decision)
    assert problems == []
    by_rules = {p.id: p.themes for p in assign(PAPERS, taxonomy_with("reviewed: []")[0])}
    placed = {p.id: p for p in assign(PAPERS, tax)}
    assert by_rules["grokking-and-style"][0] == "grokking"  # what the rules say...
    assert placed["grokking-and-style"].themes == ("shift", "grokking")  # ...the decision wins
    lines = explain(placed["grokking-and-style"], tax)
    assert lines[3:5] == [
        "  themes set by reviewed decision at line 2 of reviewed.yml: shift, grokking",
        "  note: The style mixing is the method; grokking is what it changes.",
    ]


def test_a_decision_for_an_unknown_paper_is_an_error_with_did_you_mean():
    _, problems = taxonomy_with(
        "reviewed:\n  - paper: grokking-beyond-overfit\n    themes: [grokking]\n    note: x\n")
    assert [str(p) for p in problems] == [
        "reviewed.yml:2: no paper with the id or title 'grokking-beyond-overfit' (removed from "
        "the listings, or renamed?); did you mean: 'Grokking Beyond Overfitting'; "
        "'Grokking and Style Mixing'; 'Grokking in the Wild'"]


def test_bad_decisions_name_their_lines():
    text = """\
reviewed:
  - paper: style-mixing
    themes: [shfit]
    note: typo in the theme
  - paper: protein-folding
    themes: [other]
  - paper: grokking-in-the-wild
    themes: [grokking]
    note: first
    color: red
  - paper: Grokking in the Wild
    themes: [grokking]
    note: the same paper by its title
"""
    tax, problems = taxonomy_with(text)
    assert [str(p) for p in problems] == [
        "reviewed.yml:5: decision 'protein-folding': missing 'note' (why, in a sentence)",
        "reviewed.yml:10: decision 'grokking-in-the-wild': unknown key 'color' (the keys are: "
        "paper, themes, note)",
        "reviewed.yml:3: decision 'style-mixing': 'themes' names unknown theme 'shfit'; known "
        "themes: grokking, other, shift",
        # the same paper again, by its title: the second decision is kept out
        "reviewed.yml:11: paper 'grokking-in-the-wild' is decided twice (also at line 7); "
        "keep one",
    ]
    assert [d.paper for d in tax.reviewed] == ["grokking-in-the-wild"]
    _, twice = taxonomy_with(text.replace("    color: red\n", ""))
    assert str(twice[-1]) == ("reviewed.yml:10: paper 'grokking-in-the-wild' is decided twice "
                              "(also at line 7); keep one")


def test_the_review_queue_puts_likely_misfiled_papers_first_and_leaves_decided_ones_out():
    tax, _ = taxonomy_with("reviewed: []")
    queue = review_queue(assign(PAPERS, tax), tax)
    reasons = {f.paper.id: f.reasons for f in queue}
    assert reasons["protein-folding"][0] == "no theme claims it (catch-all)"
    # Two themes named in the title at 3 points each: a near-tie the file order settled.
    assert "primary won by 1 point(s) or less" in reasons["grokking-and-style"]
    assert "grokking-in-the-wild" not in reasons  # placed by the title, no rival
    assert [f.weight for f in queue] == sorted((f.weight for f in queue), reverse=True)
    decided, _ = taxonomy_with("reviewed:\n  - paper: protein-folding\n    themes: [other]\n"
                               "    note: Outside the survey.\n")
    queue = review_queue(assign(PAPERS, decided), decided)
    assert "protein-folding" not in {f.paper.id for f in queue}


def test_the_queue_flags_a_primary_its_neighbours_disagree_with():
    tax, _ = taxonomy_with("reviewed: []")
    similar = [paper(f"g{i}", f"Grokking study {i}", "Grokking of modular arithmetic, long after "
                     "training, in small transformers.") for i in range(5)]
    odd = paper("odd", "Domain generalization with style mixing",
                "Grokking of modular arithmetic, long after training, in small transformers.")
    placed = assign(similar + [odd], tax)
    assert placed[-1].primary_theme == "shift"
    reasons = {f.paper.id: f.reasons for f in review_queue(placed, tax)}
    assert reasons["odd"] == ("its 5 nearest neighbours are mostly in grokking",)
    assert review_queue(placed[1:], tax) == []  # four neighbours are too few to vote


FACETED = """\
facets: [kind, method]
themes:
  - id: shift
    title: Distribution shift
    facet: kind
    description: Domains.
    concepts:
      - {name: domain generalization, anywhere: [domain generalization]}
  - id: optimization
    title: Optimization
    facet: method
    description: Training.
    concepts:
      - {name: sharpness, anywhere: [sharpness-aware]}
      - {name: flatness, abstract: [flat minima]}
      - {name: landscape, abstract: [loss landscape]}
  - {id: other, title: Other, description: The rest., catch_all: true}
"""


def test_the_queue_flags_a_primary_that_won_on_order_against_a_rival_with_more_points():
    tax = taxonomy(FACETED)
    sam = paper("sam-for-dg", "Sharpness-Aware Minimization for Domain Generalization",
                "Flat minima of the loss landscape transfer across domains.")
    plain = paper("plain-dg", "Domain Generalization by Sharpness-Aware Minimization",
                  "We study sharpness-aware minimization.")
    placed = assign([sam, plain], tax)
    # Both titles name both themes (3 points each there); the kind of generalization
    # ranks first, though the first paper's abstract gives optimization 2 points more.
    assert [p.themes for p in placed] == [("shift", "optimization")] * 2
    reasons = {f.paper.id: f.reasons for f in review_queue(placed, tax)}
    assert reasons["sam-for-dg"] == (
        "optimization is named in the title too and scores more (5 points against 3)",)
    assert "plain-dg" not in reasons  # the rival is named in the title, but scores the same


def test_hygiene_finds_concepts_that_match_no_paper_or_one():
    tax, _ = taxonomy_with("reviewed: []")
    found = hygiene(PAPERS, tax)
    assert [(u.theme.id, u.name, u.line) for u in found.dead] == []
    assert [(u.theme.id, u.name, u.papers) for u in found.single] == [
        ("shift", "domain generalization", ("style-mixing",))]
    assert [(u.name, u.line) for u in found.dead_phrases] == []
    dead = TAXONOMY.replace("[long after]", "[long after, much later]")
    dead_tax, _ = read_taxonomy(load_yaml(dead, "themes.yml"), "themes.yml")
    assert [(u.name, u.line) for u in hygiene(PAPERS, dead_tax).dead_phrases] == [("much later", 7)]


def test_survey_review_lists_the_queue_and_a_decision_empties_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    before = survey("review", "--content", "content", cwd=tmp_path)
    assert before.returncode == 0, before.stderr
    assert before.stdout.splitlines()[:4] == [
        "1 paper to review, likeliest misfiled first; record a decision (paper, themes, note) "
        "in reviewed.yml to settle one",
        "1. A Survey of Protein Folding",
        "   id: a-survey-of-protein-folding; themes: other",
        "   - no theme claims it (catch-all)",
    ]
    (content / "reviewed.yml").write_text(
        "reviewed:\n  - paper: a-survey-of-protein-folding\n    themes: [other]\n"
        "    note: Outside the survey's topic.\n")
    after = survey("review", "--content", "content", cwd=tmp_path)
    assert after.stdout.startswith("0 papers to review")
    check = survey("check", "--content", "content", cwd=tmp_path)
    assert "review queue: 0 papers (`survey review` lists them)" in check.stdout
    explained = survey("explain", "a-survey-of-protein-folding", "--content", "content",
                       cwd=tmp_path)
    assert ("  themes set by reviewed decision at line 2 of content/reviewed.yml: other"
            in explained.stdout.splitlines())


def test_a_stale_decision_fails_survey_check_with_a_suggestion(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / "reviewed.yml").write_text(
        "reviewed:\n  - paper: grokking beyond overfit\n    themes: [memorization]\n"
        "    note: x\n")
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr == ("content/reviewed.yml:2: no paper with the id or title 'grokking beyond "
                          "overfit' (removed from the listings, or renamed?); did you mean: "
                          "'Grokking Beyond Overfitting'\n")


def test_the_seed_decisions_are_read_without_problems():
    corpus = read_corpus(Path(__file__).parent / "seed" / "content")
    assert not [p for p in corpus.problems if "reviewed.yml" in p.path]
    assert corpus.taxonomy.reviewed  # the seed carries curators' decisions
    by_id = {p.id: p for p in corpus.papers}
    for decision in corpus.taxonomy.reviewed:
        assert by_id[decision.paper].themes[: len(decision.themes)] == decision.themes


def test_old_theme_addresses_keep_working_in_the_built_site(tmp_path, built_site):
    # The seed split four themes: their old pages list where the papers went.
    split = (built_site["site"] / "themes" / "distribution-shift" / "index.html").read_text()
    for target in ("domain-generalization", "domain-adaptation", "uncertainty-ood-detection"):
        assert f'href="../{target}/"' in split
    assert 'http-equiv="refresh"' not in split
    # A renamed theme's old page sends the browser on.
    root = Path(__file__).parent.parent
    shutil.copy(root / "mkdocs.yml", tmp_path)
    shutil.copytree(root / "overrides", tmp_path / "overrides")
    shutil.copytree(SMALL, tmp_path / "content")
    with open(tmp_path / "content" / "themes.yml", "a") as themes:
        themes.write("moved:\n  grokking: [memorization]\n")
    (tmp_path / "generated").mkdir()
    run = survey("build", "--strict", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    renamed = (tmp_path / "site" / "themes" / "grokking" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../memorization/">' in renamed
    assert 'href="../memorization/"' in renamed
