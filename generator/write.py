"""The only module that writes: syncs the generated files into a folder.

Only files whose content changed are rewritten and files no longer generated
are removed, so an unchanged page keeps its modification time and a live
preview rebuilds nothing it need not.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SyncReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def sync(files: dict[str, str | bytes], folder: Path) -> SyncReport:
    folder = Path(folder)
    report = SyncReport()
    for rel in sorted(files):
        data = files[rel]
        data = data.encode("utf-8") if isinstance(data, str) else data
        target = folder / rel
        if target.is_file() and target.read_bytes() == data:
            report.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, data)
        report.written.append(rel)
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            rel = path.relative_to(folder).as_posix()
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue  # not the generator's: the folder's .gitignore, an editor's files
            if path.is_file() and rel not in files:
                path.unlink()
                report.removed.append(rel)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return report


def _atomic_write(target: Path, data: bytes) -> None:
    # Written aside and renamed, so a reader (a live server) never sees half a page.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_folder(new: Path, target: Path) -> None:
    """Put a freshly built folder where the old one was, keeping the old one
    until the new one is in place: a failed build never leaves half a site."""
    new, target = Path(new), Path(target)
    # Beside the target (so renames stay on one file system), under a name of
    # its own: a folder the user keeps next to the site is never touched.
    old = target.with_name(f".{target.name}-old-{uuid.uuid4().hex[:12]}")
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old.exists():
            os.replace(old, target)  # the last good site goes back where it was
        raise
    if old.exists():
        shutil.rmtree(old)
