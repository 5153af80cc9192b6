"""Golden tests of the listing reader: one YAML file per case in golden/parse/,
holding the input, the expected entries and the expected messages."""
import datetime
import re
from pathlib import Path

import pytest
import yaml

from generator.parse import decode, parse_listing

CASES = sorted((Path(__file__).parent / "golden" / "parse").glob("*.yml"))
OUTPUT = "\nlisting_date:"  # a golden file's expected output starts here


def as_record(entry):
    return {
        "line": entry.source.line, "title": entry.title, "abstract": entry.abstract,
        "authors": entry.author_count, "organization": entry.organization,
        "date": entry.date, "upvotes": entry.upvotes, "names": list(entry.author_names),
    }


def read_golden(case: Path):
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    parsed = parse_listing(spec["input"], "listing.txt", spec["year"])
    output = {"listing_date": parsed.date, "entries": [as_record(e) for e in parsed.entries],
              "problems": [str(p) for p in parsed.problems]}
    return spec, parsed, output


def write_golden(case: Path, output: dict) -> None:
    """Keep the file's comments and input; write what the reader gives now."""
    text = case.read_text(encoding="utf-8")
    head = text[: text.index(OUTPUT) + 1] if OUTPUT in text else text.rstrip("\n") + "\n"
    body = yaml.safe_dump(output, sort_keys=False, allow_unicode=True, width=100)
    case.write_text(head + body, encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case, update_goldens):
    """Each golden file holds a listing's text, and the entries and messages
    the reader gives for it; `pytest --update-goldens` rewrites the latter."""
    spec, parsed, output = read_golden(case)
    if update_goldens:
        write_golden(case, output)
        return
    assert output["entries"] == spec["entries"]
    assert output["problems"] == spec["problems"]
    assert output["listing_date"] == spec["listing_date"]
    assert all(e.source.listing == "listing.txt" for e in parsed.entries)
    # No furniture of the newer layouts is ever a paper.
    furniture = re.compile(r"^(Submitted by|Upvote|Published on|GitHub|\d+ comments)", re.I)
    assert not [e.title for e in parsed.entries if furniture.match(e.title)]


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
    assert not titles & {"new", "subscribe", "daily papers",
                         "get trending papers in your email inbox!"}


def test_decode_byte_order_mark_and_windows_line_endings():
    text, problems = decode("\ufeffTitle\r\nAbstract\r\n".encode("utf-8"), "x.txt")
    assert text == "Title\nAbstract\n"
    assert problems == []


def test_decode_windows_1252_is_read_with_a_warning():
    text, problems = decode("Caf\u00e9 title\nAbstract \u2013 dash\n".encode("cp1252"), "x.txt")
    assert text == "Caf\u00e9 title\nAbstract \u2013 dash\n"
    assert [str(p) for p in problems] == [
        "x.txt:1: warning: file is not UTF-8 (first bad byte 0xe9); read as Windows-1252"]
