"""Read the content folder into a Corpus: the input edge of the generator.

Everything is read before anything is written, and every problem found on
the way is collected rather than raised, so one bad file costs only itself.
"""
from __future__ import annotations

import os
from pathlib import Path

from . import merge, parse, summaries, themes
from .errors import WARNING, ContentError, Problem
from .model import Corpus, Listing
from .yamlfile import read_yaml

LISTING_SUFFIXES = (".txt",)


def shown(path: Path) -> str:
    """How messages name a file: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def read_content(content: Path) -> Corpus:
    content = Path(content)
    problems: list[Problem] = []
    survey = read_yaml(content / "survey.yml", shown(content / "survey.yml")) or {}
    described = _described_listings(content, problems)
    listings = _read_listings(content, described, problems)
    paths = {l.file: shown(content / "listings" / l.file) for l in listings}
    entries = [e for l in listings for e in l.entries]
    papers, conflicts = merge.merge(entries, paths)
    problems += conflicts
    taxonomy_path = content / "themes.yml"
    taxonomy, theme_problems = themes.read_taxonomy(
        read_yaml(taxonomy_path, shown(taxonomy_path)), shown(taxonomy_path))
    problems += theme_problems
    problems += _unknown_overrides(taxonomy, papers, shown(taxonomy_path))
    papers = themes.assign(papers, taxonomy)
    curated, summary_problems = summaries.read_summaries(
        content / "summaries", shown, papers, taxonomy)
    problems += summary_problems
    papers = summaries.apply(papers, curated)
    return Corpus(
        title=str(survey.get("title") or "Literature survey"),
        description=" ".join(str(survey.get("description") or "").split()),
        listings=tuple(listings), papers=tuple(papers), taxonomy=taxonomy,
        problems=tuple(problems), summaries=curated)


def _described_listings(content: Path, problems: list[Problem]) -> dict[str, dict]:
    path = content / "listings.yml"
    data = read_yaml(path, shown(path))
    if not isinstance(data, dict) or not isinstance(data.get("listings"), list):
        raise ContentError([Problem(shown(path), None, "expected a mapping with a 'listings' list")])
    default_year = data.get("year")
    described = {}
    for item in data["listings"]:
        line = getattr(item, "line", None)
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            problems.append(Problem(shown(path), line, "each listing needs a 'file' name"))
            continue
        year = item.get("year", default_year)
        if not isinstance(year, int) or not 1900 < year < 3000:
            problems.append(Problem(shown(path), line, f"listing {item['file']!r} needs a 'year' "
                                    "(the year its dates without one belong to)"))
            continue
        if item["file"] in described:
            problems.append(Problem(shown(path), line, f"listing {item['file']!r} is described twice"))
            continue
        described[item["file"]] = {"title": str(item.get("title") or item["file"]),
                                   "year": year, "line": line}
    return described


def _read_listings(content: Path, described: dict, problems: list[Problem]) -> list[Listing]:
    folder = content / "listings"
    files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    catalogue = shown(content / "listings.yml")
    for name in described:
        if name not in files:
            problems.append(Problem(catalogue, described[name]["line"],
                                    f"listing file {shown(folder / name)} not found"))
    listings = []
    for name in files:
        if not name.endswith(LISTING_SUFFIXES):
            problems.append(Problem(shown(folder / name), None,
                                    "not a listing (listings end in .txt); ignored", WARNING))
            continue
        info = described.get(name)
        if info is None:
            problems.append(Problem(shown(folder / name), None, "not described in listings.yml; "
                                    "add its title and year there", WARNING))
            continue
        parsed = read_listing(folder / name, info["year"])
        problems += parsed.problems
        listings.append(Listing(
            id=name.rsplit(".", 1)[0], file=name, title=info["title"], year=info["year"],
            date=parsed.date, entries=tuple(parsed.entries)))
    return listings


def read_listing(path: Path, year: int) -> parse.ParsedListing:
    text, problems = parse.decode(path.read_bytes(), shown(path))
    parsed = parse.parse_listing(text, shown(path), year)
    parsed.problems[:0] = problems
    return parsed


def _unknown_overrides(taxonomy, papers, path) -> list[Problem]:
    ids = {p.id for p in papers}
    return [Problem(path, o.line, f"override names unknown paper id {o.paper!r}")
            for o in taxonomy.overrides if o.paper not in ids]
