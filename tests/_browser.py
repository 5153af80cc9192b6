"""Headless Chromium (Debian's, driven by Playwright) over a site served on
loopback: the fixtures the browser tests of finding papers share."""
import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path):
    """Serve the folder; yield its address, then stop."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def chromium():
    """Yield a browser; a newcomer without Chromium skips, CI fails."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: CI must install it (see .ci/run)")
        pytest.skip("no Chromium at " + CHROMIUM)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Errors(list):
    """The script errors a page reported."""


def open_tab(browser, **options):
    context = browser.new_context(**options)
    tab = context.new_page()
    tab.errors = Errors()
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    return context, tab
