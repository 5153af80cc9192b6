"""Build a survey of N synthetic papers and report what the size costs.

Makes N papers by recombining the seed corpus's titles and abstracts, writes
them as listing dumps in the three layouts, builds the site as
`survey build --strict` does, and reports build time, site size, the size of
one paper page (which must not grow with N: the navigation does not list
papers), what a reader's first search and a faceted search download from the
search index (measured in headless Chromium), and the theme pages' sizes.

    .venv/bin/python benchmarks/scale.py [--papers 10000]

(`bench.py` measures the build against the bare-MkDocs floor; this one
measures what search downloads, first and faceted.)
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
                      f"{rng.choice(['Jan', 'Mar', 'Jun', 'Oct'])} {1 + i % 28}, "
                      f"{2015 + i % 11}", ""]
        name = f"synthetic_{start // per_file:03d}.txt"
        (folder / name).write_text("\n".join(lines))
        files.append(name)
    return files


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def search_downloads(site: Path, query: str = "generalization") -> tuple[int, int]:
    """Bytes the reader's browser fetches from the search index: for the first
    search (the search page's script loads Pagefind, its facet counts, then
    the query's index chunks and the first results), then for a faceted search
    (a theme ticked). Measured in headless Chromium over a loopback server."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _browser import chromium, open_tab, serve

    server, browser = serve(site), chromium()
    base = next(server)
    context, tab = open_tab(next(browser))
    fetched = []
    tab.on("requestfinished", lambda r: fetched.append(r.sizes()["responseBodySize"])
           if "/pagefind/" in r.url else None)
    tab.goto(base + "search/")
    tab.wait_for_selector("form[data-find][data-state='done']")
    tab.fill("input[name=q]", query)
    tab.wait_for_selector("form[data-find][data-state='done']")
    first = sum(fetched)
    tab.check("input[name=theme] >> nth=0")
    tab.wait_for_selector("form[data-find][data-state='done']")
    faceted = sum(fetched) - first
    context.close()
    for generator in (browser, server):
        generator.close()
    return first, faceted


def theme_page_sizes(site: Path) -> list[int]:
    """The HTML size of every theme page (a theme's further pages included)."""
    return sorted(p.stat().st_size for p in (site / "themes").rglob("index.html")
                  if p.parent != site / "themes")


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
        for seed_only in ("metadata.yml", "reviewed.yml"):  # records of the seed's papers
            (project / "content" / seed_only).unlink(missing_ok=True)
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
        first, faceted = search_downloads(site)
        themes = theme_page_sizes(site)
        print(f"papers: {args.papers}; build: {seconds:.1f} s; site: {size(site) / 1e6:.1f} MB in "
              f"{sum(1 for _ in site.rglob('*'))} files; "
              f"one paper page: {page.stat().st_size / 1e3:.1f} KB; "
              f"search index: {size(site / 'pagefind') / 1e6:.1f} MB on disk")
        print(f"search downloads: first search {first / 1e3:.0f} KB, then a faceted search "
              f"{faceted / 1e3:.0f} KB: {(first + faceted) / 1e3:.0f} KB together (budget 400 KB)")
        print(f"theme pages: {len(themes)}, HTML {themes[0] / 1e3:.0f} KB to "
              f"{themes[-1] / 1e3:.0f} KB (median {themes[len(themes) // 2] / 1e3:.0f} KB; "
              "budget 300 KB)")


if __name__ == "__main__":
    main()
