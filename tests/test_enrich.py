"""`survey enrich` against a loopback server that replays OpenAlex's and arXiv's
documented answers: a match, a near miss, no result, a 429 with Retry-After, a 503,
a timeout, a malformed body; resuming after an interruption; offline; --dry-run."""
import datetime
import json
import shutil
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from generator import enrich
from generator.build import read_corpus
from generator.enrich import Client, Report, Settings, format_record, insert_record, retry_after
from generator.merge import title_key
from generator.yamlfile import load_yaml

SMALL = Path(__file__).parent / "fixtures" / "small"
GROK = "Grokking Beyond Overfitting"
STYLE = "Domain Generalization with Style Mixing"
FOLDING = "A Survey of Protein Folding"
SOUPS = "Sparse Model Soups"
TODAY = datetime.date(2026, 11, 23)


# What the services answer, in their documented formats -------------------------

def openalex_list(*works) -> bytes:
    """A works list response: https://docs.openalex.org/how-to-use-the-api/get-lists-of-entities"""
    return json.dumps({"meta": {"count": len(works), "db_response_time_ms": 12, "page": 1,
                                "per_page": 5, "groups_count": None},
                       "results": list(works), "group_by": []}).encode()


def openalex_work(title, wid="W4392000001", doi=None, authors=(), date=None, source=None,
                  landing=None) -> dict:
    """A Work object (https://docs.openalex.org/api-entities/works/work-object), trimmed."""
    location = {"is_oa": True, "landing_page_url": landing, "pdf_url": None,
                "source": source, "version": "submittedVersion"}
    return {"id": f"https://openalex.org/{wid}", "doi": doi and f"https://doi.org/{doi}",
            "title": title, "display_name": title,
            "publication_year": date and int(date[:4]), "publication_date": date,
            "ids": {"openalex": f"https://openalex.org/{wid}"},
            "primary_location": location, "locations": [location], "type": "preprint",
            "authorships": [{"author_position": "first" if i == 0 else "middle",
                             "author": {"id": f"https://openalex.org/A{i}", "display_name": name,
                                        "orcid": None},
                             "institutions": [], "raw_author_name": name}
                            for i, name in enumerate(authors)]}


# Answers as the arXiv API user manual shows them, kept as files (tests/fixtures/replay).
REPLAY = Path(__file__).parent / "fixtures" / "replay"
ATOM_HEAD = (REPLAY / "arxiv-feed-head.xml").read_text()


def atom_feed(*entries) -> bytes:
    """An arXiv API answer: https://info.arxiv.org/help/api/user-manual.html#_the_api_response"""
    return (ATOM_HEAD.format(n=len(entries)) + "".join(entries) + "</feed>\n").encode()


def atom_entry(title, ident, published, authors, doi=None) -> str:
    names = "".join(f"    <author>\n      <name>{n}</name>\n    </author>\n" for n in authors)
    extra = (f'    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{doi}</arxiv:doi>\n'
             if doi else "")
    # arXiv wraps long titles over lines: the reader folds the white space.
    wrapped = title.replace(" ", "\n  ", 1)
    return (REPLAY / "arxiv-entry.xml").read_text().format(
        ident=ident, published=published, wrapped=wrapped, names=names, extra=extra)


ARXIV_ERROR = atom_feed((REPLAY / "arxiv-error-entry.xml").read_text())

EMPTY_OPENALEX, EMPTY_ARXIV = openalex_list(), atom_feed()
GROK_WORK = openalex_work(GROK, doi="10.48550/arXiv.2403.00001",
                          authors=["A. Lovelace", "C. Babbage"], date="2024-03-04")
GROK_ENTRY = atom_entry(GROK, "2403.00001", "2024-03-02", ["Ada Lovelace", "Charles Babbage"])


# The replaying server --------------------------------------------------------------

class Replay:
    """Answers by service and asked title; each title's answers are used in turn,
    the last one again and again. Keeps every request it was sent."""

    def __init__(self):
        self.answers: dict[tuple[str, str], list[tuple]] = {}
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def on(self, service, title, *answers):
        self.answers[(service, title_key(title))] = list(answers)

    def answer(self, service, asked):
        with self.lock:
            queue = self.answers.get((service, asked))
            if not queue:
                return (200, {}, EMPTY_OPENALEX if service == "openalex" else EMPTY_ARXIV, 0)
            return queue.pop(0) if len(queue) > 1 else queue[0]


def ok(body):
    return (200, {}, body, 0)


def make_handler(replay: Replay):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            service = "openalex" if parts.path.startswith("/openalex/") else "arxiv"
            asked = query.get("search") or query.get("search_query", "")[4:-1]
            replay.requests.append({"service": service, "path": parts.path, "query": query,
                                    "asked": asked, "headers": dict(self.headers)})
            status, headers, body, delay = replay.answer(service, asked)
            if delay:
                threading.Event().wait(delay)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped waiting: the timeout case

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def server():
    replay = Replay()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(replay))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    replay.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield replay
    httpd.shutdown()
    httpd.server_close()


class FakeTime:
    """A clock that moves only when slept on: pauses are recorded, not waited."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.now += seconds

    def clock(self):
        return self.now


@pytest.fixture
def content(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SMALL, tmp_path / "content")
    return Path("content")


def setup(replay, **kw) -> tuple[Settings, FakeTime, Client]:
    options = dict(contact="survey@example.org", openalex=f"{replay.base}/openalex",
                   arxiv=f"{replay.base}/arxiv/query", timeout=2.0, retries=2)
    settings = Settings(**{**options, **kw})
    clock = FakeTime()
    return settings, clock, Client(settings, sleep=clock.sleep, clock=clock.clock)


def go(content, replay, dry_run=False, limit=None, **kw):
    settings, clock, client = setup(replay, **kw)
    lines, report = [], Report()
    enrich.run(content, settings, client, report, dry_run=dry_run, limit=limit, today=TODAY,
               out=lines.append)
    return report, lines, clock


# The cases -----------------------------------------------------------------------

def test_a_match_becomes_a_record_from_both_services(content, server):
    server.on("openalex", GROK, ok(openalex_list(GROK_WORK)))
    server.on("arxiv", GROK, ok(atom_feed(GROK_ENTRY)))
    report, lines, _ = go(content, server, limit=1)
    assert lines == ["added: 'Grokking Beyond Overfitting' (openalex, more)"]
    assert (content / "metadata.yml").read_text() == enrich.HEADER + (
        '- title: "Grokking Beyond Overfitting"\n'
        '  arxiv: "2403.00001"\n'
        '  authors: ["Ada Lovelace", "Charles Babbage"]\n'  # arXiv's names, as submitted
        "  date: 2024-03-02\n"  # arXiv's first version
        '  source: "openalex"\n'
        '  url: "https://openalex.org/W4392000001"\n'
        '  also: ["https://arxiv.org/abs/2403.00001"]\n'
        "  retrieved: 2026-11-23\n")
    corpus = read_corpus(content)
    paper = next(p for p in corpus.papers if p.title == GROK)
    assert paper.arxiv == "2403.00001" and paper.metadata.service == "openalex"


def test_the_services_are_asked_politely(content, server):
    server.on("openalex", GROK, ok(openalex_list(GROK_WORK)))
    _, _, clock = go(content, server, limit=2)
    openalex, arxiv = ([r for r in server.requests if r["service"] == s]
                       for s in ("openalex", "arxiv"))
    assert [r["asked"] for r in openalex] == ["grokking beyond overfitting",
                                               "domain generalization with style mixing"]
    assert openalex[0]["path"] == "/openalex/works"
    assert openalex[0]["query"] == {"search": "grokking beyond overfitting", "per_page": "5",
                                    "mailto": "survey@example.org"}
    assert arxiv[0]["query"] == {"search_query": 'ti:"grokking beyond overfitting"', "start": "0",
                                 "max_results": "5"}
    for request in server.requests:
        agent = request["headers"]["User-Agent"]
        assert agent == "survey-site-enrich/1 (mailto:survey@example.org)"
    # Before each service is asked again: OpenAlex half a second after its last
    # request, arXiv three seconds after its own (0.5 of them gone already).
    assert clock.slept == [0.5, 2.5]


def test_an_api_key_from_the_settings_goes_to_openalex_only(content, server):
    go(content, server, limit=1, api_key="k3y")
    assert [r["query"].get("api_key") for r in server.requests] == ["k3y", None]


def test_a_near_miss_is_listed_for_review_not_written(content, server):
    close = openalex_work("Domain Generalisation with Style Mixing", wid="W2", date="2021-01-01")
    unrelated = openalex_work("Unrelated Work", wid="W3")
    server.on("openalex", STYLE, ok(openalex_list(close, unrelated)))
    report, lines, _ = go(content, server, limit=2)
    assert lines == [
        "not found: 'Grokking Beyond Overfitting'",
        "near miss: 'Domain Generalization with Style Mixing'",
        "  openalex: 'Domain Generalisation with Style Mixing' https://openalex.org/W2"]
    assert not (content / "metadata.yml").exists()
    assert (report.added, report.near, report.missing) == (0, 1, 1)


def test_two_works_of_the_same_title_with_different_ids_are_left_to_a_person(content, server):
    server.on("arxiv", GROK, ok(atom_feed(GROK_ENTRY, atom_entry(GROK, "2501.00002", "2025-01-02",
                                                                   ["Someone Else"]))))
    _, lines, _ = go(content, server, limit=1)
    assert lines == ["near miss: 'Grokking Beyond Overfitting'",
                     "  arxiv: 'Grokking Beyond Overfitting' https://arxiv.org/abs/2403.00001 "
                     "(arXiv 2403.00001)",
                     "  arxiv: 'Grokking Beyond Overfitting' https://arxiv.org/abs/2501.00002 "
                     "(arXiv 2501.00002)"]
    assert not (content / "metadata.yml").exists()


def test_no_result(content, server):
    report, lines, _ = go(content, server)
    assert lines == [f"not found: {t!r}" for t in (GROK, STYLE, FOLDING, SOUPS)]
    assert enrich.summary(report, False) == (
        "enrich: 0 records added, 0 near misses to review, 4 not found")


def test_a_429_is_retried_after_the_time_it_asks(content, server):
    server.on("openalex", GROK, (429, {"Retry-After": "7"}, b'{"error": "Rate limit exceeded"}', 0),
              ok(openalex_list(GROK_WORK)))
    report, lines, clock = go(content, server, limit=1)
    assert clock.slept[0] == 7.0 and report.added == 1
    assert [r["service"] for r in server.requests] == ["openalex", "openalex", "arxiv"]


def test_a_retry_after_too_long_leaves_the_service_for_the_next_run(content, server):
    server.on("openalex", GROK, (429, {"Retry-After": "86400"}, b"", 0))
    report, lines, _ = go(content, server, limit=2)
    assert lines[0] == ("given up: openalex: asks to wait 86400 seconds (Retry-After); "
                        "left for the next run")
    assert [r["service"] for r in server.requests] == ["openalex", "arxiv", "arxiv"]


@pytest.mark.parametrize("status", [503, 403])  # 403: OpenAlex's "slow down"
def test_a_503_is_retried_with_a_growing_delay_then_the_service_is_given_up(content, server,
                                                                              status):
    server.on("openalex", GROK, (status, {}, b"Service Unavailable", 0))
    report, lines, clock = go(content, server, limit=2)
    assert clock.slept[:2] == [2.0, 4.0]
    given_up = f"openalex: gave up after 3 attempts (HTTP {status}, HTTP {status}, HTTP {status})"
    assert lines[0] == f"given up: {given_up}"
    assert [r["service"] for r in server.requests] == ["openalex"] * 3 + ["arxiv", "arxiv"]
    assert enrich.summary(report, False).endswith(f"; {given_up}")


def test_a_503_then_an_answer(content, server):
    server.on("arxiv", GROK, (503, {"Retry-After": "3"}, b"", 0), ok(atom_feed(GROK_ENTRY)))
    report, _, _ = go(content, server, limit=1)
    assert report.added == 1
    assert load_yaml((content / "metadata.yml").read_text(), "m")[0]["source"] == "arxiv"


def test_a_timeout(content, server):
    server.on("openalex", GROK, (200, {}, EMPTY_OPENALEX, 1.0))
    report, lines, _ = go(content, server, limit=1, timeout=0.2, retries=1)
    assert lines == ["given up: openalex: gave up after 2 attempts (timed out, timed out)",
                     "not found: 'Grokking Beyond Overfitting'"]


@pytest.mark.parametrize("service, answer, expected", [
    ("openalex", ok(b"<html>Service maintenance</html>"),
     "unreadable: openalex for 'Grokking Beyond Overfitting': not an OpenAlex list response "
     "(JSONDecodeError: Expecting value: line 1 column 1 (char 0))"),
    ("openalex", ok(b'{"meta": {}}'),
     "unreadable: openalex for 'Grokking Beyond Overfitting': not an OpenAlex list response "
     "(KeyError: 'results')"),
    ("openalex", (302, {"Location": "ftp://example.org/works"}, b"", 0),
     "unreadable: openalex for 'Grokking Beyond Overfitting': HTTP 302"),
    ("openalex", (400, {}, b'{"error": "Invalid query"}', 0),
     "unreadable: openalex for 'Grokking Beyond Overfitting': HTTP 400"),
    ("arxiv", ok(b"Rate exceeded."),
     "unreadable: arxiv for 'Grokking Beyond Overfitting': not an Atom feed (syntax error: line 1, "
     "column 0)"),
    ("arxiv", ok(b"<rss><channel/></rss>"),
     "unreadable: arxiv for 'Grokking Beyond Overfitting': not an Atom feed (the document is "
     "a <rss>)"),
    ("arxiv", ok(atom_feed(atom_entry(GROK, "2403.00001", "2024-13-45", ["Ada Lovelace"]))),
     "unreadable: arxiv for 'Grokking Beyond Overfitting': an entry not in the documented form "
     "(month must be in 1..12)"),
    ("openalex", ok(openalex_list(openalex_work(GROK, date="2024-02-30"))),
     "unreadable: openalex for 'Grokking Beyond Overfitting': not an OpenAlex list response "
     "(ValueError: day is out of range for month)"),
    ("openalex", ok(b'{"results": [{"id": "https://openalex.org/W1", "title": "x", '
                    b'"authorships": [7]}]}'),
     "unreadable: openalex for 'Grokking Beyond Overfitting': not an OpenAlex list response "
     "(AttributeError: 'int' object has no attribute 'get')"),
    ("arxiv", ok(ARXIV_ERROR),
     "unreadable: arxiv for 'Grokking Beyond Overfitting': arXiv answered with an error: "
     "'incorrect id format for 1234.12345'"),
])
def test_a_malformed_body_costs_only_that_answer(content, server, service, answer, expected):
    server.on(service, GROK, answer)
    server.on("openalex" if service == "arxiv" else "arxiv", GROK,
              ok(openalex_list(GROK_WORK)) if service == "arxiv" else ok(atom_feed(GROK_ENTRY)))
    report, lines, _ = go(content, server, limit=1)
    assert lines[0] == expected
    assert report.added == 1  # the other service's answer is used


def test_an_interrupted_run_resumes_where_it_stopped(content, server):
    soups = openalex_work(SOUPS, wid="W9", date="2023-06-01")
    server.on("openalex", SOUPS, ok(openalex_list(soups)))
    settings, clock, client = setup(server)
    lines = []

    def interrupt(line):
        lines.append(line)
        if line.startswith("added:"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        enrich.run(content, settings, client, Report(), today=TODAY, out=interrupt)
    assert lines[-1] == "added: 'Sparse Model Soups' (openalex)"
    first = (content / "metadata.yml").read_text()
    assert first.count("- title:") == 1
    server.requests.clear()
    server.on("openalex", GROK, ok(openalex_list(GROK_WORK)))  # found on the second run
    report, lines, _ = go(content, server)
    assert [r["asked"] for r in server.requests if r["service"] == "openalex"] == [
        title_key(t) for t in (GROK, STYLE, FOLDING)]  # the recorded paper is not asked again
    text = (content / "metadata.yml").read_text()
    assert text.startswith(enrich.HEADER) and text.endswith(first[len(enrich.HEADER):])
    titles = [r["title"] for r in load_yaml(text, "m")]
    assert titles == [GROK, SOUPS]  # in title order
    assert read_corpus(content).problems == ()


def test_dry_run_shows_the_records_and_writes_nothing(content, server):
    server.on("openalex", GROK, ok(openalex_list(GROK_WORK)))
    server.on("arxiv", GROK, ok(atom_feed(GROK_ENTRY)))
    (content / "metadata.yml").write_text("# kept as it is\n", encoding="utf-8")
    report, lines, _ = go(content, server, dry_run=True, limit=1)
    assert lines == ["would add: 'Grokking Beyond Overfitting' (openalex, more)\n"
                     '- title: "Grokking Beyond Overfitting"\n'
                     '  arxiv: "2403.00001"\n'
                     '  authors: ["Ada Lovelace", "Charles Babbage"]\n'
                     "  date: 2024-03-02\n"
                     '  source: "openalex"\n'
                     '  url: "https://openalex.org/W4392000001"\n'
                     '  also: ["https://arxiv.org/abs/2403.00001"]\n'
                     "  retrieved: 2026-11-23"]
    assert (content / "metadata.yml").read_text() == "# kept as it is\n"
    assert enrich.summary(report, True).startswith("enrich: 1 record would be added")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_says_so_and_changes_nothing(content, capsys):
    base = f"http://127.0.0.1:{closed_port()}"
    settings = Settings(contact="survey@example.org", openalex=base, arxiv=base, backoff=0.0)
    before = sorted(p.name for p in content.iterdir())
    from generator.cli import say
    code = enrich.run_command(content, settings, Client(settings), False, None, say)
    err = capsys.readouterr().err
    assert code == 2
    port = base.rsplit(":", 1)[1]
    assert err == (f"survey enrich: cannot reach 127.0.0.1:{port}: cannot connect "
                   "(Connection refused): is this machine offline? Stopped; nothing was changed\n")
    assert sorted(p.name for p in content.iterdir()) == before


def test_no_contact_no_requests(content, capsys):
    from generator.cli import main
    assert main(["enrich", "--content", str(content)]) == 2
    assert capsys.readouterr().err == (
        "survey enrich: no contact address: add 'contact: you@example.org' to content/survey.yml, "
        "or pass --contact (the services ask who is calling, to write before they block)\n")


def test_a_metadata_file_that_does_not_read_stops_the_run_before_asking(content, capsys):
    from generator.cli import main
    (content / "metadata.yml").write_text("- title: [unclosed\n")
    assert main(["enrich", "--content", str(content), "--contact", "a@example.org"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("survey enrich: content/metadata.yml:2: not valid YAML")
    assert err.endswith("survey enrich: fix content/metadata.yml first (survey check shows its "
                        "problems); nothing was asked\n")


# The pieces ----------------------------------------------------------------------

def test_retry_after_takes_seconds_or_a_date():
    now = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Mon, 23 Nov 2026 12:01:30 GMT", now) == 90.0
    assert retry_after("Mon, 23 Nov 2026 11:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None and retry_after(None, now) is None


def test_a_record_goes_in_title_order_and_every_other_byte_stays():
    text = ("# header\n\n- title: \"Alpha\"\n  source: manual\n  url: https://a.example\n"
            "# about Zeta\n- title: \"Zeta\"  # a comment\n  source: manual\n"
            "  url: https://z.example\n")
    block = '- title: "Mu"\n  source: "manual"\n  url: "https://m.example"\n'
    out = insert_record(text, "Mu", block)
    assert out == text.replace("# about Zeta\n", block + "# about Zeta\n")
    assert insert_record(text, "Zz", block) == text + block
    assert insert_record("", "Mu", block) == enrich.HEADER + block


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                max_size=30).filter(str.strip)


@hsettings(max_examples=200, deadline=None)
@given(title=names, authors=st.lists(names, min_size=1, max_size=3), venue=names)
def test_a_written_record_reads_back_exactly(title, authors, venue):
    record = {"title": title, "authors": authors, "venue": venue, "date": TODAY,
              "source": "manual", "url": "https://example.org/?q=a,b#c"}
    (read,) = load_yaml(format_record(record), "m.yml")
    assert read == record


def test_an_oversized_answer_is_not_read_whole(content, server, monkeypatch):
    monkeypatch.setattr(enrich, "MAX_BODY", 100)
    server.on("openalex", GROK, ok(b" " * 101 + openalex_list()))
    _, lines, _ = go(content, server, limit=1)
    assert lines[0] == ("unreadable: openalex for 'Grokking Beyond Overfitting': an answer larger "
                        "than 100 bytes")


def test_what_a_service_says_reaches_the_terminal_escaped(content, server, capsys):
    from generator.cli import say
    sneaky = "Grokking Beyond Overfitting\x1b]0;owned\x07"
    server.on("openalex", GROK, ok(openalex_list(openalex_work(sneaky, wid="W5"))))
    settings, _, client = setup(server)
    assert enrich.run_command(content, settings, client, True, 1, say) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "'Grokking Beyond Overfitting\\x1b]0;owned\\x07'" in out


def test_the_command_line(content, server, capsys):
    from generator.cli import main
    server.on("openalex", GROK, ok(openalex_list(GROK_WORK)))
    code = main(["enrich", "--content", str(content), "--contact", "me@example.org", "--limit", "1",
                 "--dry-run", "--openalex", f"{server.base}/openalex",
                 "--arxiv", f"{server.base}/arxiv/query"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("would add: 'Grokking Beyond Overfitting' (openalex)\n")
    assert out.endswith("enrich: 1 record would be added, 0 near misses to review, 0 not found\n")
    assert server.requests[0]["query"]["mailto"] == "me@example.org"
    assert not (content / "metadata.yml").exists()


def test_a_record_that_makes_two_titles_one_paper_is_pointed_out(content, server):
    (content / "metadata.yml").write_text(
        '- title: "Sparse Model Soups"\n  arxiv: "2403.00001"\n  source: manual\n'
        '  url: https://arxiv.org/abs/2403.00001\n')
    server.on("arxiv", GROK, ok(atom_feed(GROK_ENTRY)))
    _, lines, _ = go(content, server, limit=1)
    assert lines == ["note: 'Grokking Beyond Overfitting' has the arXiv id 2403.00001 of "
                     "'Sparse Model Soups': the site will show the two as one paper",
                     "added: 'Grokking Beyond Overfitting' (arxiv)"]
    assert [p.title for p in read_corpus(content).papers] == [
        GROK, STYLE, FOLDING]  # joined under the first listed title
