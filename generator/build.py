"""The survey's pipeline, top to bottom in :func:`generate`:

    read -> merge -> classify -> curate -> render -> write

Reading (``content``) and writing (``write``) are the only steps that touch
files; the steps between are functions of typed records (``model``). This
module knows nothing of MkDocs: ``mkdocs_plugin`` calls it before each build,
and ``survey generate`` calls it for a successor of MkDocs that runs no
plugins.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import content, merge, metadata, review, similar, summaries, themes
from .errors import Problem
from .model import Corpus, Listing, Paper, Taxonomy
from .render import KeptPages, KeptParts, Repository, render, shared_inputs
from .write import SyncReport, sync

# Listings with their entries' paper ids, the papers, and what merging found.
Merged = tuple[tuple[Listing, ...], list[Paper], list[Problem]]


@dataclass
class Stopwatch:
    """Seconds spent in each step, for the benchmarks and the build's log."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


@dataclass
class Memo:
    """What one preview session keeps from one rebuild to the next: parsed
    listings and YAML files, the papers merged from the listings, each paper's
    placement by the rules, the related papers, the paper, theme and listing
    pages, and pieces of pages and files (a paper's item on a theme page, its
    feed and BibTeX entries, its record in papers.json). Each is used again only while what
    it was made from is unchanged (the same file; the same listings; the same
    taxonomy and paper text; the same texts, for the papers an edit reaches;
    the same inputs of the page or piece)."""

    files: content.FileCache = field(default_factory=content.FileCache)
    taxonomy: Taxonomy | None = None  # the one the placements were made by
    placed: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)
    merge_inputs: tuple = ()
    merge_result: Merged = ((), [], [])
    related: similar.Similar | None = None
    shared: tuple = ()
    pages: KeptPages = field(default_factory=dict)
    parts: KeptParts = field(default_factory=KeptParts)

    def placements(self, taxonomy: Taxonomy) -> dict[tuple[str, str, str], tuple[str, ...]]:
        """The rules' placements, kept while the rules are the same (a theme
        renamed or described anew places no paper differently), and, when
        they change, for the papers the change cannot reach."""
        if self.taxonomy is None:
            self.placed = {}
        elif themes.rules_key(taxonomy) != themes.rules_key(self.taxonomy):
            # A theme's rules edited: only the papers its phrases can match are placed anew.
            self.placed = themes.still_placed(self.placed, self.taxonomy, taxonomy)
        self.taxonomy = taxonomy
        return self.placed

    def merged(self, listings: tuple[Listing, ...], paths: Mapping[str, str]) -> Merged:
        """The papers merged from the listings, merged again only when a listing changed."""
        if (listings, paths) != self.merge_inputs:
            self.merge_inputs = (listings, paths)
            self.merge_result = merge.merge_listings(listings, paths)
        with_ids, papers, problems = self.merge_result
        return with_ids, list(papers), list(problems)

    def kept(self, shared: tuple) -> tuple[KeptPages, KeptParts]:
        """The pages and pieces of pages the last rebuild made, while what
        every page draws on is the same."""
        if shared != self.shared:
            self.shared, self.pages, self.parts = shared, {}, KeptParts()
        return self.pages, self.parts

    def neighbours(self, texts: list[str], k: int) -> list[tuple[int, ...]]:
        """The related papers, computed again only for the papers an edit
        can have changed them for (see ``similar.update``)."""
        if len(texts) < 2 or k < 1:
            return similar.neighbours(texts, k)
        self.related = similar.update(self.related, texts, k)
        return self.related.found


@dataclass
class Generated:
    corpus: Corpus
    sync: SyncReport | None  # None when the pages were kept as they were
    seconds: dict[str, float] = field(default_factory=dict)  # by step
    files: Mapping[str, str | bytes] = field(default_factory=dict)  # what was made, by path


def read_corpus(folder: Path, clock: Stopwatch | None = None,
                memo: Memo | None = None) -> Corpus:
    """The survey as its pages show it: everything up to rendering."""
    clock = clock or Stopwatch()
    with clock.step("read"):
        sources = content.read_sources(folder, memo.files if memo else None)
    with clock.step("merge"):
        listings, papers, merge_problems = (
            memo.merged(sources.listings, sources.listing_paths) if memo
            else merge.merge_listings(sources.listings, sources.listing_paths))
        # Before classifying: papers whose records share an arXiv id are one paper.
        known = metadata.curate(sources.metadata, sources.metadata_path, listings, papers)
        listings, papers = known.listings, known.papers
    with clock.step("classify"):
        # Curators' reviewed decisions win over the rules.
        decisions, review_problems = review.read_reviewed(
            sources.reviewed, sources.reviewed_path, papers, sources.taxonomy)
        taxonomy = replace(sources.taxonomy, reviewed=decisions)
        papers = themes.assign(papers, taxonomy, memo.placements(taxonomy) if memo else None)
        theme_problems = [*unknown_overrides(taxonomy, papers, sources.taxonomy_path),
                          *themes.size_problems(papers, taxonomy, sources.taxonomy_path)]
    with clock.step("curate"):
        curated, summary_problems = summaries.read_summaries(
            sources.summaries, papers, taxonomy, known.records, sources.metadata_path)
        papers = summaries.apply(papers, curated)
    return Corpus(
        title=sources.title, description=sources.description, listings=listings,
        papers=tuple(papers), taxonomy=taxonomy, summaries=curated, metadata=known.records,
        problems=(*sources.problems, *merge_problems, *known.problems, *review_problems,
                  *theme_problems, *summary_problems))


def generate(folder: Path, docs: Path, repository: Repository | None = None,
             keep_on_error: bool = False, memo: Memo | None = None,
             site_url: str | None = None,
             read: Callable[[Corpus], None] = lambda corpus: None,
             writer: Callable[[Mapping[str, str | bytes], Path], SyncReport] = sync,
             ) -> Generated:
    """Read the content ``folder`` and write the survey's pages into ``docs``.

    Raises ContentError for content the survey cannot be made without; any
    other problem is in ``corpus.problems`` and the pages are written, unless
    ``keep_on_error`` asks to keep the pages as they were when a problem is an
    error (a live preview keeps showing the last good site); a preview also
    keeps its ``memo`` (parsed listings, placements, related papers) from one
    rebuild to the next.
    ``site_url``, the published site's address, makes the feeds' absolute links.
    ``read`` is given the corpus before its pages are made (the search index
    is made from the papers, not the pages, so it can start then); ``writer``
    brings ``docs`` to the files made (``write.sync``, unless told: a build
    that takes them from memory leaves the folder as it was)."""
    clock = Stopwatch()
    corpus = read_corpus(Path(folder), clock, memo)
    if keep_on_error and corpus.errors:
        return Generated(corpus, None, clock.seconds)
    read(corpus)
    with clock.step("render"):
        kept, parts = memo.kept(shared_inputs(repository, site_url)) if memo else (None, None)
        files = render(corpus, repository, site_url,
                       memo.neighbours if memo else similar.neighbours, kept, parts)
    with clock.step("write"):
        report = writer(files, Path(docs))
    return Generated(corpus, report, clock.seconds, files)


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
            f"{count(entries, 'entry', 'entries')}, "
            f"{count(len(corpus.papers), 'paper', 'papers')}, "
            f"{cross} cross-listed, {count(len(corpus.taxonomy.themes), 'theme', 'themes')}, "
            f"{count(len(corpus.problems), 'problem', 'problems')} "
            f"({count(corpus.errors, 'error', 'errors')})")
