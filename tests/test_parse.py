"""Golden tests of the listing reader: one YAML file per case in golden/parse/,
holding the input, the expected entries and the expected messages."""
import datetime
from pathlib import Path

import pytest
import yaml

from generator.parse import decode, parse_listing

CASES = sorted((Path(__file__).parent / "golden" / "parse").glob("*.yml"))


def as_record(entry):
    return {
        "line": entry.source.line, "title": entry.title, "abstract": entry.abstract,
        "authors": entry.author_count, "organization": entry.organization,
        "date": entry.date, "upvotes": entry.upvotes,
    }


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case):
    spec = yaml.safe_load(case.read_text())
    parsed = parse_listing(spec["input"], "listing.txt", spec["year"])
    assert [as_record(e) for e in parsed.entries] == spec["entries"]
    assert [str(p) for p in parsed.problems] == spec["problems"]
    assert parsed.date == spec["listing_date"]
    assert all(e.source.listing == "listing.txt" for e in parsed.entries)


def test_seed_listings_read_without_problems():
    from generator.build import read_corpus
    corpus = read_corpus(Path(__file__).parent / "seed" / "content")
    assert [p for p in corpus.problems] == []
    assert {l.file: len(l.entries) for l in corpus.listings} == {
        "000_efa8ebba231a56d6.txt": 46, "001_013222afc1971526.txt": 101,
        "002_258fd02481b342fc.txt": 235, "003_a8658686f0e6234f.txt": 46,
        "004_7ba648cf8c4f5973.txt": 56}
    dates = {l.file: l.date for l in corpus.listings}
    assert dates["000_efa8ebba231a56d6.txt"] == datetime.date(2025, 12, 12)
    assert dates["004_7ba648cf8c4f5973.txt"] == datetime.date(2025, 9, 18)
    # No page chrome survives as a paper.
    titles = {e.title.lower() for l in corpus.listings for e in l.entries}
    assert not titles & {"new", "subscribe", "daily papers", "get trending papers in your email inbox!"}


def test_decode_byte_order_mark_and_windows_line_endings():
    text, problems = decode("\ufeffTitle\r\nAbstract\r\n".encode("utf-8"), "x.txt")
    assert text == "Title\nAbstract\n"
    assert problems == []


def test_decode_windows_1252_is_read_with_a_warning():
    text, problems = decode("Caf\u00e9 title\nAbstract \u2013 dash\n".encode("cp1252"), "x.txt")
    assert text == "Caf\u00e9 title\nAbstract \u2013 dash\n"
    assert [str(p) for p in problems] == [
        "x.txt:1: warning: file is not UTF-8 (first bad byte 0xe9); read as Windows-1252"]
