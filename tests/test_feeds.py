"""Atom feeds: valid for a feed parser, newest first, one entry per dated paper,
absolute links to the paper pages, found from the home and theme pages."""
import datetime
import re

import feedparser
import pytest
from _reader import Tags, page

from generator import feeds
from generator.model import Corpus, Listing, Paper, SourceLine, Taxonomy, Theme
from generator.render import render

SITE_URL = "https://example.github.io/generalization-survey/"  # tests/seed/mkdocs.yml


def parsed(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def feed_date(paper: dict, listings: dict) -> str | None:
    if paper["date"]:
        return paper["date"]
    dates = [listings[s["listing"]] for s in paper["listings"] if listings[s["listing"]]]
    return dates[0] if dates else None


@pytest.fixture(scope="module")
def listing_dates(built_site):
    from generator.build import read_corpus
    corpus = read_corpus(built_site["site"].parent / "content")
    return {l.file: l.date.isoformat() if l.date else None for l in corpus.listings}


def test_survey_feed_lists_every_dated_paper_newest_first(built_site, seed_data, listing_dates):
    feed = parsed(built_site["site"] / "feeds" / "survey.xml")
    by_url = {SITE_URL + p["url"]: p for p in seed_data["papers"]}
    dated = [p for p in seed_data["papers"] if feed_date(p, listing_dates)]
    assert 0 < len(feed.entries) == len(dated)
    assert all(e.link in by_url for e in feed.entries)
    assert len({e.link for e in feed.entries}) == len(feed.entries)
    stamps = [e.updated[:10] for e in feed.entries]
    assert stamps == sorted(stamps, reverse=True)
    for entry in feed.entries:
        paper = by_url[entry.link]
        assert entry.title == " ".join(paper["title"].split())
        assert entry.updated[:10] == feed_date(paper, listing_dates)
        assert entry.id == entry.link
    assert feed.feed.updated[:10] == stamps[0]


def test_theme_feeds_follow_their_themes(built_site, seed_data, listing_dates):
    papers = {p["id"]: p for p in seed_data["papers"]}
    for theme in seed_data["themes"]:
        feed = parsed(built_site["site"] / "feeds" / "themes" / f"{theme['id']}.xml")
        dated = [i for i in theme["papers"] if feed_date(papers[i], listing_dates)]
        assert len(feed.entries) == len(dated), theme["id"]
        assert {e.link for e in feed.entries} == {SITE_URL + papers[i]["url"] for i in dated}
        assert feed.feed.link == SITE_URL + theme["url"]


def test_home_and_theme_pages_link_their_feeds(built_site, seed_data):
    site = built_site["site"]
    [home] = Tags(page(site, "")).all("link", rel="alternate", type="application/atom+xml")
    assert home["href"] == "feeds/survey.xml" and (site / home["href"]).exists()
    for theme in seed_data["themes"]:
        [link] = Tags(page(site, theme["url"])).all("link", rel="alternate",
                                                    type="application/atom+xml")
        assert link["href"] == f"../../feeds/themes/{theme['id']}.xml", theme["id"]
        assert re.search(r"Follow this theme with its <a [^>]+>Atom feed</a>; cite its papers with "
                         r"<a [^>]+>its BibTeX file</a>\.", page(site, theme["url"]))
        assert (site / theme["url"] / link["href"]).resolve().exists()
    paper = seed_data["papers"][0]["url"]
    assert not Tags(page(site, paper)).all("link", rel="alternate", type="application/atom+xml")


def small_corpus(title: str) -> Corpus:
    dated = Listing(id="a", file="a.txt", title="A", year=2024, date=datetime.date(2024, 5, 1),
                    entries=())
    undated = Listing(id="b", file="b.txt", title="B", year=2024, date=None, entries=())
    papers = (
        Paper(id="old", key="old", title="Old", abstract="", sources=(SourceLine("b.txt", 1),),
              date=datetime.date(2020, 1, 1), themes=("t",)),
        Paper(id="x", key="x", title=title, abstract="An abstract.",
              sources=(SourceLine("b.txt", 5), SourceLine("a.txt", 2)), themes=("t",)),
        Paper(id="none", key="none", title="No date at all", abstract="",
              sources=(SourceLine("b.txt", 9),), themes=("t",)),
    )
    return Corpus(title="S & <co>", description="", listings=(dated, undated), papers=papers,
                  taxonomy=Taxonomy(themes=(Theme("t", "T", ""),)))


def test_feed_holds_any_text_and_leaves_out_papers_without_any_date():
    title = "A <b>bold</b> & \x00\x1f\ufffe ]]> \"quoted\" title"
    files = render(small_corpus(title), site_url="https://example.org/s")
    feed = feedparser.parse(files["feeds/survey.xml"].encode("utf-8"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.link for e in feed.entries] == ["https://example.org/s/papers/x/",
                                              "https://example.org/s/papers/old/"]
    assert feed.entries[0].title == 'A <b>bold</b> & ]]> "quoted" title'
    assert feed.entries[0].updated.startswith("2024-05-01")  # its dated listing's date
    assert feed.feed.title == "S & <co>"


def test_no_feeds_without_the_site_address():
    corpus = small_corpus("X")
    files = render(corpus)
    assert not [p for p in files if p.startswith("feeds/")]
    assert "feeds/" not in files["index.md"] and "feeds/" not in files["themes/t.md"]
    listings = {l.file: l for l in corpus.listings}
    assert feeds.paper_date(corpus.papers[2], listings) is None
