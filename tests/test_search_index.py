"""The search index's records: what a paper is about, its facets and sort keys;
and the client of Pagefind's service, which reads its answers in linear time."""
import base64
import gzip
import json
from pathlib import Path

import pytest

from generator import facets, search_index
from generator.build import read_corpus as read_content

SEEDS = Path(__file__).resolve().parent / "seed" / "content"


@pytest.fixture(scope="module")
def corpus():
    return read_content(SEEDS)


@pytest.fixture(scope="module")
def records(corpus):
    return search_index.records(corpus)


def test_one_record_per_paper_at_its_page(corpus, records):
    assert len(records) == len(corpus.papers) == 414
    by_title = sorted(corpus.papers, key=lambda p: (p.title.casefold(), p.id))
    assert [r["url"] for r in records] == [f"papers/{p.id}/" for p in by_title]
    assert len({r["url"] for r in records}) == 414


def in_order(corpus, records):
    """Each paper with its record."""
    by_url = {r["url"]: r for r in records}
    return [(p, by_url[f"papers/{p.id}/"]) for p in corpus.papers]


def test_a_record_holds_what_the_paper_is_about_and_nothing_of_its_page(corpus, records):
    titles = {t.title for t in corpus.taxonomy.themes}
    for paper, record in in_order(corpus, records):
        summary = corpus.summaries.get(paper.id)
        assert record["meta"]["title"] == paper.title
        assert set(record["meta"]) == {"title", "facts"}  # Pagefind indexes every value
        assert " " not in record["meta"]["facts"]  # one word no reader types
        assert record["content"].startswith(paper.abstract)
        if summary is None:
            assert record["content"] == paper.abstract
        added = record["content"][len(paper.abstract):]  # what the summary adds, if any
        assert "undated" not in added
        assert not [t for t in titles
                    if t in added and t not in (summary.body_html if summary else "")]
    summarised = [(p, r) for p, r in in_order(corpus, records) if p.id in corpus.summaries]
    assert len(summarised) == 15
    for paper, record in summarised:
        summary = corpus.summaries[paper.id]
        assert summary.teaser.split()[0] in record["content"][len(paper.abstract):]
        assert "<" not in record["content"][len(paper.abstract):]  # text, not its HTML


def test_facets_and_sort_keys(corpus, records):
    by_id = {p.id: p for p in corpus.papers}
    grok = next(r for r in records if r["meta"]["title"].startswith("Grokfast"))
    paper = by_id[grok["url"].split("/")[1]]
    assert grok["filters"]["theme"] == list(paper.themes)
    assert grok["filters"]["primary"] == [paper.themes[0]]
    for record in records:
        assert {"theme", "primary", "year"} <= set(record["filters"]) <= {
            "theme", "primary", "year", "code", "summary", "cross"}
        assert all(v == ["yes"] for k, v in record["filters"].items()
                   if k in ("code", "summary", "cross"))  # no list of the papers without
        assert set(record["sort"]) == {"date", "upvotes"}  # every key on every paper
    assert sum("summary" in r["filters"] for r in records) == 15
    assert sum("cross" in r["filters"] for r in records) == 46
    undated = sum(p.date is None for p in corpus.papers)
    assert sum(r["filters"]["year"] == ["undated"] for r in records) == undated > 0
    with_code = sum(facets.code_url(p) is not None for p in corpus.papers)
    assert sum("code" in r["filters"] for r in records) == with_code > 80


def test_code_means_a_repository(corpus):
    paper = corpus.papers[0]
    from dataclasses import replace
    assert facets.code_url(replace(paper, links=("https://sites.google.com/view/x",))) is None
    assert facets.code_url(replace(paper, links=("https://wilds.stanford.edu",
                                                 "https://github.com/o/r"))) == "https://github.com/o/r"
    assert facets.code_url(replace(paper, links=(), code="https://example.org/code")) == \
        "https://example.org/code"


def test_upvotes_sort_most_first_then_newest():
    import datetime

    from generator.model import Paper
    def key(upvotes, date):
        paper = Paper(id="x", key="x", title="X", abstract="", sources=(), upvotes=upvotes,
                      date=date and datetime.date.fromisoformat(date))
        return facets.sort_keys(paper)["upvotes"]
    order = [key(120, "2023-01-01"), key(9, "2025-01-01"), key(0, None),
             key(None, "2025-06-01"), key(None, "2024-06-01"), key(None, None)]
    assert order == sorted(order, reverse=True)


# -- the service client ----------------------------------------------------------------------

class _Stream:
    """Pagefind's output, handed out 64 KB at a time."""

    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def read1(self, n: int) -> bytes:
        chunk = self.data[self.at:self.at + n]
        self.at += len(chunk)
        return chunk


def _client(data: bytes):
    client = search_index._Service.__new__(search_index._Service)
    client.buffer = b""
    client.process = type("Process", (), {"stdout": _Stream(data)})()
    return client


def _message(size: int, message_id: int = 1) -> bytes:
    payload = {"message_id": message_id, "payload": {"files": "x" * size}}
    return base64.b64encode(json.dumps(payload).encode())


def test_receive_reads_messages_split_and_joined_anywhere():
    data = _message(10, 1) + b"," + _message(200_000, 2) + b"," + _message(5, 3) + b","
    client = _client(data)
    assert [client._receive()["message_id"] for _ in range(3)] == [1, 2, 3]


def test_receive_looks_at_each_byte_once():
    # The index comes back as one message of megabytes: looking for its end in
    # all that was read, once per 64 KB read, took time growing with its square.
    # Each read must find nothing held back from earlier reads but the parts
    # already searched, and each part is searched only in its own chunk.
    client = _client(_message(3_000_000) + b",")
    searched, read = [], client._read

    def spy() -> bytes:
        searched.append(len(client.buffer))  # what a read finds still to be searched
        return read()

    client._read = spy
    assert client._receive()["message_id"] == 1
    assert len(searched) > 40 and set(searched) == {0}


# -- Pagefind's files in a fixed order -------------------------------------------------------

def test_index_files_are_the_same_on_every_run(records):
    # Pagefind orders filters, their values and sort orders by hash maps
    # seeded at random: two runs over the same records differed.
    first, second = search_index.search_bundle(records), search_index.search_bundle(records)
    assert first == second
    assert any(p.startswith("filter/") for p in first)


def test_structures_read_and_write_back_byte_for_byte(records):
    from generator import pagefind_bundle
    bundle = search_index.search_bundle(records)
    structures = [p for p in bundle if p.endswith((".pf_meta", ".pf_filter", ".pf_index"))]
    assert len(structures) > 5
    for path in structures:
        raw = pagefind_bundle.unpack(bundle[path])
        assert pagefind_bundle.encode(pagefind_bundle.decode(raw)) == raw, path


def test_shards_name_no_two_pages_alike(records):
    # A page's name is its id in a merged search (the search page tells a
    # query's papers with the words side by side from the others by it, and
    # leaves out each shard's record of every word by it).
    bundle = search_index.search_bundle(records, size=60)
    fragments = {p: b for p, b in bundle.items() if "fragment/" in p}
    assert len(fragments) == len(records) + 7  # and each of the 7 shards' record of every word
    names = [p.rsplit("/", 1)[1] for p in fragments]
    assert len(set(names)) == len(names)
    words = json.loads(bundle[search_index.SHARDS])["words"]
    assert len(words) == 7
    for name in words:
        [path] = [p for p in fragments if p.endswith(f"/{name}.pf_fragment")]
        assert search_index.WORDS.encode() in gzip.decompress(fragments[path])


def test_filter_files_whose_short_names_collide_get_longer_ones(records, monkeypatch):
    # Filter files are named by a short hash of their content: two that share
    # it must not overwrite each other (every filter's file still there).
    from generator import pagefind_bundle
    name = pagefind_bundle._name

    def colliding(language, content, length):
        return f"{language}_{'0' * 7}" if length == 7 else name(language, content, length)

    plain = search_index.shard_bundle(records[:5])
    monkeypatch.setattr(pagefind_bundle, "_name", colliding)
    collided = search_index.shard_bundle(records[:5])
    filters = [p for p in collided if p.startswith("filter/")]
    assert len(filters) == len([p for p in plain if p.startswith("filter/")]) > 2
    [meta] = [p for p in collided if p.endswith(".pf_meta")]
    named = pagefind_bundle.decode(pagefind_bundle.unpack(collided[meta]))[3]
    assert sorted(f"filter/{file}.pf_filter" for _, file in named) == sorted(filters)


def test_pages_are_numbered_in_order_behind_a_tag_of_their_content(records):
    from generator import pagefind_bundle
    first = search_index.shard_bundle(records[:5], first=40)
    names = sorted(p for p in first if p.startswith("fragment/"))
    tag = names[0][len("fragment/en_"):][:pagefind_bundle.TAG]
    assert names == sorted(f"fragment/en_{tag}{n}.pf_fragment" for n in range(40, 45))
    [meta] = [p for p in first if p.endswith(".pf_meta")]
    pages = pagefind_bundle.decode(pagefind_bundle.unpack(first[meta]))[1]
    assert [p[0] for p in pages] == [f"en_{tag}{n}" for n in range(40, 45)]  # in the metadata's order
    edited = [records[0], records[1], {**records[2], "content": "another abstract"}, *records[3:5]]
    again = sorted(p for p in search_index.shard_bundle(edited, first=40) if p.startswith("fragment/"))
    assert not set(again) & set(names)  # a browser's cached page is never taken for the new one


def test_an_index_no_longer_wanted_stops_pagefind_and_gives_nothing(records, monkeypatch):
    services, asked = [], []
    real = search_index._Service

    def service(executable):
        services.append(real(executable))
        return services[-1]

    monkeypatch.setattr(search_index, "_Service", service)
    with pytest.raises(search_index.Cancelled):
        search_index.search_bundle(records, size=60, cancelled=lambda: asked.append(1) or len(asked) > 70)
    assert len(services) == 2 and len(asked) == 71  # in the second shard, between two records
    assert all(s.process.poll() is not None for s in services)  # no Pagefind left running


def test_a_build_starts_the_index_from_the_papers_before_their_pages_are_made(
        tmp_path, monkeypatch):
    # Pagefind's process then works while the generator makes the pages, and
    # then while MkDocs builds them; the index is made in a process of its own.
    import os

    from runner import survey
    from test_publish import project

    from generator import build
    root = project(tmp_path)
    steps, processes = [], []

    class Apart(search_index.Apart):
        def __init__(self, entries, site):
            steps.append("index")
            super().__init__(entries, site)
            processes.append(self.process.pid)

    render = build.render
    monkeypatch.setattr(build, "render", lambda *a: steps.append("pages") or render(*a))
    monkeypatch.setattr(search_index, "Apart", Apart)
    run = survey("build", "--strict", cwd=root)
    assert run.returncode == 0, run.stderr
    assert steps == ["index", "pages"]  # once, before the pages are made
    assert processes and processes[0] != os.getpid()
    assert (root / "site" / "pagefind" / "pagefind-entry.json").is_file()
    assert [p.name for p in (root / "site").iterdir() if p.name.startswith(".")] == []


def test_the_index_is_made_by_a_process_that_imports_only_what_indexing_needs(
        tmp_path, index_worker):
    # Not the renderer, nor NumPy with it, nor MkDocs: the process holds the records and the index.
    index_worker("""
        search_index.search_bundle = lambda entries: {"modules": " ".join(sorted(
            m for m in sys.modules if m.split(".")[0] in ("numpy", "jinja2", "mkdocs")
            or m == "generator.render")).encode()}
    """)
    search_index.Apart([], tmp_path / "site").install()
    assert (tmp_path / "site" / "pagefind" / "modules").read_text() == ""


def test_the_index_made_apart_is_the_index_made_here(tmp_path):
    records = search_index.records(read_content(SEEDS))[:40]
    search_index.Apart(records, tmp_path / "site").install()
    here = search_index.search_bundle(records)
    written = {str(p.relative_to(tmp_path / "site" / "pagefind")): p.read_bytes()
               for p in (tmp_path / "site" / "pagefind").rglob("*") if p.is_file()}
    assert written == here
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["pagefind"]


def test_an_index_stopped_in_pagefinds_last_step_writes_nothing(tmp_path, monkeypatch):
    stopped = []

    def search_bundle(entries, size=None, cancelled=lambda: False):
        stopped.append(True)  # the stop comes after the last record was sent
        return {"pagefind-entry.json": b"{}"}

    monkeypatch.setattr(search_index, "search_bundle", search_bundle)
    with pytest.raises(search_index.Cancelled):
        search_index.index_corpus(read_content(SEEDS), tmp_path / "site",
                                  cancelled=lambda: bool(stopped))
    assert not (tmp_path / "site").exists()


def test_the_index_made_apart_gives_way_to_the_pages(tmp_path, index_worker):
    import os

    index_worker("""
        import os
        search_index.search_bundle = lambda entries: {
            "niceness": str(os.getpriority(os.PRIO_PROCESS, 0)).encode()}
    """)
    built = os.getpriority(os.PRIO_PROCESS, 0)
    search_index.Apart([], tmp_path / "site").install()
    index = int((tmp_path / "site" / "pagefind" / "niceness").read_text())
    assert index == min(built + search_index.NICE, 19)
    assert os.getpriority(os.PRIO_PROCESS, 0) == built  # the build's own is as it was


@pytest.mark.parametrize("failure", ["refused", "disk full", "died"])
def test_an_index_that_cannot_be_made_apart_says_why_and_leaves_nothing(
        tmp_path, index_worker, failure):
    index_worker(f"""
        import os
        from generator import write
        failure = {failure!r}

        def search_bundle(entries):
            if failure == "died":
                os._exit(3)
            if failure == "refused":
                raise search_index.SearchIndexError("pagefind: Error adding record")
            return {{"pagefind-entry.json": b"{{}}", "pagefind.js": b""}}

        def write_new(files, folder):
            (folder / "pagefind-entry.json").parent.mkdir(parents=True)
            (folder / "pagefind-entry.json").write_bytes(b"{{}}")  # one file, then no room
            raise OSError(28, "No space left on device")

        search_index.search_bundle, write.write_new = search_bundle, write_new
    """)
    (tmp_path / "site").mkdir()
    apart = search_index.Apart([], tmp_path / "site")
    with pytest.raises(search_index.SearchIndexError) as raised:
        apart.install()
    assert str(raised.value) == {
        "refused": "pagefind: Error adding record",
        "disk full": "[Errno 28] No space left on device",
        "died": "the process making the search index stopped (exit code 3)"}[failure]
    assert list((tmp_path / "site").iterdir()) == []


FAKE_SERVICE = '''#!{python}
import base64, json, sys
# Answers nothing until {count} messages came, then all of them, last first.
stdin, ids = sys.stdin.buffer, []
while len(ids) < {count}:
    message = b""
    while not message.endswith(b","):
        message += stdin.read(1)
    ids.append(json.loads(base64.b64decode(message[:-1]))["message_id"])
for n in reversed(ids):
    answer = {{"message_id": n, "payload": {{"type": "IndexedFile", "page_url": "x" * 900}}}}
    sys.stdout.buffer.write(base64.b64encode(json.dumps(answer).encode()) + b",")
sys.stdout.buffer.flush()
'''


def test_records_are_sent_without_waiting_for_each_answer(tmp_path):
    # A round trip per record waited for this process's interpreter lock at
    # each record while the pages were being made; the answers may come in
    # any order, and more of them than a pipe holds.
    import sys
    import threading
    executable = tmp_path / "service"
    executable.write_text(FAKE_SERVICE.format(python=sys.executable, count=300))
    executable.chmod(0o755)
    done = []
    with search_index._Service(executable) as service:
        sender = threading.Thread(target=lambda: done.append(service.send_all(
            [{"type": "AddRecord", "n": n} for n in range(300)], lambda: False)), daemon=True)
        sender.start()
        sender.join(timeout=30)
        if not done:
            service.process.kill()
    assert done == [None]


@pytest.mark.parametrize("ends", ["on_build_error", "on_shutdown"])
def test_a_build_that_fails_or_is_stopped_stops_its_index(tmp_path, index_worker, ends):
    # The index starts before the pages are made; a build that fails after
    # that, or a Ctrl-C, must not leave the command waiting for Pagefind,
    # nor the index's half-written folder in the site.
    import signal
    import time
    from types import SimpleNamespace

    from generator.mkdocs_plugin import SurveyPlugin
    started = tmp_path / "started"
    index_worker(f"""
        import pathlib, time

        def search_bundle(entries):
            pathlib.Path({str(started)!r}).touch()
            time.sleep(60)  # should the test fail
            return {{}}

        search_index.search_bundle = search_bundle
    """)
    plugin = SurveyPlugin()
    assert plugin.load_config({}) == ([], [])
    plugin.on_startup(command="build", dirty=False)
    plugin.content, plugin.repository = SEEDS, None
    config = SimpleNamespace(docs_dir=str(tmp_path / "generated"), site_dir=str(tmp_path / "site"),
                             site_url=None)
    plugin.on_pre_build(config)
    apart = plugin.index_apart
    assert apart is not None
    apart.folder.mkdir(parents=True)  # as the index's process makes it, to write into
    for _ in range(300):
        if started.exists():
            break
        time.sleep(0.1)
    assert started.exists()
    if ends == "on_build_error":
        plugin.on_build_error(RuntimeError("a page could not be built"))
    else:
        plugin.on_shutdown()
    assert apart.process.returncode == -signal.SIGKILL
    assert not apart.folder.exists()
    assert plugin.index_apart is None


REFUSING_SERVICE = '''#!{python}
import base64, json, sys
# Answers each message; refuses the fifth, and stops there.
stdin, n = sys.stdin.buffer, 0
while True:
    message = b""
    while not message.endswith(b","):
        byte = stdin.read(1)
        if not byte:
            sys.exit(0)
        message += byte
    n += 1
    sent = json.loads(base64.b64decode(message[:-1]))["message_id"]
    payload = {{"type": "Error", "message": "bad record"}} if n == 5 else {{"type": "IndexedFile"}}
    sys.stdout.buffer.write(base64.b64encode(json.dumps({{"message_id": sent, "payload": payload}}).encode()) + b",")
    sys.stdout.buffer.flush()
    if n == 5:
        sys.exit(1)
'''


def test_a_record_pagefind_refuses_gives_its_message_and_leaves_nothing_running(tmp_path):
    # The records are still being written (more than a pipe holds) when the
    # refusal comes: the writer must stop, and the refusal be what is said.
    import sys
    import threading
    executable = tmp_path / "service"
    executable.write_text(REFUSING_SERVICE.format(python=sys.executable))
    executable.chmod(0o755)
    service = search_index._Service(executable)
    with pytest.raises(search_index.SearchIndexError, match="pagefind: bad record"), service:
        service.send_all([{"type": "AddRecord", "content": "x" * 20_000}] * 50, lambda: False)
    assert service.process.poll() is not None
    assert not [t for t in threading.enumerate() if t.name == search_index.WRITER]


def test_without_a_process_to_be_had_the_index_is_made_after_the_pages(tmp_path, monkeypatch):
    from runner import survey
    from test_publish import project
    root = project(tmp_path)

    def no_process(entries, site):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(search_index, "Apart", no_process)
    run = survey("build", "--strict", cwd=root)
    assert run.returncode == 0, run.stderr
    assert (root / "site" / "pagefind" / "pagefind-entry.json").is_file()


def test_index_files_that_cannot_be_read_are_a_search_index_error(tmp_path, index_worker):
    # Made apart, the build says what went wrong, not that a process stopped.
    index_worker("""
        from generator import pagefind_bundle

        def unreadable(bundle, first=0):
            raise pagefind_bundle.BundleError("a search index file lacks Pagefind's signature")

        pagefind_bundle.canonical = unreadable
    """)
    records = search_index.records(read_content(SEEDS))[:3]
    (tmp_path / "site").mkdir()
    with pytest.raises(search_index.SearchIndexError) as raised:
        search_index.Apart(records, tmp_path / "site").install()
    assert str(raised.value) == ("pagefind's index files could not be read: "
                                 "a search index file lacks Pagefind's signature")
    assert list((tmp_path / "site").iterdir()) == []
