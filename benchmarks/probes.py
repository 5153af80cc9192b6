"""What a reader and a contributor wait for: the first search of a built
site, in a browser, and an edit reaching the page a live preview serves."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import Corpus
from generator.preview import BROWSER_ARGS, CHROMIUM, Preview, serving

# A search result: a link to a paper page in the search page's result list.
RESULT = '#find-results a[href*="papers/"], #search a[href*="papers/"]'
QUERY_BOX = 'input[name=q], #search input'
READY = "form[data-find][data-state='done']"  # the search page has loaded its index
# In the page: the time of the last keystroke, and of the first result on screen.
CLOCK = """selector => {
  const clock = window.__firstSearch = {typed: 0, shown: 0};
  document.addEventListener("input", () => {
    clock.typed = performance.now();
    clock.shown = 0;
  }, true);
  new MutationObserver(() => {
    if (!clock.shown && clock.typed && document.querySelector(selector)) {
      clock.shown = performance.now();
    }
  }).observe(document.body, {childList: true, subtree: true});
}"""


@dataclass
class FirstSearch:
    query: str
    seconds: float  # from the last keystroke to the first result on screen
    results: int  # result links shown
    files: dict[str, int]  # each search file fetched, with its size in bytes

    @property
    def bytes(self) -> int:
        return sum(self.files.values())

    def part(self, code: bool) -> int:
        """Bytes of Pagefind's code (scripts, styles, wasm) or of index data."""
        return sum(size for name, size in self.files.items() if _is_code(name) == code)


def _is_code(name: str) -> bool:
    return name.endswith((".js", ".css")) or "wasm" in name


def first_search(site: Path, query: str = "grokking") -> FirstSearch:
    """Open the search page in a fresh browser (nothing cached), type
    ``query``, and note what Pagefind fetched until the results showed."""
    from playwright.sync_api import sync_playwright
    fetched: list[str] = []
    with serving(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_context().new_page()
            page.on("response", lambda r: fetched.append(r.url) if r.ok else None)
            page.goto(url + "search/", wait_until="load")
            if page.locator("form[data-find]").count():
                page.wait_for_selector(READY, timeout=60_000)
            page.locator(QUERY_BOX).first.click()
            page.evaluate(CLOCK, RESULT)
            page.keyboard.type(query, delay=40)
            page.wait_for_selector(RESULT, timeout=60_000)
            # The page's own clock: Playwright polls for the selector at
            # growing intervals, which would add up to half a second.
            clock = page.evaluate("window.__firstSearch")
            seconds = (clock["shown"] - clock["typed"]) / 1000
            page.wait_for_timeout(500)  # anything the results still fetch
            results = page.locator(RESULT).count()
        finally:
            browser.close()
    files = {}
    for address in fetched:
        path = address.split("/", 3)[3].split("?")[0]
        if path.startswith("pagefind/"):
            files[path] = (site / path).stat().st_size
    return FirstSearch(query, seconds, results, files)


# The preview: an edit of one summary and of one listing, to the served page.

REBUILD = re.compile(r"survey: \d+ papers;")  # the plugin's line, once per generator run
BUILT = re.compile(r"Documentation built in")


@dataclass
class Edit:
    kind: str  # "summary", "listing" or "theme"
    seconds: float  # from the write to the served page showing it
    rebuilds: int  # generator runs the edit set off (one is right)


@dataclass
class PreviewRun:
    start: float  # seconds from `mkdocs serve` to the first page served
    edits: list[Edit] = field(default_factory=list)
    log_tail: str = ""


class _Server(Preview):
    """The project's preview, with room for a large corpus's first build."""

    def __enter__(self) -> _Server:
        import os
        import subprocess
        import sys
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SURVEY_SITE_URL=self.url)
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr",
             f"127.0.0.1:{self.port}"],
            cwd=self.project, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        self.wait_for(lambda: self.get("") is not None, timeout=900)
        self.start = time.monotonic() - started
        return self

    def rebuilds(self) -> int:
        return len(REBUILD.findall(self.log.read_text(errors="replace")))

    def settle(self, quiet: float) -> None:
        """Wait until the log has not grown for ``quiet`` seconds."""
        size, since = -1, time.monotonic()
        while time.monotonic() - since < quiet:
            now = self.log.stat().st_size
            if now != size:
                size, since = now, time.monotonic()
            time.sleep(0.2)


def preview_latency(project: Path, corpus: Corpus, edits: int, quiet: float) -> PreviewRun:
    """Edit one summary, one listing and themes.yml ``edits`` times each, in turn."""
    targets = [summary_edit(project), listing_edit(project, corpus), theme_edit(project, corpus)]
    with _Server(project) as server:
        server.settle(quiet)
        run = PreviewRun(server.start)
        for n in range(edits):
            for kind, path, original, make, paper in targets:
                token = f"benchmarkedit{n}x{time.time_ns()}"
                before = server.rebuilds()
                path.write_text(make(original, token), encoding="utf-8")
                seconds = server.wait_for(
                    lambda token=token, paper=paper: token in (
                        server.get(f"papers/{paper}/") or ""), timeout=900)
                server.settle(quiet)
                run.edits.append(Edit(kind, seconds, server.rebuilds() - before))
        run.log_tail = server.log.read_text(errors="replace")[-2000:]
    return run


def summary_edit(project: Path):
    path = sorted((project / "content" / "summaries").glob("*.md"))[0]
    original = path.read_text(encoding="utf-8")
    paper = re.search(r"^paper: *(\S+)", original, re.MULTILINE)[1]
    return ("summary", path, original, lambda text, token: f"{text.rstrip()} {token}.\n", paper)


def theme_edit(project: Path, corpus: Corpus):
    """A theme's title (its papers' pages name it); the rules stay as they are."""
    paper = corpus.papers[0]
    theme = next(t for t in corpus.taxonomy.themes if t.id == paper.primary_theme)
    path = project / "content" / "themes.yml"
    original = path.read_text(encoding="utf-8")
    line = f"title: {theme.title}\n"
    assert line in original, (path, line)

    def make(text: str, token: str) -> str:
        return text.replace(line, f"title: {theme.title} {token}\n", 1)

    return ("theme", path, original, make, paper.id)


def listing_edit(project: Path, corpus: Corpus):
    """The abstract of a paper listed once, in the last listing file."""
    paper = next(p for p in reversed(corpus.papers) if len(p.sources) == 1)
    source = paper.sources[0]
    path = project / "content" / "listings" / source.listing
    original = path.read_text(encoding="utf-8")

    def make(text: str, token: str) -> str:
        lines = text.split("\n")
        n = source.line  # the title's line (counted from 1); the abstract is the next text
        while not lines[n].strip():
            n += 1
        lines[n] = f"{lines[n]} {token}."
        return "\n".join(lines)

    return ("listing", path, original, make, paper.id)
