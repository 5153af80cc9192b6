"""Turn a Corpus into the files of the generated docs folder.

Pure: returns ``{relative path: content}`` and writes nothing. One template
per page type, in ``templates/``; every value a template prints is escaped
as text unless the generator marked it :class:`~generator.text.Safe`.
"""
from __future__ import annotations

import html
import json
import posixpath
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import quote, urlencode

import jinja2

from . import chart, cite, facets, feeds, similar
from .feeds import Item as FeedItem
from .model import Corpus, Listing, Paper, Summary, Theme
from .paths import listing_path, page_url, paper_path, relative_path, theme_path
from .summaries import PLACEHOLDER, PLACEHOLDER_NAME
from .text import (
    Safe,
    attr_text,
    finalize,
    html_text,
    one_line,
    safe_url,
    search_url,
    teaser,
    yaml_string,
)

ARXIV_SEARCH = "https://arxiv.org/search/?searchtype=title&query="
HF_SEARCH = "https://huggingface.co/papers?q="
S2_SEARCH = "https://www.semanticscholar.org/search?q="
SCHOLAR_SEARCH = "https://scholar.google.com/scholar?q="
RELATED = 5  # related papers on each paper page
Neighbours = Callable[[list[str], int], list[tuple[int, ...]]]


# A theme page lists this many papers; the rest follow on pages of their own,
# so that no page grows with the corpus (a theme of 2,000 papers is 10 pages).
THEME_PAGE_SIZE = 200


def theme_pages(theme: Theme, count: int) -> list[str]:
    """The paths of a theme's pages: its own, then one per further THEME_PAGE_SIZE papers."""
    pages = max(1, -(-count // THEME_PAGE_SIZE))
    return [theme_path(theme)] + [f"themes/{theme.id}/page-{n}.md" for n in range(2, pages + 1)]


def href(url: str) -> Safe:
    """A URL (already made safe, see text.safe_url) as an HTML attribute's value."""
    return Safe(html.escape(str(url), quote=True))


def format_date(date) -> str:
    return f"{date:%b} {date.day}, {date.year}" if date else ""


@dataclass(frozen=True)
class Repository:
    """Where the survey's content is edited: for the "write a summary" links."""

    url: str  # e.g. https://github.com/owner/survey
    branch: str = "main"
    content: str = "content"  # the content folder's path in the repository

    def new_summary(self, paper: Paper) -> Safe:
        """GitHub's web editor on a new summary file, pre-filled with a short
        stub (the full template is in CONTRIBUTING.md and `survey new-summary`):
        the link is on every paper page, so it is kept small."""
        stub = (f"---\n# See CONTRIBUTING.md for the optional fields.\npaper: {paper.id}\n"
                f"contributors:\n  - {PLACEHOLDER_NAME}\n---\n{PLACEHOLDER}\n")
        query = urlencode({"filename": f"{paper.id}.md", "value": stub}, quote_via=quote)
        return Safe(f"{self.url.rstrip('/')}/new/{self.branch}/{self.content}/summaries?{query}")

    def edit_summary(self, paper: Paper) -> Safe:
        return Safe(f"{self.url.rstrip('/')}/edit/{self.branch}/{self.content}/summaries/"
                    f"{quote(paper.id)}.md")


@lru_cache(maxsize=1)
def _plain_template() -> jinja2.Template:
    # The summary file is plain text for a contributor to edit, not a page:
    # nothing in it is escaped, and the title goes into a one-line YAML comment.
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates"),
                             autoescape=False, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.get_template("summary_template.txt.j2")


def summary_template(paper: Paper) -> str:
    """A ready-to-fill summary file for a paper (see CONTRIBUTING.md)."""
    return _plain_template().render(paper=paper, title=one_line(paper.title),
                                    placeholder=PLACEHOLDER, placeholder_name=PLACEHOLDER_NAME)


def bibtex_block(text: str) -> Safe:
    """A BibTeX entry as a code block with a copy button (overrides/assets/cite.js).

    One line of HTML, newlines as character references: a raw HTML block
    that Markdown passes through whole."""
    return Safe('<div class="cite"><pre class="bibtex"><code>'
                + html.escape(text.rstrip("\n")).replace("\n", "&#10;")
                + '</code></pre><button type="button" class="md-button cite-copy" '
                'data-copy="bibtex" aria-live="polite" hidden>Copy BibTeX</button></div>')


def summary_text(summary: Summary | None) -> str:
    """A summary as plain text, for finding related papers."""
    if summary is None:
        return ""
    body = html.unescape(re.sub(r"<[^>]+>", " ", summary.body_html))
    return " ".join((*summary.key_points, body))


@dataclass
class Site:
    """The corpus with the lookups the templates need."""

    corpus: Corpus
    repository: Repository | None = None
    site_url: str | None = None  # the published site's address, for feeds
    neighbours: Neighbours = similar.neighbours  # finds the related papers

    @cached_property
    def themes(self) -> dict[str, Theme]:
        return {t.id: t for t in self.corpus.taxonomy.themes}

    @cached_property
    def listings(self) -> dict[str, Listing]:
        return {l.file: l for l in self.corpus.listings}

    @cached_property
    def by_source(self) -> dict:
        # By where an entry stands, not its title: papers joined by their
        # arXiv id show entries under more than one title.
        return {s: p for p in self.corpus.papers for s in p.sources}

    @cached_property
    def members(self) -> dict[str, list[Paper]]:
        """Each theme's papers, newest first; undated ones last, by title."""
        result: dict[str, list[Paper]] = {tid: [] for tid in self.themes}
        for paper in sorted(self.corpus.papers, key=newest_first):
            for tid in paper.themes:
                result[tid].append(paper)
        return result

    @cached_property
    def cross_listed(self) -> list[Paper]:
        papers = [p for p in self.corpus.papers if p.cross_listed]
        return sorted(papers, key=lambda p: (-len(p.listing_files), p.title.casefold()))

    def cross_listed_in(self, listing: Listing) -> int:
        """How many of the listing's papers are in other listings too."""
        return sum(len(self.listings_of(self.paper_of(e))) > 1 for e in listing.entries)

    @cached_property
    def summarised(self) -> list[Paper]:
        return sorted((p for p in self.corpus.papers if p.id in self.corpus.summaries),
                      key=lambda p: p.title.casefold())

    def teaser(self, paper: Paper) -> str:
        return self.teasers[paper.id]

    @cached_property
    def teasers(self) -> dict[str, str]:
        """Each paper's line in lists: its summary's teaser, else its abstract's first sentence."""
        summaries = self.corpus.summaries
        return {p.id: s.teaser if (s := summaries.get(p.id)) and s.teaser else teaser(p.abstract)
                for p in self.corpus.papers}

    @cached_property
    def related(self) -> dict[str, tuple[Paper, ...]]:
        """Each paper's most similar papers by their text, most similar first."""
        papers = self.corpus.papers
        texts = [f"{p.title}\n{p.abstract}\n{summary_text(self.corpus.summaries.get(p.id))}"
                 for p in papers]
        found = self.neighbours(texts, RELATED)
        return {p.id: tuple(papers[i] for i in near) for p, near in zip(papers, found, strict=True)}

    @cached_property
    def bib_keys(self) -> dict[str, str]:
        return cite.keys(self.corpus.papers)

    def around(self, paper: Paper) -> tuple[Paper | None, Paper | None]:
        """The papers before and after this one in its primary theme's list."""
        members = self.members.get(paper.primary_theme or "", [])
        at = self.positions.get((paper.primary_theme or "", paper.id))
        if at is None:
            return None, None
        return (members[at - 1] if at > 0 else None,
                members[at + 1] if at + 1 < len(members) else None)

    @cached_property
    def positions(self) -> dict[tuple[str, str], int]:
        """Where each paper stands in each of its themes' lists."""
        return {(tid, p.id): i for tid, members in self.members.items()
                for i, p in enumerate(members)}

    def absolute(self, path: str) -> str | None:
        """A generated page's or file's absolute address, when the site's is known."""
        if not self.site_url:
            return None
        url = page_url(path) if path.endswith(".md") else path
        return self.site_url.rstrip("/") + "/" + url

    def paper_of(self, entry) -> Paper:
        return self.by_source[entry.source]

    def listings_of(self, paper: Paper) -> list[Listing]:
        return [self.listings[f] for f in paper.listing_files]


def newest_first(paper: Paper) -> tuple[bool, int, str]:
    day = paper.date.toordinal() if paper.date else 0
    return (paper.date is None, -day, paper.title.casefold())


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        # Every printed value passes through finalize, which escapes data as
        # text; autoescape then leaves the result (and macro output) alone.
        autoescape=True,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates are the generator's code: no disk check per page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        teaser=teaser, date=format_date, yaml=yaml_string, html_title=lambda v: Safe(html_text(v)),
        safe_url=safe_url, attr=attr_text, href=href)
    return env


# Pages a preview rendered before (paper, theme and listing pages), by
# path: what each was made from (see Renderer.kept_page), and its text.
KeptPages = dict[str, tuple[tuple, str]]


class KeptParts:
    """Pieces of pages and files a preview keeps from one rebuild to the
    next, by what each is made from (its key): a paper's item on a theme
    page, its entry in the feeds, its BibTeX entry, its record in
    papers.json. A theme renamed changes the pages of all themes, but few of
    their items. Each rebuild keeps just the pieces it used."""

    def __init__(self) -> None:
        self.last: dict[tuple, str] = {}
        self.now: dict[tuple, str] = {}

    def get(self, key: tuple, make: Callable[[], str]) -> str:
        found = self.now.get(key)
        if found is None:
            found = self.last.get(key)
            self.now[key] = found = make() if found is None else found
        return found

    def rebuilt(self) -> None:
        """The pieces this rebuild used are the ones the next may use again."""
        self.last, self.now = self.now, {}


class Renderer:
    def __init__(self, corpus: Corpus, repository: Repository | None = None,
                 site_url: str | None = None, neighbours: Neighbours = similar.neighbours,
                 kept: KeptPages | None = None, parts: KeptParts | None = None):
        self.site = Site(corpus, repository, site_url, neighbours)
        self.env = _environment()
        self.kept = kept
        self.parts = parts
        self.entries: dict[str, str] = {}  # BibTeX, by paper id

    def page(self, template: str, path: str, **context) -> str:
        def link(target: str, anchor: str = "") -> Safe:
            """A relative link from this page to another generated page, as
            Markdown links are written (``../themes/t.md``); in HTML too:
            MkDocs' plugin and Zensical turn it into the page's address."""
            return Safe(relative_path(target, path) + (f"#{anchor}" if anchor else ""))

        return self.env.get_template(template).render(
            site=self.site, corpus=self.site.corpus, path=path, link=link,
            paper_path=paper_path, theme_path=theme_path, listing_path=listing_path,
            arxiv_search=lambda t: search_url(ARXIV_SEARCH, t),
            hf_search=lambda t: search_url(HF_SEARCH, t),
            s2_search=lambda t: search_url(S2_SEARCH, t),
            scholar_search=lambda t: search_url(SCHOLAR_SEARCH, t),
            bibtex=lambda p: bibtex_block(self.entry(p)), chart=chart, cite=cite,
            feed_path=feed_path, bib_path=bib_path,
            one_line_html=lambda h: Safe(h.replace("\n", "&#10;")), **context)

    def moved_page(self, old: str, targets: tuple[str, ...]) -> dict[str, str]:
        """The page of a renamed or split theme, at its old address: it sends a
        reader to the one theme that replaced it, or lists the ones that did."""
        path = f"themes/{old}.md"
        themes = [self.site.themes[t] for t in targets]
        redirect = None
        if len(themes) == 1:  # a URL relative to the old page's, as the browser resolves it
            redirect = posixpath.relpath(page_url(theme_path(themes[0])), page_url(path)) + "/"
        return {path: self.page("moved.md.j2", path, old=old, targets=themes, redirect=redirect)}

    def files(self) -> dict[str, str | bytes]:
        corpus = self.site.corpus
        files: dict[str, str | bytes] = {
            "index.md": self.page("home.md.j2", "index.md", counts=counts(corpus)),
            "themes/index.md": self.page("themes.md.j2", "themes/index.md"),
            "listings/index.md": self.page("listings.md.j2", "listings/index.md"),
            "cross-listed.md": self.page("cross_listed.md.j2", "cross-listed.md"),
            "about.md": self.page("about.md.j2", "about.md", counts=counts(corpus)),
            "search.md": self.page("search.md.j2", "search.md"),
            "summaries.md": self.page("summaries.md.j2", "summaries.md"),
            "data/papers.json": papers_json(corpus, self.site.related, self.part),
            bib_path(): self.bib(corpus.papers),
        }
        for theme in corpus.taxonomy.themes:
            files.update(self.theme_files(theme))
            files[bib_path(theme)] = self.bib(self.site.members[theme.id])
        for old, targets in corpus.taxonomy.moved:
            files.update(self.moved_page(old, targets))
        for listing in corpus.listings:
            files[listing_path(listing)] = self.listing_page(listing)
        for paper in corpus.papers:
            files[paper_path(paper)] = self.paper_page(paper)
        files |= self.feeds()
        if self.kept is not None:  # a preview keeps only the pages the survey still has
            for gone in self.kept.keys() - files.keys():
                del self.kept[gone]
        if self.parts is not None:
            self.parts.rebuilt()
        return files

    def part(self, key: tuple, make: Callable[[], str]) -> str:
        """A piece of a page or file; in a preview, the piece of the last
        rebuild when what it is made from (``key``) has not changed."""
        return make() if self.parts is None else self.parts.get(key, make)

    def kept_page(self, path: str, inputs: Callable[[], tuple], make: Callable[[], str]) -> str:
        """The page at ``path``; in a preview, the page of the last rebuild
        when what it is made from (``inputs``) has not changed."""
        if self.kept is None:
            return make()
        key = inputs()
        old = self.kept.get(path)
        if old is None or old[0] != key:
            old = self.kept[path] = (key, make())
        return old[1]

    def paper_page(self, paper: Paper) -> str:
        path = paper_path(paper)
        return self.kept_page(path, lambda: self.paper_inputs(paper),
                              lambda: self.page("paper.md.j2", path, paper=paper))

    def listing_page(self, listing: Listing) -> str:
        path = listing_path(listing)
        return self.kept_page(path, lambda: self.listing_inputs(listing),
                              lambda: self.page("listing.md.j2", path, listing=listing))

    def listing_inputs(self, listing: Listing) -> tuple:
        """What a listing's page shows besides what all pages share: its
        entries, their papers' addresses, and the other listings of each."""
        site = self.site
        return (listing, tuple(
            (site.paper_of(e).id, tuple(_named(l) for l in site.listings_of(site.paper_of(e))))
            for e in listing.entries))

    def paper_inputs(self, paper: Paper) -> tuple:
        """What a paper's page shows besides what all pages share (see
        ``shared_inputs``): the paper, its summary, its themes' and listings'
        names, its related papers with their primary theme's, its neighbours
        in its primary theme, its citation key."""
        site = self.site

        def theme(tid: str | None) -> tuple[str, str] | None:
            return _named(site.themes[tid]) if tid else None

        return (paper, site.corpus.summaries.get(paper.id),
                tuple(theme(t) for t in paper.themes),
                tuple(_named(l) for l in site.listings_of(paper)),
                tuple((r.id, r.title, theme(r.primary_theme)) for r in site.related[paper.id]),
                tuple(p and (p.id, p.title) for p in site.around(paper)),
                site.bib_keys[paper.id])

    def entry(self, paper: Paper) -> str:
        """The paper's BibTeX entry (made once: the survey's and each of its
        themes' .bib files hold it, and its page)."""
        found = self.entries.get(paper.id)
        if found is None:
            page = self.site.absolute(paper_path(paper))
            key = self.site.bib_keys[paper.id]
            found = self.entries[paper.id] = self.part(
                ("bibtex", paper, key, page), lambda: cite.entry(paper, key, page))
        return found

    def bib(self, papers) -> str:
        return "\n".join(self.entry(p) for p in papers)

    def feeds(self) -> dict[str, str]:
        """The survey's feed and each theme's; none without the site's address."""
        site = self.site
        if not site.site_url:
            return {}
        items = {p.id: self.item(p) for p in site.corpus.papers}
        made: dict[FeedItem, str] = {}  # a paper's entry, the same in each feed it is in

        def entry(item: FeedItem) -> str:
            found = made.get(item)
            if found is None:
                found = made[item] = self.part(("feed entry", item), lambda: feeds.make_entry(item))
            return found

        result = {feed_path(): feeds.atom(
            feeds.Feed(site.corpus.title, self.url(feed_path()), self.url("index.md"),
                       site.corpus.title), [i for i in items.values() if i is not None], entry)}
        for theme in site.corpus.taxonomy.themes:
            feed = feeds.Feed(f"{theme.title} · {site.corpus.title}", self.url(feed_path(theme)),
                              self.url(theme_path(theme)), site.corpus.title)
            dated = (items[p.id] for p in site.members[theme.id])
            result[feed_path(theme)] = feeds.atom(feed, [i for i in dated if i is not None],
                                                  entry)
        return result

    def url(self, path: str) -> str:
        """A page's absolute address (feeds are made only when the site has one)."""
        found = self.site.absolute(path)
        assert found is not None, "feeds need the site's address"
        return found

    def item(self, paper: Paper) -> FeedItem | None:
        date = feeds.paper_date(paper, self.site.listings)
        if date is None:
            return None
        return FeedItem(paper, date, self.url(paper_path(paper)), self.site.teaser(paper))


    def theme_files(self, theme: Theme) -> dict[str, str]:
        """A theme's pages, each with its share of the papers, newest first."""
        members = self.site.members[theme.id]
        pages = theme_pages(theme, len(members))
        stats = theme_stats(theme, members, self.site.corpus)
        summaries = self.site.corpus.summaries
        names = tuple(_named(t) for t in self.site.corpus.taxonomy.themes)  # links to all

        def has_code(paper: Paper) -> bool:
            return facets.code_url(paper, summaries.get(paper.id)) is not None

        def item(folder: str) -> Callable[[Paper, Callable[[Paper], str]], str]:
            """A paper's item on a theme page in ``folder``: what the
            template's macro makes, kept by what it shows (the paper, its
            summary, its other themes' names)."""
            def kept(paper: Paper, make: Callable[[Paper], str]) -> str:
                return Safe(self.part(
                    ("theme item", folder, theme.id, paper, summaries.get(paper.id),
                     tuple(_named(self.site.themes[t]) for t in paper.themes if t != theme.id)),
                    lambda: make(paper)))
            return kept

        def page(n: int, path: str) -> str:
            papers = members[(n - 1) * THEME_PAGE_SIZE: n * THEME_PAGE_SIZE]
            return self.kept_page(
                path,
                lambda: (theme, stats, tuple(pages), n, names,
                         tuple((p, summaries.get(p.id)) for p in papers)),
                lambda: self.page("theme.md.j2", path, theme=theme, stats=stats, pages=pages,
                                  page_number=n, has_code=has_code, papers=papers,
                                  item=item(posixpath.dirname(path))))

        return {path: page(n, path) for n, path in enumerate(pages, start=1)}


def feed_path(theme: Theme | None = None) -> str:
    return f"feeds/themes/{theme.id}.xml" if theme else "feeds/survey.xml"


def bib_path(theme: Theme | None = None) -> str:
    return f"cite/themes/{theme.id}.bib" if theme else "cite/survey.bib"


def theme_stats(theme: Theme, members: list[Paper], corpus: Corpus) -> dict:
    """A theme page's header: its counts, and its papers per year, newest year first."""
    summaries = corpus.summaries
    years = Counter(facets.year(p) for p in members)
    return {
        "papers": len(members),
        "primary": sum(p.primary_theme == theme.id for p in members),
        "code": sum(facets.code_url(p, summaries.get(p.id)) is not None for p in members),
        "summaries": sum(p.id in summaries for p in members),
        "years": _by_year(years),
    }


def _by_year(years: Counter) -> list[tuple[str, int]]:
    dated = sorted((kv for kv in years.items() if kv[0] != facets.UNDATED), reverse=True)
    return dated + [(facets.UNDATED, years[facets.UNDATED])] * (facets.UNDATED in years)


def render(corpus: Corpus, repository: Repository | None = None, site_url: str | None = None,
           neighbours: Neighbours = similar.neighbours, kept: KeptPages | None = None,
           parts: KeptParts | None = None) -> dict[str, str | bytes]:
    return Renderer(corpus, repository, site_url, neighbours, kept, parts).files()


def shared_inputs(repository: Repository | None, site_url: str | None) -> tuple:
    """What every page a preview keeps draws on: the repository of the
    editing links, the site's address."""
    return (repository, site_url)


def _named(item: Theme | Listing) -> tuple[str, str]:
    """What a link to a theme's or a listing's page shows: its address and name."""
    return (item.id, item.title)


def counts(corpus: Corpus) -> dict[str, int]:
    return {
        "listings": len(corpus.listings),
        "entries": sum(len(l.entries) for l in corpus.listings),
        "papers": len(corpus.papers),
        "cross_listed": sum(p.cross_listed for p in corpus.papers),
        "themes": len(corpus.taxonomy.themes),
        "dated": sum(p.date is not None for p in corpus.papers),
    }


def facts(paper: Paper, summary) -> dict:
    """What the metadata record and the curated summary add to a paper's record in papers.json."""
    source = paper.metadata
    return {
        "arxiv": paper.arxiv, "doi": paper.doi, "author_names": list(paper.author_names),
        "venue": paper.venue, "code": paper.code,
        "metadata": {"source": source.service, "url": source.url} if source else None,
        "summary": {
            "contributors": list(summary.contributors), "key_points": list(summary.key_points),
            "teaser": summary.teaser,
        } if summary else None,
    }


Part = Callable[[tuple, Callable[[], str]], str]  # Renderer.part


def papers_json(corpus: Corpus, related: dict[str, tuple[Paper, ...]] | None = None,
                part: Part = lambda key, make: make()) -> str:
    """The survey's data for other tools: one record per distinct paper."""
    members: dict[str, list[str]] = {t.id: [] for t in corpus.taxonomy.themes}
    for paper in corpus.papers:
        for tid in paper.themes:
            members[tid].append(paper.id)

    def record(p: Paper) -> str:
        near = tuple(r.id for r in (related or {}).get(p.id, ()))
        summary = corpus.summaries.get(p.id)
        return part(("paper record", p, summary, near),
                    lambda: _json_line(paper_record(p, summary, near)))

    data: dict[str, list] = {
        "papers": [JsonLine(record(p)) for p in corpus.papers],
        "themes": [{
            "id": t.id, "title": t.title, "url": page_url(theme_path(t)), "papers": members[t.id],
        } for t in corpus.taxonomy.themes],
        "listings": [{
            "id": l.id, "file": l.file, "title": l.title, "url": page_url(listing_path(l)),
            "entries": len(l.entries),
        } for l in corpus.listings],
    }
    return _json_lines(data)


def paper_record(p: Paper, summary: Summary | None, related: tuple[str, ...]) -> dict:
    """A paper's record in papers.json."""
    return {
        "id": p.id, "title": p.title, "abstract": p.abstract,
        "url": page_url(paper_path(p)),
        "date": p.date.isoformat() if p.date else None,
        "upvotes": p.upvotes, "authors": p.author_count, "organization": p.organization,
        "themes": list(p.themes), "primary_theme": p.primary_theme,
        "listings": [{"listing": s.listing, "line": s.line} for s in p.sources],
        "links": list(p.links), "related": list(related), **facts(p, summary),
    }


class JsonLine(str):
    """A record already written as its line of papers.json."""


def _json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _json_lines(data: dict[str, list]) -> str:
    """JSON with one line per record: a diff shows the records that changed,
    and the file is smaller than indented JSON (25.6 MB against 27.5 MB for
    10,000 papers)."""
    parts = ",\n".join(
        f"{json.dumps(key)}: [\n" + ",\n".join(
            r if isinstance(r, JsonLine) else _json_line(r) for r in records) + "\n]"
        for key, records in data.items())
    return "{\n" + parts + "\n}\n"
