"""Helpers of the reader's tests: the built seed site over loopback HTTP, Chromium, axe-core."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# axe-core is installed from npm into the project's build folder (ignored by git).
NODE_TOOLS = ROOT / "build" / "node"
AXE_VERSION = "4"


def need(condition: bool, why: str) -> None:
    """A newcomer without a tool may skip its checks; CI may not."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(why + " (CI must provide it, see .ci/run)")
        pytest.skip(why)


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
