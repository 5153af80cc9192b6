"""Where each generated page lives in the docs folder, and the address it
is served at. Apart from the renderer so that what needs only addresses
(the search index's records, made in a process of its own) does not load
the renderer, its templates and NumPy."""
from __future__ import annotations

from .model import Listing, Paper, Theme


def paper_path(paper: Paper) -> str:
    return f"papers/{paper.id}.md"


def theme_path(theme: Theme) -> str:
    return f"themes/{theme.id}.md"


def listing_path(listing: Listing) -> str:
    return f"listings/{listing.id}.md"


def page_url(path: str) -> str:
    """The URL, relative to the site root, that a generated page is served at."""
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    return (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"


def relative_path(target: str, page: str) -> str:
    """``target`` relative to the folder of ``page`` (both relative to the
    docs folder): posixpath.relpath, for paths already normal, made fast."""
    to = target.split("/")
    base = page.split("/")[:-1]
    common = 0
    while common < min(len(base), len(to) - 1) and base[common] == to[common]:
        common += 1
    return "../" * (len(base) - common) + "/".join(to[common:])
