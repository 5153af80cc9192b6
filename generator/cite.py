"""How to cite a paper: BibTeX entries and Highwire ``citation_*`` tags.

Only facts the survey holds go into a citation: authors when their names are
known (never made up from a count), the year when the paper is dated, the
arXiv fields when its id is known. Keys are made from the paper's own facts,
so a paper keeps its key from build to build; two papers that would share a
key are told apart by a suffix made from their ids.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote

from .model import Paper
from .text import one_line

ARXIV_ABS = "https://arxiv.org/abs/"
ARXIV_PDF = "https://arxiv.org/pdf/"
DOI_URL = "https://doi.org/"
# Words that make a poor key: "on2024the" says nothing of the paper.
_STOP = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "is", "are", "with", "by",
         "at", "from", "how", "why", "what", "when", "do", "does", "can", "towards", "toward"}
# Characters TeX gives a meaning to, as TeX prints them. Braces become
# commands whose own braces balance: BibTeX counts braces, escaped or not.
_TEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
        "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_TEX_TABLE = str.maketrans(_TEX)


@lru_cache(maxsize=1 << 16)  # title words and surnames repeat across papers
def ascii_word(value: str) -> str:
    """Letters and digits only, accents dropped, lower case: "Müller" -> "muller"."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _NOT_ALPHANUMERIC.sub("", folded).lower()


_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


def base_key(paper: Paper) -> str:
    """The key as Google Scholar writes it, surname, year and first title word
    ("power2022grokking"); without a name, two title words and the year."""
    words = [w for w in (ascii_word(w) for w in one_line(paper.title).split()) if w]
    telling = [w for w in words if w not in _STOP] or words
    year = str(paper.date.year) if paper.date else ""
    if paper.author_names and ascii_word(paper.author_names[0].split()[-1]):
        key = ascii_word(paper.author_names[0].split()[-1]) + year + "".join(telling[:1])
    else:
        key = "".join(telling[:2]) + year
    return key if key[:1].isalpha() else "paper" + key


def keys(papers: Iterable[Paper]) -> dict[str, str]:
    """Each paper's key by paper id, unique within the survey."""
    papers = list(papers)
    bases = {p.id: base_key(p) for p in papers}
    shared = Counter(bases.values())
    return {pid: key if shared[key] == 1 else f"{key}-{_digest(pid)}"
            for pid, key in bases.items()}


def _digest(paper_id: str) -> str:
    return hashlib.sha256(paper_id.encode("utf-8")).hexdigest()[:6]


def tex(value: str) -> str:
    """Text as TeX prints it, on one line."""
    return one_line(value).translate(_TEX_TABLE)


def paper_url(paper: Paper, page: str | None = None) -> str | None:
    """Where the paper itself is read: arXiv, else its DOI, else its page in the survey."""
    if paper.arxiv:
        return ARXIV_ABS + quote(paper.arxiv, safe="/")
    if paper.doi:
        return DOI_URL + quote(paper.doi, safe="/")
    return page


def fields(paper: Paper, page: str | None = None) -> list[tuple[str, str]]:
    """The entry's fields, in BibTeX's usual order, already in TeX."""
    result = [("title", "{" + tex(paper.title) + "}")]
    if paper.author_names:
        result.append(("author", " and ".join(tex(n) for n in paper.author_names)))
    if paper.venue:
        result.append(("journal", tex(paper.venue)))
    if paper.date:
        result.append(("year", str(paper.date.year)))
    if paper.arxiv:
        result += [("eprint", tex(paper.arxiv)), ("archivePrefix", "arXiv")]
    if paper.doi:
        result.append(("doi", tex(paper.doi)))
    url = paper_url(paper, page)
    if url:
        result.append(("url", tex(url)))
    return result


def entry(paper: Paper, key: str, page: str | None = None) -> str:
    """One BibTeX entry: @article when a venue is known, @misc otherwise."""
    kind = "article" if paper.venue else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields(paper, page))
    return f"@{kind}{{{key},\n{body}\n}}\n"


def highwire(paper: Paper) -> dict:
    """The ``citation_*`` tags reference managers read (Zotero, Google Scholar),
    as front matter for the page template; only the facts the survey holds."""
    tags: dict = {"title": one_line(paper.title)}
    if paper.author_names:
        tags["authors"] = [one_line(n) for n in paper.author_names]
    if paper.date:
        tags["publication_date"] = f"{paper.date:%Y/%m/%d}"
    if paper.arxiv:
        tags["arxiv_id"] = paper.arxiv
        tags["pdf_url"] = ARXIV_PDF + quote(paper.arxiv, safe="/")
        tags["abstract_html_url"] = ARXIV_ABS + quote(paper.arxiv, safe="/")
    if paper.doi:
        tags["doi"] = paper.doi
    if paper.venue:
        tags["journal_title"] = one_line(paper.venue)
    return tags
