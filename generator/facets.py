"""What a reader can narrow papers by and sort them by: the facts behind the
search filters, the search's sort orders and the theme pages' controls.

Pure functions of a paper (and its curated summary); the search index
(``search_index``) and the theme pages (``render``) both read them, so the
count a theme page shows and the count the search shows are the same.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from .model import Paper, Summary

# Where a link means "the code is published": repository hosts, not project pages.
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net",
              "anonymous.4open.science")
UNDATED = "undated"
YES = "yes"


def code_url(paper: Paper, summary: Summary | None = None) -> str | None:
    """The paper's code: the curated link first, else a repository named in its abstract."""
    curated = paper.code or (summary.code if summary else None)
    return curated or next((url for url in paper.links if _is_repository(url)), None)


def _is_repository(url: str) -> bool:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host in CODE_HOSTS


def year(paper: Paper) -> str:
    return str(paper.date.year) if paper.date else UNDATED


def filters(paper: Paper, summary: Summary | None = None) -> dict[str, list[str]]:
    """The paper's value of each facet, as the search index files them. A
    yes-or-no facet is filed only when yes: a reader narrows to the papers with
    code, never to those without, and each value costs the index a list of papers."""
    values = {
        "theme": list(paper.themes),
        "primary": [paper.primary_theme] if paper.primary_theme else [],
        "year": [year(paper)],
        "code": [YES] if code_url(paper, summary) else [],
        "summary": [YES] if summary else [],
        "cross": [YES] if paper.cross_listed else [],
    }
    return {name: v for name, v in values.items() if v}


def sort_keys(paper: Paper) -> dict[str, str]:
    """Keys that sort as text. Every paper carries every key (Pagefind leaves
    out of a sorted result the records that lack its key): the undated sort
    last when newest come first; equal upvotes (most often: none known) are
    ordered newest first. Order by title is the index's own order (see
    ``title_order``), which costs the index nothing."""
    date = paper.date.isoformat() if paper.date else "0000-00-00"
    upvotes = paper.upvotes + 1 if paper.upvotes is not None else 0
    return {"date": date, "upvotes": f"u{upvotes:09d}/{date}"}


def title_order(paper: Paper) -> tuple[str, str]:
    """The order papers go into the index: by title, then by id."""
    return paper.title.casefold(), paper.id
