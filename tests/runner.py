"""The survey command run in this process, as sqlite-utils tests its CLI:
exact output and exit code, without a subprocess per call."""
from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from generator.cli import main


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def survey(*args: str, cwd: Path | str | None = None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(here)
    return Run(code, out.getvalue(), err.getvalue())
