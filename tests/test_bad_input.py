"""Listings that go wrong: each gets its exact message, the build goes on with
everything else, and no entry is lost: every entry read is in the site, and
what is not read is named in a message."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.parse import decode, parse_listing

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "fixtures" / "bad"
SMALL = Path(__file__).parent / "fixtures" / "small"
L = "content/listings/"
A = "An abstract that says what the paper does."

# Each file in fixtures/bad/listings: the messages it gets, exactly, and the
# titles of the papers it gives the site.
CASES = {
    "good.txt": ([], ["Grokking Beyond Overfitting", "A Paper That Is Fine"]),
    "empty.txt": ([f"{L}empty.txt: file is empty; no entries read"], []),
    "blank.txt": ([f"{L}blank.txt: file is empty; no entries read"], []),
    "binary.txt": ([f"{L}binary.txt: not a text file: it holds NUL bytes (binary data, or UTF-16 "
                    "text without a byte-order mark); file skipped"], []),
    "controls.txt": ([f"{L}controls.txt: not a text file: 208 of its 241 characters are control "
                      "characters; file skipped"], []),
    "chrome_only.txt": ([f"{L}chrome_only.txt: no entries found: the file holds only page chrome "
                         "and metadata; is it a listing dump?"], []),
    "latin1.txt": ([f"{L}latin1.txt:1: warning: file is not UTF-8 (first bad byte 0xe9); "
                    "read as Windows-1252"], ["Café Networks – a “quoted” title"]),
    "utf16.txt": ([f"{L}utf16.txt: warning: file is UTF-16, not UTF-8; read as UTF-16"],
                  ["A UTF-16 Title é"]),
    # A byte-order mark, Windows line endings, tabs and trailing white space
    # are read as what they are: nothing is wrong, so nothing is reported.
    "windows.txt": ([], ["A Title with a Tab", "A Second Windows Title"]),
    "stray_control.txt": ([f"{L}stray_control.txt:1: warning: 2 control characters removed "
                           "(the first, U+001B, on this line)"],
                          ["A Title With an Escape Character"]),
    "cut_off.txt": ([f"{L}cut_off.txt:9: warning: entry 'A Title Whose Abstract Was Cut Off' has "
                     "a title but no abstract (cut off?); kept with an empty abstract"],
                    ["An Entry That Is Complete", "A Title Whose Abstract Was Cut Off"]),
    "misplaced.txt": ([f"{L}misplaced.txt:1: metadata line '• 3 authors' is out of place "
                       "(before any entry); ignored",
                       f"{L}misplaced.txt:5: metadata line '·' is out of place (between a title "
                       "and its abstract); ignored"],
                      ["A Paper With Misplaced Metadata"]),
    "bad_dates.txt": ([f"{L}bad_dates.txt:1: date 'Dec 45' does not exist; not used as the "
                       "listing's date",
                       f"{L}bad_dates.txt:9: date 'Jun 45' does not exist; the entry is kept "
                       "without a date",
                       f"{L}bad_dates.txt:17: date 'Foo 3, 2024' does not parse; the entry is "
                       "kept without a date",
                       f"{L}bad_dates.txt:24: date 'Jun 26, 24' does not parse; the entry is "
                       "kept without a date"],
                      ["A Paper Dated the 45th", "A Paper Dated in Foovember",
                       "A Paper With Two-Digit Year"]),
    "long_line.txt": ([f"{L}long_line.txt:3: the abstract of 'A Paper With a Huge Abstract' is "
                       "24,999 characters long, longer than any real abstract (limit 20,000); "
                       "the entry is kept without it",
                       f"{L}long_line.txt:5: line is 25,000 characters long, longer than any "
                       "real abstract (limit 20,000); skipped: '" + "x" * 60 + "'..."],
                      ["A Paper With a Huge Abstract", "A Paper After the Long Lines"]),
    "twice.txt": ([f"{L}twice.txt:17: warning: 'the same paper, twice!' is listed twice in this "
                   "listing (first at line 1); both entries are merged into one paper"],
                  ["The Same Paper Twice", "Another Paper"]),
    "bad name (2).txt": ([f"{L}bad name (2).txt: a listing's file name may hold only letters, "
                          "digits, '.', '_' and '-' (it becomes the listing page's address); "
                          "rename it; file skipped"], []),
    # Read all the same, under a title made from its name, with a warning.
    "undescribed.txt": ([f"{L}undescribed.txt: warning: not described in listings.yml: read as "
                         "'Undescribed'; describe it there under 'listings:' as "
                         "'- file: undescribed.txt' with a 'title:'"], ["An Undescribed Paper"]),
    "notes.md": ([f"{L}notes.md: warning: not a listing (listings end in .txt); ignored"], []),
    "folder": ([f"{L}folder: warning: a folder: listings are files directly in "
                "content/listings; ignored"], []),
}
MISSING = "content/listings.yml:27: listing file content/listings/missing.txt not found"
SUMMARY = ("11 listings read, 19 entries, 18 papers, 0 cross-listed, 2 themes, "
           "23 problems (15 errors)")


def survey(*args, cwd):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def project(folder: Path, content: Path) -> Path:
    """A project to build: the site's configuration and theme, and ``content``."""
    shutil.copy(ROOT / "mkdocs.yml", folder)
    shutil.copytree(ROOT / "overrides", folder / "overrides")
    shutil.copytree(content, folder / "content", symlinks=True)
    (folder / "generated").mkdir()
    return folder


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    root = project(tmp_path_factory.mktemp("bad"), BAD)
    run = survey("build", cwd=root)
    data = json.loads((root / "site" / "data" / "papers.json").read_text(encoding="utf-8"))
    return {"root": root, "run": run, "data": data}


def test_every_file_of_the_fixture_is_a_case():
    assert sorted(p.name for p in (BAD / "listings").iterdir() if not p.name.startswith(".")) \
        == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_listing_gets_its_message_and_keeps_its_papers(bad, name):
    messages, titles = CASES[name]
    reported = [line for line in bad["run"].stderr.splitlines()
                if line.startswith(f"{L}{name}:")]
    assert reported == messages
    published = [p["title"] for p in bad["data"]["papers"]
                 if any(s["listing"] == name for s in p["listings"])]
    assert published == titles


def test_the_build_goes_on_and_reports_nothing_else(bad):
    run = bad["run"]
    assert run.returncode == 0, run.stderr  # only the input data had problems
    assert "Traceback" not in run.stderr
    expected = [m for messages, _ in CASES.values() for m in messages] + [MISSING]
    assert sorted(run.stderr.splitlines()) == sorted(expected)
    assert run.stdout == f"{SUMMARY}; site written to site\n"


def test_no_entry_is_lost(bad):
    papers = bad["data"]["papers"]
    # Every entry read is a source of a paper in the site, at its own line.
    sources = [(s["listing"], s["line"]) for p in papers for s in p["listings"]]
    assert len(sources) == len(set(sources)) == 19
    assert sorted(p["title"] for p in papers) == sorted(t for _, ts in CASES.values() for t in ts)
    twice = next(p for p in papers if p["title"] == "The Same Paper Twice")
    assert twice["listings"] == [{"listing": "twice.txt", "line": 1},
                                 {"listing": "twice.txt", "line": 17}]
    for paper in papers:
        assert (bad["root"] / "site" / paper["url"] / "index.html").is_file()
    # Files that give no entries have no listing page.
    assert sorted(l["file"] for l in bad["data"]["listings"]) == sorted(
        name for name, (_, titles) in CASES.items() if titles)


def test_metadata_read_despite_the_damage(bad):
    papers = {p["title"]: p for p in bad["data"]["papers"]}
    assert (papers["A Title with a Tab"]["abstract"]
            == "An abstract with two spaces, tabs and trailing white space.")
    assert (papers["A Title with a Tab"]["date"], papers["A Title with a Tab"]["upvotes"],
            papers["A Title with a Tab"]["authors"]) == ("2025-06-26", 2, 3)
    assert papers["A Paper Dated in Foovember"]["date"] is None
    assert papers["A Paper Dated in Foovember"]["authors"] == 1
    assert papers["A Paper With a Huge Abstract"]["abstract"] == ""
    assert papers["A Title Whose Abstract Was Cut Off"]["abstract"] == ""
    assert papers["Café Networks – a “quoted” title"]["abstract"] == (
        "An abstract in Windows-1252 – with dashes and é.")


def test_strict_fails_on_any_problem_without_a_traceback(bad):
    run = survey("build", "--strict", cwd=bad["root"])
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-1] == "survey: --strict: 23 problems in the content (above)"
    assert run.stdout == f"{SUMMARY}; site written to site\n"


def test_check_exits_1_on_errors(bad):
    run = survey("check", "--content", "content", cwd=bad["root"])
    assert run.returncode == 1
    assert run.stdout.startswith(SUMMARY + "\n")


# The same cases at the reader's own level.

def records(text: str):
    parsed = parse_listing(text, "listing.txt", 2025)
    return [(e.source.line, e.title, e.abstract, e.author_count, e.organization, e.date, e.upvotes)
            for e in parsed.entries], [str(p) for p in parsed.problems]


def test_a_windows_dump_reads_as_the_clean_one():
    clean = ("Title One\n\nIts abstract, in words.\n\n  • 3 authors\n·\nJun 26 2\n\n"
             "Title Two\n\nAbstract two.\n")
    windows = ("\ufeff" + clean.replace("\n", "  \t\r\n").replace("  • ", "\t• ")
               .replace("in words", "in\twords")).encode("utf-8")
    text, problems = decode(windows, "listing.txt")
    assert problems == []
    assert records(text) == records(clean)
    assert records(clean)[1] == []


def test_old_mac_line_endings_keep_line_numbers():
    text, _ = decode(b"Title\r\rAbstract.\r", "listing.txt")
    assert records(text)[0][0][:3] == (1, "Title", "Abstract.")
    entries, _ = records("Title\n\nAbstract\u2028with a line separator.\x0cAnd a form feed."
                         "\n\nNext\n\nIts abstract.")
    assert [(e[0], e[2]) for e in entries] == [
        (1, "Abstract with a line separator. And a form feed."), (5, "Its abstract.")]


def test_utf16_without_a_byte_order_mark_is_refused():
    text, problems = decode("Title\nAbstract\n".encode("utf-16-le"), "x.txt")
    assert text is None
    assert [str(p) for p in problems] == [
        "x.txt: not a text file: it holds NUL bytes (binary data, or UTF-16 text without a "
        "byte-order mark); file skipped"]


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1():
    text, problems = decode(b"Title\nAbstract \x81 with \xe9\n", "x.txt")
    assert text == "Title\nAbstract  with \xe9\n"  # U+0081 is a control character: removed
    assert [str(p) for p in problems] == [
        "x.txt:2: warning: file is not UTF-8 (first bad byte 0x81); read as Latin-1",
        "x.txt:2: warning: 1 control character removed (the first, U+0081, on this line)"]


def test_a_missing_or_unreadable_listing_file(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / "listings" / "b.txt").unlink()
    (content / "listings" / "b.txt").symlink_to(tmp_path / "nowhere.txt")
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert run.stderr.splitlines() == [
        "content/listings/b.txt: cannot be read (No such file or directory); file skipped",
        # The override names a paper only b.txt has: reported, not a crash.
        "content/themes.yml:19: override names unknown paper id 'sparse-model-soups'"]
    assert run.stdout.startswith("1 listing read, 2 entries, 2 papers, ")


@pytest.mark.parametrize("file, text, message", [
    ("survey.yml", "- a list\n",
     "content/survey.yml: expected a mapping with a 'title' and a 'description'; ignored"),
    ("survey.yml", "title: [not, text]\ndescription: A survey.\n",
     "content/survey.yml:1: 'title' must be text, not a list"),
])
def test_curated_files_of_the_wrong_shape_are_reported(tmp_path, file, text, message):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / file).write_text(text)
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert run.stderr.splitlines() == [message]
    assert run.returncode == 1


@pytest.mark.parametrize("file", ["survey.yml", "themes.yml", "listings.yml"])
def test_a_lone_surrogate_in_a_curated_file_is_a_message_not_a_crash(tmp_path, file):
    # YAML's "\ud800" escape makes a string no page can be written in.
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / file).write_text((content / file).read_text() + 'extra: "x \\ud800"\n')
    run = survey("check", "--content", "content", cwd=tmp_path)
    lines = (content / file).read_text().count("\n")
    assert run.stderr.splitlines() == [
        f"content/{file}:{lines}: not valid YAML: a lone surrogate escape (such as \"\\ud800\") "
        "is not a character",
        "survey: the content cannot be read; nothing was built"]
    assert run.returncode == 1


def test_a_listing_file_name_carrying_markup_is_refused(tmp_path):
    # The name becomes the listing page's address, written into Markdown links:
    # "x)<img ...>" would have closed a link and put an element into pages.
    name = "x)<img src=y onerror=alert(1)>.txt"
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / "listings" / name).write_text("A Paper\n\nIts abstract.\n")
    with open(content / "listings.yml", "a") as catalogue:
        catalogue.write(f"  - file: {json.dumps(name)}\n    title: Named badly\n")
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert run.stderr.splitlines() == [
        f"content/listings/{name}: a listing's file name may hold only letters, digits, '.', "
        "'_' and '-' (it becomes the listing page's address); rename it; file skipped"]
    assert run.stdout.startswith("2 listings read, 5 entries, 4 papers, ")
