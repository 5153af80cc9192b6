"""Synthetic surveys of any size, made from the frozen seed survey.

A synthetic survey is the seed survey (tests/seed: its listings, themes,
summaries and overrides, unchanged) plus papers made from the seed papers:
each new paper takes a seed paper's title behind a "Variant N:" prefix (the
theme rules still see the seed title's words; the prefix keeps ids unique,
so no seed paper's id changes and every summary and override still names a
paper) and an abstract of the seed abstract's sentences with one swapped in
from another seed paper. The new papers are written as listing dumps in the
seeds' own layouts: each new file copies one seed file's page chrome
verbatim and writes its entries the way that file does (title, abstract and
"• N authors · date" lines; title and abstract with blank lines; or no blank
lines at all, the first title glued to "Subscribe"). About 15% of all papers
are listed in two listings, as in real surveys (the seeds have 11%).

Every file written is read back with the survey's own reader: the corpus
has exactly the papers asked for and no problem, or :func:`write_survey`
raises. The bare-MkDocs floor (:func:`write_floor`) is one page per paper of
the same corpus, with its title and abstract.
"""
from __future__ import annotations

import datetime
import math
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.build import read_corpus
from generator.model import Corpus, Paper
from generator.parse import GLUED_SUBSCRIBE_RE, parse_listing

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "seed"
CROSS_LISTED = 0.15  # the share of papers listed in two listings
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Layout:
    """How one seed listing file is written, for new files to copy."""

    seed_file: str
    header: list[str]  # the page chrome above the first entry, verbatim
    glued: bool  # the first title follows "Subscribe" on its line
    blank_lines: bool  # a blank line between every two lines
    metadata: bool  # "• N authors", "·" and a date after each abstract


def seed_layouts(content: Path) -> list[Layout]:
    config = yaml.safe_load((content / "listings.yml").read_text(encoding="utf-8"))
    return [_layout(content / "listings" / item["file"], int(config["year"]))
            for item in config["listings"]]


def _layout(path: Path, year: int) -> Layout:
    text = path.read_text(encoding="utf-8")
    entries = parse_listing(text, path.name, year).entries
    lines = text.split("\n")
    first = entries[0].source.line - 1  # the first title's line, counted from 0
    glued = bool(GLUED_SUBSCRIBE_RE.match(lines[first]))
    header = lines[:first] + (["Subscribe"] if glued else [])
    body = lines[first:]
    blank = sum(1 for line in body if not line.strip()) > len(body) // 3
    metadata = any(e.author_count or e.organization or e.date for e in entries)
    return Layout(path.name, header, glued, blank, metadata)


@dataclass(frozen=True)
class NewPaper:
    """A paper to write into a listing, as a listing shows it."""

    id: str
    title: str
    abstract: str
    author_count: int
    organization: str | None
    date: datetime.date
    upvotes: int | None


def entry_lines(paper: NewPaper, layout: Layout, year: int) -> list[str]:
    """One paper's lines, as ``layout`` writes an entry (blank lines apart)."""
    lines = [paper.title, paper.abstract]
    if layout.metadata:
        who = paper.organization or f"  • {paper.author_count} authors"
        lines += [who, "·", date_line(paper.date, paper.upvotes, year)]
    return lines


def date_line(date: datetime.date, upvotes: int | None, year: int) -> str:
    """A date as the listing pages show it: without the year in the listing's year."""
    text = f"{date:%b} {date.day}" + (f", {date.year}" if date.year != year else "")
    return text + (f" {upvotes}" if upvotes and date.year == year else "")


def listing_text(papers: list[NewPaper], layout: Layout, year: int) -> str:
    body = [line for paper in papers for line in entry_lines(paper, layout, year)]
    header = list(layout.header)
    if layout.glued:
        header[-1] += body.pop(0)
    return "\n".join(header) + "\n" + ("\n\n" if layout.blank_lines else "\n").join(body) + "\n"


def variants(seeds: list[Paper], n: int, rng: random.Random) -> list[NewPaper]:
    """``n`` new papers made from the seed papers."""
    usable = [p for p in seeds if len(p.abstract) >= 300 and len(p.title) < 150]
    return [_variant(i + 1, usable[i % len(usable)], rng.choice(usable), rng)
            for i in range(n)]


def _variant(i: int, base: Paper, other: Paper, rng: random.Random) -> NewPaper:
    sentences = _SENTENCE.split(base.abstract)
    borrowed = _SENTENCE.split(other.abstract)
    if len(sentences) > 2:
        sentences[rng.randrange(1, len(sentences))] = rng.choice(borrowed)
    date = base.date or datetime.date(2019 + i % 7, 1 + i % 12, 1 + i % 28)
    return NewPaper(id=f"variant-{i}", title=f"Variant {i}: {base.title}",
                    abstract=" ".join(sentences), author_count=base.author_count or 1 + i % 12,
                    organization=base.organization, date=date, upvotes=base.upvotes)


def place(papers: list[NewPaper], extra: int, per_file: int, rng: random.Random
          ) -> list[list[NewPaper]]:
    """The new papers spread over listing files of about ``per_file`` entries,
    ``extra`` of them listed a second time in another file."""
    total = len(papers) + extra
    files: list[list[NewPaper]] = [[] for _ in range(max(2, math.ceil(total / per_file)))]
    for i, paper in enumerate(papers):
        files[i * len(files) // len(papers)].append(paper)
    home = {p.id: i for i, f in enumerate(files) for p in f}
    for paper in rng.sample(papers, extra):
        others = [i for i in range(len(files)) if i != home[paper.id]]
        files[rng.choice(others)].insert(rng.randrange(per_file), paper)
    return files


@dataclass(frozen=True)
class Survey:
    project: Path
    corpus: Corpus  # as the survey's reader reads it back


def write_project(target: Path, content: Path) -> Path:
    """A project folder as `survey build` needs it: the seed configuration,
    the project's own theme additions, and ``content``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", target / "overrides")
    if content != target / "content":
        shutil.copytree(content, target / "content")
    (target / "generated").mkdir(exist_ok=True)
    return target


def write_survey(target: Path, papers: int | None, seed: int = 1) -> Survey:
    """A project of ``papers`` papers (None: the seed survey itself)."""
    project = write_project(target, SEED / "content")
    seeds = read_corpus(SEED / "content")
    if papers is not None:
        _add_listings(project / "content", seeds, papers - len(seeds.papers), random.Random(seed))
    corpus = read_corpus(project / "content")
    expected = papers or len(seeds.papers)
    if len(corpus.papers) != expected:
        raise RuntimeError(f"the synthetic corpus has {len(corpus.papers)} papers, "
                           f"not {expected}: the generator is wrong")
    return Survey(project, corpus)


def _add_listings(content: Path, seeds: Corpus, n: int, rng: random.Random) -> None:
    if n < 0:
        raise ValueError(f"a survey smaller than the seeds' {len(seeds.papers)} papers")
    config_path = content / "listings.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    year = int(config["year"])
    layouts = seed_layouts(content)
    per_file = round(sum(len(l.entries) for l in seeds.listings) / len(seeds.listings))
    total = len(seeds.papers) + n
    extra = max(0, min(n, round(CROSS_LISTED * total) - sum(p.cross_listed for p in seeds.papers)))
    for k, papers in enumerate(place(variants(list(seeds.papers), n, rng), extra, per_file, rng)):
        layout = layouts[k % len(layouts)]
        name = f"synthetic_{k:04d}.txt"
        (content / "listings" / name).write_text(listing_text(papers, layout, year),
                                                 encoding="utf-8")
        config["listings"].append({"file": name, "title": f"Synthetic listing {k} "
                                   f"(written as {layout.seed_file} is)"})
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                           encoding="utf-8")


FLOOR_CONFIG = """\
site_name: Bare floor
site_url: https://example.github.io/floor/
theme:
  name: material
  font: false
plugins: []
nav:
  - Home: index.md
not_in_nav: |
  /papers/
"""


def write_floor(target: Path, corpus: Corpus) -> Path:
    """The bare MkDocs + Material site of the same papers: one page per paper
    with its title and abstract, no plugins, only the home page in the nav."""
    docs = target / "docs"
    (docs / "papers").mkdir(parents=True)
    (target / "mkdocs.yml").write_text(FLOOR_CONFIG, encoding="utf-8")
    (docs / "index.md").write_text(f"# Bare floor\n\n{len(corpus.papers)} papers.\n")
    for paper in corpus.papers:
        (docs / "papers" / f"{paper.id}.md").write_text(
            f"# {paper.title}\n\n{paper.abstract}\n", encoding="utf-8")
    return target
