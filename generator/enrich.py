"""`survey enrich`: ask open scholarly services for the facts of papers without a record.

For each paper that ``content/metadata.yml`` does not describe, OpenAlex
(works search) and then the arXiv API (Atom feed) are asked by title. A work
is accepted only when its title equals the paper's after the normalisation
merging uses (:func:`generator.merge.title_key`); a title that is merely
close is listed as a near miss for a person to review, never written. Each
accepted record goes into the file at once, in title order, so that an
interrupted run loses nothing and the next one goes on where it stopped.

The HTTP client is the standard library's ``urllib``: two GET requests per
paper need no more, it adds no dependency to the site's build, and its
timeouts, headers and errors are all this module needs to be polite: it
names itself and a contact address, keeps a pause between requests to each
service, honours ``Retry-After``, retries with a growing delay, and gives up
on a service that keeps failing rather than hammering it. No build ever runs
this: only a person, or the weekly workflow, with network access.
"""
from __future__ import annotations

import argparse
import datetime
import difflib
import email.utils
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .build import read_corpus
from .content import shown
from .errors import ContentError
from .merge import title_key
from .metadata import FIELDS, arxiv_id, read_records, sort_key
from .model import Paper
from .text import one_line
from .yamlfile import load_yaml, read_yaml

OPENALEX = "https://api.openalex.org"
ARXIV = "https://export.arxiv.org/api/query"
# Statuses worth asking again, later: OpenAlex answers 403 when requests come too fast.
RETRIED = {403, 429, 500, 502, 503, 504}
MAX_BODY = 5_000_000  # bytes: a search answer is a few kilobytes
NEAR = 0.8  # how alike two normalised titles must be to be shown as a near miss
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
CONTACT_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
HEADER = ("# Bibliographic facts of the survey's papers: one record per paper, sorted by title.\n"
          "# `survey enrich` adds records for a maintainer to review; CONTRIBUTING.md says how\n"
          "# to add or correct one by hand.\n\n")  # the blank line: not a record's own comment


class Offline(Exception):
    """The network cannot be reached: nothing more can be asked."""


class Unavailable(Exception):
    """A service kept failing or asked to wait too long: not asked again this run."""


class Unreadable(Exception):
    """One answer that cannot be used (an error status, a body not in the
    service's documented format): costs only the paper asked about."""


@dataclass(frozen=True)
class Settings:
    contact: str  # an e-mail address the services can write to
    openalex: str = OPENALEX
    arxiv: str = ARXIV
    api_key: str | None = None  # OpenAlex's, from the environment
    timeout: float = 30.0  # seconds for one request
    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    longest_wait: float = 600.0  # a Retry-After beyond this: the service is left for today
    # Seconds between two requests to one service: arXiv asks for three.
    interval: Mapping[str, float] = field(default_factory=lambda: {"openalex": 0.5, "arxiv": 3.0})

    @property
    def user_agent(self) -> str:
        return f"survey-site-enrich/1 (mailto:{self.contact})"


@dataclass(frozen=True)
class Found:
    """A work a service returned for a title, with the facts it gives."""

    service: str
    title: str
    url: str  # the work's page at the service: where the record is read from
    arxiv: str | None = None
    doi: str | None = None
    authors: tuple[str, ...] = ()
    date: datetime.date | None = None
    venue: str | None = None


# The HTTP client ------------------------------------------------------------

class _WebRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed to http(s) addresses only (urllib would follow one to ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirected to {newurl!r}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


OPENER = urllib.request.build_opener(_WebRedirects)


class Client:
    """GET with a pause between requests to one service, retries and timeouts.
    ``sleep`` and ``clock`` are the time module's unless a test replaces them."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.settings, self.sleep, self.clock = settings, sleep, clock
        self.last: dict[str, float] = {}

    def get(self, service: str, url: str, accept: str) -> bytes:
        failures: list[str] = []
        for attempt in range(self.settings.retries + 1):
            self._pace(service)
            try:
                return self._fetch(url, accept)
            except urllib.error.HTTPError as err:
                if err.code not in RETRIED:
                    raise Unreadable(f"HTTP {err.code}") from None
                failures.append(f"HTTP {err.code}")
                delay = self._retry_after(err.headers.get("Retry-After"), attempt, service)
            except OSError as err:  # URLError, timeouts, refused or reset connections
                failures.append(_reason(err))
                delay = self.settings.backoff * 2 ** attempt
            if attempt < self.settings.retries:
                self.sleep(delay)
        if all(f.startswith("cannot connect") for f in failures):
            raise Offline(f"{urllib.parse.urlsplit(url).netloc}: {failures[-1]}")
        raise Unavailable(f"{service}: gave up after {len(failures)} attempts "
                          f"({', '.join(failures)})")

    def _pace(self, service: str) -> None:
        gap = self.settings.interval.get(service, 0.0)
        if service in self.last:
            wait = self.last[service] + gap - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.last[service] = self.clock()

    def _fetch(self, url: str, accept: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": self.settings.user_agent,
                                                       "Accept": accept})
        with OPENER.open(request, timeout=self.settings.timeout) as response:
            body = response.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise Unreadable(f"an answer larger than {MAX_BODY:,} bytes")
        return body

    def _retry_after(self, header: str | None, attempt: int, service: str) -> float:
        wait = retry_after(header, datetime.datetime.now(datetime.UTC))
        if wait is None:
            return self.settings.backoff * 2 ** attempt
        if wait > self.settings.longest_wait:
            raise Unavailable(f"{service}: asks to wait {wait:.0f} seconds (Retry-After); "
                              "left for the next run")
        return wait


def retry_after(header: str | None, now: datetime.datetime) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not header:
        return None
    if header.strip().isdigit():
        return float(header.strip())
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def _reason(err: OSError) -> str:
    reason = getattr(err, "reason", err)
    if isinstance(reason, TimeoutError) or isinstance(err, TimeoutError):
        return "timed out"
    if isinstance(err, urllib.error.URLError) and isinstance(reason, OSError):
        return f"cannot connect ({getattr(reason, 'strerror', None) or reason})"
    return f"connection failed ({reason})"


# The services and their documented answers --------------------------------------

def openalex_url(settings: Settings, title: str) -> str:
    """A works search (https://docs.openalex.org/api-entities/works/search-works)."""
    query = {"search": title_key(title), "per_page": "5", "mailto": settings.contact}
    if settings.api_key:
        query["api_key"] = settings.api_key
    return f"{settings.openalex.rstrip('/')}/works?{urllib.parse.urlencode(query)}"


def read_openalex(body: bytes) -> list[Found]:
    """Works from a list response: ``{"meta": {...}, "results": [work, ...]}``."""
    try:
        results = json.loads(body)["results"]
        return [found for work in results if (found := _openalex_work(work))]
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise Unreadable(f"not an OpenAlex list response ({type(err).__name__}: {err})") from None


def _openalex_work(work: dict) -> Found | None:
    title = work.get("title") or work.get("display_name")
    if not isinstance(title, str) or not str(work.get("id", "")).startswith("http"):
        return None
    doi = (work.get("doi") or "").removeprefix("https://doi.org/") or None
    locations = [work.get("primary_location") or {}] + list(work.get("locations") or [])
    source = (work.get("primary_location") or {}).get("source") or {}
    venue = source.get("display_name") if source.get("type") in ("conference", "journal") else None
    date = work.get("publication_date")
    return Found(
        "openalex", one_line(title), work["id"], arxiv=_openalex_arxiv(doi, locations),
        doi=None if doi and doi.lower().startswith("10.48550/arxiv.") else doi,
        authors=tuple(one_line(a["author"]["display_name"]) for a in work.get("authorships") or []
                      if (a.get("author") or {}).get("display_name")),
        date=datetime.date.fromisoformat(date) if date else None, venue=venue)


def _openalex_arxiv(doi: str | None, locations: list[dict]) -> str | None:
    """The arXiv id OpenAlex shows: arXiv's own DOI, or a location on arxiv.org."""
    if doi and doi.lower().startswith("10.48550/arxiv."):
        return arxiv_id(doi[len("10.48550/arxiv."):])
    for location in locations:
        page = str((location or {}).get("landing_page_url") or "")
        if match := re.match(r"https?://(?:www\.)?arxiv\.org/abs/(.+)$", page):
            return arxiv_id(match[1])
    return None


def arxiv_url(settings: Settings, title: str) -> str:
    """A title search (https://info.arxiv.org/help/api/user-manual.html)."""
    query = {"search_query": f'ti:"{title_key(title)}"', "start": "0", "max_results": "5"}
    return f"{settings.arxiv}?{urllib.parse.urlencode(query)}"


def read_arxiv(body: bytes) -> list[Found]:
    """Entries of an Atom feed; arXiv reports a bad query as an entry titled "Error"."""
    try:
        feed = ET.fromstring(body)
    except ET.ParseError as err:
        raise Unreadable(f"not an Atom feed ({err})") from None
    if feed.tag != f"{ATOM}feed":
        raise Unreadable(f"not an Atom feed (the document is a <{feed.tag}>)")
    try:
        return [found for entry in feed.findall(f"{ATOM}entry") if (found := _arxiv_entry(entry))]
    except ValueError as err:  # a date that is no date
        raise Unreadable(f"an entry not in the documented form ({err})") from None


def _arxiv_entry(entry: ET.Element) -> Found | None:
    text = lambda tag: one_line(entry.findtext(tag) or "")  # noqa: E731
    if "/api/errors" in text(f"{ATOM}id") or text(f"{ATOM}title") == "Error":
        raise Unreadable(f"arXiv answered with an error: {text(f'{ATOM}summary')!r}")
    ident = arxiv_id(text(f"{ATOM}id").rsplit("/abs/", 1)[-1])
    if ident is None or not text(f"{ATOM}title"):
        return None
    published = text(f"{ATOM}published")[:10]
    return Found("arxiv", text(f"{ATOM}title"), f"https://arxiv.org/abs/{ident}", arxiv=ident,
                 doi=text(f"{ARXIV_NS}doi") or None,
                 authors=tuple(one_line(a.findtext(f"{ATOM}name") or "")
                               for a in entry.findall(f"{ATOM}author")),
                 date=datetime.date.fromisoformat(published) if published else None)


SERVICES = (("openalex", openalex_url, read_openalex, "application/json"),
            ("arxiv", arxiv_url, read_arxiv, "application/atom+xml"))


# Deciding ---------------------------------------------------------------------

def verdict(title: str, found: Sequence[Found]) -> tuple[Found | None, list[Found]]:
    """The work whose title is the paper's, if exactly one is; and the near
    misses, for review. Two works of that title with different arXiv ids are
    both near misses: which one the paper is is a person's decision."""
    key = title_key(title)
    exact = [f for f in found if title_key(f.title) == key]
    if len({f.arxiv for f in exact if f.arxiv}) > 1:
        return None, exact
    near = [f for f in found if f not in exact
            and difflib.SequenceMatcher(None, key, title_key(f.title)).ratio() >= NEAR]
    best = max(exact, key=lambda f: (f.arxiv is not None, len(f.authors)), default=None)
    return best, near


ARXIV_FIRST = ("arxiv", "authors", "date")  # arXiv's own: the id, the names as submitted, v1's day


def combine(paper: Paper, matches: Sequence[Found], retrieved: datetime.date) -> dict | None:
    """The record the matches make, each fact from the first service that
    gives it; None when they disagree on the arXiv id."""
    if not matches or len({m.arxiv for m in matches if m.arxiv}) > 1:
        return None
    arxiv_first = sorted(matches, key=lambda m: m.service != "arxiv")

    def fact(name: str):
        order = arxiv_first if name in ARXIV_FIRST else matches
        return next((getattr(m, name) for m in order if getattr(m, name)), None)

    record = {"title": paper.title, **{name: fact(name) for name in
                                       ("arxiv", "doi", "authors", "date", "venue")},
              "source": matches[0].service, "url": matches[0].url,
              "also": [m.url for m in matches[1:]], "retrieved": retrieved}
    return {k: v for k, v in record.items() if v not in (None, (), [])}


# The file ---------------------------------------------------------------------

def quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as ``text``: JSON's escapes,
    and every character YAML would not keep as it is escaped too."""
    out = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else _escape(c) for c in out)


def _escape(char: str) -> str:
    # A lone surrogate stays escaped, and reading the record back refuses it.
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def format_record(record: Mapping) -> str:
    """One record as the file keeps it: fields in a fixed order, one per line."""
    lines: list[str] = []
    for name in FIELDS:
        value = record.get(name)
        if value in (None, (), []):
            continue
        if isinstance(value, datetime.date):
            shown_value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            shown_value = "[" + ", ".join(quote(v) for v in value) + "]"
        else:
            shown_value = quote(str(value))
        lines.append(f"{'- ' if not lines else '  '}{name}: {shown_value}\n")
    return "".join(lines)


def insert_record(text: str, title: str, block: str, path: str = "metadata.yml") -> str:
    """The file's text with ``block`` put in title order; every other byte kept."""
    if not text.strip():
        return HEADER + block
    data = load_yaml(text, path)  # the run checked that it reads as a list
    starts = [getattr(item, "line", 0) for item in data or [] if isinstance(item, dict)
              and isinstance(item.get("title"), str) and sort_key(item["title"]) > sort_key(title)]
    lines = text.splitlines(keepends=True)
    if not starts:
        return text + ("" if text.endswith("\n") else "\n") + block
    at = min(starts) - 1
    while at > 0 and lines[at - 1].lstrip().startswith("#"):  # a record's comment stays above it
        at -= 1
    return "".join(lines[:at]) + block + "".join(lines[at:])


def write_atomically(path: Path, text: str) -> None:
    """Replace the file whole: an interrupted write leaves the old one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# The run ----------------------------------------------------------------------

@dataclass
class Report:
    """What a run did, counted as it goes (an interrupted run has said it line by line)."""

    added: int = 0
    near: int = 0
    missing: int = 0
    unreadable: int = 0
    given_up: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # arXiv id -> the title whose record gives it

    def say(self, line: str, out: Callable[[str], None]) -> None:
        out(line)


def contact_address(option: str | None, content: Path) -> str | None:
    """The contact address: the option's, or ``contact:`` in survey.yml."""
    if option:
        return option
    path = content / "survey.yml"
    data = read_yaml(path, shown(path)) if path.exists() else None
    value = data.get("contact") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def run(content: Path, settings: Settings, client: Client, report: Report, dry_run: bool = False,
        limit: int | None = None, today: datetime.date | None = None,
        out: Callable[[str], None] = print) -> Report:
    """Ask about each paper without a record; write (or, dry, show) each found record.
    Raises Offline when the network cannot be reached; ``report`` says what was done."""
    corpus = read_corpus(content)
    path = content / "metadata.yml"
    papers = [p for p in corpus.papers if p.id not in corpus.metadata][:limit]
    report.ids = {r.arxiv: r.title for r in corpus.metadata.values() if r.arxiv}
    for paper in papers:
        record = _ask(paper, client, settings, report, out, today or datetime.date.today())
        if record is not None:
            _keep(path, record, list(corpus.papers), dry_run, report, out)
    return report


def _ask(paper: Paper, client: Client, settings: Settings, report: Report,
         out: Callable[[str], None], today: datetime.date) -> dict | None:
    matches, near = [], []
    for service, make_url, read, accept in SERVICES:
        if service in report.given_up:
            continue
        try:
            body = client.get(service, make_url(settings, paper.title), accept)
            match, close = verdict(paper.title, read(body))
        except Unreadable as err:
            report.unreadable += 1
            report.say(f"unreadable: {service} for {paper.title!r}: {err}", out)
            continue
        except Unavailable as err:
            report.given_up[service] = str(err)
            report.say(f"given up: {err}", out)
            continue
        matches += [match] if match else []
        near += close
    return _decide(paper, matches, near, report, out, today)


def _decide(paper: Paper, matches: list[Found], near: list[Found], report: Report,
            out: Callable[[str], None], today: datetime.date) -> dict | None:
    record = combine(paper, matches, today)
    if record is None and (matches or near):
        report.near += 1
        report.say(f"near miss: {paper.title!r}", out)
        for found in matches + near:
            report.say(f"  {found.service}: {found.title!r} {found.url}"
                       + (f" (arXiv {found.arxiv})" if found.arxiv else ""), out)
    elif record is None:
        report.missing += 1
        report.say(f"not found: {paper.title!r}", out)
    return record


def _keep(path: Path, record: dict, papers: list[Paper], dry_run: bool, report: Report,
          out: Callable[[str], None]) -> None:
    block = format_record(record)
    try:
        _, problems = read_records(load_yaml(block, shown(path)), shown(path), papers)
    except ContentError as err:
        problems = err.problems
    if problems:  # never write what the build would refuse
        report.unreadable += 1
        report.say(f"not written: {record['title']!r}: {problems[0].message}", out)
        return
    report.added += 1
    _same_id(record, report, out)
    services = ", ".join([record["source"]] + (["more"] if record.get("also") else []))
    if dry_run:
        report.say(f"would add: {record['title']!r} ({services})\n{block.rstrip()}", out)
        return
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    write_atomically(path, insert_record(text, record["title"], block, shown(path)))
    report.say(f"added: {record['title']!r} ({services})", out)


def _same_id(record: dict, report: Report, out: Callable[[str], None]) -> None:
    """A reviewer should know when a record makes two listed titles one paper."""
    other = report.ids.setdefault(record.get("arxiv") or "", record["title"])
    if record.get("arxiv") and other != record["title"]:
        report.say(f"note: {record['title']!r} has the arXiv id {record['arxiv']} of {other!r}: "
                   "the site will show the two as one paper", out)


def summary(report: Report, dry_run: bool) -> str:
    verb = "would be added" if dry_run else "added"
    parts = [f"{report.added} {'record' if report.added == 1 else 'records'} {verb}",
             f"{report.near} near {'miss' if report.near == 1 else 'misses'} to review",
             f"{report.missing} not found"]
    if report.unreadable:
        parts.append(f"{report.unreadable} unreadable")
    tail = "".join(f"; {reason}" for reason in report.given_up.values())
    return "enrich: " + ", ".join(parts) + tail


# The command ------------------------------------------------------------------

Say = Callable[..., None]  # the command line's printer: say(text) or say(text, err=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--content", default="content", help="content folder (default: content)")
    add("--contact", help="the e-mail address the services may write to "
        "(default: 'contact' in survey.yml)")
    add("--dry-run", action="store_true", help="show what would be added; write nothing")
    add("--limit", type=int, help="ask about at most this many papers")
    add("--openalex", default=OPENALEX, help=f"OpenAlex API (default: {OPENALEX})")
    add("--arxiv", default=ARXIV, help=f"arXiv API query URL (default: {ARXIV})")
    add("--timeout", type=float, default=30.0, help="seconds per request (default: 30)")


def command(args: argparse.Namespace, say: Say) -> int:
    """`survey enrich`; ``say`` prints a line (the command line's, which
    shows control characters in data escaped)."""
    content = Path(args.content)
    contact = contact_address(args.contact, content)
    if not contact or not CONTACT_RE.fullmatch(contact):
        return _fail(say, "no contact address: add 'contact: you@example.org' to "
                     f"{shown(content / 'survey.yml')}, or pass --contact (the services "
                     "ask who is calling, to write before they block)")
    unreadable = _unreadable_metadata(content)
    if unreadable:
        return _fail(say, f"{unreadable}\nsurvey enrich: fix {shown(content / 'metadata.yml')} "
                     "first (survey check shows its problems); nothing was asked")
    settings = Settings(contact=contact, openalex=args.openalex, arxiv=args.arxiv,
                        api_key=os.environ.get("OPENALEX_API_KEY") or None, timeout=args.timeout)
    return run_command(content, settings, Client(settings), args.dry_run, args.limit, say)


def run_command(content: Path, settings: Settings, client: Client, dry_run: bool,
                limit: int | None, say: Say) -> int:
    report = Report()
    try:
        run(content, settings, client, report, dry_run, limit, out=lambda line: _now(say, line))
    except Offline as err:
        done = (f"the {report.added} records added before are kept; run again to go on"
                if report.added and not dry_run else "nothing was changed")
        return _fail(say, f"cannot reach {err}: is this machine offline? Stopped; {done}")
    say(summary(report, dry_run))
    return 0


def _now(say: Say, line: str) -> None:
    say(line)
    sys.stdout.flush()  # a long run shows its progress, even through a pipe


def _unreadable_metadata(content: Path) -> str | None:
    """Why the metadata file cannot take a new record, if it cannot."""
    path = content / "metadata.yml"
    if not path.exists():
        return None
    try:
        data = read_yaml(path, shown(path))
    except ContentError as err:
        return "\n".join(str(p) for p in err.problems)
    return None if data is None or isinstance(data, list) else \
        f"{shown(path)}: expected a list of records"


def _fail(say: Say, message: str) -> int:
    say(f"survey enrich: {message}", err=True)
    return 2
