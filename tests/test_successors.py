"""The generated pages build with MkDocs' successors too: ProperDocs (which
runs the survey plugin) and Zensical (which runs no plugins: generation and
search indexing are steps of their own). Each gives the same paper pages as
MkDocs and no broken links."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from runner import survey

from generator.linkcheck import check_site

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def project(folder: Path) -> Path:
    shutil.copy(ROOT / "tests" / "seed" / "mkdocs.yml", folder)
    shutil.copytree(ROOT / "overrides", folder / "overrides")
    shutil.copytree(ROOT / "tests" / "fixtures" / "small", folder / "content")
    (folder / "generated").mkdir()
    return folder


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; `make setup` installs it")
        pytest.skip(f"{name} is not installed")
    return str(path)


def paper_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / "papers").rglob("index.html")}


@pytest.fixture(scope="module")
def mkdocs_site(tmp_path_factory):
    root = project(tmp_path_factory.mktemp("mkdocs"))
    assert survey("build", "--strict", cwd=root).returncode == 0
    return root / "site"


def test_properdocs_builds_the_same_papers_with_the_plugin(tmp_path, mkdocs_site):
    root = project(tmp_path)
    run = subprocess.run([tool("properdocs"), "build", "--strict", "-f", "mkdocs.yml"],
                         cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    site = root / "site"
    assert paper_pages(site) == paper_pages(mkdocs_site) != set()
    assert (site / "pagefind" / "pagefind.js").is_file()  # the plugin ran its search step
    assert check_site(site) == []


def test_zensical_builds_the_same_papers_with_generation_and_search_as_steps(tmp_path,
                                                                            mkdocs_site):
    root = project(tmp_path)
    assert survey("generate", cwd=root).returncode == 0
    run = subprocess.run([tool("zensical"), "build"], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    site = root / "site"
    assert survey("index", "site", cwd=root).returncode == 0
    assert paper_pages(site) == paper_pages(mkdocs_site) != set()
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert check_site(site) == []
