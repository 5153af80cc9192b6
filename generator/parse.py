"""Read one listing dump: text copied from a paper listing page.

Three layouts occur, and one reader handles them all, because it looks at
lines rather than blocks:

(a) blank-line separated entries, each a title, an abstract and metadata
    (``• 3 authors`` or an organisation, ``·``, a date and upvotes);
(b) blank-line separated title and abstract only;
(c) no blank lines at all, title and abstract alternating, the first title
    glued to the page's "Subscribe" button.

Page chrome is dropped, a lone date before the first entry is the listing's
own date, and every other line becomes part of an entry or a problem.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .errors import WARNING, Problem
from .model import Entry, SourceLine

MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}

AUTHORS_RE = re.compile(r"^\s*[•·*-]?\s*(\d+)\s+authors?\s*$", re.IGNORECASE)
SEPARATOR_RE = re.compile(r"^\s*·\s*$")
# "Jun 26", "Jun 26, 2024", either optionally followed by an upvote count.
DATE_RE = re.compile(
    r"^\s*(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<votes>\d+))?\s*$")
CHROME_RE = re.compile(
    r"^\s*(new|subscribe|daily papers|by\s*ak and the research community"
    r"|get trending papers in your email inbox.*)\s*$", re.IGNORECASE)
GLUED_SUBSCRIBE_RE = re.compile(r"^\s*Subscribe(?=\S)")

# No real title is this long and no real abstract this short; between the two
# limits a line is judged by its neighbours.
TITLE_MAX = 300
ABSTRACT_MIN = 200
LINE_MAX = 20_000


@dataclass
class ParsedListing:
    entries: list[Entry] = field(default_factory=list)
    date: datetime.date | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Draft:
    """An entry while its lines are being read."""

    line: int
    title: str
    abstract: str | None = None
    authors: int | None = None
    organization: str | None = None
    date: datetime.date | None = None
    upvotes: int | None = None
    meta_seen: bool = False


def parse_date(text: str, default_year: int) -> tuple[datetime.date, int | None] | str | None:
    """A date line's date and upvotes; an error message when it looks like a
    date but is none; None when it is not a date line at all."""
    m = DATE_RE.match(text)
    if not m or m["mon"].lower() not in MONTHS:
        return None
    year = int(m["year"]) if m["year"] else default_year
    try:
        date = datetime.date(year, MONTHS[m["mon"].lower()], int(m["day"]))
    except ValueError:
        return f"date {text.strip()!r} does not exist"
    return date, (int(m["votes"]) if m["votes"] is not None else None)


def _kind(text: str, next_text: str | None, after_abstract: bool) -> str:
    """What a line is: chrome, authors, separator, organisation, date or text."""
    if CHROME_RE.match(text):
        return "chrome"
    if AUTHORS_RE.match(text):
        return "authors"
    if SEPARATOR_RE.match(text):
        return "separator"
    if DATE_RE.match(text) and DATE_RE.match(text)["mon"].lower() in MONTHS:
        return "date"
    # An organisation stands where the author count would: after an abstract,
    # just before "·".
    if (after_abstract and next_text is not None and SEPARATOR_RE.match(next_text)
            and len(text) <= TITLE_MAX):
        return "organization"
    return "text"


def parse_listing(text: str, path: str, year: int) -> ParsedListing:
    """Parse a listing's text. ``path`` names it in messages and entries."""
    result = ParsedListing()
    file = path.rsplit("/", 1)[-1]
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line]
    drafts: list[_Draft] = []
    current: _Draft | None = None
    expect_date_after: int | None = None  # the line of a "·" still waiting for its date

    def problem(line: int, message: str, level: str = "error") -> None:
        result.problems.append(Problem(path, line, message, level))

    for i, (n, line) in enumerate(lines):
        if len(line) > LINE_MAX:
            problem(n, f"line is {len(line):,} characters long, longer than any real "
                       f"abstract (limit {LINE_MAX:,}); skipped: {line[:60]!r}...")
            continue
        if not drafts and current is None:
            glued = GLUED_SUBSCRIBE_RE.match(line)
            if glued:  # layout (c): the first title follows the button's label
                line = line[glued.end():].lstrip()
        next_line = lines[i + 1][1] if i + 1 < len(lines) else None
        kind = _kind(line, next_line, current is not None and current.abstract is not None
                     and current.organization is None and current.authors is None)
        if expect_date_after is not None and kind != "date":
            problem(expect_date_after, "'·' is not followed by a date")
            expect_date_after = None

        if kind == "chrome":
            continue
        if kind == "text":
            current = _read_text(n, line, next_line, current, drafts, problem)
            continue
        # Metadata from here on.
        if kind == "date" and current is None and not drafts:
            parsed = parse_date(line, year)
            if isinstance(parsed, tuple) and result.date is None:
                result.date = parsed[0]  # the listing's own date, shown above its entries
                continue
        if current is None or current.abstract is None:
            what = "before any entry" if current is None else "between a title and its abstract"
            problem(n, f"metadata line {line!r} is out of place ({what}); ignored")
            continue
        current.meta_seen = True
        if kind == "authors":
            current.authors = int(AUTHORS_RE.match(line)[1])
        elif kind == "organization":
            current.organization = line
        elif kind == "separator":
            expect_date_after = n
        elif kind == "date":
            expect_date_after = None
            parsed = parse_date(line, year)
            if isinstance(parsed, str):
                problem(n, f"{parsed}; the entry is kept without a date")
            else:
                current.date, current.upvotes = parsed
    if expect_date_after is not None:
        problem(expect_date_after, "'·' is not followed by a date")
    if current is not None and current.abstract is None:
        problem(current.line, f"entry {current.title!r} has a title but no abstract "
                              "(cut off?); kept with an empty abstract", WARNING)
    result.entries = [_entry(d, file) for d in drafts]
    return result


def _read_text(n, line, next_line, current, drafts, problem) -> _Draft:
    """Take a text line as the next title or abstract; return the entry being read."""
    starts_entry = (
        current is None
        or current.abstract is not None
        # A short line followed by a long one is a title: the entry before
        # it lost its abstract.
        or (len(line) < ABSTRACT_MIN and next_line is not None and len(next_line) >= ABSTRACT_MIN
            and not DATE_RE.match(next_line)))
    if not starts_entry:
        current.abstract = line
        return current
    if current is not None and current.abstract is None:
        problem(current.line, f"entry {current.title!r} has a title but no abstract "
                              "(cut off?); kept with an empty abstract", WARNING)
    if len(line) > TITLE_MAX:
        problem(n, f"a {len(line):,}-character line stands where a title should; "
                   "taken as an untitled entry's abstract", WARNING)
        draft = _Draft(n, line[:120].rstrip() + "…", abstract=line)
    else:
        draft = _Draft(n, line)
    drafts.append(draft)
    return draft


def _entry(d: _Draft, file: str) -> Entry:
    return Entry(
        source=SourceLine(file, d.line), title=d.title, abstract=d.abstract or "",
        authors=d.authors, organization=d.organization, date=d.date, upvotes=d.upvotes)


def decode(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Bytes of a dump as text. UTF-8 (with or without a byte-order mark) is
    expected; Windows-1252 text is read with a warning rather than lost."""
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        problems.append(Problem(path, line, "file is not UTF-8 (first bad byte "
                                f"0x{data[err.start]:02x}); read as Windows-1252", WARNING))
    return text.replace("\r\n", "\n").replace("\r", "\n"), problems
