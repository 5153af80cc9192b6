"""Search quality, measured in Chromium on the built seed site through the
search page itself (so the page's own ranking of words side by side counts).

Known-item queries: a reader who remembers a paper's distinctive words or its
acronym finds it among the first 3 results. Topical queries: at least 90% of
the first 20 results (all of them, when fewer) mention the topic in their
title or abstract. Title words: papers with the query in their title come
before those with it only in their abstract. The queries are chosen from the
frozen seed corpus (tests/seed); each known item comes with the reason its
target is the right answer.
"""
import json
import re

import pytest
from _browser import open_tab

# (query, the target paper's title, why it is the paper the reader means)
KNOWN_ITEMS = [
    ("MSGCoOp", "MSGCoOp: Multiple Semantic-Guided Context Optimization for Few-Shot Learning",
     "the method's acronym: no other title or abstract of the corpus names it"),
    ("Promptagator", "Promptagator: Few-shot Dense Retrieval From 8 Examples",
     "the system's name, which only this paper's title carries"),
    ("grokfast", "Grokfast: Accelerated Grokking by Amplifying Slow Gradients",
     "the method's name, typed in lower case"),
    ("lottery tickets grokking", "Grokking Tickets: Lottery Tickets Accelerate Grokking",
     "the one title joining lottery tickets and grokking; 13 other papers are about grokking"),
    ("hyperfitting", "The Hyperfitting Phenomenon: Sharpening and Stabilizing LLMs for Open-Ended "
     "Text Generation", "the phenomenon this paper names; no other title has the word"),
    ("Chomsky hierarchy", "Neural Networks and the Chomsky Hierarchy",
     "the title's distinctive words"),
    ("generalized funnelling cross-lingual", "Generalized Funnelling: Ensemble Learning and "
     "Heterogeneous Document Embeddings for Cross-Lingual Text Classification",
     "the method's name and its task, as a reader recalls them"),
    ("deepfake detection benchmarks", "Deepfake Detection that Generalizes Across Benchmarks",
     "the only title about deepfakes"),
    ("machine learning multiverse", "Modeling the Machine Learning Multiverse",
     "the title's distinctive word with its common neighbours"),
    ("AdaNPC", "AdaNPC: Exploring Non-Parametric Classifier for Test-Time Adaptation",
     "the method's acronym"),
    ("grokking lazy rich", "Grokking as the Transition from Lazy to Rich Training Dynamics",
     "the regimes this grokking paper names in its title"),
    ("grokking circuit efficiency", "Explaining grokking through circuit efficiency",
     "the explanation this grokking paper's title gives"),
    ("Easy2Hard", "Easy2Hard-Bench: Standardized Difficulty Labels for Profiling LLM Performance "
     "and Generalization", "the benchmark's name, written as part of a hyphenated word"),
    ("WILDS unsupervised adaptation", "Extending the WILDS Benchmark for Unsupervised Adaptation",
     "the benchmark's name with what this paper adds to it"),
    ("gradient norm PAC-Bayesian", "On the Importance of Gradient Norm in PAC-Bayesian Bounds",
     "the title's two topics; other papers have PAC-Bayes bounds without gradient norms"),
    ("unforgettable generalization", "Unforgettable Generalization in Language Models",
     "the title's distinctive word"),
    ("sharpness minimization algorithms", "Sharpness Minimization Algorithms Do Not Only "
     "Minimize Sharpness To Achieve Better Generalization",
     "the title's subject; four other titles mention sharpness"),
    ("Meta-DMoE", "Meta-DMoE: Adapting to Domain Shift by Meta-Distillation from "
     "Mixture-of-Experts", "the method's name, hyphenated as the paper writes it"),
    ("explicit CoT training", "Unveiling the Mechanisms of Explicit CoT Training: How "
     "Chain-of-Thought Enhances Reasoning Generalization", "the title's words, with its acronym"),
    ("benign overfitting XOR", "Benign Overfitting and Grokking in ReLU Networks for XOR "
     "Cluster Data", "the phenomenon and the task of this title; one other title says benign"),
]

# (query, what a result must mention in its title or abstract to be about the topic)
TOPICS = [
    ("grokking", r"grok"),
    ("domain generalization", r"domain[- ]generali[sz]"),
    ("length generalization", r"length generali[sz]"),
    ("out-of-distribution", r"out-of-distribution|\bOOD\b"),
    ("meta-learning", r"meta-?learn"),
    ("long-tailed", r"long-tail"),
    ("knowledge distillation", r"distill"),
    ("data augmentation", r"augment"),
    ("continual learning", r"continual"),
    ("in-context learning", r"in-context"),
    ("compositional generalization", r"compositional"),
    ("reinforcement learning", r"reinforcement learning|\bRL\b"),
    ("federated learning", r"federated"),
    ("sharpness", r"sharp"),
    ("model merging", r"merg"),
    ("test-time adaptation", r"test-time"),
]


@pytest.fixture(scope="module")
def data(built_site):
    return json.loads((built_site["site"] / "data" / "papers.json").read_text())


@pytest.fixture(scope="module")
def search(server, browser):
    """A function: query -> the papers' URLs the search page shows first, in order."""
    base = server
    context, tab = open_tab(browser)

    def run(query: str) -> list[str]:
        tab.goto(base + "search/")
        tab.wait_for_selector("form[data-find][data-state='done']")
        tab.fill("input[name=q]", query)
        tab.wait_for_selector("form[data-find][data-state='done']")
        hrefs = tab.eval_on_selector_all("#find-results .find-title a",
                                         "as => as.map(a => new URL(a.href).pathname)")
        return [h.lstrip("/") for h in hrefs]

    yield run
    context.close()
    assert tab.errors == []


def test_the_known_items_are_distinct_papers_of_the_seed(data):
    titles = [p["title"] for p in data["papers"]]
    for _, title, reason in KNOWN_ITEMS:
        assert titles.count(title) == 1, title
        assert reason


@pytest.mark.parametrize("query,title,reason", KNOWN_ITEMS, ids=[q for q, _, _ in KNOWN_ITEMS])
def test_a_known_item_is_among_the_first_three(search, data, query, title, reason):
    target = next(p["url"] for p in data["papers"] if p["title"] == title)
    assert target in search(query)[:3], (query, reason)


@pytest.mark.parametrize("query,pattern", TOPICS, ids=[q for q, _ in TOPICS])
def test_a_topic_finds_papers_about_it(search, data, query, pattern):
    papers = {p["url"]: p for p in data["papers"]}
    first = search(query)[:20]
    about = [u for u in first
             if re.search(pattern, f"{papers[u]['title']} {papers[u]['abstract']}", re.IGNORECASE)]
    assert len(first) >= 3, query  # the topic is in the corpus and found
    assert len(about) >= 0.9 * len(first), (query, [papers[u]["title"] for u in first
                                                    if u not in about])


# (query, a title that holds it): the title counts above the abstract and summary
TITLE_WORDS = [("grokking", r"grok"), ("sharpness", r"sharp"), ("distillation", r"distill"),
               ("diffusion", r"diffusion"), ("federated", r"federated"), ("prompt", r"prompt")]


@pytest.mark.parametrize("query,pattern", TITLE_WORDS, ids=[q for q, _ in TITLE_WORDS])
def test_papers_with_the_word_in_their_title_come_first(search, data, query, pattern):
    papers = {p["url"]: p for p in data["papers"]}
    in_title = {u for u, p in papers.items() if re.search(pattern, p["title"], re.IGNORECASE)}
    first = search(query)[:len(in_title)]
    assert len(in_title) >= 4
    assert len(set(first) & in_title) >= 0.8 * len(in_title), (query, len(in_title))
