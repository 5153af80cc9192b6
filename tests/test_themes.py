from pathlib import Path

import pytest

from generator import cores, themes
from generator.build import read_corpus
from generator.model import Corpus, Paper
from generator.render import render
from generator.review import hygiene
from generator.themes import assign, explain, read_taxonomy, scores, still_placed
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
              "Reinforcement learning with PAC-Bayes, Rademacher and VC dimension arguments "
              "on images.")
    (placed,) = assign([p], taxonomy)
    assert placed.themes == ("theory", "rl")  # theory 3+3 beats rl 3; vision (1) is below threshold
    assert placed.primary_theme == "theory"


def test_phrases_match_whole_words_across_punctuation(taxonomy):
    assert assign([paper("Reinforcement-learning agents")], taxonomy)[0].themes == ("rl",)
    assert assign([paper("Unreinforcement learning")], taxonomy)[0].themes == ("other",)


def test_explain_names_the_rules(taxonomy):
    (p,) = assign([paper("Generalization Bounds in Reinforcement Learning", "Proofs.", "gb")],
                  taxonomy)
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
        "themes.yml:14: theme 'norules' has no rules: give it concepts, in_title, in_abstract or "
        "anywhere phrases, or make it the catch-all",
        "themes.yml:1: exactly one theme must be the catch-all (catch_all: true)",
        "themes.yml:18: override for 'some-paper' names unknown theme 'missing-theme'; "
        "known themes: norules, ok, other",
    ]


def test_override_decides_and_explain_says_so():
    corpus = read_corpus(ROOT / "tests" / "fixtures" / "small")
    soups = next(p for p in corpus.papers if p.id == "sparse-model-soups")
    assert soups.themes == ("domain-shift",)
    lines = explain(soups, corpus.taxonomy)
    assert any(line.startswith("  themes set by override at line 19 of ")
               and line.endswith("themes.yml: domain-shift") for line in lines)


def test_shipped_taxonomy_fits_the_corpus():
    corpus = read_corpus(ROOT / "tests" / "seed" / "content")
    themes = corpus.taxonomy.themes
    n = len(corpus.papers)
    assert 10 <= len(themes) <= 30
    assert sum(t.catch_all for t in themes) == 1
    catch_all = next(t.id for t in themes if t.catch_all)
    members = {t.id: sum(t.id in p.themes for p in corpus.papers) for t in themes}
    assert members[catch_all] <= 0.03 * n
    assert max(members.values()) <= 0.20 * n
    assert all(p.themes and p.primary_theme == p.themes[0] for p in corpus.papers)
    assert all(members[t.id] > 0 for t in themes)
    for theme in themes:
        assert len(theme.description) > 80, theme.id  # a paragraph, not a label


# -- the scoring: concepts, title evidence, negative context, the stated tie rule ----------

CONCEPTS_YAML = """\
threshold: 3
max_themes: 3
facets: [kind, [method, application]]
themes:
  - id: shift
    title: Distribution shift
    description: Shift.
    facet: kind
    concepts:
      - {name: domain generalization, anywhere: [domain generalization]}
      - {name: shift, title: [distribution shift], abstract: [distribution shift, unseen domains]}
  - id: optim
    title: Optimization
    description: Optimizers.
    facet: method
    not: [finite scalar quantization]
    concepts:
      - name: flatness
        anywhere: [sharpness, flat minima, flatter minima, loss landscape]
      - {name: optimizers, title: [optimizer*], abstract: [optimizer*, Adam]}
      - {name: quantization, title: [quantization]}
  - id: compress
    title: Compression
    description: Smaller models.
    facet: method
    concepts:
      - {name: quantization, anywhere: [quantization]}
      - {name: pruning, anywhere: [pruning]}
  - id: rl
    title: Reinforcement learning
    description: Agents.
    facet: application
    concepts:
      - name: reinforcement learning
        anywhere: [reinforcement learning]
        unless: [language model*]
  - id: vision
    title: Vision
    description: Images.
    facet: application
    concepts:
      - {name: images, title: [image*], abstract: [images]}
      - {name: detection, abstract: [object detection]}
  - id: other
    title: Other
    description: The rest.
    catch_all: true
"""


@pytest.fixture
def concepts():
    tax, problems = read_taxonomy(load_yaml(CONCEPTS_YAML, "themes.yml"), "themes.yml")
    assert problems == []
    return tax


def themes_of(taxonomy, title, abstract=""):
    return assign([paper(title, abstract)], taxonomy)[0].themes


def test_synonyms_of_one_concept_score_once(concepts):
    # Four near-synonyms in the abstract are one concept: 3 points, not 12.
    abstract = "Sharpness, flat minima, flatter minima and the loss landscape."
    (p,) = assign([paper("A study", abstract)], concepts)
    assert scores(p, concepts)["optim"].points == 3


def test_a_title_phrase_decides_the_primary_over_stacked_abstract_words(concepts):
    # The abstract piles up optimization words; the title names the topic.
    abstract = ("We use sharpness and flat minima with the Adam optimizer, across unseen domains "
                "and distribution shift.")
    assert themes_of(concepts, "Quantization for domain generalization", abstract)[0] == "shift"


def test_the_kind_of_generalization_ranks_before_method_in_the_title(concepts):
    # Both named in the title, equal points: the facet decides, not the file order.
    assert themes_of(concepts, "Sharpness and domain generalization") == ("shift", "optim")


def test_the_purpose_after_for_breaks_a_tie_between_equal_facets(concepts):
    assert themes_of(concepts, "Pruning for reinforcement learning")[0] == "rl"
    assert themes_of(concepts, "Reinforcement learning for pruning")[0] == "compress"


def test_more_title_evidence_ranks_before_the_facet_unless_a_generalization_is_named(concepts):
    # Two optimization concepts in the title outweigh one of the kind theme...
    assert themes_of(concepts, "A sharpness-aware optimizer under distribution shift")[0] == "optim"
    # ...but a title naming the kind of generalization keeps it first.
    assert themes_of(concepts, "A sharpness-aware optimizer for distribution shift "
                               "generalization")[0] == "shift"


def test_title_phrases_side_by_side_name_one_thing(concepts):
    # "loss landscape optimizers": two concepts, one thing named, so they weigh as one
    # against the kind theme's; apart, they are two things the title names.
    assert themes_of(concepts, "Loss landscape optimizers under distribution shift")[0] == "shift"
    assert themes_of(concepts, "The loss landscape and optimizers under distribution "
                               "shift")[0] == "optim"


def test_a_modifier_naming_the_means_ranks_after_the_topic(concepts):
    # Equal facets and points: "sharpness-based" is how the paper prunes, not its topic.
    assert themes_of(concepts, "Sharpness-based pruning")[0] == "compress"
    assert themes_of(concepts, "Pruning-based sharpness")[0] == "optim"
    assert themes_of(concepts, "Sharpness and pruning")[0] == "optim"  # the earlier one


def test_a_secondary_theme_needs_title_evidence_or_two_strong_concepts(concepts):
    # vision has one weak abstract word next to a strong one: not enough to join.
    one = themes_of(concepts, "Reinforcement learning agents",
                    "We detect images with object detection.")
    assert one == ("rl",)
    # compression found by two concepts that could decide alone: it joins.
    two = themes_of(concepts, "Reinforcement learning agents", "With quantization and pruning.")
    assert two == ("rl", "compress")


def test_negative_context_takes_another_sense_out(concepts):
    # "finite scalar quantization" (a tokenizer) is not optimization's quantization...
    assert "optim" not in themes_of(concepts, "Finite Scalar Quantization tokenizers")
    # ...while the compression theme, without that context, still sees quantization.
    assert themes_of(concepts, "Finite Scalar Quantization tokenizers") == ("compress",)


def test_unless_cancels_a_concept_meant_in_another_sense(concepts):
    embodied = themes_of(concepts, "Reinforcement learning for robots")
    llm = themes_of(concepts, "Reinforcement learning for reasoning",
                    "Large language models reason.")
    assert embodied == ("rl",) and llm == ("other",)


OVERLAP_YAML = """\
themes:
  - id: shift
    title: Distribution shift
    description: Shift.
    in_title: [distribution shift]
  - id: adapt
    title: Adaptation
    description: Adapting to a shift.
    in_title: [distribution shift adaptation, adaptation]
  - id: other
    title: Other
    description: The rest.
    catch_all: true
"""


def test_the_longer_of_two_overlapping_title_phrases_takes_the_words():
    tax, problems = read_taxonomy(load_yaml(OVERLAP_YAML, "themes.yml"), "themes.yml")
    assert problems == []
    # "distribution shift adaptation" covers "distribution shift" and more: the shorter
    # phrase no longer counts.
    assert themes_of(tax, "Distribution shift adaptation") == ("adapt",)
    # Phrases that do not overlap both count.
    assert themes_of(tax, "Adaptation under distribution shift") == ("adapt", "shift")


def test_phrases_with_a_star_match_word_beginnings(concepts):
    assert themes_of(concepts, "Learned optimizers") == ("optim",)
    assert themes_of(concepts, "Reoptimizers") == ("other",)


def test_explain_names_concepts_and_points(concepts):
    (p,) = assign([paper("Sharpness of minima", "flat minima and Adam", "s")], concepts)
    assert explain(p, concepts)[3:] == [
        "optim (primary): Optimization - 4 points",
        "  title contains 'sharpness' (+3) (concept 'flatness')",
        "  abstract contains 'Adam' (+1) (concept 'optimizers')",
    ]


def test_concept_and_facet_errors_name_their_lines():
    text = """\
facets: [kind]
themes:
  - id: a
    title: A
    description: A theme.
    facet: method
    concepts:
      - {name: x, tilte: [x]}
      - just a phrase
  - id: other
    title: Other
    description: The rest.
    catch_all: true
moved:
  a: [b]
  gone: [missing]
"""
    _, problems = read_taxonomy(load_yaml(text, "themes.yml"), "themes.yml")
    assert [str(p) for p in problems] == [
        "themes.yml:8: theme 'a': concept: unknown key 'tilte'; did you mean 'title'? (the keys "
        "are: name, title, abstract, anywhere, unless)",
        "themes.yml:9: theme 'a': each concept is a mapping ('key: value' lines) with title, "
        "abstract or anywhere phrases, not text",
        "themes.yml:6: theme 'a': facet 'method' is not among 'facets' (kind)",
        "themes.yml:15: moved theme 'a' must be an old theme id no theme uses now",
        "themes.yml:16: moved theme 'gone' names unknown theme 'missing'; known themes: a, other",
    ]


def test_a_moved_theme_keeps_its_page():
    text = CONCEPTS_YAML + "moved:\n  optimization-dynamics: [optim]\n  lumped: [optim, vision]\n"
    tax, problems = read_taxonomy(load_yaml(text, "themes.yml"), "themes.yml")
    assert problems == []
    corpus = Corpus("T", "", (), tuple(assign([paper("Sharpness of minima", id_="s")], tax)), tax)
    files = render(corpus)
    renamed, split = files["themes/optimization-dynamics.md"], files["themes/lumped.md"]
    assert 'redirect: "../optim/"' in renamed and "[Optimization](optim.md): 1 papers." in renamed
    assert "redirect" not in split
    assert "[Optimization](optim.md)" in split and "[Vision](vision.md)" in split


def test_the_seed_taxonomy_is_clean():
    """Every concept of the seed's rules matches two papers or more, and every
    phrase of them one at least: no dead rules, no decisions dressed as rules."""
    corpus = read_corpus(ROOT / "tests" / "seed" / "content")
    found = hygiene(list(corpus.papers), corpus.taxonomy)
    assert (found.dead, found.single, found.dead_phrases) == ((), (), ())


def _placed(papers, tax):
    placed: dict = {}
    assign(papers, tax, placed)
    return placed


def test_a_rules_edit_keeps_the_placements_it_cannot_reach(taxonomy):
    papers = [paper("Agents that explore", "We study reinforcement learning.", "a"),
              paper("Generalization bounds for images", "PAC-Bayes for images.", "b"),
              paper("A plain title", "Nothing to match here.", "c")]
    placed = _placed(papers, taxonomy)
    edited = _taxonomy(TAXONOMY_YAML.replace("in_abstract: [image, images]",
                                           "in_abstract: [image, images, plain]"))
    kept = still_placed(placed, taxonomy, edited)
    # A phrase added: the papers it can match are placed anew; the rest,
    # even those of the theme it joined, keep their placement.
    assert sorted(k[0] for k in kept) == ["a", "b"]
    assert kept == {k: v for k, v in placed.items() if k[0] in "ab"}
    assert assign(papers, edited, kept) == assign(papers, edited)
    # Phrases dropped: the papers only the old phrases matched are placed anew too.
    edited = _taxonomy(TAXONOMY_YAML.replace("in_abstract: [image, images]", "in_abstract: [pixels]"))
    assert sorted(k[0] for k in still_placed(placed, taxonomy, edited)) == ["a", "c"]
    assert still_placed(placed, taxonomy, taxonomy) == placed


def test_a_rules_edit_beyond_the_themes_phrases_places_every_paper_anew(taxonomy):
    placed = _placed([paper("Agents", "reinforcement learning", "a")], taxonomy)
    swapped = (TAXONOMY_YAML.replace("    in_abstract: [image, images]\n", "    catch_all: true\n")
               .replace("The rest.\n    catch_all: true\n", "The rest.\n    in_title: [zzz]\n"))
    other_sense = TAXONOMY_YAML.replace("    anywhere: [reinforcement learning]\n",
                                        "    anywhere: [reinforcement learning]\n    not: [inverse]\n")
    for text in [TAXONOMY_YAML.replace("threshold: 3", "threshold: 2"), swapped, other_sense]:
        assert still_placed(placed, taxonomy, _taxonomy(text)) == {}, text


def _taxonomy(text):
    tax, problems = read_taxonomy(load_yaml(text, "themes.yml"), "themes.yml")
    assert problems == []
    return tax


def test_the_cue_index_lets_through_the_concepts_each_concept_would():
    # Every seed paper is looked up once in the index of all concepts' cues;
    # it must let through exactly what checking concept by concept does.
    from generator import themes
    corpus = read_corpus(ROOT / "content")
    index = themes.cue_index(corpus.taxonomy)
    for p in corpus.papers:
        texts = themes.paper_texts(p)
        by_concept = {id(cues[0]) for t in corpus.taxonomy.themes
                      for cues in themes.theme_cues(t) if themes._may_match(cues, texts)}
        assert themes.cued(texts, index) == by_concept, p.id


# -- many papers, shared out over processes --------------------------------------------

class CountedPool(themes.ProcessPoolExecutor):
    """The pool ``place`` uses, counting the shares it was given."""
    shares = 0

    def submit(self, *args, **kwargs):
        CountedPool.shares += 1
        return super().submit(*args, **kwargs)


@pytest.fixture(scope="module")
def seed_texts():
    corpus = read_corpus(ROOT / "tests" / "seed" / "content")
    return corpus.taxonomy, [(p.title, p.abstract) for p in corpus.papers]


@pytest.mark.parametrize("threads", [1, 2], ids=["forked", "started anew"])
def test_papers_placed_by_other_processes_get_the_themes_placed_here(
        seed_texts, monkeypatch, threads):
    taxonomy, texts = seed_texts
    monkeypatch.setattr(cores, "count", lambda: 3)  # the same on any machine
    monkeypatch.setattr(themes, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(CountedPool, "shares", 0)
    here = themes.place(texts, taxonomy, per_process=len(texts) + 1)
    assert CountedPool.shares == 0  # too few papers for a second process
    # With a thread besides this one (a live preview's server), the
    # process is started anew rather than forked.
    monkeypatch.setattr(cores.threading, "active_count", lambda: threads)
    assert cores.context().get_start_method() == ("fork" if threads == 1 else "spawn")
    shared = themes.place(texts, taxonomy, per_process=100)
    assert CountedPool.shares == 2  # three shares: two for other processes
    assert shared == here
    assert len(set(here)) > 20  # the papers are not all placed alike


def test_without_a_process_to_be_had_the_papers_are_placed_here(seed_texts, monkeypatch):
    taxonomy, texts = seed_texts

    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(themes, "ProcessPoolExecutor", no_process)
    assert themes.place(texts, taxonomy, per_process=100) == themes._place(texts, taxonomy)
