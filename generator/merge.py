"""Recognise the same paper across listings and merge its entries.

Identity is the title after normalising case, white space, punctuation,
Unicode quotes and dashes: nothing fuzzier, so that look-alike titles
("Metric3D" and "Metric3D v2") stay apart.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from .errors import WARNING, Problem
from .model import Entry, Listing, Paper

T = TypeVar("T")

# "+" and "#" stay: "C++" and "C#" are names, not punctuation.
_PUNCT = re.compile(r"[^\w\s+#]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")
URL_RE = re.compile(r"https?://[^\s<>\"'{}|\\^`\]]+", re.IGNORECASE)


def title_key(title: str) -> str:
    """The normalised title that identifies a paper."""
    text = unicodedata.normalize("NFKC", title).casefold()
    words = _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()  # quotes, dashes, punctuation alike
    # A title of punctuation alone has no words to compare: it is its own key.
    return words or _SPACE.sub(" ", text).strip()


def slugify(title: str, limit: int = 80) -> str:
    """A URL path segment from a title: ASCII letters, digits and hyphens."""
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "paper"


def paper_ids(keys: list[str], titles: dict[str, str]) -> dict[str, str]:
    """A slug for each key, unique and independent of the order keys come in:
    papers whose slugs collide each get a suffix from their own key."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        by_slug[slugify(titles[key])].append(key)
    ids = {}
    for slug, group in by_slug.items():
        for key in group:
            # "index" and "readme" name a folder's own page: a paper never takes them.
            unique = len(group) == 1 and slug not in ("paper", "index", "readme")
            ids[key] = slug if unique else f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"
    return ids


def find_links(abstract: str) -> tuple[str, ...]:
    """Code and project links written into an abstract, in order, once each."""
    links = []
    for url in URL_RE.findall(abstract):
        url = url.rstrip(".,;:)")
        if url not in links:
            links.append(url)
    return tuple(links)


def merge_listings(listings: Sequence[Listing], paths: Mapping[str, str]
                   ) -> tuple[tuple[Listing, ...], list[Paper], list[Problem]]:
    """Papers from the listings' entries, and the listings with each entry
    carrying the id of the paper it shows."""
    papers, problems = merge([e for l in listings for e in l.entries], paths)
    paper_of = {p.key: p.id for p in papers}
    with_ids = tuple(replace(l, entries=tuple(replace(e, paper_id=paper_of[title_key(e.title)])
                                              for e in l.entries)) for l in listings)
    return with_ids, papers, problems


def merge(entries: list[Entry], paths: Mapping[str, str]) -> tuple[list[Paper], list[Problem]]:
    """Papers from entries, in order of first appearance. ``paths`` maps a
    listing file name to the path that messages show for it."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[title_key(entry.title)].append(entry)
    titles = {key: _most_common([e.title for e in group]) for key, group in groups.items()}
    ids = paper_ids(list(groups), titles)
    papers, problems = [], []
    for key, group in groups.items():
        paper, conflicts = _merge_group(ids[key], key, titles[key], group, paths)
        papers.append(paper)
        problems.extend(conflicts)
    return papers, problems


def _merge_group(id_, key, title, group, paths) -> tuple[Paper, list[Problem]]:
    problems = _conflicts(title, group, paths) if len(group) > 1 else []
    # Upvotes grow over time, so listings copied on different days differ:
    # the highest count is the latest, not a conflict.
    votes = [e.upvotes for e in group if e.upvotes is not None]
    abstract = max((e.abstract for e in group if e.abstract), key=len, default="")
    paper = Paper(
        id=id_, key=key, title=title, abstract=abstract,
        sources=tuple(e.source for e in group),
        author_count=_first(e.author_count for e in group),
        organization=_first(e.organization for e in group),
        date=_first(e.date for e in group), upvotes=max(votes) if votes else None,
        author_names=next((e.author_names for e in group if e.author_names), ()),
        links=find_links(abstract))
    return paper, problems


def _conflicts(title, group, paths) -> list[Problem]:
    """What the entries of one paper disagree on (a paper listed once cannot)."""
    problems = []
    seen: dict[str, Entry] = {}
    for e in group:
        if e.source.listing in seen:
            first = seen[e.source.listing]
            problems.append(Problem(
                paths[e.source.listing], e.source.line,
                f"{e.title!r} is listed twice in this listing (first at line "
                f"{first.source.line}); both entries are merged into one paper", WARNING))
        else:
            seen[e.source.listing] = e
    for name in ("abstract", "author_count", "organization", "date"):
        known = [(e, getattr(e, name)) for e in group if getattr(e, name) not in (None, "")]
        distinct = list(dict.fromkeys(_comparable(name, v) for _, v in known))
        if len(distinct) > 1:
            first = known[0][0]
            where = ", ".join(f"{paths[e.source.listing]}:{e.source.line}" for e, _ in known[1:])
            problems.append(Problem(
                paths[first.source.listing], first.source.line,
                f"{title!r}: listings disagree on its {name} (also listed at {where}); "
                f"kept the {'longest' if name == 'abstract' else 'first'}", WARNING))
    return problems


def _first(values: Iterable[T | None]) -> T | None:
    """The first value a listing gives: None and "" are no value."""
    return next((v for v in values if v not in (None, "")), None)


def _comparable(name, value):
    return _SPACE.sub(" ", value).strip() if name == "abstract" else value


def _most_common(titles: list[str]) -> str:
    # Counter keeps first-seen order among equals, so ties go to the first listing.
    return Counter(titles).most_common(1)[0][0]


def find_paper(papers, query: str) -> tuple[Paper | None, list[str]]:
    """A paper by its id or its title (written any way title_key forgives);
    otherwise None and up to three of the closest titles, to suggest."""
    by_id = {p.id: p for p in papers}
    by_key = {p.key: p for p in papers}
    paper = by_id.get(query.strip()) or by_key.get(title_key(query))
    if paper:
        return paper, []
    close = difflib.get_close_matches(title_key(query), list(by_key), n=3, cutoff=0.5)
    return None, [by_key[k].title for k in close]
