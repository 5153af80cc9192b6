"""How right the theme rules are, measured on the project's gold set.

The gold set (tests/gold/themes.yml) gives seed papers the themes a reader
of the field gives them after reading the abstract, with a reason for each.
This reports, for all gold papers and for the held-out part separately (and
for each draw of held-out papers, when there are several):

* primary precision: the share of papers whose primary theme is the gold
  primary (strictly right);
* wrong-theme share: the share of papers with at least one theme that is
  neither among the gold themes nor among the acceptable ones;
* missed: the share of papers lacking one of their gold themes.

It also reports how much of what the rules get wrong the review queue
(``survey review``) puts before a curator: of the gold papers misfiled by the
rules (a wrong primary or a wrong theme), how many the queue lists, and how
long the queue is.

Each is measured twice: by the rules alone (what a new listing gets) and as
the site shows it (with curators' decisions from reviewed.yml and overrides).

With ``--readings``, the same figures for other readers' themes of gold
papers (tests/gold/readings.yml: readers blind to the gold set and to the
rules), beside the rules' on the same papers, and how often two readers
agree on the primary: how far careful readers agree with the gold set.

    .venv/bin/python benchmarks/themes_gold.py [--content tests/seed/content]
                                               [--gold tests/gold/themes.yml] [--list tune]
                                               [--readings tests/gold/readings.yml]
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import read_corpus  # noqa: E402
from generator.model import Corpus, Paper  # noqa: E402
from generator.review import review_queue  # noqa: E402
from generator.themes import choose  # noqa: E402
from generator.yamlfile import read_yaml  # noqa: E402


@dataclass(frozen=True)
class Gold:
    paper: str
    themes: tuple[str, ...]  # primary first
    also: tuple[str, ...]  # acceptable, not required
    reason: str
    part: str  # "tune" or "held-out"
    draw: int | None = None  # for a held-out paper, the seed of the draw that brought it in


@dataclass(frozen=True)
class Verdict:
    gold: Gold
    themes: tuple[str, ...]  # as placed

    @property
    def primary_right(self) -> bool:
        return bool(self.themes) and self.themes[0] == self.gold.themes[0]

    @property
    def wrong(self) -> tuple[str, ...]:
        allowed = set(self.gold.themes) | set(self.gold.also)
        return tuple(t for t in self.themes if t not in allowed)

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(t for t in self.gold.themes if t not in self.themes)


def read_gold(path: Path) -> list[Gold]:
    data = read_yaml(path, str(path))
    return [Gold(g["paper"], tuple(g["themes"]), tuple(g.get("also") or ()), g["reason"],
                 g["part"], g.get("draw")) for g in data["papers"]]


def verdicts(corpus: Corpus, gold: list[Gold], rules_only: bool) -> list[Verdict]:
    """Each gold paper with the themes it gets; a gold paper missing from the
    corpus is an error (the gold set is stale)."""
    by_id = {p.id: p for p in corpus.papers}
    missing = [g.paper for g in gold if g.paper not in by_id]
    if missing:
        raise SystemExit(f"gold papers not in the corpus: {', '.join(missing)}")
    return [Verdict(g, placed(by_id[g.paper], corpus, rules_only)) for g in gold]


def placed(paper: Paper, corpus: Corpus, rules_only: bool) -> tuple[str, ...]:
    if rules_only:
        return choose(paper, replace(corpus.taxonomy, overrides=(), reviewed=()))
    return paper.themes


def figures(found: list[Verdict]) -> dict[str, float]:
    n = len(found) or 1
    return {"papers": len(found),
            "primary": sum(v.primary_right for v in found) / n,
            "wrong": sum(bool(v.wrong) for v in found) / n,
            "missed": sum(bool(v.missed) for v in found) / n}


def report(corpus: Corpus, gold: list[Gold]) -> dict[str, dict[str, float]]:
    """Figures by (how placed, part); the held-out part also by draw
    ("rules/held-out/12": the held-out papers of draw 12)."""
    result = {}
    draws = sorted({g.draw for g in gold if g.part == "held-out" and g.draw is not None})
    for how, rules_only in (("rules", True), ("site", False)):
        found = verdicts(corpus, gold, rules_only)
        result[f"{how}/all"] = figures(found)
        held = [v for v in found if v.gold.part == "held-out"]
        result[f"{how}/held-out"] = figures(held)
        for draw in draws if len(draws) > 1 else ():
            result[f"{how}/held-out/{draw}"] = figures([v for v in held if v.gold.draw == draw])
        result[f"{how}/tune"] = figures([v for v in found if v.gold.part == "tune"])
    return result


@dataclass(frozen=True)
class Caught:
    """What the review queue lists of one part's misfiled gold papers."""

    misfiled: int  # gold papers of the part the rules misfile
    listed: int  # of those, the ones in the queue
    queue: int  # the queue's length (all papers, not only gold ones)
    papers: int  # papers in the corpus


def queue_report(corpus: Corpus, gold: list[Gold]) -> dict[str, Caught]:
    """The queue as the rules alone make it (no curator's decision yet), and
    the misfiled gold papers of each part it lists."""
    taxonomy = replace(corpus.taxonomy, overrides=(), reviewed=())
    papers = [replace(p, themes=choose(p, taxonomy)) for p in corpus.papers]
    queued = {flag.paper.id for flag in review_queue(papers, taxonomy)}
    found = verdicts(corpus, gold, rules_only=True)
    result = {}
    for part in ("all", "tune", "held-out"):
        misfiled = [v.gold.paper for v in found if part in ("all", v.gold.part)
                    and (not v.primary_right or v.wrong)]
        result[part] = Caught(len(misfiled), sum(p in queued for p in misfiled), len(queued),
                              len(papers))
    return result


def read_readings(path: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    """Each reader's themes of each paper read: {reader: {paper: themes}}."""
    data = read_yaml(path, str(path))
    readers: dict[str, dict[str, tuple[str, ...]]] = {}
    for entry in data["papers"]:
        for reader, reading in entry["readings"].items():
            readers.setdefault(reader, {})[entry["paper"]] = tuple(reading["themes"])
    return readers


def readings_report(corpus: Corpus, gold: list[Gold],
                    readers: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, dict[str, float]]:
    """Figures by (reader, part) for the gold papers every reader read, the
    rules' on the same papers ("rules/held-out"), and the share of papers
    whose primary two readers agree on ("a=b/held-out")."""
    read = set.intersection(*(set(r) for r in readers.values()))
    shared = [g for g in gold if g.paper in read]
    rules = {v.gold.paper: v.themes for v in verdicts(corpus, shared, rules_only=True)}
    result = {}
    for part in ("held-out", "tune"):
        some = [g for g in shared if g.part == part]
        for name, themes in (("rules", rules), *readers.items()):
            result[f"{name}/{part}"] = figures([Verdict(g, themes[g.paper]) for g in some])
        for a, b in zip(readers, list(readers)[1:], strict=False):
            agree = sum(readers[a][g.paper][:1] == readers[b][g.paper][:1] for g in some)
            result[f"{a}={b}/{part}"] = {"papers": len(some), "primary": agree / (len(some) or 1)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=str(ROOT / "tests" / "seed" / "content"))
    parser.add_argument("--gold", default=str(ROOT / "tests" / "gold" / "themes.yml"))
    parser.add_argument("--list", choices=("tune", "held-out", "all"),
                        help="list the papers of that part the rules get wrong (list only the "
                             "tuning part while writing rules: the held-out part stays unseen)")
    parser.add_argument("--readings", help="other readers' themes of gold papers (tests/gold/"
                                           "readings.yml): their figures beside the rules'")
    args = parser.parse_args(argv)
    corpus = read_corpus(Path(args.content))
    gold = read_gold(Path(args.gold))
    for key, f in report(corpus, gold).items():
        print(f"{key:19} {f['papers']:3d} papers: primary right {100 * f['primary']:5.1f}%, "
              f"with a wrong theme {100 * f['wrong']:5.1f}%, missing a gold theme "
              f"{100 * f['missed']:5.1f}%")
    for part, caught in queue_report(corpus, gold).items():
        print(f"queue/{part:13} the review queue lists {caught.listed} of the "
              f"{caught.misfiled} papers the rules misfile (queue: {caught.queue} of "
              f"{caught.papers} papers, {100 * caught.queue / caught.papers:.1f}%)")
    if args.readings:
        readers = read_readings(Path(args.readings))
        for key, f in readings_report(corpus, gold, readers).items():
            if "=" in key:
                print(f"readers {key:16} {f['papers']:3d} papers: the same primary "
                      f"{100 * f['primary']:5.1f}%")
            else:
                print(f"readers {key:16} {f['papers']:3d} papers: primary right "
                      f"{100 * f['primary']:5.1f}%, with a wrong theme {100 * f['wrong']:5.1f}%, "
                      f"missing a gold theme {100 * f['missed']:5.1f}%")
    if args.list:
        for v in verdicts(corpus, gold, rules_only=True):
            if (not v.primary_right or v.wrong) and args.list in ("all", v.gold.part):
                print(f"[{v.gold.part}] {v.gold.paper}\n   got {', '.join(v.themes)}; gold "
                      f"{', '.join(v.gold.themes)}; wrong {', '.join(v.wrong) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
