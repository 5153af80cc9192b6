"""A search index in shards finds what one index finds, in the same order.

The seed site's index is one shard (414 papers); here the same papers are
indexed in shards of at most 100 (five shards), as a survey of 10,000 papers
is, and a reader's searches are compared page by page in Chromium."""
import shutil

import pytest
from _browser import open_tab, serve
from conftest import SEED
from test_find import results, settled

from generator import search_index
from generator.build import read_corpus


@pytest.fixture(scope="module")
def sharded(built_site, tmp_path_factory):
    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(built_site["site"], site)
    shutil.rmtree(site / search_index.BUNDLE)
    records = search_index.records(read_corpus(SEED / "content"))
    search_index.write_bundle(search_index.search_bundle(records, size=100), site)
    yield from serve(site)


@pytest.fixture(scope="module")
def tabs(browser, server, sharded):
    one, one_tab = open_tab(browser)
    five, five_tab = open_tab(browser)
    yield (server, one_tab), (sharded, five_tab)
    one.close()
    five.close()
    assert one_tab.errors == five_tab.errors == []


def test_the_records_are_split_into_even_shards_in_their_order():
    records = [{"url": f"p{i}/", "content": "x", "filters": {}} for i in range(7)]
    parts = search_index.shards(records, size=3)
    assert [len(p) for p in parts] == [2, 2, 3]
    assert [r["url"] for p in parts for r in p] == [r["url"] for r in records]


def seen(tab, address: str, form: str, status: str, listed: str) -> dict:
    """What a reader sees at the address: the count, the facet counts and
    every result, "Show more" pressed until all are shown."""
    tab.goto(address)
    settled(tab, form)
    while tab.locator(".find-more").is_visible() and "apart" not in tab.inner_text(".find-more"):
        shown = tab.locator(f"{listed} li").count()
        tab.click(".find-more")
        tab.wait_for_function(f"document.querySelectorAll('{listed} li').length > {shown}")
    return {"count": tab.get_attribute(status, "data-count"),
            "status": tab.inner_text(status),
            "facets": tab.eval_on_selector_all(
                "[data-count-of]", "s => s.map(s => s.dataset.countOf + ':' + s.textContent)"),
            "results": results(tab, listed),
            "excerpts": tab.eval_on_selector_all(f"{listed} .find-excerpt", "ps => ps.map(p => p.textContent)")}


SEARCHES = ["search/?year=2024", "search/?year=2025&sort=upvotes", "search/?q=generalization&sort=date",
            "search/?q=language+models&sort=upvotes&code=yes", "search/?year=2023&sort=title"]
THEME = ["?sort=upvotes", "?sort=title", "?code=yes&sort=title", "?primary={theme}&sort=upvotes"]


@pytest.mark.parametrize("search", SEARCHES)
def test_sorted_and_browsed_searches_list_the_same_papers_in_the_same_order(tabs, search):
    (one, one_tab), (five, five_tab) = tabs
    args = ("form[data-find]", "#find-status", "#find-results")
    alone, merged = seen(one_tab, one + search, *args), seen(five_tab, five + search, *args)
    assert int(alone["count"]) > 20  # more than one batch: the merge goes on past the first
    assert merged == alone


@pytest.mark.parametrize("query", THEME)
def test_a_theme_pages_sorts_and_filters_list_the_same_papers_in_the_same_order(tabs, seed_data,
                                                                                 query):
    (one, one_tab), (five, five_tab) = tabs
    theme = max(seed_data["themes"], key=lambda t: len(t["papers"]))
    args = ("form[data-find]", "#theme-status", "#theme-results")
    query = query.format(theme=theme["id"])
    alone = seen(one_tab, one + theme["url"] + query, *args)
    merged = seen(five_tab, five + theme["url"] + query, *args)
    assert int(alone["count"]) > 20
    assert merged == alone


# Words in a few papers: a shard without them must not find look-alike words instead.
@pytest.mark.parametrize("query", ["grokking", "lora", "sharpness+aware", "benign+overfitting"])
def test_a_query_ranked_by_relevance_finds_the_same_papers(tabs, query):
    (one, one_tab), (five, five_tab) = tabs
    args = ("form[data-find]", "#find-status", "#find-results")
    alone = seen(one_tab, one + "search/?q=" + query, *args)
    merged = seen(five_tab, five + "search/?q=" + query, *args)
    assert merged["count"] == alone["count"] and merged["facets"] == alone["facets"]
    assert sorted(merged["results"]) == sorted(alone["results"])
    shown = dict(zip(merged["results"], merged["excerpts"], strict=True))
    assert [shown[r] for r in alone["results"]] == alone["excerpts"]
    # The order may differ: each shard weighs a word by how rare it is among
    # its own papers (with 83 papers a shard, by a good deal).
