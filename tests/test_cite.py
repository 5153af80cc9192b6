"""Citing papers: BibTeX entries a BibTeX parser reads back, keys stable and unique,
.bib files per theme and for the survey, Highwire citation_* tags, and the
paper page's facts and direct links when the metadata knows them."""
import datetime
import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest
import yaml
from _reader import Tags, page

from generator import cite
from generator.model import Corpus, Listing, MetadataSource, Paper, SourceLine, Taxonomy, Theme
from generator.render import render

KNOWN = Paper(
    id="grokking-generalization", key="grokking generalization",
    title="Grokking: Generalization Beyond Overfitting {on} 100% of $x_1$ & #hash ~ ^ \\ data",
    abstract="We study grokking. Code at https://github.com/openai/grok.",
    links=("https://github.com/openai/grok", "https://example.org/demo"),
    sources=(SourceLine("a.txt", 3),), author_count=5, date=datetime.date(2022, 1, 6),
    upvotes=7, themes=("memo",), arxiv="2201.02177", doi="10.48550/arXiv.2201.02177",
    author_names=("Alethea Power", "Yuri Burda", "Harri Edwards", "Igor Babuschkin",
                  "Vedant Misra"),
    venue="ICLR 2022 Workshop", code="https://github.com/openai/grok",
    project="https://example.org/grok",
    metadata=MetadataSource("arxiv", "https://export.arxiv.org/abs/2201.02177",
                            datetime.date(2026, 11, 1)))
UNKNOWN = Paper(id="a-paper", key="a paper", title="A Paper on Nothing", abstract="Nothing.",
                sources=(SourceLine("a.txt", 9),), author_count=3, themes=("memo",))


def parse(text: str):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library.entries


def test_entry_with_every_fact_reads_back():
    key = cite.keys([KNOWN])[KNOWN.id]
    [entry] = parse(cite.entry(KNOWN, key, "https://example.org/papers/x/"))
    assert entry.key == key == "power2022grokking"
    assert entry.entry_type == "article"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["author"] == ("Alethea Power and Yuri Burda and Harri Edwards and "
                                "Igor Babuschkin and Vedant Misra")
    assert fields["year"] == "2022"
    assert (fields["eprint"], fields["archivePrefix"]) == ("2201.02177", "arXiv")
    assert fields["url"] == "https://arxiv.org/abs/2201.02177"
    assert fields["journal"] == "ICLR 2022 Workshop"
    assert fields["doi"] == "10.48550/arXiv.2201.02177"
    # TeX's special characters are written as TeX prints them; braces stay balanced.
    assert fields["title"] == ("{Grokking: Generalization Beyond Overfitting \\textbraceleft{}on"
                               "\\textbraceright{} 100\\% of \\$x\\_1\\$ \\& \\#hash "
                               "\\textasciitilde{} \\textasciicircum{} \\textbackslash{} data}")


def test_entry_without_names_has_no_authors_and_no_invented_year():
    key = cite.keys([UNKNOWN])[UNKNOWN.id]
    [entry] = parse(cite.entry(UNKNOWN, key, "https://example.org/papers/a-paper/"))
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "misc"
    assert set(fields) == {"title", "url"}  # 3 authors are known to exist, not their names
    assert fields["url"] == "https://example.org/papers/a-paper/"
    assert key == "papernothing"


def test_keys_are_unique_and_do_not_depend_on_order():
    twins = [replace(UNKNOWN, id=f"a-paper-{i}", key=f"a paper {i}") for i in range(3)]
    papers = [KNOWN, UNKNOWN, *twins]
    keys = cite.keys(papers)
    assert len(set(keys.values())) == len(papers)
    assert cite.keys(reversed(papers)) == keys
    assert keys[KNOWN.id] == "power2022grokking"  # a paper without a twin keeps its plain key
    assert all(re.fullmatch(r"papernothing-[0-9a-f]{6}", keys[p.id]) for p in [UNKNOWN, *twins])


def test_highwire_tags_hold_only_known_facts():
    tags = cite.highwire(KNOWN)
    assert tags["authors"] == list(KNOWN.author_names)
    assert tags["publication_date"] == "2022/01/06"
    assert tags["arxiv_id"] == "2201.02177"
    assert tags["pdf_url"] == "https://arxiv.org/pdf/2201.02177"
    assert cite.highwire(UNKNOWN) == {"title": "A Paper on Nothing"}


def corpus(*papers: Paper) -> Corpus:
    listing = Listing(id="a", file="a.txt", title="Listing A", year=2022, date=None, entries=())
    taxonomy = Taxonomy(themes=(Theme("memo", "Memorization", "Papers on memory."),))
    return Corpus(title="S", description="D", listings=(listing,), papers=papers,
                  taxonomy=taxonomy)


@pytest.fixture(scope="module")
def rendered():
    return render(corpus(KNOWN, UNKNOWN), site_url="https://example.org/s/")


def test_paper_page_shows_metadata_facts_and_direct_links_first(rendered):
    text = rendered["papers/grokking-generalization.md"]
    _, meta, body = text.split("---\n", 2)
    meta = yaml.safe_load(meta)
    assert meta["citation"]["authors"] == list(KNOWN.author_names)
    assert meta["citation"]["arxiv_id"] == "2201.02177"
    assert "Jan 6, 2022 · 7 upvotes · Alethea Power, Yuri Burda, Harri Edwards, Igor Babuschkin, " \
           "Vedant Misra · ICLR 2022 Workshop" in body
    direct = body.index("<strong>Read the paper:</strong>")
    for url in ("https://arxiv.org/abs/2201.02177", "https://arxiv.org/pdf/2201.02177",
                "https://doi.org/10.48550/arXiv.2201.02177", "https://github.com/openai/grok",
                "https://example.org/grok"):
        assert f'href="{url}"' in body[direct:body.index("by title:")], url
    assert body.index("by title:") > direct  # searches are the fallback, after the links
    assert "https://export.arxiv.org/abs/2201.02177" in body  # where the facts were read
    # A link of the abstract that is the paper's code is not listed again; others are.
    others = body[body.index("<strong>Links in the abstract:</strong>"):body.index("## Related papers")]
    assert "https://example.org/demo" in others and "openai/grok" not in others


def test_paper_page_without_metadata_offers_searches_only(rendered):
    body = rendered["papers/a-paper.md"]
    assert "Read the paper:" not in body and "<strong>Search by title:</strong>" in body
    for host in ("arxiv.org/search", "huggingface.co/papers", "semanticscholar.org/search",
                 "scholar.google.com/scholar"):
        assert host in body, host
    assert "3 authors" in body and "citation_author" not in body


# -- on the built seed site ----------------------------------------------------------------

def test_every_paper_page_has_an_entry_that_parses(built_site, seed_data):
    site, keys = built_site["site"], set()
    for paper in seed_data["papers"]:
        source = page(site, paper["url"])
        found = re.findall(r'<pre class="bibtex"><code>(.*?)</code></pre>', source, re.S)
        assert len(found) == 1, paper["id"]
        [entry] = parse(html.unescape(found[0]))
        fields = {f.key: f.value for f in entry.fields}
        assert fields["title"] == "{" + cite.tex(paper["title"]) + "}"
        assert ("author" in fields) == bool(paper["author_names"])
        assert ("year" in fields) == bool(paper["date"])
        keys.add(entry.key)
        assert 'data-copy="bibtex"' in source  # the copy button
    assert len(keys) == len(seed_data["papers"])


def test_bib_files_per_theme_and_for_the_survey(built_site, seed_data):
    site = built_site["site"]
    survey = parse((site / "cite" / "survey.bib").read_text(encoding="utf-8"))
    assert len(survey) == len(seed_data["papers"]) == len({e.key for e in survey})
    for theme in seed_data["themes"]:
        entries = parse((site / "cite" / "themes" / f"{theme['id']}.bib").read_text("utf-8"))
        assert len(entries) == len(theme["papers"]), theme["id"]
        assert f'href="../../cite/themes/{theme["id"]}.bib"' in page(site, theme["url"])
    assert 'href="cite/survey.bib"' in page(site, "")


def test_paper_pages_carry_citation_tags(built_site, seed_data):
    for paper in seed_data["papers"]:
        tags = Tags(page(built_site["site"], paper["url"]))
        titles = tags.all("meta", name="citation_title")
        assert [t["content"] for t in titles] == [" ".join(paper["title"].split())], paper["id"]
        authors = [t["content"] for t in tags.all("meta", name="citation_author")]
        assert authors == paper["author_names"]
        dates = tags.all("meta", name="citation_publication_date")
        assert len(dates) == bool(paper["date"])


# -- a built site whose metadata knows the paper ----------------------------------------

SMALL = Path(__file__).parent / "fixtures" / "small"
ROOT = Path(__file__).resolve().parent.parent
RECORD = """- title: "Grokking Beyond Overfitting"
  arxiv: "2401.00001"
  doi: 10.1000/xyz
  authors: [Ada Lovelace, Charles Babbage]
  date: 2024-01-02
  venue: ICLR 2024
  code: https://github.com/x/y
  project: https://x.github.io/
  source: arxiv
  url: https://arxiv.org/abs/2401.00001
"""


@pytest.fixture(scope="module")
def known_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("known")
    shutil.copytree(SMALL, project / "content")
    (project / "content" / "metadata.yml").write_text(RECORD, encoding="utf-8")
    shutil.copy(ROOT / "tests" / "seed" / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    (project / "generated").mkdir()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=project, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return project / "site"


def test_built_paper_page_links_the_paper_and_carries_its_citation(known_site):
    source = page(known_site, "papers/grokking-beyond-overfitting")
    links = [a["href"] for a in Tags(source).all("a")]
    for url in ("https://arxiv.org/abs/2401.00001", "https://arxiv.org/pdf/2401.00001",
                "https://doi.org/10.1000/xyz", "https://github.com/x/y", "https://x.github.io/"):
        assert url in links, url
    assert links.index("https://arxiv.org/abs/2401.00001") < next(
        i for i, h in enumerate(links) if h.startswith("https://arxiv.org/search/"))
    tags = Tags(source)
    meta = {m["name"]: m["content"] for m in tags.all("meta")
            if m.get("name", "").startswith("citation_")}
    assert meta["citation_title"] == "Grokking Beyond Overfitting"
    assert meta["citation_arxiv_id"] == "2401.00001"
    assert meta["citation_pdf_url"] == "https://arxiv.org/pdf/2401.00001"
    assert meta["citation_publication_date"] == "2024/01/02"
    assert [m["content"] for m in tags.all("meta", name="citation_author")] == [
        "Ada Lovelace", "Charles Babbage"]
    [entry] = parse(html.unescape(re.search(r'<pre class="bibtex"><code>(.*?)</code>', source,
                                            re.S).group(1)))
    fields = {f.key: f.value for f in entry.fields}
    assert entry.key == "lovelace2024grokking"
    assert fields["author"] == "Ada Lovelace and Charles Babbage"
    assert (fields["eprint"], fields["year"]) == ("2401.00001", "2024")
