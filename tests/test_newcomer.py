"""What a newcomer runs: the command's messages, the Makefile's checks."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from runner import survey

from generator import write

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small"


def test_survey_check_into_a_closed_pipe_ends_quietly(tmp_path):
    shutil.copytree(SMALL, tmp_path / "content")
    run = subprocess.run(f"{sys.executable} -m generator check | head -1", shell=True,
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.stdout.startswith("2 listings read")
    assert run.stderr == ""  # no BrokenPipeError traceback


def test_running_outside_the_project_root_says_where_to_run(tmp_path):
    run = survey("check", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines()[0] == (
        "content: no content folder here; run survey from the project's root folder "
        "(the one with mkdocs.yml), or give --content")
    build = survey("build", cwd=tmp_path)
    assert build.stderr.splitlines()[0] == ("mkdocs.yml: file not found; run survey from the "
                                            "project's root folder, or give --config")


def test_a_full_disk_while_mkdocs_writes_fails_the_build_and_keeps_the_site(tmp_path,
                                                                           monkeypatch):
    from mkdocs import utils
    shutil.copy(ROOT / "tests" / "seed" / "mkdocs.yml", tmp_path)
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    shutil.copytree(SMALL, tmp_path / "content")
    (tmp_path / "generated").mkdir()
    assert survey("build", cwd=tmp_path).returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(utils, "write_file", full)
    run = survey("build", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "No space left on device" in run.stderr
    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".site-*"))


@pytest.mark.skipif(not (ROOT / ".venv" / ".installed").exists(), reason="needs `make setup`")
def test_make_serve_names_a_busy_port_before_building():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120,
                             env=dict(os.environ, MAKEFLAGS=""))
    assert run.returncode != 0
    assert f"make: port {port} is in use (another preview?); stop it, or run: make serve " \
           "PORT=8001" in run.stderr
    assert "mkdocs" not in run.stdout  # nothing was built


def test_new_files_are_never_overwritten(tmp_path):
    path = tmp_path / "summaries" / "x.md"
    assert write.new_file(path, "first")
    assert not write.new_file(path, "second")
    assert path.read_text() == "first"
