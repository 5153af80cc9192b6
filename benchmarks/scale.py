"""Build a survey of N synthetic papers and report what the size costs.

Makes N papers by recombining the seed corpus's titles and abstracts, writes
them as listing dumps in the three layouts, builds the site as
`survey build --strict` does, and reports build time, site size, the size of
one paper page (which must not grow with N: the navigation does not list
papers) and what a reader's first search downloads from Pagefind.

    .venv/bin/python benchmarks/scale.py [--papers 10000]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.build import read_corpus
from generator.preview import copy_project

ROOT = Path(__file__).resolve().parent.parent


def synthetic_listings(n: int, folder: Path) -> list[str]:
    seeds = read_corpus(ROOT / "content").papers
    rng = random.Random(1)
    files = []
    per_file = 2000
    for start in range(0, n, per_file):
        lines = ["Daily Papers", ""]
        for i in range(start, min(n, start + per_file)):
            base = seeds[i % len(seeds)]
            title = f"{base.title} (variant {i})"
            abstract = " ".join(rng.sample(base.abstract.split(), k=len(base.abstract.split())))
            lines += [title, "", abstract, "", f"  • {1 + i % 9} authors", "·",
                      f"{rng.choice(['Jan', 'Mar', 'Jun', 'Oct'])} {1 + i % 28}, {2015 + i % 11}", ""]
        name = f"synthetic_{start // per_file:03d}.txt"
        (folder / name).write_text("\n".join(lines))
        files.append(name)
    return files


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def first_search_bytes(site: Path) -> int:
    """Pagefind's script, its wasm, its entry and metadata files, one index chunk
    and one result fragment: what the first query fetches."""
    pf = site / "pagefind"
    files = [pf / "pagefind.js", pf / "pagefind-entry.json", *pf.glob("wasm.*.pagefind"),
             *pf.glob("pagefind.*.pf_meta"), next((pf / "index").iterdir()),
             next((pf / "fragment").iterdir()), pf / "pagefind-ui.js", pf / "pagefind-ui.css"]
    return sum(f.stat().st_size for f in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(ROOT, Path(tmp) / "project")
        listings = project / "content" / "listings"
        shutil.rmtree(listings)
        listings.mkdir()
        shutil.rmtree(project / "content" / "summaries")
        files = synthetic_listings(args.papers, listings)
        (project / "content" / "listings.yml").write_text(
            "year: 2025\nlistings:\n" + "".join(f"  - file: {f}\n    title: {f}\n" for f in files))
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        start = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=project, env=env,
                             capture_output=True, text=True)
        seconds = time.monotonic() - start
        if run.returncode != 0:
            sys.exit(run.stderr)
        site = project / "site"
        page = next((site / "papers").iterdir()) / "index.html"
        print(run.stdout.strip())
        print(f"papers: {args.papers}; build: {seconds:.1f} s; site: {size(site) / 1e6:.1f} MB in "
              f"{sum(1 for _ in site.rglob('*'))} files; one paper page: {page.stat().st_size / 1e3:.1f} KB; "
              f"search index: {size(site / 'pagefind') / 1e6:.1f} MB on disk, first search loads "
              f"{first_search_bytes(site) / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
