import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A frozen copy of the seed survey: the shipped content/ may change freely
# (it is checked with `survey check --strict`), the tests keep theirs.
SEED = ROOT / "tests" / "seed"
SEEDS_CONTENT = SEED / "content"


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite the expected output of tests/golden/ from what the code does")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The seed corpus built once, as `survey build --strict` builds it."""
    out = tmp_path_factory.mktemp("build")
    project = out / "project"
    project.mkdir()
    # A copy of the project's own files, so the build writes nothing into the checkout.
    for name in ("mkdocs.yml", "overrides", "content"):
        src = SEED / name if name in ("mkdocs.yml", "content") else ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    (project / "generated").mkdir()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--strict"],
                         cwd=project, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    # The build takes its pages from memory; `survey generate` writes them,
    # for the tests that read the Markdown.
    generated = subprocess.run([sys.executable, "-m", "generator", "generate"],
                               cwd=project, env=env, capture_output=True, text=True)
    assert generated.returncode == 0, generated.stderr
    return {"site": project / "site", "docs": project / "generated", "run": run}


@pytest.fixture(scope="session")
def seed_data(built_site):
    """The built seed site's data/papers.json."""
    return json.loads((built_site["site"] / "data" / "papers.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def server(built_site):
    """The built seed site over loopback HTTP: its base address, ending in "/"."""
    from _browser import serve
    yield from serve(built_site["site"])


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's, driven by Playwright), shared by the browser tests."""
    from _browser import chromium
    yield from chromium()


@pytest.fixture
def index_worker(tmp_path, monkeypatch):
    """The search index's own process (search_index.Apart) with stand-ins:
    ``index_worker(code)`` has it run ``code``, with ``search_index``
    imported, before its work."""
    from generator import search_index

    def use(code: str) -> None:
        script = tmp_path / "index_worker.py"
        script.write_text("import sys\nfrom generator import search_index\n"
                          + textwrap.dedent(code)
                          + "\nsys.exit(search_index.main(sys.argv[1:]))\n", encoding="utf-8")
        monkeypatch.setattr(search_index, "WORKER", (str(script),))
    return use
