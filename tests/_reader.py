"""Helpers of the reader's tests: the built seed site over loopback HTTP, Chromium, axe-core."""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# axe-core is installed from npm into the project's build folder (ignored by git).
NODE_TOOLS = ROOT / "build" / "node"
AXE_VERSION = "4"


def need(condition: bool, why: str) -> None:
    """A newcomer without a tool may skip its checks; CI may not."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(why + " (CI must provide it, see .ci/run)")
        pytest.skip(why)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    """A loopback HTTP server of a folder; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def launch():
    """Chromium driven by Playwright; yields the browser."""
    sync_api = pytest.importorskip("playwright.sync_api")
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_script() -> str:
    """axe-core's browser bundle, installed from npm on first use."""
    path = NODE_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        npm = shutil.which("npm")
        need(npm is not None, "npm is needed to install axe-core")
        run = subprocess.run([npm, "install", "--prefix", str(NODE_TOOLS), "--no-audit",
                              "--no-fund", f"axe-core@{AXE_VERSION}"],
                             capture_output=True, text=True)
        need(run.returncode == 0 and path.exists(), f"axe-core could not be installed: {run.stderr[-500:]}")
    return path.read_text(encoding="utf-8")


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str, **where) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in where.items())]


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    import html as html_module
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
