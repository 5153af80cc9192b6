"""Curated summaries: one Markdown file per paper in ``content/summaries/``.

A summary comes from a stranger's pull request, so it is checked before it
is used, and every error names the file and line: the front matter must name
a known paper, its contributors and valid themes; the body is Markdown
without HTML, attribute lists, images or links other than http(s). What is
rendered is sanitised again (nh3) as a second layer: nothing a contributor
writes puts an element, attribute or script into the site.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

from .errors import ContentError, Problem
from .merge import find_paper
from .metadata import arxiv_id, malformed_arxiv, summary_conflicts
from .model import Metadata, Paper, Summary, Taxonomy, TextFile
from .schema import MAPPING, TEXT, TEXT_OR_TEXTS, Field, Kind, Schema, validate
from .text import teaser
from .yamlfile import SourceFloat, load_yaml

BODY_MAX = 4000  # characters: a summary, not a review
# What the ready-to-fill file holds until a contributor replaces it.
PLACEHOLDER = ("Replace this paragraph with three to six sentences in your own words: the question "
               "the paper asks, what it does, and what it finds.")
PLACEHOLDER_NAME = "Your Name"
# Python-Markdown's attribute lists ("{: .x }", "{ #id onclick=... }") and
# kramdown's: markup in a summary as much as HTML is. Each brace is looked at
# up to the next brace only, so a line is read once, however many braces it
# holds (a single pattern over the whole line backtracked for minutes).
BRACED_RE = re.compile(r"\{([^{}\n]*)(\}?)")
ATTR_START_RE = re.compile(r"\s*(?::|[#.][\w-])")
ATTR_PAIR_RE = re.compile(r"\w\s*=")
# What to write instead of an HTML tag.
MARKDOWN_FOR = {
    "b": "**bold**", "strong": "**bold**", "i": "*italic*", "em": "*italic*",
    "code": "`code`", "a": "[text](https://...)", "br": "a blank line between paragraphs",
    "p": "a blank line between paragraphs", "ul": "lines starting with '- '",
    "ol": "lines starting with '1. '", "li": "lines starting with '- '",
    "h3": "### Heading", "h4": "#### Heading", "blockquote": "lines starting with '> '",
    "pre": "an indented block or ``` fences", "hr": "a line of ---",
}
_TAG_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")


def _arxiv_problem(value) -> str | None:
    if isinstance(value, SourceFloat):
        return (f"put the arXiv id in quotes: arxiv: \"{value.source}\" (unquoted, YAML reads "
                f"it as the number {value!r} and may change it)")
    if not arxiv_id(str(value)):
        return malformed_arxiv(str(value))
    return None


def _code_problem(value: str) -> str | None:
    return None if is_web_link(value.strip()) else f"code link {value!r} must be an http(s) URL"


ARXIV = Kind("an arXiv id such as \"2401.01234\"",
             lambda v: (isinstance(v, (str, int, float)) and not isinstance(v, bool)))
# The front matter's keys; anything else is a typo, reported with the likely
# intended key (see schema.py).
FRONT_MATTER: Schema = {
    "paper": Field(TEXT, required=True, about="the paper's id or its exact title"),
    "contributors": Field(TEXT_OR_TEXTS, required=True, about="your name, or a list of names"),
    "themes": Field(MAPPING, about="add, remove (theme ids) and primary (one theme id)"),
    "key_points": Field(TEXT_OR_TEXTS),
    "arxiv": Field(ARXIV, check=_arxiv_problem),
    "authors": Field(TEXT_OR_TEXTS),
    "venue": Field(TEXT),
    "code": Field(TEXT, check=_code_problem),
}
THEME_CHANGES: Schema = {
    "add": Field(TEXT_OR_TEXTS), "remove": Field(TEXT_OR_TEXTS), "primary": Field(TEXT)}
ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a", "br",
                "h3", "h4", "hr"}


class _EveryLink(MarkdownIt):
    """Markdown whose links all become tokens, to be checked one by one."""

    def validateLink(self, url: str) -> bool:  # the name markdown-it calls
        return True


def markdown() -> MarkdownIt:
    return _EveryLink("commonmark", {"html": True})  # HTML parsed, to be found and refused


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """The YAML front matter, the body, and the line the body starts on."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError([Problem(path, 1, "a summary starts with '---' and YAML front matter "
                                    "(run `survey new-summary` for a ready-to-fill file)")])
    for n, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "".join(lines[1 : n - 1]), "".join(lines[n:]), n + 1
    raise ContentError([Problem(path, 1, "the front matter is not closed with '---'")])


def read_summary(text: str, path: str, papers: list[Paper], taxonomy: Taxonomy,
                 records: Mapping[str, Metadata] | None = None, records_file: str = ""):
    """A Summary, or None with the problems that keep it out of the site.
    A field that contradicts the paper's metadata record (``records``, read
    from ``records_file``) is an error too, but the summary stays: the
    record's facts are the ones used."""
    try:
        front, body, body_line = split_front_matter(text, path)
        meta = load_yaml(front, path, first_line=2)
    except ContentError as err:
        return None, err.problems
    if not isinstance(meta, dict):
        return None, [Problem(path, 2, "the front matter must be YAML 'key: value' lines "
                                       "(paper: ..., contributors: [...])")]
    meta, found = validate(meta, FRONT_MATTER, path)
    problems = found

    def bad(key, message):
        problems.append(Problem(path, meta.key_lines.get(key, 2), message))

    paper = _paper(meta, papers, bad) if "paper" in meta else None
    contributors = _strings(meta, "contributors")
    if PLACEHOLDER_NAME in contributors:
        bad("contributors", f"replace {PLACEHOLDER_NAME!r} with your name")
    themes = _themes(meta, taxonomy, bad, path, problems)
    add, remove, primary = themes
    if paper and set(paper.themes) <= set(remove) and not add and not primary:
        bad("themes", "removing every theme would leave the paper with none: add or set "
                      "a primary theme too")
    body_problems, html, first = check_body(body, path, body_line)
    problems += body_problems
    if problems or paper is None:
        return None, problems
    facts = {k: str(meta[k]).strip() if k in meta else None for k in ("arxiv", "venue", "code")}
    if facts["arxiv"]:
        facts["arxiv"] = arxiv_id(facts["arxiv"])  # without its version
    summary = Summary(path, paper.id, contributors, html, first, _strings(meta, "key_points"),
                      *themes, arxiv=facts["arxiv"], authors=_strings(meta, "authors"),
                      venue=facts["venue"], code=facts["code"])
    conflicts = summary_conflicts(summary, (records or {}).get(paper.id), records_file)
    return summary, [Problem(path, meta.key_lines.get(k, 2), m) for k, m in conflicts]


def _paper(meta, papers: list[Paper], bad) -> Paper | None:
    wanted = meta["paper"]
    found, close = find_paper(papers, wanted)
    if found is None:
        hint = ("; did you mean: " + "; ".join(repr(t) for t in close)) if close else ""
        bad("paper", f"no paper with the id or title {wanted!r}{hint}")
    return found


def _strings(meta, key) -> tuple[str, ...]:
    """A field of text or of a list of text (validated by FRONT_MATTER)."""
    value = meta.get(key) or []
    return tuple(" ".join(v.split()) for v in ([value] if isinstance(value, str) else value))


def _themes(meta, taxonomy: Taxonomy, bad, path: str, problems: list[Problem]
            ) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """The themes a summary adds, removes, and puts first."""
    value, found = validate(meta.get("themes") or {}, THEME_CHANGES, path, "themes")
    problems += found
    if found:
        return (), (), None
    known = {t.id for t in taxonomy.themes}
    add, remove = _strings(value, "add"), _strings(value, "remove")
    primary = value.get("primary")
    unknown = [t for t in (*add, *remove, primary) if t and t not in known]
    if unknown:
        bad("themes", f"unknown theme id {unknown[0]!r}; known themes: {', '.join(sorted(known))}")
        return (), (), None
    return add, remove, primary


def check_body(body: str, path: str, first_line: int) -> tuple[list[Problem], str, str]:
    """Problems in a summary's Markdown body, its sanitised HTML, and its teaser."""
    problems = []

    def bad(offset, message):
        problems.append(Problem(path, first_line + offset, message))

    if not body.strip():
        bad(0, "the summary has no text below the front matter")
    if PLACEHOLDER[:40] in " ".join(body.split()):
        bad(0, "the summary still holds the template's placeholder text: write your own")
    if len(body) > BODY_MAX:
        bad(0, f"the summary is {len(body):,} characters long; keep it under {BODY_MAX:,}")
        # Not parsed: Markdown parsing of some hostile text grows faster than
        # its length, and a summary this long is refused whatever it holds.
        return problems, "", ""
    for n, line in enumerate(body.splitlines()):
        if has_attribute_list(re.sub(r"`[^`]*`", "", line)):  # code shows braces as they are
            bad(n, "attribute lists ({: ...} or { #id ... }) are not allowed: write plain Markdown")
    tokens = markdown().parse(body)
    html_lines = set()  # one message for "<b>x</b>", not one per tag
    for token, line in _tokens_with_lines(tokens):
        if token.type in ("html_block", "html_inline"):
            if line in html_lines:
                continue
            html_lines.add(line)
        _check_token(token, line, bad)
    html = sanitise(render_body(body))
    return problems, html, first_sentence(tokens)


def has_attribute_list(line: str) -> bool:
    """Whether a line holds an attribute list; in time linear in its length."""
    for brace in BRACED_RE.finditer(line):
        inside, closed = brace.group(1), brace.group(2)
        if ATTR_START_RE.match(inside) or (closed and ATTR_PAIR_RE.search(inside)):
            return True
    return False


def _tokens_with_lines(tokens):
    """Each token and its inline children, with the line (from 0) each stands
    on: a child's is its block's first line plus the line breaks before it."""
    line = 0
    for token in tokens:
        line = token.map[0] if token.map else line
        yield token, line
        breaks = 0
        for child in token.children or []:
            yield child, line + breaks
            breaks += child.type in ("softbreak", "hardbreak")


def _check_token(token, line, bad) -> None:
    if token.type in ("html_block", "html_inline"):
        shown = token.content.strip()[:40]
        bad(line, f"raw HTML is not allowed: {shown!r}{_instead(token.content)}")
    elif token.type == "link_open":
        href = token.attrs.get("href", "")
        if not is_web_link(href):
            bad(line, f"link {href!r} is not allowed: links must be http(s) URLs")
    elif token.type == "image":
        bad(line, f"image {token.attrs.get('src', '')!r} is not allowed: summaries cannot show "
                  "images, least of all from other hosts")


def _instead(html: str) -> str:
    tag = _TAG_RE.match(html.strip())
    alternative = MARKDOWN_FOR.get(tag.group(1).lower()) if tag else None
    return f"; write {alternative} instead" if alternative else "; write plain Markdown"


def is_web_link(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def render_body(body: str) -> str:
    md = MarkdownIt("commonmark", {"html": False})  # anything HTML-like stays text
    return md.render(body)


def sanitise(html: str) -> str:
    """The second layer: whatever the checks missed, only plain tags survive."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https"}, link_rel="nofollow noopener noreferrer")


_TEXT_PARTS = {"text": lambda c: c.content, "code_inline": lambda c: c.content,
               "softbreak": lambda c: " ", "hardbreak": lambda c: " "}


def first_sentence(tokens) -> str:
    """The first sentence of the first paragraph, as plain text, cut if long."""
    for token in tokens:
        if token.type == "inline":
            text = "".join(_TEXT_PARTS[c.type](c) for c in token.children or []
                           if c.type in _TEXT_PARTS)
            return teaser(text)
    return ""


def apply(papers: list[Paper], summaries: dict[str, Summary]) -> list[Paper]:
    """Papers with their summaries' theme changes applied, and the
    bibliographic facts a summary gives where no metadata record does."""
    result = []
    for paper in papers:
        summary = summaries.get(paper.id)
        if summary:
            paper = replace(paper, arxiv=paper.arxiv or summary.arxiv,
                            author_names=paper.author_names or summary.authors,
                            venue=paper.venue or summary.venue, code=paper.code or summary.code)
        if summary and (summary.add_themes or summary.remove_themes or summary.primary_theme):
            themes = [t for t in paper.themes if t not in summary.remove_themes]
            themes += [t for t in summary.add_themes if t not in themes]
            if not themes:  # validated against in read_summary; keep the paper findable
                themes = list(paper.themes)
            primary = summary.primary_theme or (themes[0] if themes else None)
            if primary is not None:  # None only for a paper without themes: it keeps none
                themes = [primary] + [t for t in themes if t != primary]
            paper = replace(paper, themes=tuple(themes))
        result.append(paper)
    return result


def read_summaries(files: Sequence[TextFile], papers: Sequence[Paper], taxonomy: Taxonomy,
                   records: Mapping[str, Metadata] | None = None, records_file: str = ""):
    """The summaries in these files, by paper id, and the problems found;
    ``records`` are the metadata records by paper id, read from ``records_file``."""
    summaries: dict[str, Summary] = {}
    candidates: dict[str, list[tuple[str, Summary]]] = {}
    problems: list[Problem] = []
    for file in files:
        summary, found = read_summary(file.text, file.path, list(papers), taxonomy, records,
                                      records_file)
        problems += found
        if summary is not None:
            candidates.setdefault(summary.paper_id, []).append((file.stem, summary))
    for paper_id, found in candidates.items():
        # The file named after the paper is the one the site's edit link opens.
        found.sort(key=lambda item: item[0] != paper_id)
        stem, first = found[0]
        if stem != paper_id:
            problems.append(Problem(first.file, None, f"rename this file to {paper_id}.md, "
                                    "the id of the paper it summarises"))
        else:
            summaries[paper_id] = first
        for _, other in found[1:]:
            problems.append(Problem(other.file, 2, f"paper {paper_id!r} already has a summary "
                                    f"in {first.file}; merge the two into one file"))
    return summaries, problems

