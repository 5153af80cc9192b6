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
from runner import survey

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


def project(folder: Path, content: Path) -> Path:
    """A project to build: the site's configuration and theme, and ``content``."""
    shutil.copy(ROOT / "tests" / "seed" / "mkdocs.yml", folder)
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
    assert run.stderr.splitlines()[-1] == ("survey: the build failed (--strict: 23 problems in the "
                                           "content, above); site is left as it was")
    assert run.stdout == f"{SUMMARY}; no site written\n"  # the last site stays


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


# -- hostile files: each protection has a test that fails without it -----------------------

def small_project(tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    return content


def check_run(tmp_path, timeout=60):
    run = survey("check", "--content", "content", cwd=tmp_path) if timeout is None else \
        subprocess.run([sys.executable, "-m", "generator", "check", "--content", "content"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert "Traceback" not in run.stderr, run.stderr
    return run


BOMB = "".join(
    [f"a0: &a0 [{', '.join(['lol'] * 9)}]\n"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)])


def test_a_yaml_bomb_is_refused_with_a_message(tmp_path):
    content = small_project(tmp_path)
    (content / "listings.yml").write_text((content / "listings.yml").read_text() + BOMB)
    run = check_run(tmp_path)
    assert run.stderr.splitlines() == [
        "content/listings.yml: not read: its aliases (*name) expand it to 490,329,078 values, "
        "more than 10,000 beyond its own (a \"billion laughs\" YAML bomb?); write the values out",
        "survey: the content cannot be read; nothing was built"]
    assert run.returncode == 1


def test_an_alias_loop_is_refused(tmp_path):
    content = small_project(tmp_path)
    (content / "survey.yml").write_text((content / "survey.yml").read_text()
                                        + "loop: &x [1, *x]\n")
    run = check_run(tmp_path)
    assert run.stderr.splitlines()[0] == (
        "content/survey.yml:3: not valid content: an alias (*name) stands inside the value it "
        "names, a loop")


def test_a_control_character_in_a_yaml_file_is_named_with_its_line(tmp_path):
    content = small_project(tmp_path)
    survey_yml = content / "survey.yml"
    lines = survey_yml.read_text().count("\n")
    survey_yml.write_text(survey_yml.read_text() + 'note: "bell\x07"\n')
    run = check_run(tmp_path)
    assert run.stderr.splitlines() == [
        f"content/survey.yml:{lines + 1}: not valid YAML: character U+0007 is not allowed in a "
        "YAML file: remove it (in a double-quoted value, write it as \\u0007)",
        "survey: the content cannot be read; nothing was built"]
    assert run.returncode == 1


def test_aliases_within_limits_are_fine():
    from generator.yamlfile import load_yaml
    data = load_yaml("a: &x [one, two]\nb: *x\nc: *x\n", "f.yml")
    assert data["b"] == data["c"] == ["one", "two"]


def test_a_listing_that_is_a_named_pipe_does_not_hang_the_build(tmp_path):
    content = small_project(tmp_path)
    (content / "listings" / "b.txt").unlink()
    os.mkfifo(content / "listings" / "b.txt")
    run = check_run(tmp_path, timeout=60)  # a blocking open would wait for a writer forever
    assert run.stderr.splitlines()[0] == (
        "content/listings/b.txt: a named pipe (FIFO), not a regular file: not read; file skipped")
    assert run.stdout.startswith("1 listing read, 2 entries, 2 papers, ")


def test_a_listing_that_links_to_dev_zero_is_refused(tmp_path):
    content = small_project(tmp_path)
    (content / "listings" / "b.txt").unlink()
    (content / "listings" / "b.txt").symlink_to("/dev/zero")
    run = check_run(tmp_path, timeout=60)
    assert run.stderr.splitlines()[0] == (
        "content/listings/b.txt: a symbolic link to a file outside the content folder: not read, "
        "so nothing from elsewhere is published; copy the file in instead; file skipped")


def test_devices_are_never_read_even_inside_the_content():
    from generator.files import read_limited
    assert read_limited(Path("/dev/zero"), 1000) == (
        None, "a device, not a regular file: not read")


def test_a_huge_listing_is_refused_by_its_size(tmp_path):
    from generator.content import LISTING_MAX
    content = small_project(tmp_path)
    with open(content / "listings" / "b.txt", "r+b") as dump:
        dump.truncate(LISTING_MAX + 1)  # sparse: costs no disk
    run = check_run(tmp_path)
    assert run.stderr.splitlines()[0] == (
        "content/listings/b.txt: larger than 16 MB, the limit for this kind of file: not read; "
        "is it the right file? (split a listing dump into several files); file skipped")


def test_a_huge_yaml_file_is_refused_by_its_size(tmp_path):
    content = small_project(tmp_path)
    (content / "themes.yml").write_text("# " + "x" * (1024 * 1024) + "\n")
    run = check_run(tmp_path)
    assert run.stderr.splitlines()[0].startswith("content/themes.yml: larger than 1 MB")


def test_a_listing_linking_to_a_secret_outside_the_content_is_never_published(tmp_path):
    content = small_project(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret Title\n\nThe secret abstract, which must not be published.\n")
    (content / "listings" / "b.txt").unlink()
    (content / "listings" / "b.txt").symlink_to(secret)
    from generator.build import read_corpus as read_content
    corpus = read_content(content)
    assert not [p for p in corpus.papers if "Secret" in p.title]
    assert any("outside the content folder" in p.message and p.is_error for p in corpus.problems)


def test_a_link_inside_the_content_is_read(tmp_path):
    content = small_project(tmp_path)
    (content / "listings" / "b.txt").rename(content / "b-original.txt")
    (content / "listings" / "b.txt").symlink_to(content / "b-original.txt")
    from generator.build import read_corpus as read_content
    corpus = read_content(content)
    assert corpus.problems == ()
    assert sum(len(l.entries) for l in corpus.listings) == 5


SUMMARY_DOC = ("---\npaper: grokking-beyond-overfitting\ncontributors: [Ada]\n---\n"
           "A summary in a contributor's words. It has two sentences.\n")


def test_summaries_outside_the_content_in_subfolders_or_not_files_are_not_used(tmp_path):
    from generator.build import read_corpus as read_content
    content = small_project(tmp_path)
    folder = content / "summaries"
    (folder / "drafts").mkdir(parents=True)
    (folder / "drafts" / "grokking-beyond-overfitting.md").write_text(SUMMARY_DOC)
    outside = tmp_path / "elsewhere.md"
    outside.write_text(SUMMARY_DOC.replace("Ada", "Mallory"))
    (folder / "grokking-beyond-overfitting.md").symlink_to(outside)
    os.mkfifo(folder / "pipe.md")
    os.chdir(tmp_path)
    try:
        corpus = read_content(Path("content"))
    finally:
        os.chdir(ROOT)
    assert corpus.summaries == {}
    assert sorted(str(p) for p in corpus.problems) == [
        "content/summaries/drafts/grokking-beyond-overfitting.md: warning: not read: summaries "
        "are read only directly in content/summaries; move it there",
        "content/summaries/grokking-beyond-overfitting.md: a symbolic link to a file outside "
        "the content folder: not read, so nothing from elsewhere is published; copy the file in "
        "instead; not used",
        "content/summaries/pipe.md: a named pipe (FIFO), not a regular file: not read; not used"]


def test_the_attribute_list_check_is_linear():
    # 300 KB of "{" and letters made one pattern backtrack for minutes.
    import time

    from generator.summaries import check_body, has_attribute_list
    for line in ("{a" * 150_000, "{" + "a" * 300_000, "{ " + "a " * 150_000,
                 ("{" + "a" * 50 + " ") * 6_000):
        start = time.perf_counter()
        assert not has_attribute_list(line)
        check_body(line[:5_000], "x.md", 5)
        assert time.perf_counter() - start < 1.0
    assert has_attribute_list("x {: .cls }") and has_attribute_list("x { #id }")
    assert has_attribute_list("x { onclick=alert(1) }") and not has_attribute_list("{x} = 1")


def test_names_the_site_takes_for_its_own_pages(tmp_path):
    from generator.build import read_corpus as read_content
    content = small_project(tmp_path)
    for name in ("index.txt", "README.txt"):
        (content / "listings" / name).write_text(f"A Paper From {name}\n\nIts abstract.\n")
    os.chdir(tmp_path)
    try:
        corpus = read_content(Path("content"))
    finally:
        os.chdir(ROOT)
    ids = sorted(l.id for l in corpus.listings)
    assert ids == ["README-listing", "a", "b", "index-listing"]
    assert ("content/listings/index.txt: warning: the name 'index' is the site's own page of all "
            "listings: published as index-listing; rename the file") in map(str, corpus.problems)


def test_listing_names_differing_only_in_case_do_not_share_a_page(tmp_path):
    from generator.build import read_corpus as read_content
    content = small_project(tmp_path)
    (content / "listings" / "A.txt").write_text("Another Paper Entirely\n\nIts abstract.\n")
    corpus = read_content(content)
    assert sorted(l.id for l in corpus.listings) == ["A", "b"]
    assert any("only in letter case" in p.message for p in corpus.problems)


@pytest.mark.parametrize("titles", [
    # equal but for punctuation the reader keeps apart, a long shared prefix,
    # names that differ only in "+" and "#", titles that make no slug at all
    ["C for Learning", "C++ for Learning", "C# for Learning"],
    ["A" * 40 + " very long shared beginning " + "B" * 40 + " one",
     "A" * 40 + " very long shared beginning " + "B" * 40 + " two"],
    ["!!!", "???", "Index", "README", "Paper"],
])
def test_colliding_slugs_get_distinct_addresses(titles):
    from generator.merge import merge
    from generator.model import Entry, SourceLine
    entries = [Entry(SourceLine("l.txt", i), t, "An abstract.") for i, t in enumerate(titles)]
    papers, _ = merge(entries, {"l.txt": "l.txt"})
    ids = [p.id for p in papers]
    assert len(papers) == len(titles)
    assert len({i.casefold() for i in ids}) == len(ids)
    assert not {i.casefold() for i in ids} & {"index", "readme", "paper"}


def test_a_3000_character_title_stays_in_its_place():
    parsed = parse_listing("T" * 3000 + "\n\nIts abstract.\n\nNext Paper\n\nNext abstract.\n",
                           "listing.txt", 2025)
    assert [(e.title[:4], e.abstract) for e in parsed.entries] == [
        ("TTTT", "Its abstract."), ("Next", "Next abstract.")]
    assert [str(p) for p in parsed.problems] == [
        "listing.txt:1: warning: a 3,000-character title (no real title is over 300): kept as "
        "written; is it the title?"]


@pytest.mark.parametrize("text, message", [
    ("title: Scaling: A Study\ndescription: x\n",
     "content/survey.yml:1: not valid YAML: mapping values are not allowed here; a value "
     "holding ': ' must be in quotes: write title: \"Scaling: A Study\""),
    ("title: x\ndescription:\n\tindented with a tab\n",
     "content/survey.yml:3: not valid YAML: found character '\\t' that cannot start any token; "
     "indent with spaces: YAML does not allow tabs there"),
    ("title: @handle\ndescription: x\n",
     "content/survey.yml:1: not valid YAML: found character '@' that cannot start any token; "
     "put the value in quotes"),
])
def test_yaml_mistakes_get_their_fix(tmp_path, text, message):
    content = small_project(tmp_path)
    (content / "survey.yml").write_text(text)
    run = check_run(tmp_path)
    assert run.stderr.splitlines()[0] == message


def test_deep_nesting_is_a_message(tmp_path):
    content = small_project(tmp_path)
    (content / "survey.yml").write_text("title: " + "[" * 5000 + "\n")
    run = check_run(tmp_path)
    assert run.stderr.splitlines()[0].startswith("content/survey.yml")
    assert run.returncode == 1


def test_one_problem_is_one_problem(tmp_path):
    root = project(tmp_path, SMALL)
    survey_yml = root / "content" / "survey.yml"
    survey_yml.write_text(survey_yml.read_text().replace("title:", "titel:"))
    run = survey("build", "--strict", cwd=root)
    assert run.returncode == 1
    assert "1 problems" not in run.stderr + run.stdout
    assert "--strict: 1 problem in the content" in run.stderr.splitlines()[-1]


def test_a_newer_layout_dump_gives_papers_with_names_and_dates(tmp_path):
    """The dump the newer pages give: papers with their author names and
    dates; never a paper titled after the page's furniture."""
    import yaml

    from generator.build import read_corpus as read_content
    golden = Path(__file__).parent / "golden" / "parse" / "layout_d_cards_leading.yml"
    content = small_project(tmp_path)
    (content / "listings" / "c.txt").write_text(yaml.safe_load(golden.read_text())["input"])
    with open(content / "listings.yml", "a") as catalogue:
        catalogue.write("  - file: c.txt\n    title: Newer cards\n")
    corpus = read_content(content)
    assert corpus.problems == ()
    papers = {p.title: p for p in corpus.papers}
    grok = papers["Where to Find Grokking in LLM Pretraining?"]
    assert grok.author_names == ("Li Wei", "Zhang San") and grok.authors_known == 2
    assert str(grok.date) == "2024-06-26" and grok.upvotes == 1204
    furniture = ("Submitted by", "Upvote", "Published on", "GitHub", "akhaliq", "42")
    assert not [t for t in papers if t.startswith(furniture) or t[0].isdigit()]


def test_a_one_card_dump_of_an_unknown_layout_is_refused(tmp_path):
    # One title, then lines the reader cannot place: before, this published a
    # paper titled "View PDF" with 0 problems.
    content = small_project(tmp_path)
    (content / "listings" / "b.txt").write_text(
        "A Real Title\nView PDF\nAdd to collection\nView PDF\nAdd to collection\n"
        "View PDF\nAdd to collection\n")
    from generator.build import read_corpus as read_content
    corpus = read_content(content)
    assert [l.file for l in corpus.listings] == ["a.txt"]
    refusal = [p for p in corpus.problems if "refused" in p.message]
    assert len(refusal) == 1 and refusal[0].is_error and refusal[0].line == 3
    assert "(lines 3, 5, 7)" in refusal[0].message


@pytest.mark.parametrize("body", ["[" * 300_000, "*a" * 150_000, "[a](" * 75_000])
def test_a_hostile_long_summary_is_refused_quickly(body):
    # Markdown parsing of such text grows faster than its length (15 s for
    # 300 KB of "["): a body over the limit is refused before it is parsed.
    import time

    from generator.summaries import check_body
    start = time.perf_counter()
    problems, html, teaser = check_body(body, "x.md", 5)
    assert time.perf_counter() - start < 2.0
    assert [str(p) for p in problems] == [
        f"x.md:5: the summary is {len(body):,} characters long; keep it under 4,000"]
    assert (html, teaser) == ("", "")


def test_a_dump_of_a_million_lines_is_refused_quickly():
    import time
    start = time.perf_counter()
    parsed = parse_listing("a\n" * 1_000_000, "listing.txt", 2025)
    assert time.perf_counter() - start < 5.0  # read line by line, it took 22 s
    assert parsed.entries == []
    assert [str(p) for p in parsed.problems] == [
        "listing.txt: 1,000,000 lines, more than any listing page shows (limit 100,000): not "
        "read; is it a listing dump? (split a long one into several files)"]


def test_thousands_of_problems_in_one_file_are_counted_not_listed():
    parsed = parse_listing("Title\n\nAbstract.\n\n" + "42\n" * 5_000, "listing.txt", 2025)
    shown = [str(p) for p in parsed.problems]
    assert len(shown) == 101
    assert shown[0] == "listing.txt:5: a number alone ('42') cannot be placed; ignored"
    assert shown[-1] == "listing.txt: ... and 4,900 more problems in this file, not shown"
    assert [e.title for e in parsed.entries] == ["Title"]


def test_a_renamed_listing_page_does_not_take_another_listings_page(tmp_path):
    from generator.build import read_corpus as read_content
    content = small_project(tmp_path)
    (content / "listings" / "index-listing.txt").write_text("One Paper\n\nIts abstract.\n")
    (content / "listings" / "index.txt").write_text("Another Paper\n\nIts abstract.\n")
    corpus = read_content(content)
    assert sorted(l.id for l in corpus.listings) == ["a", "b", "index-listing"]
    assert any(p.message == "would be published at listings/index-listing, where "
               "'index-listing.txt' is: rename it; file skipped" for p in corpus.problems)
