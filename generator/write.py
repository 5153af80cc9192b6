"""The only module that writes: generated pages, the site, and the swap.

``sync`` brings a folder to a set of generated files: only files whose
content changed are rewritten, and only files a previous sync wrote (listed
in the folder's manifest) are ever removed, so a folder the user points the
generator at loses nothing of theirs. ``replace_folder`` swaps a freshly
built site in for the old one in one step. Everything written is readable
by a web server running as another user (files 0644, folders 0755).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

MANIFEST = ".survey-manifest.json"  # what the last sync wrote, with each file's hash
LOCK = ".survey-lock"
FILE_MODE = 0o644
FOLDER_MODE = 0o755


class UnsafeFolder(Exception):
    """A folder the build must not write into; the message says why and what to do."""


@dataclass
class SyncReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def sync(files: Mapping[str, str | bytes], folder: Path) -> SyncReport:
    plan = Plan.of(files, folder)
    for rel in plan.written:
        _atomic_write(_inside(plan.folder, rel), _bytes(files[rel]))
    return plan.finish()


@dataclass
class Plan:
    """What ``sync`` does to a folder: the files whose content changed are
    written, then those a previous sync wrote and no longer generated are
    removed, and the manifest is written last."""

    folder: Path
    manifest: dict[str, str]  # every generated file, with its hash
    written: list[str]  # to write, in order
    stale: set[str]  # written by a previous sync, not generated now
    unchanged: int

    @classmethod
    def of(cls, files: Mapping[str, str | bytes], folder: Path) -> Plan:
        folder = Path(folder)
        _refuse_symlink(folder)
        folder.mkdir(parents=True, exist_ok=True)
        before = _read_manifest(folder)
        plan = cls(folder, {}, [], set(), 0)
        for rel in sorted(files):
            plan.manifest[rel] = hashlib.sha256(_bytes(files[rel])).hexdigest()
            if before.get(rel) == plan.manifest[rel] and _inside(folder, rel).is_file():
                plan.unchanged += 1
            else:
                plan.written.append(rel)
        plan.stale = set(before) - set(plan.manifest)
        return plan

    def finish(self) -> SyncReport:
        """Once the files are written: the stale ones removed, the manifest written."""
        removed = _remove_stale(self.folder, self.stale)
        _atomic_write(self.folder / MANIFEST,
                      json.dumps(self.manifest, indent=0, sort_keys=True).encode())
        return SyncReport(list(self.written), removed, self.unchanged)

    def report(self) -> SyncReport:
        """What the sync will have done, before it is done."""
        return SyncReport(list(self.written), sorted(self.stale), self.unchanged)


class WrittenApart:
    """``sync`` with the files written by a process of its own while the
    build goes on. A build reads its pages from memory (the survey plugin),
    so they need to be on disk only by its end (``wait``); creating a file
    is a system call that takes a core for a while (0.3-0.6 ms a file where
    the benchmarks run), and the pages are the build's way to its end. The
    process starts at once; the files are sent to it from ``start`` on, in
    batches, so the build waits for the interpreter's lock once a batch, not
    once a file."""

    BATCH = 1 << 20

    def __init__(self, files: Mapping[str, str | bytes], folder: Path):
        self.plan = Plan.of(files, folder)
        package = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [os.fspath(package), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-m", "generator.write", os.fspath(self.plan.folder)],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.failure: BaseException | None = None
        todo = [(rel, files[rel]) for rel in reversed(self.plan.written)]
        self.feeder = threading.Thread(target=self._feed, args=(todo,),
                                       name="survey-write", daemon=True)

    def start(self) -> None:
        """The files sent from now on (the folder is as it was until then)."""
        self._send()

    def _send(self) -> None:
        if self.feeder.ident is None:
            self.feeder.start()

    def _feed(self, todo: list[tuple[str, str | bytes]]) -> None:
        pipe = self.process.stdin
        assert pipe is not None
        _widen(pipe)
        batch = bytearray()
        try:
            while todo:  # each file let go of once sent
                rel, data = todo.pop()
                path, body = rel.encode("utf-8"), _bytes(data)
                batch += _HEADER.pack(len(path), len(body)) + path
                batch += body
                if len(batch) >= self.BATCH:
                    pipe.write(batch)
                    batch.clear()
            pipe.write(batch)
        except BaseException as err:  # the process stopped; its message says why
            self.failure = err
        finally:
            with suppress(OSError):
                pipe.close()

    def wait(self) -> SyncReport:
        """The files written, then what ``sync`` does last; OSError if the
        process could not write them."""
        self._send()
        self.feeder.join()
        assert self.process.stderr is not None
        message = self.process.stderr.read().decode("utf-8", "replace").strip()
        if self.process.wait() != 0 or self.failure is not None:
            raise OSError("the generated pages could not be written: "
                          f"{message or self.failure or 'the writing process stopped'}")
        return self.plan.finish()

    def cancel(self) -> None:
        """Not wanted: the process is stopped. What it wrote stays, and the
        manifest as it was: the next sync writes again what differs from it."""
        self.process.kill()
        with suppress(OSError):
            self.wait()


_HEADER = struct.Struct(">II")  # a file's path and content, each by its length in bytes


def _widen(pipe: IO[bytes]) -> None:
    """A pipe of 1 MB where the system allows (Linux), so that a batch goes in one write."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None:
        return
    with suppress(OSError):
        fcntl.fcntl(pipe.fileno(), set_size, WrittenApart.BATCH)


def write_stream(stream: BinaryIO, folder: Path) -> None:
    """The writing process's work: each file sent is written as ``sync`` writes it."""
    while head := stream.read(_HEADER.size):
        if len(head) < _HEADER.size:
            raise OSError("the build stopped sending in the middle of a file")
        n_path, n_data = _HEADER.unpack(head)
        rel = stream.read(n_path).decode("utf-8")
        data = stream.read(n_data)
        if len(data) < n_data:
            raise OSError(f"the build stopped sending in the middle of {rel}")
        target = _inside(folder, rel)
        try:
            _atomic_write(target, data)
        except OSError as err:
            raise OSError(f"{target}: {err.strerror or err}") from None


def write_new(files: Mapping[str, str | bytes], folder: Path) -> None:
    """Write files into a folder of a site being built (no manifest: the
    whole site is replaced at once)."""
    folder = Path(folder)
    _refuse_symlink(folder)
    for rel in sorted(files):
        _atomic_write(_inside(folder, rel), _bytes(files[rel]))


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _inside(folder: Path, rel: str) -> Path:
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts or parts[0].startswith("."):
        raise UnsafeFolder(f"refusing to write {rel!r}: not a plain path inside {folder}")
    return folder / rel


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _remove_stale(folder: Path, stale: set[str]) -> list[str]:
    removed = []
    for rel in sorted(stale, reverse=True):
        path = _inside(folder, rel)
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(rel)
        for parent in path.parents:
            if parent == folder or not parent.is_dir() or any(parent.iterdir()):
                break
            parent.rmdir()
    return sorted(removed)


def _refuse_symlink(folder: Path) -> None:
    if folder.is_symlink():
        raise UnsafeFolder(f"{folder} is a symbolic link; the build writes only into a folder of "
                           "its own: replace the link with a plain folder")


def _atomic_write(target: Path, data: bytes) -> None:
    # Written aside and renamed, so a reader (a live server) never sees half a page.
    target.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            os.fchmod(out.fileno(), FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_file(path: Path, text: str) -> bool:
    """Create a file a contributor will edit (a summary to fill in); False,
    and nothing written, when it exists already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        return False
    return True


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder for one build: a second build sharing it is refused
    rather than publishing the first one's pages."""
    folder = Path(folder)
    _refuse_symlink(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise UnsafeFolder(f"{folder} is in use by another build; wait for it to finish, "
                               "or give each build a folder of its own (docs_dir)") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def staging_folder(site: Path) -> Path:
    """A new, empty folder beside ``site`` to build into; folders left by
    builds that were killed are removed first."""
    remove_leftovers(site)
    folder = site.parent / f".{site.name}-build-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(mode=FOLDER_MODE)
    return folder


def remove_leftovers(site: Path) -> None:
    for prefix in (f".{site.name}-build-", f".{site.name}-old-"):
        for path in site.parent.glob(prefix + "*"):
            pid = path.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def replace_folder(new: Path, target: Path) -> None:
    """Put a freshly built folder where the old one was, in one step where
    the system can (the two are exchanged), so that the site is always
    either the old one or the new one; the old one is then removed."""
    new, target = Path(new), Path(target)
    _make_readable(new)
    if not target.exists():
        os.replace(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)
        return
    old = target.with_name(f".{target.name}-old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)  # the last good site goes back where it was
        raise
    shutil.rmtree(old)


def _make_readable(folder: Path) -> None:
    """Files 0644 and folders 0755, changed only where they are not (a
    change of mode is a write: 20,000 files took 0.33 s so, against 0.19 s).
    A link is left alone, and so is what it points to, outside the folder."""
    os.chmod(folder, FOLDER_MODE)
    todo = [os.fspath(folder)]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
                wanted = FOLDER_MODE if stat.S_ISDIR(mode) else FILE_MODE
                if stat.S_IMODE(mode) != wanted:
                    os.chmod(entry.path, wanted)
                if stat.S_ISDIR(mode):
                    todo.append(entry.path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False
    where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


if __name__ == "__main__":  # the process of WrittenApart
    try:
        write_stream(sys.stdin.buffer, Path(sys.argv[1]))
    except (OSError, UnsafeFolder) as err:
        sys.exit(str(err))
