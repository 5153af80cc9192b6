"""Time and memory of the related-papers step at N synthetic papers.

Makes N paper texts by recombining the seed survey's titles and abstracts (as
benchmarks/scale.py does), then runs what the build runs for related papers,
``similar.neighbours(texts, 5)``, and reports its wall time, the peak of the
memory Python and NumPy allocate for it (tracemalloc), and the process's peak
resident size. With ``--render`` it also times rendering the whole survey of
N papers, the build's step that includes related papers, for their share.

    .venv/bin/python benchmarks/related.py [--papers 10000] [--render]
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import resource
import time
import tracemalloc
from pathlib import Path

from generator import similar
from generator.build import read_corpus
from generator.model import Paper, SourceLine

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "seed" / "content"


def synthetic_papers(n: int) -> list[Paper]:
    seeds = read_corpus(SEED).papers
    rng = random.Random(1)
    papers = []
    for i in range(n):
        base = seeds[i % len(seeds)]
        words = base.abstract.split()
        papers.append(dataclasses.replace(
            base, id=f"{base.id}-{i}", key=f"{base.key} {i}", title=f"{base.title} (variant {i})",
            abstract=" ".join(rng.sample(words, k=len(words))),
            sources=(SourceLine(base.sources[0].listing, i + 1),)))
    return papers


def measure_related(texts: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak traced MB of finding 5 neighbours for each text."""
    tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    found = similar.neighbours(texts, 5)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert len(found) == len(texts) and all(len(f) == 5 for f in found)
    return seconds, cpu, peak


def measure_render(papers: list[Paper]) -> float:
    """CPU seconds of rendering every page and file of a survey of these papers."""
    from generator.render import Renderer
    corpus = read_corpus(SEED)
    # The listings' entries are the seed's: left out, their pages are not measured.
    listings = tuple(dataclasses.replace(l, entries=()) for l in corpus.listings)
    corpus = dataclasses.replace(corpus, papers=tuple(papers), summaries={}, listings=listings)
    start = time.process_time()
    Renderer(corpus, site_url="https://example.org/").files()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--render", action="store_true", help="also time the whole render step")
    args = parser.parse_args()
    papers = synthetic_papers(args.papers)
    texts = [f"{p.title}\n{p.abstract}\n" for p in papers]
    seconds, cpu, peak = measure_related(texts)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"related papers for {len(texts)} papers: {seconds:.2f} s ({cpu:.2f} s of CPU), "
          f"peak traced memory {peak:.0f} MB, process peak RSS {rss:.0f} MB")
    if args.render:
        total = measure_render(papers)
        print(f"render step with related papers: {total:.2f} s of CPU "
              f"(related papers are {100 * cpu / total:.0f}% of it)")


if __name__ == "__main__":
    main()
