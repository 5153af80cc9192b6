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

from markdown import Extension, Markdown
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
