"""The records the generator passes between its steps; all immutable.

The pipeline (see ``build.py``) reads listings into :class:`Entry` records,
merges them into :class:`Paper` records, classifies them by the
:class:`Taxonomy`, and applies the curated data (:class:`Summary`,
:class:`Metadata`) before rendering a :class:`Corpus`.
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from types import MappingProxyType
from typing import Literal

from .errors import Problem

Where = Literal["title", "abstract", "anywhere"]


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
    author_count: int | None = None
    organization: str | None = None
    date: datetime.date | None = None
    upvotes: int | None = None
    author_names: tuple[str, ...] = ()  # when the listing's layout shows them
    paper_id: str | None = None  # set when merging: the paper this entry shows


@dataclass(frozen=True)
class Listing:
    id: str  # the file name without its extension
    file: str
    title: str
    year: int | None  # the year that dates shown without one belong to (None: unknown)
    date: datetime.date | None  # the listing's own date, when the dump shows it
    entries: tuple[Entry, ...]
    described: bool = True  # False: read although listings.yml does not describe it


@dataclass(frozen=True)
class MetadataSource:
    """Where a metadata record was read: a service (or "manual"), a URL, a day."""

    service: str
    url: str | None
    retrieved: datetime.date | None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metadata:
    """Bibliographic facts of one paper from content/metadata.yml."""

    title: str  # the paper's title, as the listings give it
    line: int  # where the record starts in the file
    source: MetadataSource
    arxiv: str | None = None  # without its version
    doi: str | None = None
    author_names: tuple[str, ...] = ()
    date: datetime.date | None = None
    venue: str | None = None
    code: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class TextFile:
    """A contributed file's text, read at the edge (a summary)."""

    path: str  # as messages show it
    stem: str  # the file name without its extension
    text: str


@dataclass(frozen=True)
class Summary:
    """A curated summary of one paper from content/summaries/."""

    file: str  # as messages show it
    paper_id: str
    contributors: tuple[str, ...]
    body_html: str  # sanitised
    teaser: str  # the body's first sentence, as plain text
    key_points: tuple[str, ...] = ()
    add_themes: tuple[str, ...] = ()
    remove_themes: tuple[str, ...] = ()
    primary_theme: str | None = None
    arxiv: str | None = None
    authors: tuple[str, ...] = ()
    venue: str | None = None
    code: str | None = None

    @property
    def file_name(self) -> str:
        """The file's name, as a page names it: never the folder the site was built from."""
        return PurePath(self.file).name


@dataclass(frozen=True)
class Paper:
    """A distinct paper, merged from all the entries that show it."""

    id: str  # slug of the title: the paper's stable URL
    key: str  # the normalised title that identifies it across listings
    title: str
    abstract: str
    sources: tuple[SourceLine, ...]
    author_count: int | None = None
    organization: str | None = None
    date: datetime.date | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()  # code or project links found in the abstract
    themes: tuple[str, ...] = ()  # primary theme first
    author_names: tuple[str, ...] = ()
    arxiv: str | None = None
    doi: str | None = None
    venue: str | None = None
    code: str | None = None
    project: str | None = None
    metadata: MetadataSource | None = None  # where the bibliographic facts were read

    @property
    def primary_theme(self) -> str | None:
        return self.themes[0] if self.themes else None

    @property
    def listing_files(self) -> tuple[str, ...]:
        """The listings the paper is in, each once, in order of first appearance."""
        return tuple(dict.fromkeys(s.listing for s in self.sources))

    @property
    def cross_listed(self) -> bool:
        return len(self.listing_files) > 1

    @property
    def authors_known(self) -> int | None:
        """How many authors the paper has, from their names or the listings' count."""
        return len(self.author_names) or self.author_count


@dataclass(frozen=True)
class Rule:
    """A phrase that, found in a paper's title or abstract, is evidence for a concept."""

    phrase: str
    where: Where
    weight: int
    line: int = 0  # in themes.yml, for messages


@dataclass(frozen=True)
class Concept:
    """One idea a theme looks for, under any of its phrases: it scores once,
    by its best phrase found; ``unless`` phrases anywhere in the paper cancel it
    (the idea meant in another sense)."""

    name: str
    rules: tuple[Rule, ...]
    unless: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str
    concepts: tuple[Concept, ...] = ()
    catch_all: bool = False
    facet: str = ""  # e.g. "kind", "method", "application": ranks title evidence
    not_phrases: tuple[str, ...] = ()  # other senses, taken out of the text first
    line: int = 0  # in themes.yml, for messages

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for c in self.concepts for r in c.rules)


@dataclass(frozen=True)
class Override:
    """A curator's decision for one paper, replacing what the rules say."""

    paper: str
    themes: tuple[str, ...]
    line: int
    note: str = ""  # why, in the curator's words (reviewed decisions)
    source: str = "themes.yml"  # the file it was read from, as messages show it


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    overrides: tuple[Override, ...] = ()
    threshold: int = 3  # the score a theme needs to take a paper
    max_themes: int = 3  # a paper's themes beyond its best ones are noise
    facets: tuple[tuple[str, ...], ...] = ()  # in the order their title evidence ranks
    moved: tuple[tuple[str, tuple[str, ...]], ...] = ()  # old theme id -> the themes now
    reviewed: tuple[Override, ...] = ()  # reviewed decisions: win over rules and overrides


def _frozen(mapping: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Corpus:
    """Everything read and merged: what the pages are made from."""

    title: str
    description: str
    listings: tuple[Listing, ...]
    papers: tuple[Paper, ...]
    taxonomy: Taxonomy
    problems: tuple[Problem, ...] = ()
    summaries: Mapping[str, Summary] = field(default_factory=_frozen)  # by paper id
    metadata: Mapping[str, Metadata] = field(default_factory=_frozen)  # by paper id

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)
