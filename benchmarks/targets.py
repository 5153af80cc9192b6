"""The targets of issue 13, checked against the figures of one run: each
PASS, FAIL, or "not measured" when the run did not include what it needs."""
from __future__ import annotations

from dataclasses import dataclass

GB = 1e9


@dataclass(frozen=True)
class Figures:
    """What the benchmark measured for one corpus (medians; peaks are maxima)."""

    papers: int
    wall: float
    cpu: float
    floor_wall: float
    floor_cpu: float
    peak_rss: int
    ok: bool  # every build passed --strict with no problem
    largest_paper_kb: float | None = None
    largest_theme_kb: float | None = None
    search_kb: float | None = None
    search_seconds: float | None = None
    edit_seconds: list[float] | None = None
    rebuilds: list[int] | None = None


@dataclass(frozen=True)
class Verdict:
    target: str
    passed: bool | None  # None: not measured in this run
    measured: str = ""

    def line(self) -> str:
        word = {True: "PASS", False: "FAIL", None: "not measured"}[self.passed]
        return f"{word}: {self.target}" + (f" (measured: {self.measured})" if self.measured else "")


def _at_most(target: str, value: float | None, limit: float, shown: str) -> Verdict:
    if value is None:
        return Verdict(target, None)
    return Verdict(target, value <= limit, shown)


def check_targets(figures: dict[str, Figures]) -> list[Verdict]:
    big, small, seeds = figures.get("10000"), figures.get("1000"), figures.get("seeds")
    huge = figures.get("20000")
    verdicts = [_ok(f, name) for name, f in figures.items()]
    verdicts += _ten_thousand(big) + _preview(seeds, big)
    verdicts += [_growth(small, big, "wall"), _growth(small, big, "cpu")]
    verdicts.append(_at_most("20,000 papers build within 2 GB (whole process tree)",
                             huge and huge.peak_rss, 2 * GB,
                             huge and f"{huge.peak_rss / GB:.2f} GB"))
    for what in ("wall", "cpu"):
        ratio = seeds and getattr(seeds, what) / getattr(seeds, f"floor_{what}")
        verdicts.append(_at_most(f"seed build within 1.5x of the floor ({what} time)",
                                 ratio, 1.5, ratio and f"{ratio:.2f}x"))
    return verdicts


def _ok(f: Figures, name: str) -> Verdict:
    return Verdict(f"{name}: every build strict, 0 problems", f.ok)


def _ten_thousand(f: Figures | None) -> list[Verdict]:
    if f is None:
        return [Verdict("10,000 papers: the targets at 10,000 papers", None)]
    wall, cpu = f.wall / f.floor_wall, f.cpu / f.floor_cpu
    return [
        _at_most("10,000 papers: full build at most 2x the floor (wall)", wall, 2, f"{wall:.2f}x"),
        _at_most("10,000 papers: full build at most 2x the floor (CPU)", cpu, 2, f"{cpu:.2f}x"),
        _at_most("10,000 papers: peak RSS of all processes at most 1 GB", f.peak_rss, GB,
                 f"{f.peak_rss / GB:.2f} GB"),
        _at_most("10,000 papers: no paper page above 30 KB", f.largest_paper_kb, 30,
                 _shown(f.largest_paper_kb, "KB")),
        _at_most("10,000 papers: no theme page above 300 KB", f.largest_theme_kb, 300,
                 _shown(f.largest_theme_kb, "KB")),
        _at_most("10,000 papers: first search at most 400 KB", f.search_kb, 400,
                 _shown(f.search_kb, "KB")),
        _at_most("10,000 papers: first search at most 0.5 s", f.search_seconds, 0.5,
                 _shown(f.search_seconds, "s", 2)),
    ]


def _shown(value: float | None, unit: str, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f} {unit}"


def _preview(seeds: Figures | None, big: Figures | None) -> list[Verdict]:
    out = []
    for f, limit, name in ((seeds, 1.5, "seed corpus"), (big, 10, "10,000 papers")):
        worst = max(f.edit_seconds) if f and f.edit_seconds else None
        out.append(_at_most(f"preview, {name}: every edit served within {limit} s", worst,
                            limit, worst and f"slowest {worst:.2f} s"))
        rebuilds = f.rebuilds if f and f.rebuilds else None
        out.append(Verdict(f"preview, {name}: one rebuild per edit",
                           None if rebuilds is None else all(r == 1 for r in rebuilds),
                           "" if rebuilds is None else f"rebuilds {rebuilds}"))
    return out


def _growth(small: Figures | None, big: Figures | None, what: str) -> Verdict:
    target = f"growth: per-paper {what} time at 10,000 within 1.3x of that at 1,000"
    if small is None or big is None:
        return Verdict(target, None)
    ratio = (getattr(big, what) / big.papers) / (getattr(small, what) / small.papers)
    return _at_most(target, ratio, 1.3, f"{ratio:.2f}x")
