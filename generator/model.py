"""The records the generator passes between its steps; all immutable."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class SourceLine:
    """Where an entry stands: a listing file and the line of its title."""

    listing: str
    line: int


@dataclass(frozen=True)
class Entry:
    """One paper as one listing shows it, before merging."""

    source: SourceLine
    title: str
    abstract: str
    authors: int | None = None
    organization: str | None = None
    date: datetime.date | None = None
    upvotes: int | None = None


@dataclass(frozen=True)
class Listing:
    id: str  # the file name without its extension
    file: str
    title: str
    year: int  # the year that dates shown without one belong to
    date: datetime.date | None  # the listing's own date, when the dump shows it
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Paper:
    """A distinct paper, merged from all the entries that show it."""

    id: str  # slug of the title: the paper's stable URL
    key: str  # the normalised title that identifies it across listings
    title: str
    abstract: str
    sources: tuple[SourceLine, ...]
    authors: int | None = None
    organization: str | None = None
    date: datetime.date | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()  # code or project links found in the abstract
    themes: tuple[str, ...] = ()  # primary theme first
    primary_theme: str | None = None

    @property
    def listing_files(self) -> tuple[str, ...]:
        """The listings the paper is in, each once, in order of first appearance."""
        return tuple(dict.fromkeys(s.listing for s in self.sources))

    @property
    def cross_listed(self) -> bool:
        return len(self.listing_files) > 1


@dataclass(frozen=True)
class Rule:
    """A phrase that, found in a paper's title or abstract, adds to a theme's score."""

    phrase: str
    where: str  # "title", "abstract" or "any"
    weight: int


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str
    rules: tuple[Rule, ...] = ()
    catch_all: bool = False


@dataclass(frozen=True)
class Override:
    """A curator's decision for one paper, replacing what the rules say."""

    paper: str
    themes: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    overrides: tuple[Override, ...] = ()
    threshold: int = 3  # the score a theme needs to take a paper
    max_themes: int = 3  # a paper's themes beyond its best ones are noise


@dataclass(frozen=True)
class Corpus:
    """Everything read and merged: what the pages are made from."""

    title: str
    description: str
    listings: tuple[Listing, ...]
    papers: tuple[Paper, ...]
    taxonomy: Taxonomy
    problems: tuple = field(default=())
    summaries: dict = field(default_factory=dict)  # paper id -> summaries.Summary
