"""Read the content folder into a Corpus: the input edge of the generator.

Everything is read before anything is written, and every problem found on
the way is collected rather than raised, so one bad file costs only itself.
"""
from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import parse, themes
from .errors import WARNING, ContentError, Problem
from .files import MB, read_limited
from .model import Listing, Taxonomy, TextFile
from .schema import INT, LIST, TEXT, Field, Schema, at_most, describe, suggestion, validate
from .yamlfile import LineDict, read_yaml

LISTING_SUFFIXES = (".txt",)


def shown(path: Path) -> str:
    """How messages name a file: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class FileCache:
    """Parsed listings and YAML files kept between the rebuilds of one preview
    session: a file is parsed again only when it changed."""

    def __init__(self) -> None:
        self.parsed: dict[tuple, parse.ParsedListing] = {}
        self.yaml: dict[tuple, object] = {}

    def read(self, path: Path, year: int | None, root: Path | None = None) -> parse.ParsedListing:
        found = _kept(self.parsed, path, (year, root), lambda: read_listing(path, year, root))
        return parse.ParsedListing(entries=list(found.entries), problems=list(found.problems),
                                   date=found.date)

    def read_yaml(self, path: Path, name: str, root: Path | None = None) -> object:
        """The file as read_yaml reads it (a copy: the caller may change it)."""
        return copy.deepcopy(_kept(self.yaml, path, (name, root),
                                   lambda: read_yaml(path, name, root)))


def _kept(store: dict, path: Path, more: tuple, make: Callable[[], Any]) -> Any:
    """What ``make`` makes of this version of the file: kept in ``store``
    (with no older version of the same file), made again when the file changed."""
    key = _file_key(path, *more)
    if key is None:
        return make()
    if key not in store:
        for old in [k for k in store if k[0] == key[0]]:
            del store[old]
        store[key] = make()
    return store[key]


def _file_key(path: Path, *more) -> tuple | None:
    """What tells one version of a file from another; None when it cannot be known."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (str(path), info.st_mtime_ns, info.st_size, info.st_ino, *map(str, more))


@dataclass(frozen=True)
class Sources:
    """Everything in the content folder, read and parsed, nothing combined yet."""

    title: str
    description: str
    listings: tuple[Listing, ...]
    listing_paths: Mapping[str, str]  # listing file name -> the path messages show
    taxonomy: Taxonomy
    taxonomy_path: str
    summaries: tuple[TextFile, ...]
    problems: tuple[Problem, ...]
    metadata: object = None  # content/metadata.yml as parsed YAML; None when absent
    metadata_path: str = "metadata.yml"  # as messages show it
    reviewed: object = None  # content/reviewed.yml as parsed YAML; None when absent
    reviewed_path: str = "reviewed.yml"


def read_sources(content: Path, cache: FileCache | None = None) -> Sources:
    """Read every file of the content folder: the pipeline's input edge."""
    content = Path(content)
    cache = cache or FileCache()
    problems: list[Problem] = []
    survey = _read_survey(content / "survey.yml", problems, content)
    described, default_year = _described_listings(content, problems)
    listings = _read_listings(content, described, problems, cache, default_year)
    taxonomy_path = shown(content / "themes.yml")
    taxonomy, theme_problems = themes.read_taxonomy(
        cache.read_yaml(content / "themes.yml", taxonomy_path, content), taxonomy_path)
    problems += theme_problems
    summary_files = _read_summary_files(content / "summaries", problems, content)
    return Sources(
        title=str(survey.get("title") or "Literature survey"),
        description=" ".join(str(survey.get("description") or "").split()),
        listings=tuple(listings),
        listing_paths={l.file: shown(content / "listings" / l.file) for l in listings},
        taxonomy=taxonomy, taxonomy_path=taxonomy_path,
        summaries=tuple(summary_files),
        metadata_path=shown(content / "metadata.yml"),
        metadata=_read_optional(content / "metadata.yml", problems, content, "metadata record",
                                cache),
        reviewed_path=shown(content / "reviewed.yml"),
        reviewed=_read_optional(content / "reviewed.yml", problems, content, "reviewed decision",
                                cache),
        problems=tuple(problems))


def _read_optional(path: Path, problems: list[Problem], root: Path, what: str,
                   cache: FileCache) -> object:
    """An optional YAML file of records, parsed, if there is one; a file that
    cannot be read costs only its records."""
    if not path.exists():
        return None
    try:
        return cache.read_yaml(path, shown(path), root)
    except ContentError as err:
        problems += [replace(p, message=p.message + f"; no {what} was used")
                     for p in err.problems]
        return None


SUMMARY_MAX = 1 * MB  # a summary file, front matter and all (its body is held to 4,000 characters)


def _read_summary_files(folder: Path, problems: list[Problem],
                        root: Path | None = None) -> list[TextFile]:
    """The summary files directly in ``folder``; one that ``root`` does not
    hold (a link to elsewhere), or that is not a regular file, is not read."""
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            problems += _nested_summaries(path, folder)
            continue
        if path.suffix != ".md":
            problems.append(Problem(shown(path), None, "not a summary (summaries end in .md); "
                                    "ignored", WARNING))
            continue
        text = _read_summary_text(path, root)
        if isinstance(text, Problem):
            problems.append(text)
            continue
        files.append(TextFile(shown(path), path.stem, text))
    return files


def _read_summary_text(path: Path, root: Path | None) -> str | Problem:
    """A summary file's text, or the problem that keeps it from being read."""
    data, reason = read_limited(path, SUMMARY_MAX, root)
    if data is None:
        return Problem(shown(path), None, f"{reason}; not used")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Problem(shown(path), None, f"not UTF-8 text ({err.reason})")


def _nested_summaries(path: Path, folder: Path) -> list[Problem]:
    """The summaries put in a subfolder, each named: they are not read."""
    found = sorted(path.rglob("*.md"))[:20]
    return [Problem(shown(p), None, "not read: summaries are read only directly in "
                                    f"{shown(folder)}; move it there", WARNING) for p in found]


SURVEY_SCHEMA: Schema = {
    "title": Field(TEXT, required=True, check=at_most(200, "the title"),
                   about="the survey's name, shown on every page"),
    "description": Field(TEXT, required=True, check=at_most(2_000, "the description"),
                         about="a sentence or two the home page shows"),
    # Read by `survey enrich` (enrich.contact_address): the address it gives the services.
    "contact": Field(TEXT, check=lambda v: None if "@" in v else
                     f"contact {v!r} is not an e-mail address"),
}


def _year(value) -> str | None:
    return None if 1900 < value < 3000 else f"year {value} is not a year of papers"


LISTING_SCHEMA: Schema = {
    "file": Field(TEXT, required=True, about=r"the dump's file name in the listings folder"),
    "title": Field(TEXT, required=True, essential=False,  # else titled after the file
                   check=at_most(300, "the title"),
                   about="what the listing is about, shown on its page"),
    "year": Field(INT, check=_year, about="overrides the year at the top for this listing"),
}
LISTINGS_SCHEMA: Schema = {
    "year": Field(INT, check=_year, about="the year that dates shown without one belong to"),
    "listings": Field(LIST, required=True, items=LISTING_SCHEMA, item_name="listing",
                      about="one '- file: ...' item with a 'title: ...' per listing dump"),
}
RESERVED = {"index", "readme"}  # the site's own page in each folder
LISTING_MAX = 16 * MB  # a listing dump of thousands of papers is a few MB


def _mapping_of(data, path: str, keys: str) -> LineDict:
    """The top of a YAML file as a mapping; ContentError when it is not one."""
    if data is None:
        return LineDict()
    if not isinstance(data, dict):
        raise ContentError([Problem(path, getattr(data, "line", None) or 1,
                                    f"expected a mapping with {keys}, not {describe(data)}")])
    assert isinstance(data, LineDict), "read_yaml makes every mapping a LineDict"
    return data


def _read_survey(path: Path, problems: list[Problem], root: Path | None = None) -> dict:
    """survey.yml's title and description; anything else is reported, not used."""
    name = shown(path)
    data = read_yaml(path, name, root)
    if data is not None and not isinstance(data, dict):
        problems.append(Problem(name, None, "expected a mapping with a 'title' and a "
                                "'description'; ignored"))
        return {}
    valid, found = validate(data or LineDict(), SURVEY_SCHEMA, name)
    problems += found
    return valid


def _described_listings(content: Path, problems: list[Problem]
                        ) -> tuple[dict[str, dict], int | None]:
    """The listings listings.yml describes, by file name, and its default year."""
    path = content / "listings.yml"
    name = shown(path)
    data = _mapping_of(read_yaml(path, name, content), name, "a 'listings' list")
    valid, found = validate(data, LISTINGS_SCHEMA, name)
    problems += found
    default_year = valid.get("year")
    if "year" not in data and any("year" not in item for item in valid.get("listings", [])):
        problems.append(Problem(name, data.line or 1, "missing 'year' (the year "
                                "that dates shown without one belong to); until it is set, "
                                "such dates are left out"))
    described: dict[str, dict] = {}
    for item in valid.get("listings", []):
        if item["file"] in described:
            problems.append(Problem(name, item.line, f"listing {item['file']!r} is described "
                                    f"twice (also at line {described[item['file']]['line']})"))
            continue
        title = item.get("title") or _title_from(item["file"])
        described[item["file"]] = {"title": " ".join(title.split()),
                                   "year": item.get("year", default_year), "line": item.line}
    return described, default_year


def _read_listings(content: Path, described: dict, problems: list[Problem],
                   cache: FileCache, default_year: int | None = None) -> list[Listing]:
    folder = content / "listings"
    names = _listing_files(folder, problems)
    catalogue = shown(content / "listings.yml")
    undescribed = [n for n in names if n not in described]
    for name in described:
        if name not in names:
            problems.append(Problem(catalogue, described[name]["line"],
                                    f"listing file {shown(folder / name)} not found"
                                    + suggestion(name, undescribed)))
    listings: list[Listing] = []
    for name in names:
        info = described.get(name) or _undescribed(folder / name, default_year, problems)
        listing = _read_described(folder / name, info, problems, cache, content)
        if listing is not None and _distinct(listing, listings, folder, problems):
            listings.append(listing)
    return listings


def _undescribed(path: Path, year: int | None, problems: list[Problem]) -> dict | None:
    """How a listing listings.yml does not describe is read: under a title
    made from its file name, with the default year, and a warning."""
    if not path.name.endswith(LISTING_SUFFIXES) or not _safe_name(path.name):
        return None  # reported as what it is by _read_described
    title = _title_from(path.name)
    problems.append(Problem(shown(path), None, f"not described in listings.yml: read as "
                            f"{title!r}; describe it there under 'listings:' as "
                            f"'- file: {path.name}' with a 'title:'", WARNING))
    return {"title": title, "year": year, "line": None, "described": False}


def _title_from(file: str) -> str:
    """A listing's title made from its file name: "new_dump-2.txt" -> "New dump 2"."""
    stem = file.rsplit(".", 1)[0]
    title = " ".join(stem.replace("_", " ").replace("-", " ").split()) or stem
    return title[:1].upper() + title[1:]


def _distinct(listing: Listing, listings: list[Listing], folder: Path,
              problems: list[Problem]) -> bool:
    """Whether a listing's page address is its own: two file names that
    differ only in case would share a page on many file systems."""
    same = next((l for l in listings if l.id.casefold() == listing.id.casefold()), None)
    if same is None:
        return True
    why = (f"differs from {same.file!r} only in letter case, and their pages would be one"
           if same.id != listing.id else
           f"would be published at listings/{listing.id}, where {same.file!r} is")
    problems.append(Problem(shown(folder / listing.file), None, f"{why}: rename it; file skipped"))
    return False


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


def _read_described(path: Path, info: dict | None, problems: list[Problem],
                    cache: FileCache, root: Path | None = None) -> Listing | None:
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
        return None
    parsed = cache.read(path, info["year"], root)
    problems.extend(parsed.problems)
    if not parsed.entries:
        return None
    return Listing(id=_listing_id(path, problems), file=name, title=info["title"],
                   year=info["year"], date=parsed.date, entries=tuple(parsed.entries),
                   described=info.get("described", True))


def _listing_id(path: Path, problems: list[Problem]) -> str:
    """The listing page's name: the file's, unless the site's own page in
    the listings folder has it."""
    stem = path.name.rsplit(".", 1)[0]
    if stem.casefold() not in RESERVED:
        return stem
    problems.append(Problem(shown(path), None, f"the name {stem!r} is the site's own page of "
                            f"all listings: published as {stem}-listing; rename the file",
                            WARNING))
    return f"{stem}-listing"


def read_listing(path: Path, year: int | None, root: Path | None = None) -> parse.ParsedListing:
    """A listing file read and parsed; a file that cannot be read or is not
    text gives no entries and a problem saying so."""
    data, reason = read_limited(path, LISTING_MAX, root)
    if data is None:
        return parse.ParsedListing(problems=[Problem(shown(path), None, f"{reason}; file skipped")])
    text, problems = parse.decode(data, shown(path))
    if text is None:
        return parse.ParsedListing(problems=problems)
    parsed = parse.parse_listing(text, shown(path), year)
    parsed.problems[:0] = problems
    return parsed
