"""Data as text: escaping for the Markdown, YAML and URLs the generator writes.

Everything from a dump or a contribution passes through :func:`md_text`
before it reaches a page: HTML-special characters and every character that
Markdown, attribute lists, Markdown extensions or a template engine give a
meaning to become numeric character references. The browser shows them as
the characters they were; no Markdown processor reads them as syntax.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

from markupsafe import Markup

# Characters with a meaning anywhere in a line to HTML, Python-Markdown
# (escapes, code, emphasis, links, headings' closing hashes, tables), its
# attribute lists, the common pymdownx inline marks, and Jinja ({ and }).
# Parentheses, quotes, colons and the like are left readable: without an
# unescaped "[" or "<" they start nothing.
_SPECIAL = set("\\`*_{}[]#|<>&~^=")
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# At the start of a line, these start a list, a quote or a rule.
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+.:])")
_SPACE = re.compile(r"\s+")


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
    text = _SPACE.sub(" ", str(value)).translate(_TABLE)
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match) -> str:
    if match.group(1):
        return match.group(1) + f"&#{ord(match.group(2))};"
    return f"&#{ord(match.group(3))};"


def finalize(value) -> Markup:
    """What a template prints: data escaped as text, generated Markdown as it is."""
    return Markup(md_text(value))


def html_text(value: str) -> str:
    """Text for places that take HTML but not Markdown (page titles)."""
    return html.escape(one_line(value), quote=True)


def yaml_string(value: str) -> Safe:
    """A YAML scalar that reads back as exactly this string (JSON is YAML)."""
    return Safe(json.dumps(value, ensure_ascii=False))


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
    return Safe(base + quote(one_line(title), safe=""))
