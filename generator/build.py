"""The survey's pipeline, top to bottom in :func:`generate`:

    read -> merge -> classify -> curate -> render -> write

Reading (``content``) and writing (``write``) are the only steps that touch
files; the steps between are functions of typed records (``model``). This
module knows nothing of MkDocs: ``mkdocs_plugin`` calls it before each build,
and ``survey generate`` calls it for a successor of MkDocs that runs no
plugins.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import content, merge, summaries, themes
from .errors import Problem
from .model import Corpus, Paper, Taxonomy
from .render import Repository, render
from .write import SyncReport, sync


@dataclass
class Generated:
    corpus: Corpus
    sync: SyncReport | None  # None when the pages were kept as they were


def read_corpus(folder: Path) -> Corpus:
    """The survey as its pages show it: everything up to rendering."""
    sources = content.read_sources(folder)                                         # read
    listings, papers, merge_problems = merge.merge_listings(                        # merge
        sources.listings, sources.listing_paths)
    papers = themes.assign(papers, sources.taxonomy)                                # classify
    override_problems = unknown_overrides(sources.taxonomy, papers, sources.taxonomy_path)
    curated, summary_problems = summaries.read_summaries(                           # curate
        sources.summaries, papers, sources.taxonomy)
    papers = summaries.apply(papers, curated)
    return Corpus(
        title=sources.title, description=sources.description, listings=listings,
        papers=tuple(papers), taxonomy=sources.taxonomy, summaries=curated,
        problems=(*sources.problems, *merge_problems, *override_problems, *summary_problems))


def generate(folder: Path, docs: Path, repository: Repository | None = None,
             keep_on_error: bool = False, site_url: str | None = None) -> Generated:
    """Read the content ``folder`` and write the survey's pages into ``docs``.

    Raises ContentError for content the survey cannot be made without; any
    other problem is in ``corpus.problems`` and the pages are written, unless
    ``keep_on_error`` asks to keep the pages as they were when a problem is an
    error (a live preview keeps showing the last good site). ``site_url``, the
    published site's address, makes the feeds' absolute links."""
    corpus = read_corpus(Path(folder))
    if keep_on_error and corpus.errors:
        return Generated(corpus, None)
    files = render(corpus, repository, site_url)                                    # render
    return Generated(corpus, sync(files, Path(docs)))                               # write


def unknown_overrides(taxonomy: Taxonomy, papers: list[Paper], path: str) -> list[Problem]:
    ids = {p.id for p in papers}
    return [Problem(path, o.line, f"override names unknown paper id {o.paper!r}")
            for o in taxonomy.overrides if o.paper not in ids]


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(corpus: Corpus) -> str:
    """The one-line account of what was read, as `survey build` and `check` print it."""
    entries = sum(len(l.entries) for l in corpus.listings)
    cross = sum(p.cross_listed for p in corpus.papers)
    return (f"{count(len(corpus.listings), 'listing', 'listings')} read, "
            f"{count(entries, 'entry', 'entries')}, {count(len(corpus.papers), 'paper', 'papers')}, "
            f"{cross} cross-listed, {count(len(corpus.taxonomy.themes), 'theme', 'themes')}, "
            f"{count(len(corpus.problems), 'problem', 'problems')} "
            f"({count(corpus.errors, 'error', 'errors')})")
