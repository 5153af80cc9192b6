"""Property-based tests: random papers written out in each of the three
listing layouts read back as the same records; random strings full of markup
survive rendering as the same text; no input makes the reader crash."""
import datetime
import html
import json
import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import parse
from generator.html_blocks import Headings, HtmlBlocks
from generator.merge import title_key
from generator.model import Corpus, Entry, Listing, Paper, SourceLine, Taxonomy, Theme
from generator.parse import decode, parse_listing
from generator.render import render
from generator.text import md_text, yaml_string

YEAR = 2025
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def fold(text: str) -> str:
    return " ".join(text.split())


# -- random papers in the three layouts ---------------------------------------------------

# Characters a pasted title or abstract holds: any but line breaks and the
# control characters the reader removes; markup characters and tabs often.
CHARS = st.one_of(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\x85\ufeff"),
    st.sampled_from(list("<>&*_`[]{}#|\\$~^=·•-.:!()'\" \t")))


def is_text_line(line: str) -> bool:
    """Whether a line reads as text: not page chrome, metadata or a date, as
    no real title or abstract does."""
    return bool(line) and not (
        parse.CHROME_RE.match(line) or parse.AUTHORS_RE.match(line)
        or parse.SEPARATOR_RE.match(line) or parse.parse_date(line, YEAR) is not None
        or parse.DATE_LIKE_RE.match(line) or parse.GLUED_SUBSCRIBE_RE.match(line)
        # the newer pages' card lines ("Upvote", "· 3 authors", a line of names)
        or any(r.match(line) for r in parse.NEWER_RES.values()) or parse.COUNT_RE.match(line)
        or parse.looks_like_names(line))


def text_line(min_size: int, max_size: int):
    # Written with stray white space around and inside; read back folded.
    raw = st.text(CHARS, min_size=min_size, max_size=max_size)
    return raw.filter(lambda s: is_text_line(fold(s)))


# A listing shows each paper once: the same title over different abstracts,
# again and again, is page furniture and refused (see parse.py).
def TITLE(paper):
    return " ".join(fold(paper["title"]).casefold().split())


@st.composite
def papers(draw, layout: str):
    title = draw(text_line(1, 150))  # shorter than any abstract the reader would take it for
    abstract = draw(text_line(1, 400))
    paper = {"title": title, "abstract": abstract, "authors": None, "organization": None,
             "date": None, "upvotes": None}
    if layout != "a":
        return paper
    if draw(st.booleans()):
        paper["date"] = draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)))
        paper["upvotes"] = draw(st.none() | st.integers(0, 9999))
    meta = draw(st.sampled_from(["authors", "organization", None] if paper["date"] else
                                ["authors", None]))
    if meta == "authors":
        paper["authors"] = draw(st.integers(0, 500))
    elif meta == "organization":  # an organisation stands only before "·" and a date
        paper["organization"] = draw(text_line(1, 80))
    return paper


def date_line(date: datetime.date, upvotes, draw_full: bool) -> str:
    month = f"{date:%B}" if draw_full else f"{date:%b}"
    text = f"{month} {date.day}" + (f", {date.year}" if date.year != YEAR else "")
    return text + (f" {upvotes}" if upvotes is not None else "")


def write_a(papers, listing_date, full_months) -> tuple[str, list[int]]:
    """Layout (a): chrome, the listing's date, blank-line separated entries
    with "• N authors" or an organisation, "·" and a date."""
    blocks = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
              "byAK and the research community"]
    if listing_date:
        blocks.append(f"{listing_date:%b} {listing_date.day}")
    starts = []
    for p in papers:
        starts.append(sum(b.count("\n") + 2 for b in blocks) + 1)
        meta = []
        if p["authors"] is not None:
            meta.append(f"  • {p['authors']} author{'' if p['authors'] == 1 else 's'}")
        elif p["organization"]:
            meta.append(p["organization"])
        if p["date"]:
            meta += ["·", date_line(p["date"], p["upvotes"], full_months)]
        blocks += [p["title"], p["abstract"]] + (["\n".join(meta)] if meta else [])
    return "\n\n".join(blocks) + "\n", starts


def write_b(papers) -> tuple[str, list[int]]:
    """Layout (b): blank-line separated titles and abstracts."""
    head = ["new", "Subscribe", "Daily Papers", "by AK and the research community"]
    lines = "\n\n".join(head + [x for p in papers for x in (p["title"], p["abstract"])])
    return lines + "\n", [2 * len(head) + 4 * i + 1 for i in range(len(papers))]


def write_c(papers) -> tuple[str, list[int]]:
    """Layout (c): no blank lines, the first title glued to "Subscribe"."""
    lines = ["Get trending papers in your email inbox!"]
    lines += [x for p in papers for x in (p["title"], p["abstract"])]
    lines[1] = "Subscribe" + lines[1].lstrip()
    return "\n".join(lines) + "\n", [2 + 2 * i for i in range(len(papers))]


def read_back(text: str):
    parsed = parse_listing(text, "listing.txt", YEAR)
    assert [str(p) for p in parsed.problems] == []
    return parsed, [{"title": e.title, "abstract": e.abstract, "authors": e.author_count,
                     "organization": e.organization, "date": e.date, "upvotes": e.upvotes}
                    for e in parsed.entries]


def expected(papers):
    return [dict(p, title=fold(p["title"]), abstract=fold(p["abstract"]),
                 organization=p["organization"] and fold(p["organization"])) for p in papers]


@SETTINGS
@given(st.lists(papers("a"), min_size=1, max_size=6, unique_by=TITLE), st.none() | st.dates(
    datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)), st.booleans())
def test_layout_a_reads_back_as_written(papers, listing_date, full_months):
    text, starts = write_a(papers, listing_date, full_months)
    parsed, records = read_back(text)
    assert records == expected(papers)
    assert [e.source.line for e in parsed.entries] == starts
    assert parsed.date == listing_date


@pytest.mark.parametrize("layout, write", [("b", write_b), ("c", write_c)])
@SETTINGS
@given(data=st.data())
def test_layouts_b_and_c_read_back_as_written(layout, write, data):
    written = data.draw(st.lists(papers(layout), min_size=1, max_size=6, unique_by=TITLE))
    text, starts = write(written)
    parsed, records = read_back(text)
    assert records == expected(written)
    assert [e.source.line for e in parsed.entries] == starts


@SETTINGS
@given(st.lists(papers("a"), min_size=1, max_size=4, unique_by=TITLE), st.sampled_from(["utf-8", "utf-8-sig"]),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_encodings_and_line_endings_read_the_same(papers, encoding, newline):
    text, _ = write_a(papers, None, False)
    data = text.replace("\n", newline).encode(encoding)
    decoded, problems = decode(data, "listing.txt")
    assert problems == []
    assert read_back(decoded)[1] == read_back(text)[1]


# -- no input crashes the reader, and every problem names its place ----------------------

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600) | st.lists(
    st.text(CHARS, max_size=30) | st.sampled_from(["\n", "\n\n", "·", "Jun 3", "Jun 45",
                                                  "• 2 authors", "Subscribe", "x" * 20_001]),
    max_size=30).map(lambda parts: "".join(parts).encode("utf-8")))
def test_any_bytes_are_read_or_refused_with_a_message(data):
    text, problems = decode(data, "listing.txt")
    if text is None:
        assert [p.line for p in problems] == [None] and problems[0].message.endswith("skipped")
        return
    parsed = parse_listing(text, "listing.txt", YEAR)
    lines = text.split("\n")
    for problem in problems + parsed.problems:
        assert problem.path == "listing.txt"
        assert problem.line is None or 1 <= problem.line <= len(lines)
    for entry in parsed.entries:
        # Every entry starts at a line of the file that holds its title.
        assert entry.title and entry.title.rstrip("…") in fold(lines[entry.source.line - 1])


# -- random strings full of markup survive rendering as the same text ---------------------

FRAGMENTS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!--", "-->", "&amp;",
             "&#60;", "&#x3C;", "{{ x }}", "{% if %}", "{#", "#}", "[x](javascript:alert(1))",
             "![i](x)", "{: #a .b onclick=\"x\" }", "{ onerror=x }", "1. ", "- ", "+ ", "> ",
             "# ", "## ", "---", "===", "***", "```", "~~~", "    ", "|", "| --- |", "$x_1$",
             "$$", "\\cdot", "\\", "*", "_", "__", "`", "~~", "==", "^^", "++", "[^1]",
             "*[HTML]: x", "<https://x.org>", "<a@b.c>", "\t", "\n", "\n\n", "\x02", "\x03",
             "\x00", "\x1b", "\u2028", "\x85", "\ufeff", "\uffff", "\U0001F600", "é", "·",
             "!!! note", "??? note", "???+ note", "\n!!! warning \"x\"\n    y"]
MARKUP = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), min_size=1,
                  max_size=20).map("".join)
# The extensions MkDocs always loads and the site's own, and the ones a
# Material site commonly adds: the escaping must hold under all of them.
SITE_EXTENSIONS = ["toc", "tables", "fenced_code", "md_in_html"]
MORE_EXTENSIONS = SITE_EXTENSIONS + [
    "attr_list", "md_in_html", "def_list", "footnotes", "abbr", "admonition",
    "pymdownx.caret", "pymdownx.mark", "pymdownx.tilde", "pymdownx.betterem",
    "pymdownx.superfences", "pymdownx.inlinehilite", "pymdownx.arithmatex", "pymdownx.details"]
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(value: str) -> str:
    """What a page shows of a value: the value itself, on one line, without
    the control characters no page can show."""
    return fold(CONTROL.sub("", re.sub(r"\s", " ", value)))


class Text(HTMLParser):
    def __init__(self, html_: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.parts, self.h1 = [], [], []
        self._in_h1 = False
        self.feed(html_)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag):
        self._in_h1 = self._in_h1 and tag != "h1"

    def handle_data(self, data):
        self.parts.append(data)
        if self._in_h1:
            self.h1.append(data)

    def text(self) -> str:
        return fold("".join(self.parts))


CONTEXTS = [  # where the templates put data, with the elements that context makes
    ("{}", {"p"}),
    ("# {}", {"h1"}),
    ("- **[{}](x.md)**  \n  {}\n", {"ul", "li", "strong", "a", "br"}),
    ("| a | b |\n|---|--:|\n| [{}](x.md) | 1 |", {"table", "thead", "tbody", "tr", "th", "td", "a"}),
    ("1. <a id=\"line-3\"></a>[{}](y.md) (line 3)", {"ol", "li", "a"}),
    # The generator's HTML blocks (html_blocks.py), as the plugin passes them on.
    ("<!-- html -->\n<p>{}</p>\n<!-- /html -->", {"p"}),
    ("<!-- html -->\n<ul>\n<li><strong><a href=\"x.md\">{}</a></strong><br>\n{}</li>\n</ul>\n"
     "<!-- /html -->", {"ul", "li", "strong", "a", "br"}),
    ("<!-- html -->\n<table>\n<tr><td><a href=\"x.md\">{}</a></td><td>{}</td></tr>\n</table>\n"
     "<!-- /html -->", {"table", "tr", "td", "a"}),
]
ACTIVE = {"script", "iframe", "style", "object", "embed", "svg", "math", "form", "base"}


@settings(max_examples=300, deadline=None)
@given(MARKUP)
def test_markup_in_data_is_shown_as_text_in_every_context(value):
    for blocks in ([], [HtmlBlocks()]):  # as any Markdown reads the page; as MkDocs does
        converter = markdown.Markdown(extensions=MORE_EXTENSIONS + blocks)
        for template, tags in CONTEXTS:
            converter.reset()
            page = Text(converter.convert(template.replace("{}", md_text(value))))
            assert shown(value) in page.text(), template
            assert set(page.tags) <= tags, (template, page.tags)


def corpus_of(value: str, other: str) -> Corpus:
    """A corpus whose every curated and listed value is a random string."""
    theme = Theme("t", value, other, catch_all=True)
    entry = Entry(SourceLine("l.txt", 1), value, other, organization=value,
                  date=datetime.date(2024, 1, 2), upvotes=3)
    paper = Paper(id="p", key=title_key(value), title=value, abstract=other,
                  sources=(entry.source,), organization=value, date=entry.date, upvotes=3,
                  themes=("t",))
    listing = Listing("l", "l.txt", value, YEAR, None, (entry,))
    return Corpus(title=value, description=other, listings=(listing,), papers=(paper,),
                  taxonomy=Taxonomy(themes=(theme,)))


def front_matter_and_body(page: str) -> tuple[dict, str]:
    _, meta, body = page.split("---\n", 2)
    return yaml.safe_load(meta), body


@settings(max_examples=100, deadline=None)
@given(MARKUP.filter(lambda v: shown(v)), MARKUP)
def test_rendered_pages_show_values_as_the_same_text(value, other):
    files = render(corpus_of(value, other))
    converter = markdown.Markdown(extensions=[*SITE_EXTENSIONS, HtmlBlocks()])
    for path in ("papers/p.md", "themes/t.md", "listings/l.md", "index.md"):
        meta, body = front_matter_and_body(files[path])
        # MkDocs prints the title into <title> and the header as it is: HTML.
        assert html.unescape(meta["title"]) == shown(value), path
        page = Text(converter.reset().convert(body))
        assert fold("".join(page.h1)) == shown(value), path
        assert not set(page.tags) & (ACTIVE - {"form"}), path
        assert page.tags.count("form") == (path == "themes/t.md"), path  # its sort and filter controls
        assert "img" not in page.tags, path  # the charts are tables, not pictures
    paper = Text(converter.reset().convert(front_matter_and_body(files["papers/p.md"])[1]))
    assert shown(other) in paper.text()
    assert f"Jan 2, 2024 · 3 upvotes · {shown(value)}" in paper.text()
    data = json.loads(files["data/papers.json"])
    assert (data["papers"][0]["title"], data["papers"][0]["abstract"]) == (value, other)
    assert data["themes"][0]["title"] == value and data["listings"][0]["title"] == value


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_a_yaml_string_reads_back_as_the_same_string_on_one_line(value):
    scalar = yaml_string(value)
    assert not set(scalar) & set("\n\r\x85\u2028\u2029")
    assert yaml.safe_load(f"title: {scalar}\n") == {"title": value}


@settings(max_examples=100, deadline=None)
@given(MARKUP.filter(lambda v: shown(v)), MARKUP)
def test_a_paper_page_converted_without_the_parser_is_what_markdown_makes(value, other):
    """The MkDocs plugin converts a paper page's headings one by one and joins
    its blocks (Headings): the HTML and the table of contents are Markdown's,
    or the page is left to Markdown (a title whose id a section also takes)."""
    body = front_matter_and_body(render(corpus_of(value, other))["papers/p.md"])[1]
    converter = markdown.Markdown(extensions=[*MORE_EXTENSIONS, HtmlBlocks()])
    expected = converter.convert(body)
    converted = Headings([*MORE_EXTENSIONS, HtmlBlocks()], {}).page(body)
    ids = [token["id"] for token in converter.toc_tokens[0]["children"]]
    if converted is None:
        assert any(re.fullmatch(rf"{re.escape(i)}_\d+", other_id) for i in ids for other_id in ids)
        return
    assert converted.html == expected
    assert converted.toc_tokens == converter.toc_tokens
