"""The home page's charts: bars drawn in tables of the counts they show.

Each chart is a table, so every count is there as text for any reader, a
screen reader included, and on any screen; a bar in each row shows the count's
size beside it. Bars are drawn by the site's style sheet (``survey.css``) in
the colours of the reader's scheme, light or dark. Nothing is a picture of
text, so nothing is clipped or shrunk on a phone.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import Paper, Theme
from .text import Safe


@dataclass(frozen=True)
class YearRow:
    year: int
    papers: int
    top_theme: str | None  # the most common primary theme that year (ties: the first theme)


def bar(value: int, peak: int) -> Safe:
    """A bar for a table cell, its length the value's share of the peak."""
    share = 100 * value / peak if peak else 0
    return Safe(f'<span class="chart-bar" style="width: {share:.1f}%"></span>')


def primary_counts(themes: Sequence[Theme], members: Mapping[str, list[Paper]]) -> dict[str, int]:
    """How many papers have each theme as their primary theme."""
    return {t.id: sum(p.primary_theme == t.id for p in members.get(t.id, [])) for t in themes}


def per_year(papers: Iterable[Paper], themes: Sequence[Theme]) -> list[YearRow]:
    """Dated papers per year, oldest first, with each year's leading primary theme."""
    order = {t.id: i for i, t in enumerate(themes)}
    counts = Counter((p.date.year, p.primary_theme or "") for p in papers if p.date)
    rows = []
    for year in sorted({y for y, _ in counts}):
        themes_that_year = {t: n for (y, t), n in counts.items() if y == year}
        top = min(themes_that_year, key=lambda t: (-themes_that_year[t], order.get(t, len(order))))
        rows.append(YearRow(year, sum(themes_that_year.values()), top))
    return rows
