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

from .errors import WARNING, Level, Problem
from .model import Entry, SourceLine

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split(), start=1)}

AUTHORS_RE = re.compile(r"^\s*[•·*-]?\s*(\d+)\s+authors?\s*$", re.IGNORECASE)
SEPARATOR_RE = re.compile(r"^\s*·\s*$")
# "Jun 26", "Jun 26, 2024", either optionally followed by an upvote count.
DATE_RE = re.compile(
    r"^\s*(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<votes>\d+))?\s*$")
# What stands after "·" where a date should: a word and a number ("Foo 3,
# 2024", "June 26th"), a numeric date ("2024-06-26") or "3 days ago". Only
# there is such a line taken for a broken date rather than a title.
DATE_LIKE_RE = re.compile(
    r"^(?:[A-Za-z]{3,}\.?\s+\d|\d{1,4}[-/.]\d{1,2}[-/.]\d|\d+\s+\w+\s+ago\b)")
DATE_LIKE_MAX = 40
CHROME_RE = re.compile(
    r"^\s*(new|subscribe|daily papers|by\s*ak and the research community"
    r"|get trending papers in your email inbox.*)\s*$", re.IGNORECASE)
GLUED_SUBSCRIBE_RE = re.compile(r"^\s*Subscribe(?=\S)")

# No real title is this long and no real abstract this short; between the two
# limits a line is judged by its neighbours.
TITLE_MAX = 300
ABSTRACT_MIN = 200
LINE_MAX = 20_000
CUT_OFF = "has a title but no abstract (cut off?); kept with an empty abstract"


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


def month(word: str) -> int | None:
    """The month a word names: "Jun", "June", "Sept"; None for any other word."""
    word = word.lower()
    found = [n for name, n in MONTHS.items() if len(word) >= 3 and name.startswith(word)]
    return found[0] if len(found) == 1 else None


def parse_date(text: str, default_year: int | None
               ) -> tuple[datetime.date | None, int | None] | str | None:
    """A date line's date and upvotes; an error message when it looks like a
    date but is none; None when it is not a date line at all. A date shown
    without a year, when no default year is known, is None: never guessed."""
    m = DATE_RE.match(text)
    if not m or month(m["mon"]) is None:
        return None
    year = int(m["year"]) if m["year"] else default_year
    try:  # 2000 is a leap year: "Feb 29" exists in some year
        date = datetime.date(year or 2000, month(m["mon"]), int(m["day"]))
    except ValueError:
        return f"date {text.strip()!r} does not exist"
    return (date if year else None), (int(m["votes"]) if m["votes"] is not None else None)


def _kind(text: str, next_text: str | None, after_abstract: bool) -> str:
    """What a line is: chrome, authors, separator, organisation, date or text."""
    if CHROME_RE.match(text):
        return "chrome"
    if AUTHORS_RE.match(text):
        return "authors"
    if SEPARATOR_RE.match(text):
        return "separator"
    if parse_date(text, 2000) is not None:  # a leap year: "Feb 29" is a date line too
        return "date"
    # An organisation stands where the author count would: after an abstract,
    # just before "·".
    if (after_abstract and next_text is not None and SEPARATOR_RE.match(next_text)
            and len(text) <= TITLE_MAX):
        return "organization"
    return "text"


def lines_of(text: str) -> list[tuple[int, str]]:
    """The non-blank lines with their numbers, white space folded. Lines are
    split at "\n" only, as editors count them; tabs, runs of spaces and the
    other separators str.splitlines() knows are white space inside a line."""
    lines = [(n, " ".join(line.split())) for n, line in enumerate(text.split("\n"), start=1)]
    return [(n, line) for n, line in lines if line]


def parse_listing(text: str, path: str, year: int) -> ParsedListing:
    """Parse a listing's text. ``path`` names it in messages and entries."""
    reader = _Reader(path, year)
    lines = lines_of(text)
    for i, (n, line) in enumerate(lines):
        reader.read(n, line, lines[i + 1][1] if i + 1 < len(lines) else None)
    return reader.finish(empty=not lines)


class _Reader:
    """Reads a listing line by line; every line becomes part of an entry, the
    listing's date, page chrome, or a problem."""

    def __init__(self, path: str, year: int):
        self.path, self.file, self.year = path, path.rsplit("/", 1)[-1], year
        self.result = ParsedListing()
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.expect_date_after: int | None = None  # the line of a "·" still waiting for its date

    def problem(self, line: int | None, message: str, level: Level = Level.ERROR) -> None:
        self.result.problems.append(Problem(self.path, line, message, level))

    def read(self, n: int, line: str, next_line: str | None) -> None:
        if len(line) > LINE_MAX:
            self.overlong(n, line)
            return
        if not self.drafts and self.current is None:
            glued = GLUED_SUBSCRIBE_RE.match(line)
            if glued:  # layout (c): the first title follows the button's label
                line = line[glued.end():].lstrip()
        current = self.current
        after_abstract = (current is not None and current.abstract is not None
                          and current.organization is None and current.authors is None)
        kind = _kind(line, next_line, after_abstract)
        if kind == "text" and self.expect_date_after is not None and _date_like(line):
            kind = "bad date"  # where the date stands, a date that does not parse
        if self.expect_date_after is not None and kind not in ("date", "bad date"):
            self.problem(self.expect_date_after, "'·' is not followed by a date")
            self.expect_date_after = None
        if kind == "chrome":
            return
        if kind == "text":
            self.current = _read_text(n, line, next_line, current, self.drafts, self.problem)
            return
        self.metadata(n, line, kind)

    def overlong(self, n: int, line: str) -> None:
        limit = f"longer than any real abstract (limit {LINE_MAX:,})"
        current = self.current
        if current is not None and current.abstract is None:
            # It stands where the abstract does: the entry keeps its place.
            current.abstract = ""
            self.problem(n, f"the abstract of {current.title!r} is {len(line):,} characters "
                            f"long, {limit}; the entry is kept without it")
            return
        self.problem(n, f"line is {len(line):,} characters long, {limit}; "
                        f"skipped: {line[:60]!r}...")

    def metadata(self, n: int, line: str, kind: str) -> None:
        current = self.current
        if kind == "date" and current is None and not self.drafts:
            parsed = parse_date(line, self.year)
            if isinstance(parsed, str):
                self.problem(n, f"{parsed}; not used as the listing's date")
                return
            if self.result.date is None:
                self.result.date = parsed[0]  # the listing's own date, shown above its entries
                return
        if current is None or current.abstract is None:
            what = "before any entry" if current is None else "between a title and its abstract"
            self.problem(n, f"metadata line {line!r} is out of place ({what}); ignored")
            return
        current.meta_seen = True
        if kind == "authors":
            current.authors = int(AUTHORS_RE.match(line)[1])
        elif kind == "organization":
            current.organization = line
        elif kind == "separator":
            self.expect_date_after = n
        else:
            self.expect_date_after = None
            self.date(n, line, current)

    def date(self, n: int, line: str, current: _Draft) -> None:
        parsed = parse_date(line, self.year)
        if isinstance(parsed, tuple):
            current.date, current.upvotes = parsed
            return
        reason = parsed or f"date {line!r} does not parse"
        self.problem(n, f"{reason}; the entry is kept without a date")

    def finish(self, empty: bool) -> ParsedListing:
        if self.expect_date_after is not None:
            self.problem(self.expect_date_after, "'·' is not followed by a date")
        current = self.current
        if current is not None and current.abstract is None:
            self.problem(current.line, f"entry {current.title!r} {CUT_OFF}", WARNING)
        self.result.entries = [_entry(d, self.file) for d in self.drafts]
        if empty:
            self.problem(None, "file is empty; no entries read")
        elif not self.result.entries:
            self.problem(None, "no entries found: the file holds only page chrome and "
                               "metadata; is it a listing dump?")
        return self.result


def _date_like(line: str) -> bool:
    return len(line) <= DATE_LIKE_MAX and bool(DATE_LIKE_RE.match(line))


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
        problem(current.line, f"entry {current.title!r} {CUT_OFF}", WARNING)
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
        author_count=d.authors, organization=d.organization, date=d.date, upvotes=d.upvotes)


# Control characters other than white space: a few in pasted text are noise
# and are removed; many mean the file is not text at all.
CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
CONTROL_SHARE_MAX = 0.05
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SKIPPED = "file skipped"


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes of a dump as text, or None for a file that is not text.

    UTF-8 (with or without a byte-order mark) is expected. Windows-1252 or
    Latin-1 text, and UTF-16 with its byte-order mark, are read with a warning
    rather than lost; binary data is refused with a message."""
    if data.startswith(UTF16_BOMS):
        text, problems = _decode_utf16(data, path)
    elif b"\x00" in data:
        return None, [Problem(path, None, "not a text file: it holds NUL bytes (binary data, or "
                                          f"UTF-16 text without a byte-order mark); {SKIPPED}")]
    else:
        text, problems = _decode_8bit(data.removeprefix(b"\xef\xbb\xbf"), path)
    if text is None:
        return None, problems
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text, control_problems = _remove_controls(text, path)
    if text is None:
        return None, control_problems  # not text: how it was decoded does not matter
    return text, problems + control_problems


def _decode_utf16(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as err:
        return None, [Problem(path, None, f"not a text file: it starts as UTF-16 but is not "
                                          f"({err.reason}); {SKIPPED}")]
    return text, [Problem(path, None, "file is UTF-16, not UTF-8; read as UTF-16", WARNING)]


def _decode_8bit(data: bytes, path: str) -> tuple[str, list[Problem]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        bad = data[err.start]
    try:
        text, encoding = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # five bytes Windows-1252 leaves undefined
        text, encoding = data.decode("latin-1"), "Latin-1"
    return text, [Problem(path, line, f"file is not UTF-8 (first bad byte 0x{bad:02x}); "
                                      f"read as {encoding}", WARNING)]


def _remove_controls(text: str, path: str) -> tuple[str | None, list[Problem]]:
    found = CONTROL_RE.search(text)
    if not found:
        return text, []
    count = len(CONTROL_RE.findall(text))
    if count > CONTROL_SHARE_MAX * len(text):
        return None, [Problem(path, None, f"not a text file: {count:,} of its {len(text):,} "
                                          f"characters are control characters; {SKIPPED}")]
    line = text.count("\n", 0, found.start()) + 1
    return CONTROL_RE.sub("", text), [Problem(
        path, line, f"{count} control character{'s' if count > 1 else ''} removed "
                    f"(the first, U+{ord(found.group()):04X}, on this line)", WARNING)]
