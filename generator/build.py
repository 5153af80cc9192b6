"""The generator's steps in a straight line: read, render, write.

Used by the command line and by the MkDocs plugin alike; it knows nothing of
MkDocs, only of the content folder it reads and the docs folder it fills.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .content import read_content
from .errors import ERROR, Problem
from .model import Corpus
from .render import Repository, render
from .write import SyncReport, sync


@dataclass
class Generated:
    corpus: Corpus
    sync: SyncReport | None  # None when the pages were kept as they were


def generate(content: Path, docs: Path, repository: Repository | None = None,
             keep_on_error: bool = False) -> Generated:
    """Read ``content`` and write the survey's pages into ``docs``.

    Raises ContentError for content the survey cannot be made without; any
    other problem is in ``corpus.problems`` and the pages are written, unless
    ``keep_on_error`` asks to keep the pages as they were when a problem is an
    error (a live preview keeps showing the last good site)."""
    corpus = read_content(Path(content))
    if keep_on_error and any(p.level == ERROR for p in corpus.problems):
        return Generated(corpus, None)
    report = sync(render(corpus, repository), Path(docs))
    return Generated(corpus, report)


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(corpus: Corpus) -> str:
    """The one-line account of what was read, as `survey build` and `check` print it."""
    entries = sum(len(l.entries) for l in corpus.listings)
    cross = sum(p.cross_listed for p in corpus.papers)
    errors = sum(p.level == ERROR for p in corpus.problems)
    return (f"{count(len(corpus.listings), 'listing', 'listings')} read, "
            f"{count(entries, 'entry', 'entries')}, {count(len(corpus.papers), 'paper', 'papers')}, "
            f"{cross} cross-listed, {count(len(corpus.taxonomy.themes), 'theme', 'themes')}, "
            f"{count(len(corpus.problems), 'problem', 'problems')} "
            f"({count(errors, 'error', 'errors')})")


def save_report(path: Path, corpus: Corpus | None = None, fatal: list[Problem] = ()) -> None:
    """What one build read, for `survey build` to print: the content is read once,
    by the build itself, however it was started."""
    data = ({"fatal": [str(p) for p in fatal]} if corpus is None else
            {"summary": summary(corpus), "problems": [str(p) for p in corpus.problems]})
    Path(path).write_text(json.dumps(data), encoding="utf-8")
