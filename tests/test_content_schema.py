"""Every YAML file of the content is checked against its schema: a misspelt
key, a value of the wrong kind or a missing field gets one message, at its
line, with the likely intended key; nothing else is reported because of it."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import read_corpus as read_content
from generator.errors import ContentError

SMALL = Path(__file__).parent / "fixtures" / "small"


def survey(*args, cwd):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def messages(tmp_path, monkeypatch, file: str, edit) -> list[str]:
    """The problems read_content reports after ``edit`` changes ``file``'s text."""
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    path = content / file
    path.write_text(edit(path.read_text()))
    monkeypatch.chdir(tmp_path)
    try:
        return [str(p) for p in read_content(Path("content")).problems]
    except ContentError as err:
        return [str(p) for p in err.problems]


def sub(old, new):
    def edit(text):
        assert old in text
        return text.replace(old, new, 1)
    return edit


CASES = {
    # survey.yml
    "survey title misspelt": ("survey.yml", sub("title:", "titel:"), [
        "content/survey.yml:1: unknown key 'titel'; did you mean 'title'? (the keys are: title, "
        "description, contact)"]),
    "survey contact": ("survey.yml", lambda t: t + "contact: someone@example.org\n", []),
    "survey contact not an address": ("survey.yml", lambda t: t + "contact: me\n", [
        "content/survey.yml:3: contact 'me' is not an e-mail address"]),
    "survey title missing": ("survey.yml", lambda t: t.splitlines()[1] + "\n", [
        "content/survey.yml:1: missing 'title' (the survey's name, shown on every page)"]),
    "survey description missing": ("survey.yml", lambda t: t.splitlines()[0] + "\n", [
        "content/survey.yml:1: missing 'description' (a sentence or two the home page shows)"]),
    "survey title a number": ("survey.yml", sub("title: A small survey", "title: 42"), [
        "content/survey.yml:1: 'title' must be text, not a number; put it in quotes"]),
    # YAML reads an unquoted no as false: the message says so, and the fix.
    "phrase read as false": ("themes.yml", sub("[grokking, memoriz*]", "[grokking, no]"), [
        "content/themes.yml:7: theme 'memorization': 'in_title' must be a list of phrases (an "
        "item may be a list of synonyms), not a list whose item 2 is true/false; put it in "
        "quotes"]),
    "threshold yes": ("themes.yml", sub("threshold: 3", "threshold: yes"), [
        "content/themes.yml:1: 'threshold' must be a whole number, not true/false"]),
    "a YAML tag": ("survey.yml",
                   sub("title: A small survey", "title: !!python/object:os.system x"), [
        "content/survey.yml:1: not valid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'; content files use no YAML tags ('!!name' "
        "or '!name'): remove it"]),
    "survey key twice": ("survey.yml", lambda t: t + "title: Again\n", [
        "content/survey.yml:3: key 'title' is given twice (also at line 1); only this one is "
        "used: remove one"]),
    # listings.yml
    # Only the typo is reported: the listing is still read, under its file's name.
    "listing title misspelt": ("listings.yml",
                               sub("    title: Listing A", "    titel: Listing A"), [
        "content/listings.yml:4: listing 'a.txt': unknown key 'titel'; did you mean 'title'? "
        "(the keys are: file, title, year)"]),
    "listing title missing": ("listings.yml", sub("    title: Listing A\n", ""), [
        "content/listings.yml:3: listing 'a.txt': missing 'title' (what the listing is about, "
        "shown on its page)"]),
    "listings year dropped": ("listings.yml", sub("year: 2025\n", ""), [
        "content/listings.yml:1: missing 'year' (the year that dates shown without one belong "
        "to); until it is set, such dates are left out"]),
    "listings year text": ("listings.yml", sub("year: 2025", "year: last year"), [
        "content/listings.yml:1: 'year' must be a whole number, not text"]),
    "listings year not a year": ("listings.yml", sub("year: 2025", "year: 25"), [
        "content/listings.yml:1: year 25 is not a year of papers"]),
    "listing file name typo": ("listings.yml", sub("file: b.txt", "file: bb.txt"), [
        "content/listings.yml:5: listing file content/listings/bb.txt not found; did you mean "
        "'b.txt'?",
        "content/listings/b.txt: warning: not described in listings.yml: read as 'B'; describe "
        "it there under 'listings:' as '- file: b.txt' with a 'title:'"]),
    "listings key misspelt": ("listings.yml", sub("listings:", "listing:"), [
        "content/listings.yml:2: unknown key 'listing'; did you mean 'listings'? (the keys are: "
        "year, listings)",
        "content/listings/a.txt: warning: not described in listings.yml: read as 'A'; describe "
        "it there under 'listings:' as '- file: a.txt' with a 'title:'",
        "content/listings/b.txt: warning: not described in listings.yml: read as 'B'; describe "
        "it there under 'listings:' as '- file: b.txt' with a 'title:'"]),
    # themes.yml
    "rule key misspelt": ("themes.yml", sub("    in_title: [grokking", "    in_titel: [grokking"), [
        "content/themes.yml:7: theme 'memorization': unknown key 'in_titel'; did you mean "
        "'in_title'? (the keys are: id, title, description, catch_all, facet, concepts, not, "
        "in_title, in_abstract, anywhere)"]),
    "max_themes misspelt": ("themes.yml", sub("max_themes:", "max_theme:"), [
        "content/themes.yml:2: unknown key 'max_theme'; did you mean 'max_themes'? (the keys "
        "are: themes, overrides, threshold, max_themes, facets, moved)"]),
    "threshold text": ("themes.yml", sub("threshold: 3", "threshold: three"), [
        "content/themes.yml:1: 'threshold' must be a whole number, not text"]),
    "threshold zero": ("themes.yml", sub("threshold: 3", "threshold: 0"), [
        "content/themes.yml:1: 0 must be a whole number of at least 1"]),
    # The catch-all theme lacks its description: one message, not also an
    # untrue "exactly one theme must be the catch-all".
    "catch-all description missing": ("themes.yml", sub(
        "    description: Papers no theme's rules claim.\n", ""), [
        "content/themes.yml:14: theme 'other': missing 'description' (a sentence or two for "
        "the theme's page)"]),
    "catch_all text": ("themes.yml", sub("catch_all: true", "catch_all: yes please"), [
        "content/themes.yml:17: theme 'other': 'catch_all' must be true or false, not text",
        "content/themes.yml:3: exactly one theme must be the catch-all (catch_all: true)"]),
    "phrase of no words": ("themes.yml", sub("[grokking, memoriz*]", "[grokking, '*']"), [
        "content/themes.yml:7: phrase '*' has no words to find (it would match every paper or "
        "none): write the words it should find"]),
    "phrase of punctuation": ("themes.yml", sub("[grokking, memoriz*]", "['!!']"), [
        "content/themes.yml:7: phrase '!!' has no words to find (it would match every paper or "
        "none): write the words it should find"]),
    "theme id index": ("themes.yml", sub("id: domain-shift", "id: index"), [
        "content/themes.yml:9: theme id 'index' is the address of the site's page of all "
        "themes: choose another",
        # The override names the theme that was left out: reported, truly.
        "content/themes.yml:19: override for 'sparse-model-soups' names unknown theme "
        "'domain-shift'; known themes: memorization, other"]),
    "theme not a mapping": ("themes.yml", sub("  - id: other\n", "  - other\n  - id: other\n"), [
        "content/themes.yml:14: each theme must be a mapping ('key: value' lines), not text"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_problem_once_at_its_line(tmp_path, monkeypatch, name):
    file, edit, expected = CASES[name]
    assert messages(tmp_path, monkeypatch, file, edit) == expected


def test_the_small_fixture_is_clean(tmp_path, monkeypatch):
    assert messages(tmp_path, monkeypatch, "survey.yml", lambda t: t) == []


@pytest.mark.parametrize("file, old, new", [
    ("survey.yml", "title:", "titel:"),
    ("listings.yml", "    title: Listing A", "    titel: Listing A"),
    ("themes.yml", "in_title: [grokking", "in_titel: [grokking"),
    ("themes.yml", "max_themes:", "max_theme:"),
])
def test_a_misspelt_key_is_an_error(tmp_path, file, old, new):
    # An error: `survey check` exits 1, and any build, strict or not, says so.
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    path = content / file
    path.write_text(path.read_text().replace(old, new, 1))
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert run.returncode == 1
    assert f"unknown key {new.split(':')[0].strip()!r}; did you mean" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_listing_without_a_year_keeps_its_entries_without_guessing(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    catalogue = content / "listings.yml"
    catalogue.write_text(catalogue.read_text().replace("year: 2025\n", ""))
    monkeypatch.chdir(tmp_path)
    corpus = read_content(Path("content"))
    assert sum(len(l.entries) for l in corpus.listings) == 5  # nothing lost
    grok = next(p for p in corpus.papers if p.title == "Grokking Beyond Overfitting")
    assert grok.date.year == 2024  # "Mar 3, 2024" holds its year
    assert all(p.date is None or p.date.year != 2025 for p in corpus.papers)  # none guessed


MORE = {
    "listings as a mapping": ("listings.yml", lambda t: "year: 2025\nlistings:\n  a.txt: A\n", [
        "content/listings.yml:2: 'listings' must be a list ('- ' items), not a mapping",
        "content/listings/a.txt: warning: not described in listings.yml: read as 'A'; describe "
        "it there under 'listings:' as '- file: a.txt' with a 'title:'",
        "content/listings/b.txt: warning: not described in listings.yml: read as 'B'; describe "
        "it there under 'listings:' as '- file: b.txt' with a 'title:'"]),
    "empty survey.yml": ("survey.yml", lambda t: "", [
        "content/survey.yml: missing 'title' (the survey's name, shown on every page)",
        "content/survey.yml: missing 'description' (a sentence or two the home page shows)"]),
    "a megabyte title": ("survey.yml", sub("title: A small survey", "title: " + "x" * 900_000), [
        "content/survey.yml:1: the title is 900,000 characters long; keep it under 200"]),
    "a long theme description": ("themes.yml", sub(
        "description: Papers no theme's rules claim.", "description: " + "word " * 500), [
        "content/themes.yml:16: the description is 2,499 characters long; keep it under 2,000"]),
    "listing described twice": ("listings.yml",
                                lambda t: t + "  - file: a.txt\n    title: Again\n", [
        "content/listings.yml:7: listing 'a.txt' is described twice (also at line 3)"]),
    "listing year in an item": ("listings.yml", sub("    title: Listing A\n",
                                                    "    title: Listing A\n    year: 1800\n"), [
        "content/listings.yml:5: year 1800 is not a year of papers"]),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_shapes(tmp_path, monkeypatch, name):
    file, edit, expected = MORE[name]
    assert messages(tmp_path, monkeypatch, file, edit) == expected


def test_a_listing_link_loop_is_a_message(tmp_path, monkeypatch):
    def loop(text):
        listings = tmp_path / "content" / "listings"
        (listings / "b.txt").unlink()
        (listings / "b.txt").symlink_to("c.txt")
        (listings / "c.txt").symlink_to("b.txt")
        return text
    found = messages(tmp_path, monkeypatch, "survey.yml", loop)
    for name in ("b.txt", "c.txt"):
        assert (f"content/listings/{name}: cannot be read (Too many levels of symbolic links); "
                "file skipped") in found
