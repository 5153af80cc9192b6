"""Theme pages stay bounded however large a theme grows: its papers are split
over pages of THEME_PAGE_SIZE, each complete without JavaScript and linked
from every other, newest first across them."""
import datetime
import re
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import read_corpus as read_content
from generator.model import Paper, SourceLine
from generator.render import THEME_PAGE_SIZE, Renderer

SEEDS = Path(__file__).resolve().parent / "seed" / "content"
N = 2_000  # a theme's share of a 10,000-paper survey


@pytest.fixture(scope="module")
def pages():
    corpus = read_content(SEEDS)
    theme = corpus.taxonomy.themes[0]
    start = datetime.date(2015, 1, 1)
    papers = tuple(Paper(
        id=f"paper-{i:04d}", key=f"paper {i}", title=f"A synthetic paper number {i} about shifts",
        abstract="An abstract of a typical length that says what the paper studies. " * 8,
        sources=(SourceLine("synthetic.txt", 10 * i + 1),), author_count=5,
        date=start + datetime.timedelta(days=i) if i % 7 else None,
        upvotes=i % 50, themes=(theme.id, corpus.taxonomy.themes[1].id),
        links=("https://github.com/o/r",) if i % 3 == 0 else ())
        for i in range(N))
    corpus = replace(corpus, papers=papers, summaries={}, metadata={})
    return theme, papers, Renderer(corpus).theme_files(theme)


def linked_ids(markdown: str) -> list[str]:
    return re.findall(r'^<li><strong><a href="\.\./(?:\.\./)?papers/([\w-]+)\.md">', markdown, re.M)


def test_a_large_theme_is_split_into_bounded_pages(pages):
    theme, papers, files = pages
    assert list(files)[0] == f"themes/{theme.id}.md"
    assert list(files)[1:] == [f"themes/{theme.id}/page-{n}.md" for n in range(2, 11)]
    for path, markdown in files.items():
        assert 0 < len(linked_ids(markdown)) <= THEME_PAGE_SIZE, path
        assert len(markdown.encode()) < 200_000, path


def test_the_pages_together_list_every_paper_once_newest_first(pages):
    theme, papers, files = pages
    order = [i for markdown in files.values() for i in linked_ids(markdown)]
    assert sorted(order) == sorted(p.id for p in papers) and len(order) == len(set(order))
    by_id = {p.id: p for p in papers}
    dates = [by_id[i].date for i in order]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[:len(dated)] == dated


def test_every_page_links_every_other_and_carries_the_theme_header(pages):
    theme, papers, files = pages
    for n, markdown in enumerate(files.values(), start=1):
        assert f"**{N} papers**" in markdown
        pager = re.search(r"^<p>Pages of this theme:(.*)</p>$", markdown, re.M).group(1)
        assert f"<strong>{n}</strong>" in pager and len(re.findall(r"<a href=", pager)) == 9
        assert 'data-find="theme"' in markdown
