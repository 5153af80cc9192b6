"""Bibliographic facts from ``content/metadata.yml``: read, checked, applied.

The file is a YAML list of records, one per paper, sorted by title::

    - title: "Grokfast: Accelerated Grokking by Amplifying Slow Gradients"
      arxiv: "2405.20233"
      authors: ["Jaerin Lee", "Bong Gyun Kang", "Kihoon Kim", "Kyoung Mu Lee"]
      date: 2024-05-30
      source: huggingface
      url: https://huggingface.co/papers/2405.20233
      retrieved: 2026-11-23

A record names its paper by title (compared as merging compares titles) and
says where its facts were read: a service (or "manual"), a URL, a day. The
record wins over the listings; where they disagree `survey check` says so
once, as a note. An arXiv id is an identity: papers whose records give the same id are
one paper. Everything here is pure: the caller reads the file.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .errors import WARNING, Problem
from .merge import find_paper, title_key
from .model import Corpus, Listing, Metadata, MetadataSource, Paper, Summary
from .schema import suggestion

FACTS = ("arxiv", "doi", "authors", "date", "venue", "code", "project")
FIELDS = ("title", *FACTS, "source", "url", "also", "retrieved")
REQUIRED = ("title", "source", "url")
URL_FIELDS = ("url", "code", "project")

_VERSION = re.compile(r"v\d+$")
_NEW_ID = re.compile(r"(\d\d)(\d\d)\.(\d{4,5})")  # 2310.19470: year, month, number
_OLD_ID = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z][A-Za-z]?)?/(\d\d)(\d\d)\d{3}")  # cs/0601001
_ID_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def arxiv_id(text: str) -> str | None:
    """The arXiv id without its version, or None when ``text`` is not one.

    New ids (April 2007 on) are YYMM.NNNN, five digits from 2015; old ones
    are archive/YYMMNNN from 1991 to March 2007."""
    bare = _VERSION.sub("", text.strip())
    if match := _NEW_ID.fullmatch(bare):
        year, month = int(match[1]), int(match[2])
        digits = 4 if (year, month) < (15, 1) else 5
        ok = 1 <= month <= 12 and (year, month) >= (7, 4) and len(match[3]) == digits
        return bare if ok else None
    if match := _OLD_ID.fullmatch(bare):
        year, month = int(match[1]), int(match[2])
        ok = 1 <= month <= 12 and (year >= 91 or (year, month) <= (7, 3))
        return bare if ok else None
    return None


@dataclass
class _Record:
    """A record while it is checked: its line, and a way to report at a field's line."""

    data: Mapping
    path: str
    problems: list[Problem]

    @property
    def line(self) -> int:
        return getattr(self.data, "line", 0) or 0

    def at(self, key: str) -> int:
        return getattr(self.data, "key_lines", {}).get(key, self.line)

    def written(self, key: str) -> str:
        return getattr(self.data, "written", {}).get(key, str(self.data.get(key)))

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.at(key), message))


def read_records(data, path: str, papers: Sequence[Paper]) -> tuple[list[Metadata], list[Problem]]:
    """The valid records in the parsed file, each naming a known paper once;
    and the problems, each at its line. A bad field costs only itself; a
    record without a paper or a source is left out."""
    problems: list[Problem] = []
    if data is None:
        return [], problems
    if not isinstance(data, list):
        return [], [Problem(path, 1, "expected a list of records, each starting "
                            "'- title: \"...\"'; file ignored")]
    records: list[Metadata] = []
    lines = getattr(data, "item_lines", [None] * len(data))
    for item, line in zip(data, lines, strict=True):
        if not isinstance(item, dict):
            _not_a_record(item, path, line, problems)
        elif record := _read_record(_Record(item, path, problems), papers):
            records.append(record)
    problems += _unsorted(records, path)
    return _unique(records, path, problems), problems


def _not_a_record(item, path: str, line: int | None, problems: list[Problem]) -> None:
    problems.append(Problem(path, line, f"{_short(item)} is not a record: a record is a "
                            "mapping that starts '- title: \"...\"'; ignored"))


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _read_record(record: _Record, papers: Sequence[Paper]) -> Metadata | None:
    record.problems += [Problem(record.path, line, message)
                        for line, message in getattr(record.data, "duplicates", ())]
    _unknown_fields(record)
    for key in REQUIRED:
        if record.data.get(key) in (None, ""):
            record.problems.append(Problem(record.path, record.line, _missing(key)))
    paper = _paper(record, papers)
    source = _source(record)
    facts: dict[str, Any] = {key: _FACT_READERS[key](record, key) for key in FACTS
                             if key in record.data}
    if "date" in facts:
        facts["date"] = _not_after_retrieved(record, facts["date"], source)
    if paper is None or source is None:
        return None
    names = facts.pop("authors", None) or ()
    facts = {k: v for k, v in facts.items() if v is not None}
    return Metadata(title=paper.title, line=record.line, source=source, author_names=names, **facts)


def _missing(key: str) -> str:
    if key == "title":
        return "a record needs the paper's 'title', exactly as the listings give it; record ignored"
    return (f"a record needs its '{key}': where its facts were read (a service such as "
            "'arxiv' or 'openalex', or 'manual', and the page's URL); record ignored")


def _unknown_fields(record: _Record) -> None:
    for key in record.data:
        if key in FIELDS:
            continue
        # Worded as every content file's schema words it (schema.py).
        record.bad(key, f"unknown key {key!r}{suggestion(key, FIELDS)} "
                        f"(the keys are: {', '.join(FIELDS)})")


def _paper(record: _Record, papers: Sequence[Paper]) -> Paper | None:
    title = record.data.get("title")
    if title is None or title == "":
        return None
    if not isinstance(title, str):
        record.bad("title", "'title' must be text: put it in double quotes "
                            f"(title: \"{record.written('title')}\")")
        return None
    key = title_key(title)
    found = next((p for p in papers if p.key == key), None)
    if found is None:
        _, close = find_paper(papers, title)
        hint = ("; did you mean: " + "; ".join(repr(t) for t in close)) if close else ""
        record.bad("title", f"no paper with the title {title!r}{hint}")
    return found


def _source(record: _Record) -> MetadataSource | None:
    service, url = record.data.get("source"), record.data.get("url")
    if service not in (None, "") and not isinstance(service, str):
        record.bad("source", "'source' must be text: the service's short name, or 'manual'")
    if url not in (None, "") and not _web_link(url):
        record.bad("url", "'url' must be the http(s) address the record was read from, "
                          f"not {_short(url)}")
    also = _links(record, "also")
    retrieved = _date(record, "retrieved") if "retrieved" in record.data else None
    if not (isinstance(service, str) and service and _web_link(url)):
        return None
    return MetadataSource(service=service.strip(), url=str(url).strip(), retrieved=retrieved,
                          also=also)


def _web_link(value) -> bool:
    from .summaries import is_web_link  # summaries imports this module
    return isinstance(value, str) and is_web_link(value.strip())


def _text(record: _Record, key: str) -> str | None:
    value = record.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        record.bad(key, f"'{key}' must be text; ignored")
        return None
    return " ".join(value.split())


def _url(record: _Record, key: str) -> str | None:
    value = record.data.get(key)
    if value is None:
        return None
    if not _web_link(value):
        record.bad(key, f"'{key}' must be an http(s) URL, not {_short(value)}; ignored")
        return None
    return value.strip()


def _links(record: _Record, key: str) -> tuple[str, ...]:
    value = record.data.get(key)
    if value is None:
        return ()
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(_web_link(v) for v in value):
        record.bad(key, f"'{key}' must be a list of http(s) URLs ({key}: [https://..., ...]); "
                        "ignored")
        return ()
    return tuple(v.strip() for v in value)


def _names(record: _Record, key: str) -> tuple[str, ...] | None:
    value = record.data.get(key)
    if not isinstance(value, list) or not value or \
            not all(isinstance(v, str) and v.strip() for v in value):
        record.bad(key, f"'{key}' must be a list of names, in the paper's order "
                        f"({key}: [\"Ada Lovelace\", \"Charles Babbage\"]); ignored")
        return None
    return tuple(" ".join(v.split()) for v in value)


def _arxiv(record: _Record, key: str) -> str | None:
    value, written = record.data.get(key), record.written(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and arxiv_id(written):
        record.bad(key, f"put the arXiv id in quotes ({key}: \"{written}\"): unquoted, YAML "
                        f"reads it as the number {value!r}; ignored")
        return None
    if not isinstance(value, str) or arxiv_id(value) is None:
        record.bad(key, malformed_arxiv(value if isinstance(value, str) else written) + "; ignored")
        return None
    return arxiv_id(value)


def malformed_arxiv(value) -> str:
    text = value if isinstance(value, str) else str(value)
    bare = arxiv_id(_ID_PREFIX.sub("", text.strip()))
    hint = f"write it as \"{bare}\"" if bare else \
        "an arXiv id looks like \"2310.19470\" (or \"cs/0601001\" before April 2007)"
    return f"malformed arXiv id {_short(value)}: {hint}"


def _doi(record: _Record, key: str) -> str | None:
    value = record.data.get(key)
    text = value.strip() if isinstance(value, str) else ""
    if _DOI.fullmatch(text):
        return text
    bare = _DOI_PREFIX.sub("", text)
    hint = (f"write it as \"{bare}\"" if _DOI.fullmatch(bare)
            else "a DOI looks like \"10.1000/xyz123\"")
    record.bad(key, f"malformed DOI {_short(value)}: {hint}; ignored")
    return None


def _date(record: _Record, key: str) -> datetime.date | None:
    value = record.data.get(key)
    if isinstance(value, datetime.datetime):
        record.bad(key, f"'{key}' takes a day, not a time: write {key}: "
                        f"{value.date().isoformat()}; ignored")
        return None
    if isinstance(value, datetime.date):
        if value.year < 1900:
            record.bad(key, f"impossible date {value.isoformat()}: the year is too early; ignored")
            return None
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        record.bad(key, f"impossible date {value.strip()!r}: no such day in the calendar; ignored")
    else:
        record.bad(key, f"'{key}' must be a date written YYYY-MM-DD ({key}: 2024-05-30), "
                        f"not {_short(value)}; ignored")
    return None


def _not_after_retrieved(record: _Record, date, source: MetadataSource | None):
    retrieved = source.retrieved if source else None
    if date and retrieved and date > retrieved:
        record.bad("date", f"impossible date {date.isoformat()}: after the day the record was "
                           f"retrieved ({retrieved.isoformat()}); ignored")
        return None
    return date


_FACT_READERS = {"arxiv": _arxiv, "doi": _doi, "authors": _names, "date": _date,
                 "venue": _text, "code": _url, "project": _url}


def sort_key(title: str) -> tuple[str, str]:
    """The order of records in the file: by normalised title, then as written."""
    return title_key(title), title


def _unsorted(records: list[Metadata], path: str) -> list[Problem]:
    for before, after in zip(records, records[1:], strict=False):
        if sort_key(after.title) < sort_key(before.title):
            return [Problem(path, after.line, f"records are kept sorted by title: {after.title!r} "
                            f"belongs before {before.title!r} (line {before.line}); "
                            "move it up", WARNING)]
    return []


def _unique(records: list[Metadata], path: str, problems: list[Problem]) -> list[Metadata]:
    first: dict[str, Metadata] = {}
    for record in records:
        key = title_key(record.title)
        if key in first:
            problems.append(Problem(path, record.line, f"a second record for {record.title!r} "
                                    f"(the first is at line {first[key].line}); merge the two "
                                    "into one; this one is ignored"))
        else:
            first[key] = record
    return list(first.values())


# Papers that are one by their arXiv id --------------------------------------

def same_paper(papers: Sequence[Paper], records: Sequence[Metadata]
               ) -> tuple[list[Paper], dict[str, str]]:
    """Papers whose records give the same arXiv id joined into one (a paper
    renamed between versions): the first in the listings' order keeps its id
    and title. Different ids never join: titles alone merged the rest.
    Also returns, for each paper's title key, the id of the paper it now is."""
    by_key = {title_key(r.title): r for r in records}
    keepers: dict[str, Paper] = {}  # arXiv id -> the paper that keeps it
    joined: dict[str, Paper] = {}
    owner: dict[str, str] = {}
    for paper in papers:
        record = by_key.get(paper.key)
        keeper = keepers.setdefault(record.arxiv, paper) if record and record.arxiv else paper
        joined[keeper.id] = paper if keeper is paper else join(joined[keeper.id], paper)
        owner[paper.key] = keeper.id
    return list(joined.values()), owner


def join(first: Paper, other: Paper) -> Paper:
    """Two papers as one: ``first``'s id and title, both papers' entries."""
    votes = [v for v in (first.upvotes, other.upvotes) if v is not None]
    return replace(
        first, abstract=max(first.abstract, other.abstract, key=len),
        sources=first.sources + other.sources,
        author_count=first.author_count if first.author_count is not None else other.author_count,
        organization=first.organization or other.organization, date=first.date or other.date,
        upvotes=max(votes) if votes else None,
        links=tuple(dict.fromkeys(first.links + other.links)))


# Applying the records ---------------------------------------------------------

@dataclass(frozen=True)
class Curated:
    """The merged corpus with the metadata file applied."""

    listings: tuple[Listing, ...]  # each entry carrying the id of the paper it now shows
    papers: list[Paper]
    records: dict[str, Metadata]  # by paper id
    problems: list[Problem]


def curate(data, path: str, listings: Sequence[Listing], papers: Sequence[Paper]) -> Curated:
    """The papers with their records applied (joined by arXiv id first), the
    listings' entries pointing at the papers they now show, the records by
    paper id, and every problem found. ``data`` is the file's parsed YAML."""
    records, problems = read_records(data, path, papers)
    joined, owner = same_paper(papers, records)
    by_paper = _by_paper(records, owner, {p.key for p in joined}, path, problems)
    relabelled = tuple(replace(l, entries=tuple(replace(e, paper_id=owner[title_key(e.title)])
                                                for e in l.entries)) for l in listings)
    return Curated(relabelled, [apply(p, by_paper.get(p.id)) for p in joined], by_paper, problems)


def _by_paper(records: Sequence[Metadata], owner: Mapping[str, str], kept: set[str], path: str,
              problems: list[Problem]) -> dict[str, Metadata]:
    """Each paper's record: a paper joined from two keeps its own title's
    record, and the other's is reported if it says something else."""
    result: dict[str, Metadata] = {}
    for record in sorted(records, key=lambda r: title_key(r.title) not in kept):
        paper_id = owner[title_key(record.title)]
        if result.setdefault(paper_id, record) is not record:
            problems += _second_record(result[paper_id], record, path)
    return result


def _second_record(first: Metadata, other: Metadata, path: str) -> list[Problem]:
    differ = [k for k in ("doi", "author_names", "date", "venue", "code", "project")
              if getattr(other, k) and getattr(first, k) and getattr(other, k) != getattr(first, k)]
    if not differ:
        return []
    return [Problem(path, other.line, f"{other.title!r} has the arXiv id {other.arxiv} of "
                    f"{first.title!r} (line {first.line}), so the two are one paper, but the "
                    f"records differ on {', '.join(differ)}; the record at line {first.line} "
                    "is used", WARNING)]


def notes(corpus: Corpus, path: str) -> list[str]:
    """Where the listings and the records disagree on a paper's date or author
    count, one line each, as `survey check` prints them: the record wins.

    Not problems: the listings are kept as they were copied and the record is
    the better fact, so there is nothing to fix, and a strict build must not
    fail on them."""
    entries = {e.source: e for listing in corpus.listings for e in listing.entries}
    lines = []
    for paper in corpus.papers:
        record = corpus.metadata.get(paper.id)
        listed = [entries[s] for s in paper.sources if s in entries]
        if record and listed:
            lines += differences(_as_listed(paper, listed), record, path)
    return lines


def _as_listed(paper: Paper, listed: Sequence) -> Paper:
    """The paper with the date and author count its listings give (the first
    known, as merging keeps them)."""
    date = next((e.date for e in listed if e.date), None)
    count = next((e.author_count for e in listed if e.author_count is not None), None)
    return replace(paper, date=date, author_count=count)


def differences(paper: Paper, record: Metadata, path: str) -> list[str]:
    """Where the listings and the record disagree: the record wins, once said."""
    found = []
    if record.date and paper.date and record.date != paper.date:
        found.append(f"the listings date it {paper.date.isoformat()}, this record "
                     f"{record.date.isoformat()}; the record's date is used")
    names = len(record.author_names)
    if names and paper.author_count and names != paper.author_count:
        found.append(f"the listings count {paper.author_count} authors, this record names "
                     f"{names}; the record's names are used")
    return [f"{path}:{record.line}: note: {record.title!r}: {text}" for text in found]


def apply(paper: Paper, record: Metadata | None) -> Paper:
    if record is None:
        return paper
    return replace(paper, arxiv=record.arxiv, doi=record.doi,
                   author_names=record.author_names or paper.author_names,
                   date=record.date or paper.date, venue=record.venue, code=record.code,
                   project=record.project, metadata=record.source)


# Summaries and records --------------------------------------------------------

def summary_conflicts(summary: Summary, record: Metadata | None, path: str
                      ) -> list[tuple[str, str]]:
    """A summary's bibliographic fields that a record contradicts, each as
    (field, message). The record is the source of truth; a summary may
    repeat its facts, or give one the record lacks."""
    if record is None:
        return []
    pairs = {"arxiv": (summary.arxiv and arxiv_id(summary.arxiv), record.arxiv),
             "authors": (summary.authors, record.author_names),
             "venue": (summary.venue, record.venue),
             "code": (_link(summary.code), _link(record.code))}
    return [(key, f"'{key}' here ({_shown(getattr(summary, key))}) disagrees with the paper's "
                  f"metadata record at {path}:{record.line} ({_shown(theirs)}); the metadata file "
                  f"is the source of truth: remove '{key}' here, or correct the record")
            for key, (ours, theirs) in pairs.items() if ours and theirs and ours != theirs]


def _link(url: str | None) -> str | None:
    return url.rstrip("/") if url else None


def _shown(value) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


def coverage(papers: Sequence[Paper]) -> str:
    """How many papers have each fact, as `survey check` reports it."""
    total = len(papers)

    def part(n: int, what: str) -> str:
        return f"{n} {what} ({100 * n / (total or 1):.1f}%)"

    counts = [part(sum(p.arxiv is not None for p in papers), "with an arXiv id"),
              part(sum(bool(p.author_names) for p in papers), "with author names"),
              part(sum(p.date is not None for p in papers), "dated"),
              part(sum(p.venue is not None for p in papers), "with a venue")]
    return f"metadata: {sum(p.metadata is not None for p in papers)} of {total} papers have a " \
           f"record; {', '.join(counts)}"
