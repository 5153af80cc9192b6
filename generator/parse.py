"""Read one listing dump: text copied from a paper listing page.

Four layouts occur, and one reader handles them all, because it looks at
lines rather than blocks:

(a) blank-line separated entries, each a title, an abstract and metadata
    (``• 3 authors`` or an organisation, ``·``, a date and upvotes);
(b) blank-line separated title and abstract only;
(c) no blank lines at all, title and abstract alternating, the first title
    glued to the page's "Subscribe" button;
(d) cards of the newer pages: around each title, lines such as "Submitted
    by" and a user name, "Upvote" and a count, a line of author names,
    "· 12 authors", "Published on Jan 5", "GitHub 1.2k", "3 comments",
    with or without the abstract. Author names and dates are kept; the
    rest is page furniture. Lines that stand before a title in the first
    card belong to the next title wherever they stand in the later ones.

Page chrome above the first entry is dropped (a chrome-like line followed
by an abstract is a title: "New" is a title there), a lone date before the
first entry is the listing's own date, and every other line becomes part of
an entry or a problem. A dump whose entries mostly cannot be read so is
refused as a whole, with a message naming the lines: its layout is not one
the reader knows, and guessing would publish page furniture as papers.
"""
from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from .errors import WARNING, Level, Problem
from .model import Entry, SourceLine

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}

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
# "SubscribeGrokking ..." is a title glued to the button; "SubscriberNet" is a title.
GLUED_SUBSCRIBE_RE = re.compile(r"^\s*Subscribe(?=\S)")
# Layout (d): lines of the newer pages' cards, whole lines only.
COUNT = r"\d[\d,]*(?:\.\d+)?[kKmM]?"
NEWER_RES = {
    "submitted": re.compile(r"^Submitted by(?:\s+(?P<user>[\w.-]+))?(?:\s+on\s+.*)?$", re.I),
    "upvote": re.compile(rf"^Upvote(?:\s+(?P<count>{COUNT}))?$", re.I),
    "published": re.compile(r"^Published on\s+(?P<date>.+)$", re.I),
    "github": re.compile(rf"^GitHub(?:\s+{COUNT})?$", re.I),
    "comments": re.compile(rf"^{COUNT}\s+comments?$", re.I),
    "rank": re.compile(r"^#\d+\s+Papers? of the (?:day|week|month)$", re.I),
    "names": re.compile(r"^Authors?:\s*(?P<names>.+)$", re.I),
}
NOT_NAMES_RE = re.compile(r"[\d:;?!()\[\]\"]")  # what no line of names holds
USER_RE = re.compile(r"^[\w.-]+$")
COUNT_RE = re.compile(rf"^{COUNT}$")
NAME_PARTICLES = {"van", "von", "der", "den", "de", "da", "del", "della", "di", "du", "dos",
                  "la", "le", "bin", "al", "el", "y", "et", "al."}


# No real title is this long and no real abstract this short; between the two
# limits a line is judged by its neighbours.
TITLE_MAX = 300
ABSTRACT_MIN = 200
LINE_MAX = 20_000
LINES_MAX = 100_000  # a listing of thousands of papers has tens of thousands of lines
PROBLEMS_MAX = 100  # reported one by one, per listing
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
    names: tuple[str, ...] = ()
    card: bool = False  # newer-layout lines seen after the title: complete without an abstract


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
    number = month(m["mon"]) if m else None
    if not m or number is None:
        return None
    year = int(m["year"]) if m["year"] else default_year
    try:  # 2000 is a leap year: "Feb 29" exists in some year
        date = datetime.date(year or 2000, number, int(m["day"]))
    except ValueError:
        return f"date {text.strip()!r} does not exist"
    return (date if year else None), (int(m["votes"]) if m["votes"] is not None else None)


def _kind(text: str, next_text: str | None, after_abstract: bool, header: bool = False) -> str:
    """What a line is: chrome, a newer-layout line, authors, separator,
    organisation, date or text."""
    if header and CHROME_RE.match(text) and not (next_text and len(next_text) >= ABSTRACT_MIN):
        return "chrome"
    newer = next((kind for kind, regex in NEWER_RES.items() if regex.match(text)), None)
    if newer:
        return newer
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
    if COUNT_RE.match(text):
        return "number"
    return "text"


def looks_like_names(text: str) -> bool:
    """Whether a line reads as a list of people's names: "Ada Lovelace,
    Alan M. Turing, Grace Hopper". Titles and abstracts do not."""
    if NOT_NAMES_RE.search(text):
        return False
    items = [i.strip() for i in re.split(r",|\s+and\s+", text.rstrip(" ."))]
    if len(items) < 2 or not all(items) or max(len(i.split()) for i in items) < 2:
        return False
    return all(1 <= len(i.split()) <= 5 and all(_name_word(w) for w in i.split()) for i in items)


def _name_word(word: str) -> bool:
    first = word[0]
    return word.lower() in NAME_PARTICLES or (first.isalpha() and not first.islower())


def _names(text: str) -> tuple[str, ...]:
    items = (i.strip() for i in re.split(r",|\s+and\s+", text))
    return tuple(i for i in items if i and i.lower() not in ("et al", "et al."))


def lines_of(text: str) -> list[tuple[int, str]]:
    """The non-blank lines with their numbers, white space folded. Lines are
    split at "\n" only, as editors count them; tabs, runs of spaces and the
    other separators str.splitlines() knows are white space inside a line."""
    lines = [(n, " ".join(line.split())) for n, line in enumerate(text.split("\n"), start=1)]
    return [(n, line) for n, line in lines if line]


def parse_listing(text: str, path: str, year: int | None) -> ParsedListing:
    """Parse a listing's text. ``path`` names it in messages and entries;
    ``year`` is the year of dates shown without one (None: such dates are
    left out)."""
    reader = _Reader(path, year)
    lines = lines_of(text)
    if len(lines) > LINES_MAX:
        return ParsedListing(problems=[Problem(path, None, (
            f"{len(lines):,} lines, more than any listing page shows (limit {LINES_MAX:,}): "
            "not read; is it a listing dump? (split a long one into several files)"))])
    for i, (n, line) in enumerate(lines):
        ahead = [text for _, text in lines[i + 1 : i + 3]] + [None, None]
        reader.read(n, line, ahead[0], ahead[1])
    return reader.finish(empty=not lines)


# Layout (d)'s lines that say something of their entry; the rest is furniture.
CARD_KINDS = ("submitted", "upvote", "published", "github", "comments", "rank", "names")
REPEATED_MIN = 3  # a paper listed twice in one listing happens; three times is a layout
REFUSED = ("refused: {bad} of its {total} entries cannot be read as a title with its abstract "
           "or its metadata (lines {lines}): the page layout it was copied from is not one the "
           "reader knows, and nothing from it is published; the layouts it knows are described "
           "at the top of generator/parse.py")


class _Reader:
    """Reads a listing line by line; every line becomes part of an entry, the
    listing's date, page chrome, or a problem."""

    def __init__(self, path: str, year: int | None):
        self.path, self.file, self.year = path, path.rsplit("/", 1)[-1], year
        self.result = ParsedListing()
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.expect_date_after: int | None = None  # the line of a "·" still waiting for its date
        self.pending: list[tuple[int, str, str]] = []  # card lines before the title they precede
        self.leading: set[str] = set()  # card kinds the first card shows before its title
        self.expect: tuple[str, int] | None = None  # "user" or "count", and the line asking
        self.chrome_seen = self.subscribe_alone = False

    def problem(self, line: int | None, message: str, level: Level = Level.ERROR) -> None:
        self.result.problems.append(Problem(self.path, line, message, level))

    def read(self, n: int, line: str, next_line: str | None, after_next: str | None = None) -> None:
        if len(line) > LINE_MAX:
            self.overlong(n, line)
            return
        header = not self.drafts and self.current is None
        line = self.unglued(line) if header else line
        if self.expected(n, line):
            return
        kind = self.kind(line, next_line, header)
        if kind == "chrome":
            return
        if kind in CARD_KINDS or kind == "number":
            self.card_line(n, line, kind)
        elif kind == "text":
            self.text(n, line, next_line, after_next)
        else:
            self.metadata(n, line, kind)

    def kind(self, line: str, next_line: str | None, header: bool) -> str:
        """What the line is where it stands (see _kind); a "·" still waiting
        for its date is reported when something else comes."""
        current = self.current
        after_abstract = (current is not None and current.abstract is not None
                          and current.organization is None and current.authors is None)
        kind = _kind(line, next_line, after_abstract, header)
        if kind == "text" and self.expect_date_after is not None and _date_like(line):
            kind = "bad date"  # where the date stands, a date that does not parse
        if kind == "text" and self.names_here(line, next_line):
            kind = "names"
        if self.expect_date_after is not None and kind not in ("date", "bad date"):
            self.problem(self.expect_date_after, "'·' is not followed by a date")
            self.expect_date_after = None
        return kind

    def unglued(self, line: str) -> str:
        """Layout (c): the first title follows the button's label, glued.
        "SubscriberNet: ..." is a title, not glued, where the button stood
        alone on its line or no page chrome came before it."""
        glued = GLUED_SUBSCRIBE_RE.match(line)
        if CHROME_RE.match(line):
            self.chrome_seen = True
            self.subscribe_alone |= line.strip().lower() == "subscribe"
        if not glued or self.subscribe_alone:
            return line
        rest = line[glued.end():].lstrip()
        return rest if (self.chrome_seen or not rest[:1].islower()) else line

    def expected(self, n: int, line: str) -> bool:
        """Whether the line is the user name after "Submitted by" or the count
        after "Upvote", read as such."""
        expect, self.expect = self.expect, None
        if expect is None:
            return False
        what, asked = expect
        if what == "user" and USER_RE.match(line):
            return True  # the submitter: not an author, not shown
        if what == "count" and COUNT_RE.match(line):
            self.card_line(asked, f"Upvote {line}", "upvote")
            return True
        return False

    def names_here(self, line: str, next_line: str | None) -> bool:
        """A line of author names stands between a title and its abstract."""
        current = self.current
        if current is None or current.abstract is not None or current.names:
            return False
        # One name only where "· 1 author" (the newer cards' count) follows it.
        one_name = next_line is not None and next_line.startswith("·") \
            and bool(AUTHORS_RE.match(next_line))
        return looks_like_names(line) or (one_name and _names(line) == (line,)
                                          and all(_name_word(w) for w in line.split()))

    def text(self, n: int, line: str, next_line: str | None, after_next: str | None) -> None:
        current = self.current
        if (current is not None and current.card and current.abstract is None
                and len(line) < ABSTRACT_MIN and not line.endswith(("…", "..."))):
            current = None  # a card without an abstract: a short line is the next title
            self.current = None
        draft = _read_text(n, line, next_line, current, self.drafts, self.problem,
                           _long_title(next_line, after_next))
        if draft is not self.current and draft is not current:
            self.started(draft)
        self.current = draft

    def started(self, draft: _Draft) -> None:
        """A new entry: the card lines that stood before its title are its own."""
        if len(self.drafts) == 1:
            self.leading = {kind for _, _, kind in self.pending}
        pending, self.pending = self.pending, []
        for n, line, kind in pending:
            self.card(draft, n, line, kind)

    def card_line(self, n: int, line: str, kind: str) -> None:
        current = self.current
        if kind == "number":
            self.problem(n, f"a number alone ({line!r}) cannot be placed; ignored")
            return
        if current is None or (kind in self.leading and (current.abstract is not None
                                                         or self.seen(current, kind))):
            self.pending.append((n, line, kind))  # it stands before the title it belongs to
            self.expect = _wants_value(kind, line, n)
            return
        self.expect = _wants_value(kind, line, n)
        self.card(current, n, line, kind)

    @staticmethod
    def seen(draft: _Draft, kind: str) -> bool:
        return {"upvote": draft.upvotes is not None, "published": draft.date is not None,
                "names": bool(draft.names)}.get(kind, draft.card)

    def card(self, draft: _Draft, n: int, line: str, kind: str) -> None:
        """A card line read into its entry."""
        draft.card = True
        found = NEWER_RES[kind].match(line)
        if kind == "upvote" and _matched(found)["count"]:
            _upvotes(draft, _matched(found)["count"])
        elif kind == "published":
            self.date(n, _matched(found)["date"], draft)
        elif kind == "names":
            draft.names = _names(found["names"] if found else line)

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
            assert parsed is not None, "a line of kind 'date' is read by parse_date"
            if isinstance(parsed, str):
                self.problem(n, f"{parsed}; not used as the listing's date")
                return
            if self.result.date is None:
                self.result.date = parsed[0]  # the listing's own date, shown above its entries
                return
        if kind == "authors" and line.startswith("·") and current is not None \
                and current.abstract is None and current.authors is None:
            current.authors = int(_matched(AUTHORS_RE.match(line))[1])  # layout (d): "· 12 authors"
            current.card = True
            return
        if current is None or current.abstract is None:
            what = "before any entry" if current is None else "between a title and its abstract"
            self.problem(n, f"metadata line {line!r} is out of place ({what}); ignored")
            return
        current.meta_seen = True
        if kind == "authors":
            current.authors = int(_matched(AUTHORS_RE.match(line))[1])
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
            current.date = parsed[0]
            current.upvotes = parsed[1] if parsed[1] is not None else current.upvotes
            return
        reason = parsed or f"date {line!r} does not parse"
        self.problem(n, f"{reason}; the entry is kept without a date")

    def finish(self, empty: bool) -> ParsedListing:
        if self.expect_date_after is not None:
            self.problem(self.expect_date_after, "'·' is not followed by a date")
        for n, line, _ in self.pending:
            self.problem(n, f"{line!r} stands after the last entry and belongs to none; ignored")
        current = self.current
        if current is not None and current.abstract is None and not current.card:
            self.problem(current.line, f"entry {current.title!r} {CUT_OFF}", WARNING)
        self.result.entries = [_entry(d, self.file) for d in self.drafts]
        if empty:
            self.problem(None, "file is empty; no entries read")
        elif not self.result.entries:
            self.problem(None, "no entries found: the file holds only page chrome and "
                               "metadata; is it a listing dump?")
        self.refuse_if_misread()
        self.result.problems = _at_most(self.result.problems, self.path)
        return self.result

    def refuse_if_misread(self) -> None:
        """No entries at all when most cannot be read: the layout is unknown."""
        furniture = _furniture_titles(self.drafts)
        bad = [d.line for d in self.drafts if (d.abstract is None and not d.card)
               or _key(d.title) in furniture]
        total = len(self.drafts)
        if not total or len(bad) * 2 <= total:
            return
        shown = ", ".join(map(str, bad[:5])) + (", ..." if len(bad) > 5 else "")
        self.result.entries = []
        # Nothing is "kept with an empty abstract": the refusal names those lines.
        self.result.problems = [p for p in self.result.problems if CUT_OFF not in p.message]
        self.problem(bad[0], REFUSED.format(bad=len(bad), total=total, lines=shown))


def _date_like(line: str) -> bool:
    return len(line) <= DATE_LIKE_MAX and bool(DATE_LIKE_RE.match(line))


def _at_most(problems: list[Problem], path: str) -> list[Problem]:
    """The first PROBLEMS_MAX problems and a count of the rest: a file with
    thousands is not a listing a person can fix line by line."""
    if len(problems) <= PROBLEMS_MAX:
        return problems
    rest = problems[PROBLEMS_MAX:]
    errors = sum(p.is_error for p in rest)
    return problems[:PROBLEMS_MAX] + [Problem(
        path, None, f"... and {len(rest):,} more problems in this file, not shown",
        Level.ERROR if errors else WARNING)]


def _wants_value(kind: str, line: str, n: int) -> tuple[str, int] | None:
    """ "Submitted by" and "Upvote" alone on their line: their value is on the next."""
    group = {"submitted": "user", "upvote": "count"}.get(kind)
    return (group, n) if group and not _matched(NEWER_RES[kind].match(line))[group] else None


def _matched(found: re.Match[str] | None) -> re.Match[str]:
    """The match of a line whose kind was read from the same pattern."""
    assert found is not None, "a line's kind is given only by a pattern it matches"
    return found


def _upvotes(draft: _Draft, count: str) -> None:
    if count.replace(",", "").isdigit():  # "1.2k" is a rounded count: not a fact to keep
        draft.upvotes = int(count.replace(",", ""))


def _key(title: str) -> str:
    return " ".join(title.casefold().split())


def _furniture_titles(drafts: list[_Draft]) -> set[str]:
    """Titles the file repeats over different abstracts: page furniture
    ("View PDF" in every card), not a paper listed again."""
    abstracts: dict[str, set] = {}
    for d in drafts:
        abstracts.setdefault(_key(d.title), set()).add(d.abstract)
    counts = Counter(_key(d.title) for d in drafts)
    return {k for k, n in counts.items() if n >= REPEATED_MIN and len(abstracts[k]) > 1}


def _long_title(next_line: str | None, after_next: str | None) -> bool:
    """Whether an overlong line where a title stands is a title all the same:
    its abstract follows it, rather than the next entry's title (a short
    line followed by a long one, as when a title was lost)."""
    if next_line is None or _kind(next_line, after_next, False) != "text":
        return False
    next_is_title = (len(next_line) < ABSTRACT_MIN and after_next is not None
                     and len(after_next) >= ABSTRACT_MIN)
    return not next_is_title


def _read_text(n, line, next_line, current, drafts, problem, long_title=False) -> _Draft:
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
    if current is not None and current.abstract is None and not current.card:
        problem(current.line, f"entry {current.title!r} {CUT_OFF}", WARNING)
    if len(line) > TITLE_MAX and long_title:
        problem(n, f"a {len(line):,}-character title (no real title is over {TITLE_MAX}): "
                   "kept as written; is it the title?", WARNING)
        draft = _Draft(n, line)
    elif len(line) > TITLE_MAX:
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
        author_count=d.authors, organization=d.organization, date=d.date, upvotes=d.upvotes,
        author_names=d.names)


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
