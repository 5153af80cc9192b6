"""The theme rules measured on the project's gold set (tests/gold/themes.yml).

The figures are those of benchmarks/themes_gold.py, by the rules alone (no
curator's decision), on the frozen seed survey. The floors guard against a
rule change that makes placement worse; the issue's targets (90% of primaries
strictly right, at most 5% of papers with a wrong theme, on the held-out part
too) are checked separately and are not all met yet.
"""
import importlib.util
import sys
from pathlib import Path

import pytest

from generator.build import read_corpus

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "themes.yml"
READINGS = ROOT / "tests" / "gold" / "readings.yml"


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "themes_gold", ROOT / "benchmarks" / "themes_gold.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _benchmark()


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(ROOT / "tests" / "seed" / "content")


@pytest.fixture(scope="module")
def figures(corpus):
    return bench.report(corpus, bench.read_gold(GOLD))


def test_the_gold_set_is_sound(corpus):
    gold = bench.read_gold(GOLD)
    ids = {p.id for p in corpus.papers}
    themes = {t.id for t in corpus.taxonomy.themes}
    assert len(gold) >= 60 and len({g.paper for g in gold}) == len(gold)
    assert sum(g.part == "held-out" for g in gold) >= 25
    assert all(g.draw is not None for g in gold if g.part == "held-out")
    assert {g.part for g in gold} == {"tune", "held-out"}
    for g in gold:
        assert g.paper in ids, g.paper
        assert g.themes and set(g.themes + g.also) <= themes, g.paper
        assert not set(g.themes) & set(g.also), g.paper
        assert len(g.reason) > 20, g.paper


def test_the_second_readings_are_sound(corpus):
    readers = bench.read_readings(READINGS)
    gold = {g.paper: g for g in bench.read_gold(GOLD)}
    themes = {t.id for t in corpus.taxonomy.themes}
    assert sorted(readers) == ["a", "b"]
    assert set(readers["a"]) == set(readers["b"]) <= set(gold)
    assert {p for p, g in gold.items() if g.part == "held-out"} <= set(readers["a"])
    for read in readers.values():
        assert all(1 <= len(t) <= 3 and set(t) <= themes for t in read.values())


def test_readers_are_measured_as_the_rules_are(corpus):
    gold = [bench.Gold(p.id, ("a",), (), "r", part) for p, part
            in zip(corpus.papers[:4], ("tune", "held-out", "held-out", "held-out"), strict=True)]
    one, two, three, four = (g.paper for g in gold)
    readers = {"x": {one: ("a",), two: ("a", "z"), three: ("b", "a"), four: ("a",)},
               "y": {one: ("b",), two: ("a",), three: ("b",), four: ("c",)},
               "z": {two: ("a",)}}  # read only one paper: the others are left out
    assert bench.readings_report(corpus, gold, {k: readers[k] for k in "xy"})["x/held-out"] == {
        "papers": 3, "primary": 2 / 3, "wrong": 2 / 3, "missed": 0}
    found = bench.readings_report(corpus, gold, {k: readers[k] for k in "xy"})
    assert found["x=y/held-out"] == {"papers": 3, "primary": 2 / 3}
    assert found["y/tune"]["primary"] == 0 and found["rules/tune"]["papers"] == 1
    assert bench.readings_report(corpus, gold, readers)["x/held-out"]["papers"] == 1


def test_a_stale_gold_paper_is_reported(corpus):
    stale = [bench.Gold("no-such-paper", ("other",), (), "gone", "tune")]
    with pytest.raises(SystemExit, match="gold papers not in the corpus: no-such-paper"):
        bench.verdicts(corpus, stale, rules_only=True)


def test_wrong_and_missed_themes_are_counted():
    gold = bench.Gold("p", ("a", "b"), ("c",), "r", "tune")
    fine, off = bench.Verdict(gold, ("a", "c")), bench.Verdict(gold, ("c", "d"))
    assert fine.primary_right and fine.wrong == () and fine.missed == ("b",)
    assert off.wrong == ("d",) and not off.primary_right


def test_each_held_out_draw_is_reported_apart(figures):
    draws = [k for k in figures if k.startswith("rules/held-out/")]
    assert sorted(draws) == ["rules/held-out/12", "rules/held-out/15"]
    assert sum(figures[k]["papers"] for k in draws) == figures["rules/held-out"]["papers"]


def test_placement_does_not_get_worse(figures):
    # Floors a little below today's figures (see the report of benchmarks/themes_gold.py).
    # The fifth tuning batch came in at 75.0% and 7.5%, as the rules placed it before any
    # rule was written for it: all 280 papers stand at 84.3% and 4.3% with it.
    assert figures["rules/all"]["primary"] >= 0.84
    assert figures["rules/all"]["wrong"] <= 0.045
    assert figures["rules/held-out"]["primary"] >= 0.75
    assert figures["rules/held-out"]["wrong"] <= 0.10


def test_the_review_queue_lists_what_the_rules_misfile(corpus):
    # Today the queue, as the rules alone make it, lists 29 of the 49 gold papers the rules
    # misfile (a wrong primary or a wrong theme), while it lists 119 of the 414 papers (28.7%):
    # a curator who reads it finds about twice the misfiled papers a random sample would give.
    caught = bench.queue_report(corpus, bench.read_gold(GOLD))
    every = caught["all"]
    assert every.misfiled == caught["tune"].misfiled + caught["held-out"].misfiled
    assert every.listed == caught["tune"].listed + caught["held-out"].listed
    assert every.listed / every.misfiled >= 0.55
    assert every.queue / every.papers <= 0.30


@pytest.mark.xfail(strict=True, reason="the issue's targets are not met yet: on the held-out "
                                       "part (70 papers in two draws) 75.7% primaries right "
                                       "and 10.0% with a wrong theme (all 280: 84.3% and 4.3%)")
def test_the_issues_targets_are_met(figures):
    for part in ("rules/all", "rules/held-out"):
        assert figures[part]["primary"] >= 0.90, part
        assert figures[part]["wrong"] <= 0.05, part
