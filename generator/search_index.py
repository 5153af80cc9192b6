"""The search index: Pagefind records made from the papers themselves.

Search finds what a paper is about: each paper is one record, its title as
the record's title (Pagefind ranks a match there above one in the text), its
abstract and curated summary as the text the excerpt is cut from, and nothing
of any page's furniture (dates, theme names, links). Its facts go in as
Pagefind filters (theme, year, has code, has a curated summary, cross-listed)
and sort keys (date, upvotes, title); see ``facets``.

Records are fed to ``pagefind --service`` (the protocol Pagefind's own Python
and Node wrappers speak) in the corpus's order, all of a shard's at once, its
answers read as they come, and the files it returns are put in a fixed order
(``pagefind_bundle``), so the same corpus gives the same index files wherever
and however often it is built. (The Python wrapper polls for each answer every
0.1 s, 40 s for 400 papers; this client just reads the answers.) The files
come back in memory and are written here: asked to write them itself, the
service answers before its writes are done, and when it exits a file can be
left cut short.

Pagefind's process holds about 0.13 MB for each record while it builds an
index (1.3 GB for 10,000 papers), so the papers are indexed in shards of at
most ``SHARD`` records, one process after the other: the first shard at the
bundle's root with Pagefind's code, shard i's index files in ``shard/i/``,
and ``shards.json`` naming them for the search page, which merges them
(``overrides/assets/find.js``) and gives each shard's papers a ``shard``
filter as it does (Pagefind's ``mergeFilter``: nothing in the index). The
shards follow the index's own order (by title), so a search with no words
lists shard after shard in title order; the ``shard`` filter lets the search
page ask one shard at a time for its papers in a sort order, and merge them.
A word that one index lacks makes Pagefind match look-alike words instead
("lora" finds "VeLO"), so each shard of several also holds one record of
every word of the corpus, which ``shards.json`` names for the search page to
leave out.
"""
from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

from . import facets, pagefind_bundle, write
from .model import Corpus, Paper, Summary
from .paths import page_url, paper_path

BUNDLE = "pagefind"  # the index's folder in the site, where the search page looks for it
LANGUAGE = "en"
SHARD = 2500  # records per Pagefind index at most: ~0.35 GB for its process
NICE = 10  # how far the index's process gives way to the pages (see _yield_to_pages)
SHARDS = "shards.json"  # for the search page: the shards' folders and the filters' totals
WORDS = "pagefind/words/"  # the address of each shard's record of every word (no page)
# What a merged shard needs (Pagefind's code and styles come from the first).
_SHARD_FILES = re.compile(r"(fragment|filter|index)/|pagefind\..*\.pf_meta$|pagefind-entry\.json$")


class SearchIndexError(Exception):
    pass


class Cancelled(SearchIndexError):
    """The index was no longer wanted (a preview's newer build makes its own)."""


def index_corpus(corpus: Corpus, site: Path, cancelled: Callable[[], bool] = lambda: False) -> int:
    """Index the corpus's papers into ``site/pagefind``; return how many.
    ``cancelled`` is asked between records and before the files are written:
    when it says yes, Pagefind is stopped and nothing is written (``Cancelled``)."""
    entries = records(corpus)
    bundle = search_bundle(entries, cancelled=cancelled)
    if cancelled():  # stopped during Pagefind's last step
        raise Cancelled("the search index was no longer wanted")
    write_bundle(bundle, site)
    return len(entries)


class Apart:
    """The search index made in a process of its own, started now, and
    written into a hidden folder of the site (MkDocs' cleaning of the site
    leaves hidden files); ``install`` waits for it and moves it in place.
    Making an index asks for the interpreter's lock tens of thousands of
    times (each answer read, each file decompressed and compressed again,
    each written); on a thread beside the pages, each time behind them:
    10,000 papers took 24 s so, against 13-15 s in a process. The process is
    a new interpreter that imports only what indexing needs (``WORKER``) and
    is sent the records: a forked copy of the build would hold the build's
    memory as well: at 10,000 papers, 0.14 GB at the build's peak against 0.10 GB."""

    def __init__(self, entries: list[dict], site: Path):
        self.site = Path(site)
        self.folder = self.site / f".{BUNDLE}-{uuid.uuid4().hex[:8]}"
        package = os.fspath(Path(__file__).resolve().parent.parent)  # this build's own code
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [package, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, *WORKER, os.fspath(self.folder)],
                                        stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        records = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
        self.sending = threading.Thread(target=self._send, args=(records,),
                                        name="survey-search-records", daemon=True)
        self.sending.start()  # while the process starts, and reads them as they come

    def _send(self, records: bytes) -> None:
        # A process that stopped closed its end: its exit says why.
        with contextlib.suppress(OSError), _pipe(self.process.stdin) as pipe:
            pipe.write(records)

    def install(self) -> None:
        """Wait for the index, then put it where the search page finds it."""
        try:
            message = self._answer()
        except BaseException:  # Ctrl-C while waiting: the process stops too
            self.cancel()
            raise
        if message:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise SearchIndexError(message)
        write.replace_folder(self.folder, self.site / BUNDLE)

    def _answer(self) -> str:
        """Nothing when the index is written; else what went wrong."""
        said = self._ended()
        if self.process.returncode == 0:
            return ""
        message = said.decode("utf-8", "replace").strip()
        if self.process.returncode == FAILED and message:
            return message
        return f"the process making the search index stopped (exit code {self.process.returncode})"

    def _ended(self) -> bytes:
        """What the process said once it has ended (it says nothing before)."""
        said = _pipe(self.process.stderr).read()
        self.process.wait()
        self.sending.join()
        return said

    def cancel(self) -> None:
        """Not wanted any more: the process is stopped, with its Pagefind."""
        self.process.kill()
        self._ended()
        shutil.rmtree(self.folder, ignore_errors=True)


WORKER = ("-m", "generator.search_index")  # the index's process: python WORKER FOLDER
FAILED = 2  # its exit status when it says on stderr why the index could not be made


def main(argv: list[str]) -> int:
    """The index's process (``Apart``): the records, pickled, on its input;
    the index's files written into the folder named; on failure, why on its
    error output."""
    _yield_to_pages()
    try:
        entries = pickle.load(sys.stdin.buffer)
        write.write_new(search_bundle(entries), Path(argv[0]))
    except (OSError, SearchIndexError, EOFError, pickle.UnpicklingError) as err:
        sys.stderr.write(f"{err or type(err).__name__}\n")
        return FAILED
    return 0


def _yield_to_pages() -> None:
    """The pages are the build's way to its end, and the index is ready long
    before them: this process, and Pagefind's (which inherits it), give way
    to the build's when both want a core. The seed survey's build took 3.0 s
    against 3.4 s so (medians of 10 interleaved builds, the same CPU time)."""
    if hasattr(os, "nice"):  # not on Windows
        os.nice(NICE)


def write_bundle(bundle: dict[str, bytes], site: Path) -> None:
    write.write_new(bundle, Path(site) / BUNDLE)


def records(corpus: Corpus) -> list[dict]:
    """One Pagefind custom record per paper, by title: a search with no words
    and no sort lists its papers in this order (see facets.title_order)."""
    papers = sorted(corpus.papers, key=facets.title_order)
    return [record(p, corpus.summaries.get(p.id)) for p in papers]


def record(paper: Paper, summary: Summary | None) -> dict:
    """A paper as Pagefind indexes it. Pagefind indexes every metadata value
    as searchable text, so the metadata holds the title and, as one token no
    query matches, the facts a result shows (see ``facts``)."""
    return {
        "url": page_url(paper_path(paper)),  # relative to the site's root
        "content": content(paper, summary),
        "language": LANGUAGE,
        "meta": {"title": paper.title, "facts": facts(paper)},
        "filters": facets.filters(paper, summary),
        "sort": facets.sort_keys(paper),
    }


def content(paper: Paper, summary: Summary | None) -> str:
    """What the paper is about, as plain text: its abstract, then its summary."""
    parts = [paper.abstract]
    if summary:
        parts += [*summary.key_points, plain_text(summary.body_html)]
    return "\n".join(p for p in parts if p.strip())


def facts(paper: Paper) -> str:
    """``date=2024-05-01;upvotes=12``: no spaces, so Pagefind reads it as
    one word ("date20240501upvotes12") that no reader types."""
    values = {"date": paper.date.isoformat() if paper.date else "",
              "upvotes": "" if paper.upvotes is None else str(paper.upvotes)}
    return ";".join(f"{k}={v}" for k, v in values.items())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html_text: str) -> str:
    """The text of a summary's sanitised HTML."""
    parser = _Text()
    parser.feed(html_text)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def shards(entries: list[dict], size: int | None = None) -> list[list[dict]]:
    """The records in consecutive shards of at most ``size`` (``SHARD``),
    as even as they can be."""
    size = size or SHARD
    count = max(1, math.ceil(len(entries) / size))
    bounds = [len(entries) * i // count for i in range(count + 1)]
    return [entries[bounds[i]:bounds[i + 1]] for i in range(count)]


def words(entries: list[dict]) -> dict:
    """A record of every word the records are searched by (titles and texts),
    once each, sorted: no paper's (the search page leaves it out by its name)."""
    seen = {w for e in entries for w in f"{e['meta']['title']} {e['content']}".split()}
    return {"url": WORDS, "content": " ".join(sorted(seen)), "language": LANGUAGE,
            "meta": {"title": ""}, "filters": {}, "sort": {}}


def search_bundle(entries: list[dict], size: int | None = None,
                  cancelled: Callable[[], bool] = lambda: False) -> dict[str, bytes]:
    """Pagefind's files for these records, by their path in the bundle."""
    parts = shards(entries, size)
    extra = [words(entries)] if len(parts) > 1 else []
    bundle = shard_bundle(parts[0] + extra, cancelled=cancelled)
    named = [_page_of(bundle, WORDS)] if extra else []
    folders = [f"shard/{i}/" for i in range(1, len(parts))]
    for folder, part in zip(folders, parts[1:], strict=True):
        files = shard_bundle(part + extra, first=_pages(bundle), cancelled=cancelled)
        named.append(_page_of(files, WORDS))
        bundle.update({folder + p: b for p, b in files.items() if _SHARD_FILES.match(p)})
    bundle[SHARDS] = json.dumps({"shards": folders, "filters": totals(entries), "words": named},
                                ensure_ascii=False, sort_keys=True).encode()
    return bundle


def _pages(bundle: dict[str, bytes]) -> int:
    """How many pages the bundle's shards hold so far."""
    return sum(1 for p in bundle if p.startswith("fragment/") or "/fragment/" in p)


def _page_of(bundle: dict[str, bytes], url: str) -> str:
    """The name (search id) of the bundle's page with this address."""
    for path, data in bundle.items():
        if path.startswith("fragment/") and json.loads(pagefind_bundle.unpack(data))["url"] == url:
            return path[len("fragment/"): -len(".pf_fragment")]
    raise SearchIndexError(f"the search index has no page {url}")


def totals(entries: list[dict]) -> dict[str, dict[str, int]]:
    """How many records have each value of each filter, as Pagefind counts
    them: the search page lists its facets from these without loading every
    filter of every shard."""
    counts: dict[str, dict[str, int]] = {}
    for entry in entries:
        for name, values in entry["filters"].items():
            named = counts.setdefault(name, {})
            for value in values:
                named[value] = named.get(value, 0) + 1
    return counts


def shard_bundle(entries: list[dict], first: int = 0,
                 cancelled: Callable[[], bool] = lambda: False) -> dict[str, bytes]:
    """One Pagefind index of these records (one shard); its pages are
    numbered from ``first``, after those of the shards before it."""
    from pagefind.service import get_executable  # with asyncio: only the index's process needs it

    executable = get_executable()
    if executable is None:
        raise SearchIndexError("the pagefind binary is not installed")
    with _Service(executable) as service:
        index = service.send({"type": "NewIndex", "config": None})["index_id"]
        service.send_all([{"type": "AddRecord", "index_id": index, **entry} for entry in entries],
                         cancelled)
        files = service.send({"type": "GetFiles", "index_id": index})["files"]
    try:
        bundle = pagefind_bundle.canonical(
            {f["path"]: base64.b64decode(f["content"]) for f in files}, first)
    except pagefind_bundle.BundleError as err:  # a Pagefind whose files this build cannot read
        raise SearchIndexError(f"pagefind's index files could not be read: {err}") from None
    outside = [p for p in bundle if Path(p).is_absolute() or ".." in Path(p).parts]
    if outside:
        raise SearchIndexError(f"pagefind named a file outside its folder: {outside[0]}")
    return bundle


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    assert stream is not None, "the process is started with its streams piped"
    return stream


@runtime_checkable
class _Chunks(Protocol):
    """A stream read a chunk at a time: what is there, up to a size."""

    def read1(self, size: int, /) -> bytes: ...


WRITER = "survey-pagefind-writer"  # the thread that sends a shard's records


class _Service:
    """``pagefind --service``: base64-encoded JSON messages, each ended by a comma."""

    def __init__(self, executable: Path):
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.errors)
        self.sent = 0
        self.buffer = b""

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:  # given up: its index is not wanted
            self.process.kill()
        _pipe(self.process.stdin).close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        _pipe(self.process.stdout).close()
        self.errors.close()

    def send(self, payload: dict) -> dict:
        try:
            self._write(self._message(payload))
        except BrokenPipeError:
            raise SearchIndexError(f"pagefind stopped: {self._stderr()}") from None
        return self._answer({self.sent})

    def send_all(self, payloads: list[dict], cancelled: Callable[[], bool]) -> None:
        """Send the messages without waiting for each one's answer: a thread
        writes them all while this one reads the answers as they come. (One
        round trip per record made the index wait for this process's
        interpreter lock each time, at 10,000 papers for seconds, while the
        pages are being made.) ``cancelled`` is asked between two answers."""
        data = b"".join(self._message(p) for p in payloads)
        waiting = set(range(self.sent - len(payloads) + 1, self.sent + 1))
        writer = threading.Thread(target=self._write_quietly, args=(data,), daemon=True,
                                  name=WRITER)
        writer.start()
        try:
            while waiting:
                if cancelled():
                    raise Cancelled("the search index was no longer wanted")
                self._answer(waiting)
        finally:
            if waiting:
                self.process.kill()  # the writer stops with a broken pipe
            writer.join()

    def _message(self, payload: dict) -> bytes:
        self.sent += 1
        message = json.dumps({"message_id": self.sent, "payload": payload}).encode("utf-8")
        return base64.b64encode(message) + b","

    def _write(self, data: bytes) -> None:
        _pipe(self.process.stdin).write(data)
        _pipe(self.process.stdin).flush()

    def _write_quietly(self, data: bytes) -> None:
        """Pagefind stopped if the pipe broke: the reader says so, with its message."""
        with contextlib.suppress(BrokenPipeError, ValueError):  # ValueError: closed on the way out
            self._write(data)

    def _answer(self, waiting: set[int]) -> dict:
        """The next answer, to one of the ``waiting`` messages (taken from it)."""
        answer = self._receive()
        if answer.get("message_id") not in waiting or answer["payload"].get("type") == "Error":
            raise SearchIndexError(f"pagefind: {answer['payload'].get('message', answer)}")
        waiting.remove(answer["message_id"])
        return answer["payload"]

    def _receive(self) -> dict:
        """The next message. Each byte read is looked at once: a chunk is
        searched for the comma that ends the message, never the whole of
        what came before (the index's files come back as one message of
        megabytes)."""
        parts = []
        while True:
            chunk, self.buffer = self.buffer or self._read(), b""
            head, comma, rest = chunk.partition(b",")
            parts.append(head)
            if comma:
                self.buffer = rest
                return json.loads(base64.b64decode(b"".join(parts)))

    def _stdout(self) -> _Chunks:
        stdout = self.process.stdout
        # A buffered pipe (Popen's default buffering for stdout=PIPE) reads in chunks.
        assert isinstance(stdout, _Chunks), "the service is started with stdout=PIPE"
        return stdout

    def _read(self) -> bytes:
        chunk = self._stdout().read1(1 << 16)
        if not chunk:
            raise SearchIndexError(f"pagefind stopped: {self._stderr()}")
        return chunk

    def _stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace").strip() or "no message"


if __name__ == "__main__":  # the process of Apart
    sys.exit(main(sys.argv[1:]))
