from pathlib import Path

import pytest

from generator.build import read_corpus
from generator.model import Paper
from generator.themes import assign, explain, read_taxonomy
from generator.yamlfile import load_yaml

ROOT = Path(__file__).parent.parent


def paper(title, abstract="", id_="p"):
    return Paper(id=id_, key=title.lower(), title=title, abstract=abstract, sources=())


TAXONOMY_YAML = """\
threshold: 3
max_themes: 2
themes:
  - id: theory
    title: Theory
    description: Bounds.
    in_title: [generalization bound*]
    in_abstract: [PAC-Bayes, Rademacher, VC dimension]
  - id: rl
    title: Reinforcement learning
    description: Agents.
    anywhere: [reinforcement learning]
  - id: vision
    title: Vision
    description: Images.
    in_abstract: [image, images]
  - id: other
    title: Other
    description: The rest.
    catch_all: true
"""


@pytest.fixture
def taxonomy():
    tax, problems = read_taxonomy(load_yaml(TAXONOMY_YAML, "themes.yml"), "themes.yml")
    assert problems == []
    return tax


def test_title_phrase_alone_places_a_paper(taxonomy):
    (p,) = assign([paper("Generalization Bounds for Deep Nets")], taxonomy)
    assert p.themes == ("theory",) and p.primary_theme == "theory"


def test_abstract_phrases_add_up_to_the_threshold(taxonomy):
    two = paper("A Study", "We use PAC-Bayes and Rademacher complexity.")
    three = paper("A Study", "We use PAC-Bayes, Rademacher complexity and the VC dimension.")
    assert assign([two], taxonomy)[0].themes == ("other",)
    assert assign([three], taxonomy)[0].themes == ("theory",)


def test_best_score_is_primary_and_themes_are_capped(taxonomy):
    p = paper("Generalization bounds in reinforcement learning",
              "Reinforcement learning with PAC-Bayes, Rademacher and VC dimension arguments on images.")
    (placed,) = assign([p], taxonomy)
    assert placed.themes == ("theory", "rl")  # theory 3+3 beats rl 3; vision (1) is below threshold
    assert placed.primary_theme == "theory"


def test_phrases_match_whole_words_across_punctuation(taxonomy):
    assert assign([paper("Reinforcement-learning agents")], taxonomy)[0].themes == ("rl",)
    assert assign([paper("Unreinforcement learning")], taxonomy)[0].themes == ("other",)


def test_explain_names_the_rules(taxonomy):
    (p,) = assign([paper("Generalization Bounds in Reinforcement Learning", "Proofs.", "gb")], taxonomy)
    assert explain(p, taxonomy) == [
        "Generalization Bounds in Reinforcement Learning",
        "  id: gb",
        "  threshold: 3 points; at most 2 themes",
        "theory (primary): Theory - 3 points",
        "  title contains 'generalization bound*' (+3)",
        "rl: Reinforcement learning - 3 points",
        "  title contains 'reinforcement learning' (+3)",
    ]


def test_taxonomy_errors_name_their_lines():
    text = """\
themes:
  - id: Bad Id
    title: X
    description: Y
    in_title: [x]
  - id: ok
    title: OK
    description: fine
    in_title: [ok]
  - id: ok
    title: Again
    description: twice
    in_title: [again]
  - id: norules
    title: No rules
    description: none
overrides:
  some-paper: [missing-theme]
"""
    _, problems = read_taxonomy(load_yaml(text, "themes.yml"), "themes.yml")
    assert [str(p) for p in problems] == [
        "themes.yml:2: theme id 'Bad Id' must be lowercase words joined by hyphens",
        "themes.yml:10: theme id 'ok' is used twice",
        "themes.yml:14: theme 'norules' has no rules: give it in_title, in_abstract or anywhere "
        "phrases, or make it the catch-all",
        "themes.yml:1: exactly one theme must be the catch-all (catch_all: true)",
        "themes.yml:18: override for 'some-paper' names unknown theme 'missing-theme'; "
        "known themes: norules, ok, other",
    ]


def test_override_decides_and_explain_says_so():
    corpus = read_corpus(ROOT / "tests" / "fixtures" / "small")
    soups = next(p for p in corpus.papers if p.id == "sparse-model-soups")
    assert soups.themes == ("domain-shift",)
    lines = explain(soups, corpus.taxonomy)
    assert "  themes set by override at line 19 of themes.yml: domain-shift" in lines


def test_shipped_taxonomy_fits_the_corpus():
    corpus = read_corpus(ROOT / "tests" / "seed" / "content")
    themes = corpus.taxonomy.themes
    n = len(corpus.papers)
    assert 10 <= len(themes) <= 20
    assert sum(t.catch_all for t in themes) == 1
    catch_all = next(t.id for t in themes if t.catch_all)
    members = {t.id: sum(t.id in p.themes for p in corpus.papers) for t in themes}
    assert members[catch_all] <= 0.03 * n
    assert max(members.values()) <= 0.25 * n
    assert all(p.themes and p.primary_theme == p.themes[0] for p in corpus.papers)
    assert all(members[t.id] > 0 for t in themes)
    for theme in themes:
        assert len(theme.description) > 80, theme.id  # a paragraph, not a label
