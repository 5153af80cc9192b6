"""The live preview: an edit under content/ reaches the served page, and a
broken file leaves the last good page served until it is fixed."""
import shutil
import signal
import time
from pathlib import Path

import pytest

from generator.preview import Preview, copy_project

ROOT = Path(__file__).resolve().parent.parent
PAPER = "grokking-tickets-lottery-tickets-accelerate-grokking"


def summary(text: str) -> str:
    return f"---\npaper: {PAPER}\ncontributors: [Preview Test]\n---\n{text}\n"


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    seed = ROOT / "tests" / "seed"
    project = copy_project(ROOT, tmp_path_factory.mktemp("preview"), seed / "content",
                           seed / "mkdocs.yml")
    for existing in (project / "content" / "summaries").glob("*.md"):
        existing.unlink()  # the test's edits are the only summaries
    with Preview(project) as server:
        yield server


def test_an_edited_summary_shows_in_the_served_page(preview):
    path = preview.project / "content" / "summaries" / f"{PAPER}.md"
    path.write_text(summary("First version, marked alpha-one."))
    preview.wait_for(lambda: "alpha-one" in (preview.get(f"papers/{PAPER}/") or ""), timeout=60)
    path.write_text(summary("Second version, marked beta-two."))
    preview.wait_for(lambda: "beta-two" in (preview.get(f"papers/{PAPER}/") or ""), timeout=60)
    assert "alpha-one" not in preview.get(f"papers/{PAPER}/")
    theme_page = preview.get("themes/memorization-grokking/") or ""
    assert "curated summary" in theme_page


def test_a_broken_file_keeps_the_last_good_site_until_fixed(preview):
    path = preview.project / "content" / "summaries" / f"{PAPER}.md"
    path.write_text(summary("Good version, marked gamma-three."))
    preview.wait_for(lambda: "gamma-three" in (preview.get(f"papers/{PAPER}/") or ""), timeout=60)
    path.write_text("---\npaper: [unclosed\n---\nBroken, marked delta-four.\n")
    expected = f"content/summaries/{PAPER}.md:3: not valid YAML"  # where the YAML ends unclosed
    preview.wait_for(lambda: expected in preview.log.read_text(), timeout=60)
    # A request made while the server rebuilds waits for the build; on a busy
    # machine longer than one request's time limit.
    served = []
    preview.wait_for(lambda: served.append(preview.get(f"papers/{PAPER}/")) or served[-1], timeout=60)
    page = served[-1]
    assert "gamma-three" in page and "delta-four" not in page
    assert preview.process.poll() is None  # still serving
    path.write_text(summary("Fixed version, marked epsilon-five."))
    preview.wait_for(lambda: "epsilon-five" in (preview.get(f"papers/{PAPER}/") or ""), timeout=60)


def test_the_preview_watches_the_content_not_the_generated_pages_and_polls_often(tmp_path):
    from types import SimpleNamespace

    from mkdocs.livereload import LiveReloadServer

    from generator.mkdocs_plugin import POLL_SECONDS, SurveyPlugin
    docs, content, config_file = tmp_path / "generated", tmp_path / "content", tmp_path / "mkdocs.yml"
    for folder in (docs, content):
        folder.mkdir()
    config_file.write_text("site_name: s\n")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(docs))  # as `mkdocs serve` does before the plugins' on_serve
    server.watch(str(config_file))
    plugin = SurveyPlugin()
    plugin.content = content
    assert plugin.on_serve(server, SimpleNamespace(docs_dir=str(docs)), None) is server
    watched = {e.watch.path for e in server.observer.emitters}
    # content/ and mkdocs.yml (which the observer watches through its folder)
    assert len(watched) == 2 and str(content) in watched and str(docs) not in watched
    assert server.observer.timeout == POLL_SECONDS < 0.5
    assert not server.observer.is_alive()  # `mkdocs serve` starts it after on_serve


def previewing(tmp_path):
    """The plugin of a preview of the seed survey after its first build's
    pages (MkDocs itself left out), and the build's configuration."""
    from types import SimpleNamespace

    from generator.mkdocs_plugin import SurveyPlugin
    plugin = SurveyPlugin()
    assert plugin.load_config({}) == ([], [])
    plugin.on_startup(command="serve", dirty=True)
    plugin.content, plugin.repository = ROOT / "tests" / "seed" / "content", None
    config = SimpleNamespace(docs_dir=str(tmp_path / "generated"), site_dir=str(tmp_path / "site"),
                             site_url=None)
    plugin.on_pre_build(config)
    return plugin, config


def test_a_new_build_stops_the_search_index_the_last_one_was_making(tmp_path, monkeypatch):
    # In a preview the index is made after each build, beside the next edit's
    # build: an index about to be replaced only takes a core from the pages.
    import threading

    from generator import search_index
    seen, budget = [], [3000]  # steps of 10 ms

    def index(corpus, site, cancelled):
        stop = threading.Event()
        while not cancelled() and not stop.wait(0.01) and len(seen) < budget[0]:
            seen.append("working")
        seen.append("stopped" if cancelled() else "finished")
        return 0

    monkeypatch.setattr(search_index, "index_corpus", index)
    plugin, config = previewing(tmp_path)
    plugin.on_post_build(config)  # the first build's index, in the background
    first = plugin.indexing
    plugin.on_pre_build(config)  # an edit: the next build starts
    first.join(timeout=30)
    assert seen[-1] == "stopped" and not first.is_alive()
    budget[0] = len(seen) + 20
    plugin.on_post_build(config)  # this build's own index is wanted
    plugin.indexing.join(timeout=30)
    assert seen[-1] == "finished"
    plugin.on_shutdown()  # SIGTERM's handler as it was


def test_a_stopped_preview_writes_no_search_index_after_it_stops(tmp_path, monkeypatch):
    # MkDocs removes the preview's temporary site right after on_shutdown: an
    # index still being made must not write into it then, or the folder is
    # made again and left behind (seen: one holding only its pagefind/).
    import threading

    from generator import search_index
    started = threading.Event()

    def index(corpus, site, cancelled):  # Pagefind's last step, deaf to the stop
        started.set()
        time.sleep(0.5)
        (Path(site) / "pagefind").mkdir(parents=True)
        return 0

    monkeypatch.setattr(search_index, "index_corpus", index)
    plugin, config = previewing(tmp_path)
    plugin.on_post_build(config)  # the index, in the background
    assert started.wait(30)
    plugin.on_shutdown()
    assert not plugin.indexing.is_alive()
    shutil.rmtree(tmp_path / "site")  # as `mkdocs serve` does next
    time.sleep(0.7)
    assert not (tmp_path / "site").exists()


def test_a_preview_stopped_by_sigterm_removes_its_temporary_site(tmp_path, monkeypatch):
    # `mkdocs serve` builds into a folder of its own under the temporary
    # folder and removes it when stopped with Ctrl-C; a stop by SIGTERM (a
    # process manager's, `kill`, this suite's) must do the same, or every
    # stopped preview leaves a whole site behind.
    seed = ROOT / "tests" / "seed"
    project = copy_project(ROOT, tmp_path / "project", seed / "content", seed / "mkdocs.yml")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    with Preview(project) as server:
        assert [p.name[:7] for p in temporary.iterdir()] == ["mkdocs_"]  # the served site
    assert server.process.returncode == 0  # stopped as by Ctrl-C, not killed
    assert list(temporary.iterdir()) == []


def test_a_preview_stops_on_sigterm_as_on_ctrl_c_from_its_first_build_and_a_build_does_not():
    from generator.mkdocs_plugin import SurveyPlugin
    before = signal.getsignal(signal.SIGTERM)
    build = SurveyPlugin()
    build.on_startup(command="build", dirty=False)
    assert signal.getsignal(signal.SIGTERM) is before
    preview = SurveyPlugin()
    preview.on_startup(command="serve", dirty=False)  # before the first build
    assert signal.getsignal(signal.SIGTERM) is not before  # else SIGTERM would stop the tests
    try:
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
    finally:
        preview.on_shutdown()
    assert signal.getsignal(signal.SIGTERM) is before
