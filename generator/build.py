"""The generator's steps in a straight line: read, render, write.

Used by the command line and by the MkDocs plugin alike; it knows nothing of
MkDocs, only of the content folder it reads and the docs folder it fills.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .content import read_content
from .errors import ERROR
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
