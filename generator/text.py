"""Data as text: escaping for the Markdown, YAML and URLs the generator writes.

Everything from a dump or a contribution passes through :func:`md_text`
before it reaches a page: HTML-special characters and every character that
Markdown, attribute lists, Markdown extensions or a template engine give a
meaning to become numeric character references. The browser shows them as
the characters they were; no Markdown processor reads them as syntax.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote

from markupsafe import Markup

# Characters with a meaning anywhere in a line to HTML, Python-Markdown
# (escapes, code, emphasis, links, headings' closing hashes, tables), its
# attribute lists, the common pymdownx inline marks, its maths ($, which
# arithmatex would turn into a <script type="math/tex">), and Jinja ({ and }).
# Parentheses, quotes, colons and the like are left readable: without an
# unescaped "[" or "<" they start nothing.
_SPECIAL = set("\\`*_{}[]#|<>&~^=$")
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# At the start of a line, even after a space, these start a list, a
# definition, a rule, or an admonition ("!!!", "???" of the common extensions).
_BLOCK_START = re.compile(r"^(\s*)(?:(\d+)([.)])|([-+.:!?]))")
_SPACE = re.compile(r"\s+")
# Control characters other than white space show as nothing, and
# Python-Markdown removes some of them (its placeholder markers) before it
# parses: one in front of "1." would otherwise hide a list from the
# block-start escape. So they go first, then white space is folded.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# What _clean changes: control characters, and white space other than single spaces.
_UNCLEAN = re.compile(r"[\x00-\x1f\x7f-\x9f]|\s\s|[^\S ]")
_BLOCK_START_CHAR = re.compile(r"\s*[\d\-+.:!?]")


class Safe(Markup):
    """Text the generator built itself (links, Markdown it wrote): not escaped again.

    A Markup, so that the template engine treats it, and the output of
    template macros, as already escaped."""


def one_line(value: str) -> str:
    """White space folded to single spaces and trimmed."""
    return _SPACE.sub(" ", value).strip()


def md_text(value) -> str:
    """Any value as literal text inside Markdown: on one line (data never
    starts a new block), with every character that could be markup escaped."""
    if isinstance(value, Markup):
        return value
    return _md_text(str(value))


@lru_cache(maxsize=1 << 16)  # titles, labels and names are printed on many pages
def _md_text(value: str) -> str:
    if _UNCLEAN.search(value):
        value = _clean(value)
    text = value.translate(_TABLE)
    return _BLOCK_START.sub(_escape_block_start, text) if _BLOCK_START_CHAR.match(text) else text


def _clean(value) -> str:
    """On one line, without the control characters no page can show."""
    return _SPACE.sub(" ", _CONTROL.sub("", str(value)))


def _escape_block_start(match: re.Match) -> str:
    space, number, mark, bullet = match.groups()
    if number:
        return f"{space}{number}&#{ord(mark)};"
    return f"{space}&#{ord(bullet)};"


def finalize(value) -> Markup:
    """What a template prints: data escaped as text, generated Markdown as it is."""
    return Markup(md_text(value))


def attr_text(value) -> Safe:
    """Data as the value of a double- or single-quoted HTML attribute in a page."""
    return Safe(md_text(value).replace('"', "&#34;").replace("'", "&#39;"))


def html_text(value: str) -> str:
    """Text for places that take HTML but not Markdown (page titles)."""
    return html.escape(_clean(value).strip(), quote=True)


def yaml_string(value: str) -> Safe:
    """A YAML scalar, on one line, that reads back as exactly this string.

    Double-quoted, with YAML's escapes for what a double-quoted scalar cannot
    hold as it is: quotes, backslashes, line breaks (U+0085, U+2028, U+2029
    too), control characters, U+FEFF, U+FFFE and U+FFFF. (JSON would leave
    some of those raw: MkDocs would fail to read the front matter and take
    the page's title from elsewhere, unescaped.)"""
    return Safe('"' + _YAML_ESCAPE.sub(_yaml_escape, str(value)) + '"')


# Everything outside YAML's printable characters, and the ones a
# double-quoted scalar gives a meaning to.
_YAML_ESCAPE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff"
                          r"\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _yaml_escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in '"\\':
        return "\\" + char
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# Characters left as they are in a URL written into Markdown link syntax;
# everything else (parentheses, backticks, brackets, quotes, spaces) is
# percent-encoded so that the URL cannot end the link or start other markup.
_URL_SAFE = "-._~:/?#@!$&+,;=%"


def safe_url(url: str) -> Safe | None:
    """An http(s) URL made safe for a Markdown link; None for any other scheme."""
    url = url.strip()
    if not re.match(r"^https?://[^/\s]", url, re.IGNORECASE):
        return None
    return Safe(quote(url, safe=_URL_SAFE))


def search_url(base: str, title: str) -> Safe:
    return Safe(base + _quoted(title))


@lru_cache(maxsize=1024)  # a paper page searches four sites for its title
def _quoted(title: str) -> str:
    return quote(one_line(title), safe="")


TEASER_MAX = 220


@lru_cache(maxsize=1 << 15)  # a preview's rebuilds ask again for every paper's
def teaser(text: str) -> str:
    """A text's first sentence, cut at a word if it runs long: the one line
    that stands for a paper in lists. A sentence ends at ".", "!" or "?"
    before a capital letter or the end ("i.e. the" does not end one)."""
    text = one_line(text)
    match = re.match(r"(.+?[.!?])(\s+[A-Z]|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > TEASER_MAX:
        sentence = sentence[:TEASER_MAX].rsplit(" ", 1)[0] + " …"
    return sentence
