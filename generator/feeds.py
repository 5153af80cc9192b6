"""Atom feeds: one for the survey, one per theme, newest papers first.

A paper's date in a feed is its own date, else the date of the first listing
that shows it; a paper with neither is left out of the feeds (a feed entry
must have a date, and dates are never made up). Every link is absolute,
built from the site's address (``site_url``), since feed readers fetch a
feed away from its site. The feed's own date is its newest entry's: the
same content gives the same bytes.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .model import Listing, Paper
from .text import one_line

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot hold at all, even as references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Item:
    """One paper as a feed shows it."""

    paper: Paper
    date: datetime.date
    url: str  # absolute
    summary: str  # plain text


@dataclass(frozen=True)
class Feed:
    title: str
    url: str  # the feed's own absolute address
    page: str  # the absolute address of the page it follows
    author: str  # who publishes it: the survey


def xml_text(value: str) -> str:
    return escape(one_line(_NOT_XML.sub("", str(value))))


def xml_attr(value: str) -> str:
    return quoteattr(one_line(_NOT_XML.sub("", str(value))))


def paper_date(paper: Paper, listings: Mapping[str, Listing]) -> datetime.date | None:
    """The paper's own date, else its first listing's date, else None."""
    if paper.date:
        return paper.date
    dates = [listings[f].date for f in paper.listing_files if listings[f].date]
    return dates[0] if dates else None


def newest_first(items: Sequence[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (-i.date.toordinal(), i.paper.title.casefold(), i.paper.id))


def stamp(date: datetime.date) -> str:
    return f"{date:%Y-%m-%d}T00:00:00Z"


def atom(feed: Feed, items: Sequence[Item], entry: Callable[[Item], str] | None = None) -> str:
    """The Atom document for these items, newest first; ``entry`` makes an
    item's entry (a survey's feeds share their papers' entries)."""
    entry = entry or make_entry
    items = newest_first(items)
    updated = items[0].date if items else datetime.date(1970, 1, 1)
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}">',
        f"  <title>{xml_text(feed.title)}</title>",
        f"  <id>{xml_text(feed.url)}</id>",
        f'  <link rel="self" type="application/atom+xml" href={xml_attr(feed.url)}/>',
        f'  <link rel="alternate" type="text/html" href={xml_attr(feed.page)}/>',
        f"  <updated>{stamp(updated)}</updated>",
        f"  <author><name>{xml_text(feed.author)}</name></author>",
    ]
    return "\n".join(head + [entry(i) for i in items] + ["</feed>"]) + "\n"


def make_entry(item: Item) -> str:
    authors = "".join(f"<author><name>{xml_text(n)}</name></author>"
                      for n in item.paper.author_names)
    return (f"  <entry>\n"
            f"    <title>{xml_text(item.paper.title)}</title>\n"
            f"    <id>{xml_text(item.url)}</id>\n"
            f'    <link rel="alternate" type="text/html" href={xml_attr(item.url)}/>\n'
            f"    <updated>{stamp(item.date)}</updated>\n"
            + (f"    {authors}\n" if authors else "")
            + f"    <summary>{xml_text(item.summary)}</summary>\n"
            f"  </entry>")
