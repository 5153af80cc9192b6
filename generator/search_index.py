"""The search index: Pagefind over the built site's pages, in a fixed order.

Pagefind's command line numbers pages in the order the file system lists
them, so the same site gave different index files on different machines
(its pages are the same, the index chunks and their hashes are not). Its
service mode, the protocol Pagefind's own Python and Node wrappers speak,
takes pages one at a time: fed in sorted order, a site gives the same index
wherever it is built. (The Python wrapper itself polls for each answer
every 0.1 s, 40 s for 400 pages; this client just reads the answer.)

The files come back in memory and are written here: asked to write them
itself, the service answers before its writes are done, and when it exits a
file can be left cut short.
"""
from __future__ import annotations

import base64
import json
import subprocess
import tempfile
from pathlib import Path

from pagefind.service import get_executable

from . import write

BUNDLE = "pagefind"  # the index's folder in the site, where Pagefind's UI looks for it


class SearchIndexError(Exception):
    pass


def index_site(site: Path) -> int:
    """Index the site's HTML pages into ``site/pagefind``, as ``pagefind
    --site`` does; return the number of pages Pagefind was given."""
    site = Path(site)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if p.relative_to(site).parts[0] != BUNDLE)
    write.write_new(search_bundle(site, pages), site / BUNDLE)
    return len(pages)


def search_bundle(site: Path, pages: list[str]) -> dict[str, bytes]:
    """Pagefind's files for these pages of the site, by their path in the bundle."""
    executable = get_executable()
    if executable is None:
        raise SearchIndexError("the pagefind binary is not installed")
    with _Service(executable) as service:
        index = service.send({"type": "NewIndex", "config": None})["index_id"]
        for page in pages:
            service.send({"type": "AddFile", "index_id": index, "url": None, "file_path": page,
                          "file_contents": (site / page).read_text(encoding="utf-8")})
        files = service.send({"type": "GetFiles", "index_id": index})["files"]
    bundle = {f["path"]: base64.b64decode(f["content"]) for f in files}
    outside = [p for p in bundle if Path(p).is_absolute() or ".." in Path(p).parts]
    if outside:
        raise SearchIndexError(f"pagefind named a file outside its folder: {outside[0]}")
    return bundle


class _Service:
    """``pagefind --service``: base64-encoded JSON messages, each ended by a comma."""

    def __init__(self, executable: Path):
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.errors)
        self.sent = 0
        self.buffer = b""

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.errors.close()

    def send(self, payload: dict) -> dict:
        self.sent += 1
        message = json.dumps({"message_id": self.sent, "payload": payload}).encode("utf-8")
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise SearchIndexError(f"pagefind stopped: {self._stderr()}") from None
        answer = self._receive()
        if answer.get("message_id") != self.sent or answer["payload"].get("type") == "Error":
            raise SearchIndexError(f"pagefind: {answer['payload'].get('message', answer)}")
        return answer["payload"]

    def _receive(self) -> dict:
        while b"," not in self.buffer:
            chunk = self.process.stdout.read1(1 << 16)
            if not chunk:
                raise SearchIndexError(f"pagefind stopped: {self._stderr()}")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b",")
        return json.loads(base64.b64decode(message))

    def _stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace").strip() or "no message"
