"""The home page's chart of papers per year by theme, as a standalone SVG.

Drawn at build time from the corpus, so the site needs no chart service or
script. Each paper counts once, under its primary theme.
"""
from __future__ import annotations

from collections import Counter
from html import escape

from .model import Corpus

# Colours distinguishable for most readers (after Okabe-Ito and Tol), cycled.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#882255",
           "#AA4499", "#661100", "#6699CC", "#888888", "#000000", "#BBBBBB"]
BAR, GAP, HEIGHT, LEFT, TOP, BOTTOM = 28, 10, 220, 40, 20, 30


def papers_per_year(corpus: Corpus) -> str:
    themes = corpus.taxonomy.themes
    colour = {t.id: PALETTE[i % len(PALETTE)] for i, t in enumerate(themes)}
    per_year = Counter((p.date.year, p.primary_theme) for p in corpus.papers if p.date)
    years = sorted({y for y, _ in per_year})
    totals = {y: sum(n for (yy, _), n in per_year.items() if yy == y) for y in years}
    peak = max(totals.values(), default=1)
    plot_width = max(len(years), 1) * (BAR + GAP)
    legend_y = TOP + HEIGHT + BOTTOM + 10
    width = max(LEFT + plot_width + 20, 560)
    height = legend_y + 18 * ((len(themes) + 1) // 2) + 10
    undated = sum(p.date is None for p in corpus.papers)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img">',
           f"<title>Papers per year by primary theme ({sum(totals.values())} dated papers; "
           f"{undated} without a date are not shown)</title>",
           f'<line x1="{LEFT}" y1="{TOP + HEIGHT}" x2="{LEFT + plot_width}" y2="{TOP + HEIGHT}" stroke="#444"/>',
           f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{peak}</text>',
           f'<text x="{LEFT - 6}" y="{TOP + HEIGHT}" text-anchor="end">0</text>']
    for i, year in enumerate(years):
        x, y = LEFT + i * (BAR + GAP) + GAP // 2, TOP + HEIGHT
        for theme in themes:
            n = per_year.get((year, theme.id), 0)
            if not n:
                continue
            h = HEIGHT * n / peak
            y -= h
            out.append(f'<rect x="{x}" y="{y:.1f}" width="{BAR}" height="{h:.1f}" '
                       f'fill="{colour[theme.id]}"><title>{year}: {n} in '
                       f"{escape(theme.title)}</title></rect>")
        out.append(f'<text x="{x + BAR / 2}" y="{TOP + HEIGHT + 14}" text-anchor="middle">{year}</text>')
        out.append(f'<text x="{x + BAR / 2}" y="{y - 3:.1f}" text-anchor="middle">{totals[year]}</text>')
    for i, theme in enumerate(themes):
        x, y = LEFT + (i % 2) * (width // 2), legend_y + 18 * (i // 2)
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour[theme.id]}"/>'
                   f'<text x="{x + 18}" y="{y + 10}">{escape(theme.title)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
