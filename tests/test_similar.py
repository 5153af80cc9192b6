"""similar.update, the preview's related papers: after any edit, exactly
what a fresh computation finds, to the last tie, while computing again
only the rows an edit can have changed."""
import random

import numpy as np
import pytest

from generator import similar

WORDS = ["grokking", "memorization", "transformer", "attention", "shift", "domain", "robust", "causal", "sparse", "pruning", "quantization", "graph", "federated", "continual", "lottery", "ticket", "benchmark", "scaling", "language", "vision", "reward", "policy", "diffusion", "kernel", "margin", "flatness"]


def corpus(rng: random.Random, n: int) -> list[str]:
    # Few words, so many texts share scores: ties decide many neighbours.
    return [" ".join(rng.choices(WORDS[: rng.randint(4, len(WORDS))], k=rng.randint(0, 12)))
            for _ in range(n)]


def edit(rng: random.Random, texts: list[str], step: int) -> list[str]:
    texts = list(texts)
    i = rng.randrange(len(texts))
    kind = step % 6
    if kind == 0:  # a word of its own (a new column)
        texts[i] += f" unique{step}x"
    elif kind == 1:  # a common word (every text holding it changes weight)
        texts[i] += " " + rng.choice(WORDS)
    elif kind == 2:  # words removed (a column may go)
        texts[i] = " ".join(texts[i].split()[: len(texts[i].split()) // 2])
    elif kind == 3:  # two papers trade texts
        j = rng.randrange(len(texts))
        texts[i], texts[j] = texts[j], texts[i]
    elif kind == 4:  # a copy of another text: exact ties
        texts[i] = texts[rng.randrange(len(texts))]
    else:  # nothing at all
        pass
    return texts


@pytest.mark.parametrize("seed", range(8))
def test_an_update_after_each_edit_finds_what_a_fresh_computation_finds(seed):
    rng = random.Random(seed)
    texts = corpus(rng, rng.randint(8, 60))
    last = similar.update(None, texts, 5)
    for step in range(24):
        texts = edit(rng, texts, step)
        last = similar.update(last, texts, 5)
        fresh = similar.update(None, texts, 5)
        assert last.found == fresh.found, (seed, step)
        assert np.array_equal(last.scores, fresh.scores)


def test_an_update_computes_again_only_the_rows_an_edit_reaches(monkeypatch):
    rng = random.Random(1)
    texts = corpus(rng, 400)
    last = similar.update(None, texts, 5)
    computed = []
    rows = similar._rows
    monkeypatch.setattr(similar, "_rows", lambda v, r, k: computed.append(len(r)) or rows(v, r, k))
    texts[7] += " a-word-of-its-own"
    similar.update(last, texts, 5)
    # The edited row, and the few whose nearest it was.
    assert computed and sum(computed) <= 1 + sum(7 in row for row in last.top)


def test_neighbours_of_too_few_texts_are_none():
    assert similar.neighbours(["only one"], 5) == [()]
    assert similar.neighbours(["a text", "another text"], 0) == [(), ()]


def test_a_changed_paper_tied_with_a_kept_neighbour_wins_by_its_lower_index():
    texts = ["ocean tide salt", "vision pixels", "graph node edge", "kernel margin",
             "lottery tickets", "grokking memorization", "grokking memorization circuits",
             "sparse pruning", "grokking memorization", "federated clients"]
    last = similar.update(None, texts, 1)
    assert last.found[6] == (5,)
    # Two papers trade texts (no word's count changes): paper 1 now ties with
    # paper 5 for paper 6, whose neighbour did not change, and is lower.
    texts[1], texts[8] = texts[8], texts[1]
    found = similar.update(last, texts, 1).found
    assert found == similar.update(None, texts, 1).found
    assert found[6] == (1,)


def test_a_word_dropped_as_too_common_changes_the_papers_that_held_only_it():
    texts = ["iota kappa", "alpha beta", "gamma delta", "epsilon zeta", "eta theta",
             "common", "common", "common beta", "common gamma", "eta common"]
    last = similar.update(None, texts, 1)
    assert last.found[5] == (6,) and last.found[6] == (5,)
    texts[0] += " common"  # in 6 of 10 papers: above the ceiling of half, no longer counted
    found = similar.update(last, texts, 1).found
    assert found == similar.update(None, texts, 1).found
    assert found[6] == (0,)  # paper 6 has no counted word left: like none, lowest first


@pytest.mark.parametrize("seed", range(12))
def test_every_row_computed_by_halves_is_every_row_against_all(seed, monkeypatch):
    """Each similarity computed once, a block against the rows from its own
    on, gives the nearest that every row against every row gives: the same
    papers, the same similarities to the last bit, ties to the lower index."""
    rng = random.Random(seed)
    texts = corpus(rng, rng.randint(2, 70))
    monkeypatch.setattr(similar, "BLOCK", rng.choice([1, 2, 3, 7, 16]))  # many blocks
    vectors, _ = similar._vectors(texts)
    k = min(rng.choice([1, 3, 5, 8]), len(texts) - 1)
    everything = (vectors @ vectors.T).toarray()
    np.fill_diagonal(everything, -1.0)
    expected = [similar._top(row, k) for row in everything]
    top, scores = similar._all_rows(vectors, k)
    assert [tuple(row) for row in top.tolist()] == expected
    assert np.array_equal(scores, np.take_along_axis(everything, top, axis=1))


def _reference(texts, **options):
    """scikit-learn's vectors for the same settings, the oracle."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    vectorizer = TfidfVectorizer(sublinear_tf=True, token_pattern=similar.TOKEN.pattern,
                                 dtype=np.float32, **options)
    vectors = vectorizer.fit_transform(texts).tocsr()
    vectors.sort_indices()
    return vectors, vectorizer.get_feature_names_out()


def _assert_same(mine, reference):
    (vectors, terms), (expected, expected_terms) = mine, reference
    assert list(terms) == list(expected_terms)
    assert np.array_equal(vectors.indptr, expected.indptr)
    assert np.array_equal(vectors.indices, expected.indices)
    assert np.array_equal(vectors.data, expected.data)  # to the last bit


def test_the_vectors_are_scikit_learns_on_the_seed_papers():
    from pathlib import Path

    from generator.build import read_corpus
    corpus = read_corpus(Path(__file__).parent / "seed" / "content")
    texts = [f"{p.title}\n{p.abstract}" for p in corpus.papers]
    _assert_same(similar._vectors(texts), _reference(texts, stop_words="english", max_df=0.5))


@pytest.mark.parametrize("seed", range(6))
def test_the_vectors_are_scikit_learns_on_random_texts(seed):
    rng = random.Random(seed)
    texts = [text + rng.choice(["", " The", " Über-model x2", " GPT-4 + RL", " a"])
             for text in corpus(rng, rng.randint(3, 40))]
    _assert_same(similar._vectors(texts), _reference(texts, stop_words="english", max_df=0.5))


def test_texts_of_stop_words_alone_fall_back_to_every_word():
    texts = ["the and of", "the of", "and of the"]
    _assert_same(similar._vectors(texts), _reference(texts))
    vectors, terms = similar._vectors(["", "!!"])
    assert vectors.shape == (2, 1) and vectors.nnz == 0 and len(terms) == 0
