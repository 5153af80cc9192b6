"""Reading a content file safely: only a regular file inside the content
folder, and never more than a limit, so that no file can hang the build
(a named pipe), exhaust its memory (a link to /dev/zero, a 200 MB dump) or
put a file from elsewhere on the machine into the site (a symbolic link to
a secret)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

MB = 1024 * 1024

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, its links followed, is ``root`` or lies inside it."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def read_limited(path: Path, limit: int, root: Path | None = None) -> tuple[bytes | None, str]:
    """The bytes of a regular file no larger than ``limit``, or None and the
    reason it was not read (a message ending without the file's name)."""
    try:
        os.stat(path)  # a link to nothing is a file that cannot be read, wherever it points
    except OSError as err:
        return None, f"cannot be read ({err.strerror or err})"
    if root is not None and not inside(path, root):
        return None, ("a symbolic link to a file outside the content folder: not read, "
                      "so nothing from elsewhere is published; copy the file in instead")
    try:
        # O_NONBLOCK: opening a named pipe returns at once instead of waiting
        # for a writer; the file's kind is then checked on what was opened.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        return None, f"cannot be read ({err.strerror or err})"
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            return None, f"{kind}, not a regular file: not read"
        data = file.read(limit + 1)
    if len(data) > limit:
        return None, (f"larger than {_size(limit)}, the limit for this kind of file: not read; "
                      "is it the right file? (split a listing dump into several files)")
    return data, ""


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"
