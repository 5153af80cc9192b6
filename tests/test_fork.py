"""A fork that follows the README's "Publishing your own survey" builds
strict with 0 problems: the project's own configuration and themes, one small
listing of the fork's, and the seed survey's curated files removed."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from runner import survey

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LISTING = ROOT / "tests" / "fixtures" / "small" / "listings" / "a.txt"


def publishing_steps() -> str:
    return README[README.index("## Publishing your own survey"):]


def test_the_readme_names_every_curated_file_of_the_seed_survey():
    """Whatever the content folder holds besides listings, themes and the
    survey's description names the seed's papers: the steps must remove it."""
    steps = publishing_steps()
    shipped = {p.name for p in (ROOT / "content").iterdir()} - {
        "listings", "listings.yml", "themes.yml", "survey.yml"}
    removed = set(re.findall(r"content/([\w.-]+)", steps))
    assert shipped <= removed | {"summaries"}, shipped - removed
    assert "rm content/summaries/*.md content/metadata.yml content/reviewed.yml" in steps


def test_a_fork_following_the_readme_builds_strict_with_no_problem(tmp_path):
    fork = tmp_path / "fork"
    fork.mkdir()
    for name in ("mkdocs.yml", "overrides", "content"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, fork / name)
    (fork / "generated").mkdir()
    content = fork / "content"
    # 1. Its own listing, described.
    shutil.rmtree(content / "listings")
    (content / "listings").mkdir()
    shutil.copy(LISTING, content / "listings" / "robots.txt")
    (content / "listings.yml").write_text(
        "year: 2025\nlistings:\n  - file: robots.txt\n    title: Robot learning, week 1\n")
    # 2. The seed's curated files, as the README's command removes them.
    for path in [*(content / "summaries").glob("*.md"), content / "metadata.yml",
                 content / "reviewed.yml"]:
        path.unlink(missing_ok=True)
    # 3. Themes: the seed's, without its moved addresses and overrides.
    themes = yaml.safe_load((content / "themes.yml").read_text())
    themes.pop("moved", None)
    themes["overrides"] = {}
    (content / "themes.yml").write_text(yaml.safe_dump(themes, sort_keys=False))
    # 4. and 5. The survey's and the site's names.
    (content / "survey.yml").write_text("title: Robot learning\ndescription: A survey.\n")
    config = (fork / "mkdocs.yml").read_text()
    (fork / "mkdocs.yml").write_text(config.replace(
        "site_name: Generalization in Machine Learning", "site_name: Robot learning"))
    run = survey("build", "--strict", cwd=fork)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.startswith("1 listing read, ") and "0 problems (0 errors)" in run.stdout
    assert (fork / "site" / "index.html").is_file()
