"""Read the content folder into a Corpus: the input edge of the generator.

Everything is read before anything is written, and every problem found on
the way is collected rather than raised, so one bad file costs only itself.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from . import merge, parse, review, summaries, themes
from .errors import WARNING, ContentError, Problem
from .model import Corpus, Listing, Taxonomy
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
    survey = _read_survey(content / "survey.yml", problems)
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
    taxonomy = _with_reviewed(content / "reviewed.yml", taxonomy, papers, problems)
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


def _read_survey(path: Path, problems: list[Problem]) -> dict:
    """survey.yml's title and description; anything else is reported, not used."""
    data = read_yaml(path, shown(path))
    if data is not None and not isinstance(data, dict):
        problems.append(Problem(shown(path), None, "expected a mapping with a 'title' and a "
                                "'description'; ignored"))
        return {}
    data = data or {}
    for key in ("title", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            line = getattr(data, "key_lines", {}).get(key)
            problems.append(Problem(shown(path), line, f"'{key}' must be text; ignored"))
            data.pop(key)
    return data


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
    names = _listing_files(folder, problems)
    catalogue = shown(content / "listings.yml")
    for name in described:
        if name not in names:
            problems.append(Problem(catalogue, described[name]["line"],
                                    f"listing file {shown(folder / name)} not found"))
    listings = [_read_described(folder / name, described.get(name), problems) for name in names]
    return [listing for listing in listings if listing is not None]


def _listing_files(folder: Path, problems: list[Problem]) -> list[str]:
    """The names in the listings folder, sorted: the order the file system
    lists them in must not change the site."""
    if not folder.is_dir():
        return []
    names = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue  # not content: .gitkeep, the system's or an editor's files
        if path.is_dir():
            problems.append(Problem(shown(path), None, "a folder: listings are files directly "
                                    f"in {shown(folder)}; ignored", WARNING))
            continue
        names.append(path.name)
    return names


def _safe_name(name: str) -> bool:
    # The name becomes the listing page's address: only characters that need
    # no escaping in a URL, a Markdown link or any file system.
    return name.isascii() and name.replace(".", "").replace("_", "").replace("-", "").isalnum()


def _read_described(path: Path, info: dict | None, problems: list[Problem]) -> Listing | None:
    """The listing in a file, or None when there is none to publish (the
    problems say why)."""
    name = path.name
    if not name.endswith(LISTING_SUFFIXES):
        problems.append(Problem(shown(path), None,
                                "not a listing (listings end in .txt); ignored", WARNING))
        return None
    if not _safe_name(name):
        problems.append(Problem(shown(path), None, "a listing's file name may hold only letters, "
                                "digits, '.', '_' and '-' (it becomes the listing page's address); "
                                "rename it; file skipped"))
        return None
    if info is None:
        problems.append(Problem(shown(path), None, "not described in listings.yml; "
                                "add its title and year there", WARNING))
        return None
    parsed = read_listing(path, info["year"])
    problems.extend(parsed.problems)
    if not parsed.entries:
        return None
    return Listing(id=name.rsplit(".", 1)[0], file=name, title=info["title"], year=info["year"],
                   date=parsed.date, entries=tuple(parsed.entries))


def read_listing(path: Path, year: int) -> parse.ParsedListing:
    """A listing file read and parsed; a file that cannot be read or is not
    text gives no entries and a problem saying so."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return parse.ParsedListing(problems=[Problem(
            shown(path), None, f"cannot be read ({err.strerror or err}); file skipped")])
    text, problems = parse.decode(data, shown(path))
    if text is None:
        return parse.ParsedListing(problems=problems)
    parsed = parse.parse_listing(text, shown(path), year)
    parsed.problems[:0] = problems
    return parsed


def _unknown_overrides(taxonomy, papers, path) -> list[Problem]:
    ids = {p.id for p in papers}
    return [Problem(path, o.line, f"override names unknown paper id {o.paper!r}")
            for o in taxonomy.overrides if o.paper not in ids]


def _with_reviewed(path: Path, taxonomy: Taxonomy, papers, problems: list[Problem]) -> Taxonomy:
    """The taxonomy with the curators' reviewed decisions, when the file exists."""
    if not path.exists():
        return taxonomy
    decisions, found = review.read_reviewed(read_yaml(path, shown(path)), shown(path),
                                            papers, taxonomy)
    problems += found
    return replace(taxonomy, reviewed=decisions)
