"""Everything the survey knows of MkDocs, in one module.

Three MkDocs events call the plain generator: before each build it makes
the docs folder's pages from ``content/`` (``build.generate``; a build takes
them from memory, a live preview writes them and also watches ``content/``),
and after each build Pagefind indexes the site (``search_index``); the
theme's navigation, tabs and configuration are made once per folder for the
pages outside the navigation (``SharedFragments``).
``build_site`` is how ``survey build`` runs MkDocs: in
this process, with MkDocs' own strict mode (a logging handler that counts
warnings), so there is one build and one strict, whichever command started
it. A successor of MkDocs that runs its plugins (ProperDocs) uses this
module as it is; one that does not (Zensical) runs ``survey generate`` and
``survey index`` as steps of their own around its build.
"""
from __future__ import annotations

import copy
import gc
import hashlib
import logging
import os
import posixpath
import re
import signal
import threading
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# MkDocs 1.x announces its successors on every run, through the theme;
# the README says what the project does about them instead.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from jinja2 import TemplateNotFound  # noqa: E402
from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import config_options, load_config  # noqa: E402
from mkdocs.config.base import Config  # noqa: E402
from mkdocs.exceptions import Abort, ConfigurationError, PluginError  # noqa: E402
from mkdocs.plugins import BasePlugin  # noqa: E402
from mkdocs.structure.files import File, Files, set_exclusions  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc  # noqa: E402

from . import frames, html_blocks, search_index, write  # noqa: E402
from .build import Generated, Memo, generate  # noqa: E402
from .errors import ConfigurationProblem, ContentError, Problem  # noqa: E402
from .model import Corpus  # noqa: E402
from .render import Repository  # noqa: E402

log = logging.getLogger("mkdocs.plugins.survey")


class SurveyConfig(Config):
    content = config_options.Type(str, default="content")
    branch = config_options.Type(str, default="main")  # for the "write a summary" links
    search = config_options.Type(bool, default=True)


class SurveyPlugin(BasePlugin[SurveyConfig]):
    serving = False
    memo: Memo | None = None  # kept between a preview's rebuilds
    generated: Generated | None = None  # what the last build read and wrote
    fatal: list[Problem] | None = None  # why the last build could not read the content
    index_apart: search_index.Apart | None = None  # the search index of this build, being made
    index_wanted: threading.Event | None = None  # cleared when it is no longer wanted
    indexing: threading.Thread | None = None  # a preview's index, made after its build
    addresses: tuple[Any, dict] = (None, {})  # links' addresses, for one build's files
    shared: SharedFragments | None = None  # one build's theme fragments (see on_nav)
    sources: dict[str, str] = {}  # generated pages not yet read, by path (on_page_read_source)
    from_memory = False  # a build's generated files taken from memory, not written (on_files)
    untouched: write.Untouched | None = None  # the docs folder as this build takes it
    statics: dict[str, str | bytes] = {}  # this build's other generated files, by path
    sigterm: Any = None  # SIGTERM's handler before the preview's (see _stop_on_sigterm)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        _collect_less_often()
        self.serving = command == "serve"
        # A preview writes the generated files: it rebuilds the pages whose
        # files changed. A build takes them from memory and writes none.
        self.from_memory = not self.serving and not dirty
        self.memo = Memo() if self.serving else None
        if self.serving:  # from the first build on, which MkDocs makes before serving
            self.sigterm = _stop_on_sigterm()
        if self.serving and dirty:
            # `make serve` asks for --dirty on purpose (only the pages the
            # generator rewrote are rebuilt); MkDocs' warning about it on
            # every rebuild is not for the maintainer to act on.
            logging.getLogger("mkdocs.commands.build").addFilter(_not_dirty_warning)

    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path or ".").resolve().parent
        self.content = root / self.config.content
        repo_url = config.repo_url or ""
        self.repository = (Repository(repo_url, self.config.branch)
                           if "github.com" in repo_url else None)
        if not config.use_directory_urls:
            raise PluginError("survey: the generated pages link to each other by directory "
                              "address (papers/<id>/): remove use_directory_urls: false "
                              "from mkdocs.yml")
        # The generator's HTML blocks go around Python-Markdown's HTML parser.
        config.markdown_extensions.append(html_blocks.HtmlBlocks())
        return config

    def on_pre_build(self, config: Any) -> None:
        # While previewing, a broken file keeps the last good pages on screen;
        # the first build of a session has no good pages yet, so it writes.
        keep = self.serving and self.generated is not None
        # The last build's search index, if it is still being made, would be
        # replaced by this build's: stopping it frees a core for the pages.
        self._stop_index()
        self.sources = {}  # this build's pages only
        self.site = Path(config.site_dir)
        self.hold = ExitStack()  # the docs folder is this build's until it is done
        try:
            self.hold.enter_context(write.locked(Path(config.docs_dir)))
            result = generate(self.content, Path(config.docs_dir), self.repository, keep,
                              self.memo, site_url=config.site_url, read=self._start_index,
                              writer=self._take_from_memory if self.from_memory else write.sync)
        except write.UnsafeFolder as err:
            raise PluginError(str(err)) from None
        except ContentError as err:
            self.fatal = err.problems
            for problem in err.problems:
                log.error(str(problem))
            if self.serving:
                return  # the preview goes on with the pages it has
            raise PluginError("the content cannot be read; nothing was built") from None
        self.fatal = None
        for problem in result.corpus.problems:
            (log.error if problem.is_error else log.warning)(str(problem))
        if result.sync is None:
            log.error("survey: fix the errors above; still showing the last good pages")
            return
        self.generated = result
        self.sources = {path: text for path, text in result.files.items()
                        if _is_page(path) and isinstance(text, str)}
        files = (f"{len(result.files)} generated files, from memory" if self.from_memory else
                 f"{len(result.sync.written) + len(result.sync.removed)} generated files changed")
        result.files = {}
        steps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.seconds.items())
        log.info(f"survey: {len(result.corpus.papers)} papers; {files}; {steps}")

    def _take_from_memory(self, files: Mapping[str, str | bytes], docs: Path) -> write.SyncReport:
        """A build takes the generated files from memory (the pages in
        on_page_read_source, the others in on_files): the docs folder is left
        as it was, and nothing is written into it."""
        self.untouched = write.untouched(files, docs)
        self.statics = {path: data for path, data in files.items() if not _is_page(path)}
        return write.SyncReport()

    def on_files(self, files: Any, config: Any) -> Any:
        untouched, self.untouched = self.untouched, None
        if untouched is None:
            return files
        statics, self.statics = self.statics, {}
        return _listed_as_generated(files, config, untouched, statics)

    def on_page_read_source(self, page: Any, config: Any) -> str | None:
        """A page the generator has just made is read from memory, as it was
        made (a build writes no file of it; a preview's is not read again);
        as MkDocs reads a file, line ends become newlines and a byte order
        mark is dropped. Each is read once."""
        text = self.sources.pop(page.file.src_uri, None)
        if text is None or page.file.abs_src_path is None:  # a page of another plugin's
            return None
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    def _start_index(self, corpus: Corpus) -> None:
        """The index is made from the papers, not the pages: Pagefind's
        process works on it while the generator and MkDocs make the pages.
        (A preview indexes after its build: the page is served first.)"""
        if self.config.search and not self.serving:
            try:
                self.index_apart = search_index.Apart(search_index.records(corpus), self.site)
            except OSError as err:  # no process to be had: the index is made here, at the end
                log.info(f"survey: the search index is made after the pages ({err})")

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.shared = SharedFragments({page.file.src_uri for page in nav.pages})
        self._generated_pages(config, files, self.shared.listed)
        return nav

    def _generated_pages(self, config: Any, files: Any, listed: set[str]) -> None:
        """The pages outside the navigation (papers, themes, listings) are the
        generator's: MkDocs' own page object, not yet read, is replaced by a
        GeneratedPage. A page the navigation lists keeps its object (the
        navigation holds it), as do a successor's pages, of its own class."""
        headings = html_blocks.Headings(config.markdown_extensions, config.mdx_configs)
        for file in files.documentation_pages():
            if file.src_uri not in listed and type(file.page) is Page:
                GeneratedPage(None, file, config).headings = headings

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        env.globals["survey_shared"] = self.shared  # see overrides/main.html
        PageFrames.install(env)
        return env

    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        """Links in the generator's HTML blocks name pages as Markdown links
        do (``../themes/t.md``); MkDocs rewrites only Markdown's, so these
        become the pages' addresses here, and a missing page is a warning
        (an error under --strict), as a Markdown link's would be."""
        if self.addresses[0] is not files:  # a build's own files, a build's own addresses
            self.addresses = (files, {})
        return _MD_HREF.sub(lambda m: _address(m, page, files, self.addresses[1]), html)

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        # The docs folder is the generator's output: watching it too would
        # rebuild a second time after every edit of the content.
        server.unwatch(config.docs_dir)
        server.watch(str(self.content))
        _poll_often(server)
        return server

    def on_build_error(self, error: Exception) -> None:
        self._stop_index()  # a failed build's index is not wanted
        self.untouched, self.statics = None, {}
        self._release()

    def on_shutdown(self) -> None:
        self._stop_index()  # nor one still being made when the command ends (Ctrl-C)
        self._wait_for_index()
        self._release()
        if self.sigterm is not None:  # as it was before the preview
            signal.signal(signal.SIGTERM, self.sigterm)
            self.sigterm = None

    def _new_index(self) -> Callable[[], bool]:
        """A new index is wanted, until ``_stop_index``: what it asks between records."""
        self.index_wanted = wanted = threading.Event()
        wanted.set()
        return lambda: not wanted.is_set()

    def _stop_index(self) -> None:
        if self.index_wanted is not None:
            self.index_wanted.clear()
        if self.index_apart is not None:
            self.index_apart.cancel()
            self.index_apart = None

    def _wait_for_index(self) -> None:
        """A preview's index, told to stop, may still be in Pagefind's last
        step, and then write: MkDocs removes the preview's site right after
        this, so the command waits for it, lest it make the folder again."""
        if self.indexing is None or not self.indexing.is_alive():
            return
        log.info("survey: waiting for the search index to stop")
        self.indexing.join(INDEX_STOP_SECONDS)
        if self.indexing.is_alive():
            log.warning(f"survey: the search index did not stop within {INDEX_STOP_SECONDS} s; "
                        "its files may be left in the preview's temporary folder")

    def _release(self) -> None:
        hold = getattr(self, "hold", None)
        if hold is not None:
            hold.close()

    def on_post_build(self, config: Any) -> None:
        self._release()
        if not self.config.search or self.generated is None:
            return
        # The index is made from the papers the pages were made from.
        site, corpus = Path(config.site_dir), self.generated.corpus
        if self.serving:
            # The page is served at once; search catches up a moment later.
            self.indexing = threading.Thread(target=self._index_quietly,
                                             args=(corpus, site, self._new_index()), daemon=True)
            self.indexing.start()
            return
        apart, self.index_apart = self.index_apart, None
        try:
            if apart is not None:
                apart.install()
            else:
                search_index.index_corpus(corpus, site)
        except (OSError, search_index.SearchIndexError) as err:
            # A site without its search is not a site to publish.
            log.error(f"the search index could not be built: {err}")
            raise PluginError("the search index could not be built") from None

    def _index_quietly(self, corpus: Corpus, site: Path, cancelled: Callable[[], bool]) -> None:
        with _INDEXING:  # one index at a time; the last build's wins
            try:
                search_index.index_corpus(corpus, site, cancelled=cancelled)
            except search_index.Cancelled:
                log.debug("survey: a newer build makes the search index")
            except (OSError, search_index.SearchIndexError) as err:
                log.error(f"the search index could not be built: {err}")


class GeneratedPage(Page):
    """A page the generator wrote. One made only of headings and HTML
    blocks, with its title in its front matter, is converted without
    Markdown's parser (``html_blocks.Headings``), to the same HTML and table
    of contents: at 10,000 papers Markdown's parser took most of MkDocs'
    time for the paper pages. Any other page is Markdown's, as usual."""

    headings: html_blocks.Headings
    without_parser = False  # converted without Markdown's parser (see PageFrames)

    def render(self, config: Any, files: Any) -> None:
        converted = self.headings.page(self.markdown or "") if "title" in self.meta else None
        if converted is None:
            super().render(config, files)
            return
        self.content = converted.html
        self.toc = get_toc(converted.toc_tokens)  # type: ignore[arg-type] # Markdown's tokens
        self._title_from_render = None  # the front matter's title is the page's
        self.present_anchor_ids = set(converted.ids)
        self.links_to_anchors = {}  # a block's links are on_page_content's
        self.without_parser = True
        self.markdown = ""  # its source, read again by nothing, is not kept to the build's end


class PageFrames:
    """The theme's template for the pages converted without Markdown's
    parser (every paper page): the pages of one shape (the same table of
    contents, front matter but for its title and citation, folder) are made
    from one frame of the template (``frames``), their title, addresses,
    citation and content put in its slots. The template renders a shape's
    first ``CHECKED`` pages itself; the frame made at the next page must give
    those pages exactly, or the shape keeps the template. A page with a value
    a frame cannot hold (a title with a quote, say) is the template's, as is
    every other page. At 10,000 papers the template took 0.8 ms a paper page."""

    CHECKED = 2  # pages of each shape rendered by the template, to check its frame by
    SHAPES = 512  # shapes followed at most in one build

    def __init__(self, render: Callable[..., str]):
        self.render = render  # the template's own
        self.frames: dict[tuple, frames.Frame | None] = {}
        # Each shape's first pages: their values and their HTML's digest.
        self.first: dict[tuple, list[tuple[dict[str, str], bytes]]] = {}

    @classmethod
    def install(cls, env: Any) -> None:
        """Make the theme's main template's pages through a new PageFrames
        (a build's own: MkDocs makes a new environment for each build)."""
        try:
            template = env.get_template("main.html")
        except TemplateNotFound:  # a theme of other templates: its pages are its own
            return
        render = getattr(template.render, "__self__", None)
        own = render.render if isinstance(render, PageFrames) else template.render
        template.render = cls(own).__call__

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        page = context.get("page")
        values = _slot_values(page) if getattr(page, "without_parser", False) else None
        if values is None:
            return self.render(context)
        key = _shape(page, context, tuple(values))
        if key not in self.frames:
            first = self.first.setdefault(key, []) if len(self.first) < self.SHAPES else []
            if len(first) < self.CHECKED:
                html = self.render(context)
                first.append((values, _digest(html)))
                return html
            self.frames[key] = self._frame(key, context, page)
        frame = self.frames[key]
        return frame.fill(values) if frame is not None else self.render(context)

    def _frame(self, key: tuple, context: dict, page: Any) -> frames.Frame | None:
        """The shape's frame, if it makes the shape's first pages as the template did."""
        def marked(marker: Callable[[str], str]) -> str:
            return self.render({**context, "page": _stand_in(page, marker)})

        frame = frames.make(marked, key[0])
        first = self.first.pop(key)
        if frame is not None and any(_digest(frame.fill(values)) != digest
                                     for values, digest in first):
            log.debug(f"survey: {page.url}: the theme's page differs from its frame")
            return None
        return frame


def _digest(html: str) -> bytes:
    return hashlib.blake2b(html.encode("utf-8"), digest_size=32).digest()


def _slot_values(page: Any) -> dict[str, str] | None:
    """What the page puts in a frame's slots, by slot; None when a frame
    cannot make it (a value not ``frames.plain``, a page in the navigation)."""
    toc = list(page.toc)
    citation = page.meta.get("citation", {})
    if page.previous_page or page.next_page or page.is_homepage or not toc \
            or toc[0].level != 1 or not isinstance(citation, dict):
        return None
    values = {"title": page.meta.get("title"), "h1": toc[0].id, "h1-title": toc[0].title}
    for name, value in citation.items():
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            values[f"citation-{name}-{i}"] = item
    values |= {slot: getattr(page, attribute) for attribute, slot in _ADDRESSES
               if getattr(page, attribute) is not None}
    content = page.content or ""
    if not all(frames.plain(v) for v in values.values()) or "<h1" not in content \
            or not frames.holds_no_marker(content):
        return None
    return {**values, frames.CONTENT: content}


_ADDRESSES = (("canonical_url", "canonical"), ("abs_url", "abs"), ("edit_url", "edit"))


def _shape(page: Any, context: dict, slots: tuple[str, ...]) -> tuple:
    """What pages made from one frame share: the slots filled, the front
    matter but for the slots, the folder and depth of the address, the table
    of contents' sections, and the context's names."""
    meta = {k: v for k, v in page.meta.items() if k not in ("title", "citation")}
    url = page.url
    return (slots, repr(meta), posixpath.dirname(url.rstrip("/")), url.count("/"),
            _toc_shown(page.toc), tuple(sorted(context)))


def _stand_in(page: Any, marker: Callable[[str], str]) -> Any:
    """The page with each slot's marker for its value."""
    stand_in = copy.copy(page)
    citation = page.meta.get("citation", {})
    stand_in.meta = {**page.meta, "title": marker("title"), "citation": {
        name: [marker(f"citation-{name}-{i}") for i in range(len(value))]
        if isinstance(value, list) else marker(f"citation-{name}-0")
        for name, value in citation.items()}}
    if "citation" not in page.meta:
        del stand_in.meta["citation"]
    for attribute, slot in _ADDRESSES:
        if getattr(page, attribute) is not None:
            setattr(stand_in, attribute, marker(slot))
    first, *rest = page.toc
    title = AnchorLink(marker("h1-title"), marker("h1"), first.level)
    title.children = first.children
    stand_in.toc = TableOfContents([title, *rest])
    stand_in.content = marker(frames.CONTENT)
    return stand_in


class SharedFragments:
    """Parts of the theme's page that are the same on every page outside the
    navigation in one folder (their links are relative to it): the
    navigation's HTML (nothing in it is active), the tabs', the
    configuration's. ``overrides/main.html`` has each made once per build and
    key, not once per paper page (a third of the templates' time at 10,000 papers)."""

    def __init__(self, listed: set[str]):
        self.listed = listed  # the pages in the navigation, by source path
        self.made: dict[tuple, str] = {}

    def __call__(self, block: str, page: Any, base_url: str, caller: Any) -> str:
        if page is None or page.file.src_uri in self.listed:
            return caller()
        meta = page.meta or {}
        folder = posixpath.dirname(page.url.rstrip("/"))
        key = (block, folder, base_url, repr(meta.get("hide")),
               _toc_shown(page.toc) if block == "site_nav" else ())  # the sidebars: navigation, toc
        if key not in self.made:
            self.made[key] = caller()
        return self.made[key]


def _toc_shown(toc: Any) -> tuple:
    """The table of contents as the theme shows it: a page's one title
    (level 1) is left out, its sections shown."""
    items = list(toc)
    return _toc(items[0].children if items and items[0].level == 1 else items)


def _toc(items: Any) -> tuple:
    return tuple((i.title, i.url, i.level, repr(getattr(i, "typeset", None)), _toc(i.children))
                 for i in items)


POLL_SECONDS = 0.1  # how often a preview looks for changed files (MkDocs: every 0.5 s)


def _poll_often(server: Any) -> None:
    """MkDocs' preview looks for changed files every half second; the
    survey's watched files (content/ and mkdocs.yml: a few hundred) are
    cheap to look at every tenth, and an edit shows sooner. The watches move
    to an observer that polls that often; MkDocs starts it after this event.
    A server of another make (no such observer) is left as it is."""
    # A preview's only: a build does not import it.
    from watchdog.observers.polling import PollingObserver

    watched = getattr(server, "_watched_paths", None)
    observer = getattr(server, "observer", None)
    if not isinstance(watched, dict) or not isinstance(observer, PollingObserver) \
            or observer.is_alive():
        return
    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = PollingObserver(timeout=POLL_SECONDS)
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)


def _stop_on_sigterm() -> Any:
    """A preview stopped by SIGTERM (a process manager's stop, ``kill``)
    stops as after Ctrl-C: MkDocs then removes the temporary folder it
    serves the site from, which SIGTERM's default leaves behind (a whole
    site each time). Returns the handler it replaced (None: none replaced)."""
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (a server run by other code): left alone
        return None


_INDEXING = threading.Lock()
INDEX_STOP_SECONDS = 60  # how long a stopping preview waits for its index to stop
# A relative link to a page, in an attribute the generator wrote (data is
# escaped: it never holds a quote or "<").
_MD_HREF = re.compile(r'href="([^":?#/][^":?#]*\.md)(#[^"]*)?"')


def _address(match: re.Match, page: Any, files: Any, known: dict) -> str:
    src = page.file.src_uri
    folder = posixpath.dirname(src)
    path = posixpath.normpath(posixpath.join(folder, match.group(1)))
    # Pages of one folder (other than its index) are served at the same depth:
    # a link from one of them reads as it does from any other.
    key = (folder, page.file.url.count("/"), path, path == src)
    url = known.get(key)
    if url is None:
        target = files.get_file_from_path(path)
        if target is None:
            log.warning(f"survey: {src}: a link to {path}, which is not a page of the site")
            return match.group()
        url = known[key] = target.url_relative_to(page.file)
    return f'href="{url}{match.group(2) or ""}"'


def _is_page(path: str) -> bool:
    return path.endswith(".md")


def _listed_as_generated(files: Any, config: Any, untouched: write.Untouched,
                         statics: dict[str, str | bytes]) -> Any:
    """The files of the docs folder as MkDocs would list them if the
    generated files had been written (``write.sync``), in the order of
    MkDocs' walk over the folder (a folder's files, index and README first,
    before its subfolders', folders by name), and of two files of a folder
    with one address, the one MkDocs would keep. The generated files are
    this build's (``statics`` gives those that are not pages their content);
    those of an earlier build no longer generated are left out; files the
    generator never wrote stay, as ``sync`` leaves them."""
    docs = os.path.normpath(config.docs_dir)
    kept, others = [], []
    for file in files:
        if file.src_dir is None or os.path.normpath(file.src_dir) != docs:
            others.append(file)
        elif file.src_uri not in untouched.stale and file.src_uri not in untouched.paths:
            kept.append(file)
    made = [_generated_file(path, config, statics) for path in sorted(untouched.paths)]
    set_exclusions(made, config)
    return Files(_one_per_address(sorted(kept + made, key=_walk_order)) + others)


def _generated_file(path: str, config: Any, statics: dict[str, str | bytes]) -> Any:
    if path not in statics:  # a page: its source is on_page_read_source's
        return File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
    file = _CopiedOnce(path, config.docs_dir, config.site_dir, config.use_directory_urls)
    data = statics.pop(path)  # held once: as the text made, or as the bytes to copy
    file.content_bytes = data.encode("utf-8") if isinstance(data, str) else data
    return file


class _CopiedOnce(File):
    """A generated file that is not a page, copied into the site from memory,
    and let go of then: data/papers.json alone is tens of MB at 10,000 papers,
    and the build's list of files is kept to its end."""

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        self.content_bytes = b""


def _walk_order(file: Any) -> tuple:
    folder, _, name = file.src_uri.rpartition("/")
    return (tuple(folder.split("/")) if folder else (),
            posixpath.splitext(name)[0] not in ("index", "README"), name)


def _one_per_address(files: list[Any]) -> list[Any]:
    """As MkDocs' ``get_files`` decides between two files of one folder with
    one address (README.md and index.md): the later one, if it is included."""
    first: dict[tuple[str, str], Any] = {}
    left_out = set()
    for file in files:
        earlier = first.setdefault((posixpath.dirname(file.src_uri), file.dest_uri), file)
        if earlier is file:
            continue
        if not file.inclusion.is_included():
            left_out.add(id(file))
            continue
        if earlier.inclusion.is_included():
            log.warning(f"Excluding '{earlier.src_uri}' from the site because it conflicts "
                        f"with '{file.src_uri}'.")
        left_out.add(id(earlier))
    return [file for file in files if id(file) not in left_out]


# Allocations between two of Python's collections of the youngest objects.
COLLECT_EVERY = 200_000


def _collect_less_often() -> None:
    """A build keeps hundreds of thousands of objects (papers, pages, their
    parts) to its end; at Python's default pace (every 700 allocations) the
    collector scans them again and again: 1.2 s of a 10,000-paper build.
    What the build makes is freed as it goes, by reference counts; a cycle
    waits a little longer."""
    if gc.get_threshold()[0] < COLLECT_EVERY:
        gc.set_threshold(COLLECT_EVERY, 30, 30)


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


@dataclass
class BuildResult:
    ok: bool  # built, by the standard asked for
    generated: Generated | None  # None when the content could not be read
    fatal: list[Problem]
    reason: str = ""  # why not, when not ok


def load(config_file: Path, strict: bool = False) -> Any:
    """The MkDocs configuration, with the survey plugin in it."""
    try:
        config = load_config(str(config_file), strict=strict)
    except (Abort, ConfigurationError, OSError) as err:
        raise ConfigurationProblem(f"{config_file}: {err}") from None
    if not isinstance(config.plugins.get("survey"), SurveyPlugin):
        raise ConfigurationProblem(f"{config_file}: the 'survey' plugin is not in its plugins; "
                                   "add `plugins: [survey]`")
    return config


def site_dir(config: Any) -> Path:
    """Where the configuration puts the site, relative to the working folder."""
    return Path(os.path.relpath(config.site_dir))


def build_site(config: Any, site: Path) -> BuildResult:
    """Build the site into ``site`` with MkDocs, in this process; with the
    configuration's strict mode, MkDocs' own."""
    config["site_dir"] = str(site)
    plugin = config.plugins["survey"]
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except (Abort, PluginError, ConfigurationError, OSError) as err:
        return BuildResult(False, plugin.generated, plugin.fatal or [], str(err))
    finally:
        config.plugins.on_shutdown()
    return BuildResult(True, plugin.generated, [])


def generate_docs(config_file: Path) -> Generated:
    """Only the generator's step, for a build tool that runs no MkDocs plugins
    (Zensical): the pages written into the configuration's docs folder."""
    config = load(config_file)
    plugin = config.plugins["survey"]
    plugin.on_config(config)
    docs = Path(config.docs_dir)
    with write.locked(docs):
        return generate(plugin.content, docs, plugin.repository, site_url=config.site_url)
