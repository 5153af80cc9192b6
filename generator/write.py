"""The only module that writes: generated pages, the site, and the swap.

``sync`` brings a folder to a set of generated files: only files whose
content changed are rewritten, and only files a previous sync wrote (listed
in the folder's manifest) are ever removed, so a folder the user points the
generator at loses nothing of theirs; ``untouched`` says what it would do,
for a build that takes the files from memory and writes none.
``replace_folder`` swaps a freshly built site in for the old one in one
step. Everything written is readable by a web server running as another
user (files 0644, folders 0755).
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
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
    folder = Path(folder)
    _refuse_symlink(folder)
    folder.mkdir(parents=True, exist_ok=True)
    before = _read_manifest(folder)
    after: dict[str, str] = {}
    report = SyncReport()
    for rel in sorted(files):
        data = _bytes(files[rel])
        after[rel] = hashlib.sha256(data).hexdigest()
        target = _inside(folder, rel)
        if before.get(rel) == after[rel] and target.is_file():
            report.unchanged += 1
            continue
        _atomic_write(target, data)
        report.written.append(rel)
    report.removed = _remove_stale(folder, set(before) - set(after))
    _atomic_write(folder / MANIFEST, json.dumps(after, indent=0, sort_keys=True).encode())
    return report


@dataclass(frozen=True)
class Untouched:
    """A folder's generated files as a build takes them, from memory, leaving
    the folder as it was: the files there are (``paths``), and the folder's
    files a previous sync wrote that are generated no more (``stale``: not
    part of the build, as ``sync`` would have removed them)."""

    paths: frozenset[str]
    stale: frozenset[str]


def untouched(files: Mapping[str, str | bytes], folder: Path) -> Untouched:
    """What ``sync`` would bring ``folder`` to, its paths checked as ``sync``
    checks them, and nothing written."""
    folder = Path(folder)
    _refuse_symlink(folder)
    for rel in files:
        _inside(folder, rel)
    return Untouched(frozenset(files), frozenset(set(_read_manifest(folder)) - set(files)))


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
