"""Headless Chromium (Debian's, driven by Playwright) over a site served on
loopback: the fixtures the browser tests of finding papers share."""
import os
from pathlib import Path

import pytest

from generator.preview import BROWSER_ARGS, CHROMIUM, serving


def serve(site: Path):
    """Serve the folder; yield its address, then stop."""
    with serving(site) as url:
        yield url


def chromium():
    """Yield a browser; a newcomer without Chromium skips, CI fails."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: CI must install it (see .ci/run)")
        pytest.skip("no Chromium at " + CHROMIUM)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
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
