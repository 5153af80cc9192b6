"""Servers for the tests and the benchmarks: a live preview in the background
(the preview test and the latency benchmark both watch an edit reach the
served page), and a built site over loopback HTTP for headless Chromium."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Debian's Chromium, driven by Playwright, headless (Playwright's own download does not run here).
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """The built site over loopback HTTP, as a web server would serve it: its
    address, ending in "/"."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


PROJECT_FILES = ("mkdocs.yml", "overrides", "content")


def copy_project(root: Path, target: Path, content: Path | None = None,
                 config: Path | None = None) -> Path:
    """A copy of the project's site sources (optionally with other content
    and configuration)."""
    target.mkdir(parents=True, exist_ok=True)
    given = {"content": content, "mkdocs.yml": config}
    for name in PROJECT_FILES:
        src = given.get(name) or root / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, target / name)
    (target / "generated").mkdir(exist_ok=True)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Preview:
    """`mkdocs serve --dirty` on a loopback port, as `make serve` runs it."""

    def __init__(self, project: Path):
        self.project = project
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = project / "serve.log"

    def __enter__(self) -> Preview:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SURVEY_SITE_URL=self.url)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty",
             "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=self.project, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        self.wait_for(lambda: self.get("") is not None, timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def get(self, path: str) -> str | None:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(self, condition, timeout: float, interval: float = 0.05) -> float:
        """Seconds until ``condition()`` holds; TimeoutError after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("the preview server stopped:\n" + self.log.read_text())
            if condition():
                return time.monotonic() - start
            time.sleep(interval)
        raise TimeoutError(f"not seen within {timeout} s; server log:\n"
                           + self.log.read_text()[-3000:])
