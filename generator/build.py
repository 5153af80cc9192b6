"""The generator's steps in a straight line: read, render, write.

Used by the command line and by the MkDocs plugin alike; it knows nothing of
MkDocs, only of the content folder it reads and the docs folder it fills.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .content import read_content
from .model import Corpus
from .render import render
from .write import SyncReport, sync


@dataclass
class Generated:
    corpus: Corpus
    sync: SyncReport


def generate(content: Path, docs: Path) -> Generated:
    """Read ``content`` and write the survey's pages into ``docs``.

    Raises ContentError for content the survey cannot be made without; any
    other problem is in ``corpus.problems`` and the pages are written."""
    corpus = read_content(Path(content))
    report = sync(render(corpus), Path(docs))
    return Generated(corpus, report)
