"""content/metadata.yml: each invalid case's exact message, the record winning over
the listings, papers joined by arXiv id, summaries checked against records, papers.json."""
import datetime
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import metadata
from generator.build import read_corpus
from generator.merge import merge_listings
from generator.metadata import arxiv_id, read_records
from generator.model import Entry, Listing, SourceLine
from generator.render import render
from generator.yamlfile import load_yaml

SMALL = Path(__file__).parent / "fixtures" / "small"
GROK = "Grokking Beyond Overfitting"
SOURCE = "  source: arxiv\n  url: https://arxiv.org/abs/2401.00001\n"


@pytest.fixture(scope="module")
def papers():
    return list(read_corpus(SMALL).papers)


def check(papers, text, path="metadata.yml"):
    records, problems = read_records(load_yaml(text, path), path, papers)
    return records, [str(p) for p in problems]


def record(fields: str, title: str = GROK, source: str = SOURCE) -> str:
    return f'- title: "{title}"\n{fields}{source}'


def test_a_valid_record(papers):
    records, problems = check(papers, record(
        '  arxiv: "2401.00001v2"\n  doi: 10.1000/xyz\n'
        '  authors: [Ada Lovelace, "Charles  Babbage"]\n'
        "  date: 2024-01-02\n  venue: ICLR  2024\n  code: https://github.com/x/y\n"
        "  project: https://x.github.io/\n",
        source=SOURCE + "  also: [https://huggingface.co/papers/2401.00001]\n"
        "  retrieved: 2026-11-23\n"))
    assert problems == []
    (r,) = records
    got = (r.title, r.line, r.arxiv, r.doi, r.author_names, r.date, r.venue, r.code, r.project)
    assert got == (
        GROK, 1, "2401.00001", "10.1000/xyz", ("Ada Lovelace", "Charles Babbage"),
        datetime.date(2024, 1, 2), "ICLR 2024", "https://github.com/x/y", "https://x.github.io/")
    assert r.source == metadata.MetadataSource("arxiv", "https://arxiv.org/abs/2401.00001",
                                               datetime.date(2026, 11, 23),
                                               ("https://huggingface.co/papers/2401.00001",))


FIELDS = "title, arxiv, doi, authors, date, venue, code, project, source, url, also, retrieved"


@pytest.mark.parametrize("text, expected", [
    (record("", title="Grokking Beyond Overfit"),
     "metadata.yml:1: no paper with the title 'Grokking Beyond Overfit'; did you mean: "
     "'Grokking Beyond Overfitting'"),
    (record("  arxiv: 2310.19470\n"),
     "metadata.yml:2: put the arXiv id in quotes (arxiv: \"2310.19470\"): unquoted, YAML reads it "
     "as the number 2310.1947; ignored"),
    (record("  arxiv: 2310.1947\n"),  # a number, but not an id even in quotes
     "metadata.yml:2: malformed arXiv id '2310.1947': an arXiv id looks like \"2310.19470\" "
     "(or \"cs/0601001\" before April 2007); ignored"),
    (record('  arxiv: "2310.1947"\n'),
     "metadata.yml:2: malformed arXiv id '2310.1947': an arXiv id looks like \"2310.19470\" "
     "(or \"cs/0601001\" before April 2007); ignored"),
    (record('  arxiv: "arXiv:2310.19470v2"\n'),
     "metadata.yml:2: malformed arXiv id 'arXiv:2310.19470v2': write it as \"2310.19470\"; "
     "ignored"),
    (record('  arxiv: "https://arxiv.org/abs/cs/0601001"\n'),
     "metadata.yml:2: malformed arXiv id 'https://arxiv.org/abs/cs/0601001': write it as "
     "\"cs/0601001\"; ignored"),
    (record("  date: 2024-02-30\n"),
     "metadata.yml:2: impossible date '2024-02-30': no such day in the calendar; ignored"),
    (record("  date: 2024-13-01\n"),
     "metadata.yml:2: impossible date '2024-13-01': no such day in the calendar; ignored"),
    (record("  date: 2027-01-01\n", source=SOURCE + "  retrieved: 2026-11-23\n"),
     "metadata.yml:2: impossible date 2027-01-01: after the day the record was retrieved "
     "(2026-11-23); ignored"),
    (record("  date: May 30\n"),
     "metadata.yml:2: 'date' must be a date written YYYY-MM-DD (date: 2024-05-30), not 'May 30'; "
     "ignored"),
    (record("  date: 1066-10-14\n"),
     "metadata.yml:2: impossible date 1066-10-14: the year is too early; ignored"),
    (record("  date: 2024-05-30 10:00:00\n"),
     "metadata.yml:2: 'date' takes a day, not a time: write date: 2024-05-30; ignored"),
    (record("  date: 2024-01-02\n  date: 2024-01-03\n"),
     "metadata.yml:3: key 'date' is given twice (also at line 2); only this one is used: "
     "remove one"),
    (record("  autors: [Ada Lovelace]\n"),
     f"metadata.yml:2: unknown key 'autors'; did you mean 'authors'? (the keys are: {FIELDS})"),
    (record("  authors: Ada Lovelace\n"),
     "metadata.yml:2: 'authors' must be a list of names, in the paper's order "
     "(authors: [\"Ada Lovelace\", \"Charles Babbage\"]); ignored"),
    (record("  doi: https://doi.org/10.1000/xyz\n"),
     "metadata.yml:2: malformed DOI 'https://doi.org/10.1000/xyz': write it as \"10.1000/xyz\"; "
     "ignored"),
    (record("  code: javascript:alert(1)\n"),
     "metadata.yml:2: 'code' must be an http(s) URL, not 'javascript:alert(1)'; ignored"),
    (record("", source="  url: https://arxiv.org/abs/2401.00001\n"),
     "metadata.yml:1: a record needs its 'source': where its facts were read (a service such as "
     "'arxiv' or 'openalex', or 'manual', and the page's URL); record ignored"),
    (record("", source="  source: manual\n"),
     "metadata.yml:1: a record needs its 'url': where its facts were read (a service such as "
     "'arxiv' or 'openalex', or 'manual', and the page's URL); record ignored"),
    (record("", source="  source: manual\n  url: ftp://example.org/x\n"),
     "metadata.yml:3: 'url' must be the http(s) address the record was read from, not "
     "'ftp://example.org/x'"),
    ('- arxiv: "2401.00001"\n' + SOURCE,
     "metadata.yml:1: a record needs the paper's 'title', exactly as the listings give it; "
     "record ignored"),
    (record("") + record("", title="grokking beyond  overfitting"),
     "metadata.yml:4: a second record for 'Grokking Beyond Overfitting' (the first is at line 1); "
     "merge the two into one; this one is ignored"),
    (record("", title="Sparse Model Soups") + record(""),
     "metadata.yml:4: warning: records are kept sorted by title: 'Grokking Beyond Overfitting' "
     "belongs before 'Sparse Model Soups' (line 1); move it up"),
    ("title: x\n",
     "metadata.yml:1: expected a list of records, each starting '- title: \"...\"'; file ignored"),
    (record("") + "- just text\n",
     "metadata.yml:4: 'just text' is not a record: a record is a mapping that starts "
     "'- title: \"...\"'; ignored"),
])
def test_invalid_records(papers, text, expected):
    _, problems = check(papers, text)
    assert problems == [expected]


def test_a_bad_field_costs_only_itself(papers):
    records, problems = check(papers, record('  arxiv: "2401.00001"\n  date: 2024-02-30\n'))
    assert len(problems) == 1
    assert records[0].arxiv == "2401.00001" and records[0].date is None


@pytest.mark.parametrize("text, expected", [
    ("2310.19470", "2310.19470"), ("2310.19470v12", "2310.19470"), ("0704.0001", "0704.0001"),
    ("1412.9999", "1412.9999"), ("1501.00001", "1501.00001"), ("cs/0601001", "cs/0601001"),
    ("cs/0601001v1", "cs/0601001"), ("math.GT/0309136", "math.GT/0309136"),
    ("hep-th/9901001", "hep-th/9901001"),
    ("2310.1947", None), ("1412.12345", None), ("1501.0001", None), ("0703.0001", None),
    ("2313.19470", None), ("cs/0613001", None), ("cs/0704001", None), ("CS/0601001", None),
    ("2310.19470v", None), ("arXiv:2310.19470", None), ("", None), ("2310-19470", None),
])
def test_arxiv_ids(text, expected):
    assert arxiv_id(text) == expected


# The records applied to a corpus ---------------------------------------------

def content_with(tmp_path, text: str, summary: str | None = None) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / "metadata.yml").write_text(text, encoding="utf-8")
    if summary:
        (content / "summaries").mkdir()
        (content / "summaries" / "grokking-beyond-overfitting.md").write_text(summary)
    return content


def test_the_record_wins_over_the_listings_and_the_difference_is_noted_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = content_with(tmp_path, record(
        '  arxiv: "2403.00001"\n  authors: [Ada Lovelace, Charles Babbage, Alan Turing]\n'
        "  date: 2024-03-02\n"))
    corpus = read_corpus(content)
    paper = next(p for p in corpus.papers if p.title == GROK)
    assert (paper.date, paper.author_names, paper.author_count, paper.arxiv) == (
        datetime.date(2024, 3, 2), ("Ada Lovelace", "Charles Babbage", "Alan Turing"), 2,
        "2403.00001")
    assert paper.metadata.service == "arxiv" and corpus.metadata[paper.id].line == 1
    # Nothing to fix (the listings stay as they were copied): not a problem a strict build fails on.
    assert corpus.problems == ()
    assert metadata.notes(corpus, "content/metadata.yml") == [
        "content/metadata.yml:1: note: 'Grokking Beyond Overfitting': the listings date it "
        "2024-03-03, this record 2024-03-02; the record's date is used",
        "content/metadata.yml:1: note: 'Grokking Beyond Overfitting': the listings count 2 "
        "authors, this record names 3; the record's names are used"]
    run = subprocess.run([sys.executable, "-m", "generator", "check", "--content", "content"],
                         capture_output=True, text=True)
    assert run.returncode == 0 and run.stderr == ""
    notes = metadata.notes(corpus, "content/metadata.yml")
    lines = run.stdout.splitlines()
    assert notes[0] in lines and lines[lines.index(notes[0]):][:2] == notes


def test_a_file_that_is_not_yaml_costs_only_the_metadata(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = read_corpus(content_with(tmp_path, '- title: "x\n'))
    assert len(corpus.papers) == 4 and not corpus.metadata
    (problem,) = corpus.problems
    assert str(problem).startswith("content/metadata.yml:2: not valid YAML: ")
    assert str(problem).endswith("; no metadata record was used")


def entry(title, listing="a.txt", line=1, **kw):
    return Entry(SourceLine(listing, line), title, kw.pop("abstract", "An abstract."), **kw)


RENAMED = [entry("Old Name of a Paper", "a.txt", 3, upvotes=4, abstract="Short."),
           entry("Another Paper", "a.txt", 9),
           entry("New Name of the Paper", "b.txt", 5, upvotes=9, abstract="A longer abstract.",
                 date=datetime.date(2024, 1, 3))]


def merged():
    listings = [Listing(name[0], name, name, 2024, None,
                        tuple(e for e in RENAMED if e.source.listing == name))
                for name in ("a.txt", "b.txt")]
    return merge_listings(listings, {"a.txt": "a.txt", "b.txt": "b.txt"})[:2]


def records_for(*pairs) -> str:
    return "".join(f'- title: "{t}"\n  arxiv: "{a}"\n{SOURCE}' for t, a in pairs)


def test_one_arxiv_id_makes_one_paper_whatever_the_titles():
    listings, papers = merged()
    data = load_yaml(records_for(("New Name of the Paper", "2401.00001"),
                                 ("Old Name of a Paper", "2401.00001")), "m.yml")
    known = metadata.curate(data, "m.yml", listings, papers)
    joined, by_id, problems = known.papers, known.records, known.problems
    assert problems == [] and [p.title for p in joined] == ["Old Name of a Paper", "Another Paper"]
    # Every entry shows the paper it is now part of.
    assert [e.paper_id for l in known.listings for e in l.entries] == [
        "old-name-of-a-paper", "another-paper", "old-name-of-a-paper"]
    paper = joined[0]
    assert paper.sources == (SourceLine("a.txt", 3), SourceLine("b.txt", 5))
    assert (paper.abstract, paper.upvotes, paper.date, paper.arxiv) == (
        "A longer abstract.", 9, datetime.date(2024, 1, 3), "2401.00001")
    assert by_id[paper.id].title == "Old Name of a Paper"  # the kept paper's own record


def test_different_arxiv_ids_never_join():
    listings, papers = merged()
    data = load_yaml(records_for(("New Name of the Paper", "2401.00002"),
                                 ("Old Name of a Paper", "2401.00001")), "m.yml")
    known = metadata.curate(data, "m.yml", listings, papers)
    assert [p.arxiv for p in known.papers] == ["2401.00001", None, "2401.00002"]
    assert known.listings == listings


def test_joined_records_that_disagree_are_reported():
    listings, papers = merged()
    text = (records_for(("New Name of the Paper", "2401.00001")) + "  date: 2024-01-03\n"
            + records_for(("Old Name of a Paper", "2401.00001")) + "  date: 2024-01-02\n")
    known = metadata.curate(load_yaml(text, "m.yml"), "m.yml", listings, papers)
    by_id, problems = known.records, known.problems
    assert [str(p) for p in problems] == [
        "m.yml:1: warning: 'New Name of the Paper' has the arXiv id 2401.00001 of 'Old Name of a "
        "Paper' (line 6), so the two are one paper, but the records differ on date; the record at "
        "line 6 is used"]
    assert list(by_id.values())[0].date == datetime.date(2024, 1, 2)


def test_a_joined_paper_renders_with_its_entries_under_both_titles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = content_with(tmp_path, records_for(("Domain Generalization with Style Mixing",
                                                  "2401.00001"), (GROK, "2401.00001")))
    corpus = read_corpus(content)
    assert corpus.problems == ()
    assert [p.title for p in corpus.papers] == [GROK, "A Survey of Protein Folding",
                                                "Sparse Model Soups"]
    files = render(corpus)
    assert "Domain Generalization with Style Mixing" in files["listings/a.md"]
    assert "papers/domain-generalization" not in files["listings/a.md"]


def test_papers_json_carries_the_record(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = content_with(tmp_path, record(
        '  arxiv: "2403.00001"\n  doi: 10.1000/xyz\n  authors: [Ada Lovelace, Charles Babbage]\n'
        "  venue: ICLR 2024\n  code: https://github.com/x/y\n"))
    data = json.loads(render(read_corpus(content))["data/papers.json"])
    paper = next(p for p in data["papers"] if p["title"] == GROK)
    assert {k: paper[k] for k in ("arxiv", "doi", "author_names", "venue", "code", "metadata")} == {
        "arxiv": "2403.00001", "doi": "10.1000/xyz",
        "author_names": ["Ada Lovelace", "Charles Babbage"],
        "venue": "ICLR 2024", "code": "https://github.com/x/y",
        "metadata": {"source": "arxiv", "url": "https://arxiv.org/abs/2401.00001"}}
    other = next(p for p in data["papers"] if p["title"] != GROK)
    assert (other["arxiv"], other["author_names"], other["metadata"]) == (None, [], None)


SUMMARY = ("---\npaper: grokking-beyond-overfitting\ncontributors: [Ada]\n{fields}---\n"
           "A short summary. It has two sentences.\n")


def test_a_summary_that_contradicts_the_record_is_an_error_naming_both(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = content_with(
        tmp_path, record('  arxiv: "2403.00001"\n  authors: [Ada Lovelace, Charles Babbage]\n'),
        SUMMARY.format(fields='arxiv: "2403.00002"\nauthors: [Ada Lovelace, Charles Babbage]\n'
                              "venue: NeurIPS 2024\n"))
    corpus = read_corpus(content)
    assert [str(p) for p in corpus.problems] == [
        "content/summaries/grokking-beyond-overfitting.md:4: 'arxiv' here (2403.00002) disagrees "
        "with the paper's metadata record at content/metadata.yml:1 (2403.00001); the metadata "
        "file is the source of truth: remove 'arxiv' here, or correct the record"]
    paper = next(p for p in corpus.papers if p.title == GROK)
    assert "grokking-beyond-overfitting" in corpus.summaries  # the summary stays
    # The record wins; the summary fills in what the record lacks.
    assert (paper.arxiv, paper.venue) == ("2403.00001", "NeurIPS 2024")


def test_a_summary_gives_the_facts_of_a_paper_without_a_record(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = content_with(tmp_path, "", SUMMARY.format(fields='arxiv: "2403.00002v3"\n'
                                                                "authors: [Ada Lovelace]\n"))
    corpus = read_corpus(content)
    paper = next(p for p in corpus.papers if p.title == GROK)
    assert corpus.problems == () and (paper.arxiv, paper.author_names, paper.metadata) == (
        "2403.00002", ("Ada Lovelace",), None)


def test_survey_check_reports_the_coverage(tmp_path):
    content = content_with(tmp_path, record('  arxiv: "2403.00001"\n  authors: [Ada Lovelace, '
                                            'Charles Babbage]\n  date: 2024-03-03\n'))
    run = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(content)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert ("metadata: 1 of 4 papers have a record; 1 with an arXiv id (25.0%), 1 with author "
            "names (25.0%), 1 dated (25.0%), 0 with a venue (0.0%)") in run.stdout.splitlines()


def test_a_record_is_data_shown_as_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hostile = "<script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1))"
    content = content_with(tmp_path, record(f'  authors: ["{hostile}"]\n  venue: "{hostile}"\n'))
    files = render(read_corpus(content))
    paper = next(p for p in json.loads(files["data/papers.json"])["papers"] if p["title"] == GROK)
    assert paper["venue"] == hostile and paper["author_names"] == [hostile]
    for name, text in files.items():
        # JSON and BibTeX files are data files, not pages: they hold the text as it is.
        if isinstance(text, str) and not name.endswith((".json", ".bib")):
            if name.endswith(".md"):
                # A page's front matter is YAML data: its citation tags hold the text as it
                # is, and overrides/main.html escapes them (tests/test_data_is_text.py).
                _, front, text = text.split("---\n", 2)
                citation = yaml.safe_load(front).get("citation") or {}
                assert citation.get("authors", [hostile]) == [hostile], name
                assert citation.get("journal_title", hostile) == hostile, name
            assert "<script>alert" not in text and "{{ 7*7 }}" not in text, name
