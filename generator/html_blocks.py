"""Blocks of HTML the generator wrote, passed around Markdown's parser.

The generator writes the bulky parts of its pages (a paper's facts, links,
related papers and sources; the paper lists of theme and listing pages) as
HTML it escaped itself, each between two marker lines::

    <!-- html -->
    <p>...</p>
    <!-- /html -->

Any Markdown processor reads such a block as raw HTML and passes it through,
so the page is right under any builder. Python-Markdown's own raw-HTML
reader parses every tag of it, though, which costs more than the rest of a
paper page; this extension (registered by the MkDocs plugin) stores each
marked block whole in Markdown's HTML stash instead, as the raw-HTML reader
would, without parsing it. Data cannot forge a marker: everything from data
is escaped, so no data line starts with "<".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.extensions.toc import nest_toc_tokens
from markdown.preprocessors import Preprocessor

START = "<!-- html -->"
END = "<!-- /html -->"
# Before Python-Markdown's own raw-HTML preprocessor (priority 20), after its
# whitespace normalisation (30).
PRIORITY = 25


class _Stash(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == START:
                    block = []
                else:
                    out.append(line)
            elif line == END:
                out += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            else:
                block.append(line)
        if block is not None:  # no end marker: leave the lines to Markdown
            out += [START, *block]
        return out


class HtmlBlocks(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_Stash(md), "survey_html_blocks", PRIORITY)


# A heading line as the generator writes one: "#" to "######", a space, a title.
_HEADING = re.compile(r"#{1,6} +\S[^\n]*")


def parts(text: str) -> list[str] | None:
    """A page body made only of headings and marked blocks of HTML (a paper
    page): its headings and the blocks, in order. None when it holds anything
    else, such as a paragraph of Markdown (a theme page's description), or a
    block that is not HTML: Markdown reads that."""
    found: list[str] = []
    block: list[str] | None = None
    for line in text.split("\n"):
        if block is not None:
            if line == END:
                if not block or not block[0].startswith("<"):
                    return None
                found.append("\n".join(block))
                block = None
            else:
                block.append(line)
        elif line == START:
            block = []
        elif _HEADING.fullmatch(line):
            found.append(line)
        elif line.strip():
            return None
    return None if block is not None else found


@dataclass(frozen=True)
class Converted:
    html: str
    toc_tokens: list[dict]  # Python-Markdown's, nested as its toc extension nests them
    ids: frozenset[str]  # the headings' ids


class Headings:
    """Converts a page of headings and blocks as Markdown would, without its
    parser: each heading line through Markdown on its own, once per build
    (the same section titles recur on every paper page), the blocks as the
    stash would pass them. Markdown's own output is the reference:
    ``tests/test_shared_fragments.py`` builds the seed site both ways and
    compares every file; ``tests/test_properties.py`` compares random pages."""

    def __init__(self, extensions: list, configs: dict):
        self.md = Markdown(extensions=extensions, extension_configs=configs)
        self.made: dict[str, tuple[str, list[dict]]] = {}

    def page(self, text: str) -> Converted | None:
        """A page's HTML and table of contents, when it is only headings and
        blocks once Markdown's first step has normalised it (control
        characters of its own removed, tabs expanded); else None."""
        normalised = self.md.preprocessors["normalize_whitespace"].run(text.split("\n"))
        found = parts("\n".join(normalised))
        return self.convert(found) if found is not None else None

    def convert(self, found: list[str]) -> Converted | None:
        """The page's HTML and table of contents; None when its headings' ids
        collide (Markdown would number them) or a block is not block-level HTML."""
        html: list[str] = []
        flat: list[dict] = []
        for piece in found:
            if not piece.startswith("<"):  # a heading line (parts: a block is HTML)
                heading, tokens = self.heading(piece)
                html.append(heading)
                flat += [dict(token, children=[]) for token in tokens]
            elif self._block_level(piece):
                html.append(piece)
            else:
                return None
        ids = [token["id"] for token in flat]
        if len(set(ids)) < len(ids):
            return None
        return Converted("\n".join(html), nest_toc_tokens(flat), frozenset(ids))

    def heading(self, line: str) -> tuple[str, list[dict]]:
        made = self.made.get(line)
        if made is None:
            self.md.reset()
            made = self.made[line] = (self.md.convert(line), list(self.md.toc_tokens))
        return made

    def _block_level(self, block: str) -> bool:
        tag = re.match(r"<([a-zA-Z][a-zA-Z0-9]*)[\s>]", block)
        return tag is not None and self.md.is_block_level(tag.group(1).lower())
