"""The survey command's exact output and exit codes."""
import shutil
from pathlib import Path

from runner import survey

SMALL = Path(__file__).parent / "fixtures" / "small"


def test_check_prints_a_report():
    run = survey("check", "--content", str(SMALL))
    assert run.returncode == 0
    assert run.stderr == ""
    assert run.stdout == (
        "2 listings read, 5 entries, 4 papers, 1 cross-listed, 3 themes, 0 problems (0 errors)\n"
        "  memorization: 1 paper (25.0%)\n"
        "  domain-shift: 2 papers (50.0%)\n"
        "  other: 1 paper (25.0%)\n"
        "catch-all: 1 paper (25.0%); largest theme: 50.0%\n"
        "metadata: 0 of 4 papers have a record; 0 with an arXiv id (0.0%), 0 with author names "
        "(0.0%), 1 dated (25.0%), 0 with a venue (0.0%)\n"
        "rule hygiene: of 8 concepts, 2 match no paper and 6 exactly one; 0 phrases of the others "
        "match no paper\n"
        f"  {SMALL}/themes.yml:7: theme memorization: concept 'memoriz*' matches no paper; "
        "remove it\n"
        f"  {SMALL}/themes.yml:7: theme memorization: concept 'grokking' matches one paper only "
        "(grokking-beyond-overfitting); if it decides that paper, record a decision in "
        "reviewed.yml instead\n"
        f"  {SMALL}/themes.yml:8: theme memorization: concept 'overfitting' matches no paper; "
        "remove it\n"
        f"  {SMALL}/themes.yml:8: theme memorization: concept 'grokking' matches one paper only "
        "(grokking-beyond-overfitting); if it decides that paper, record a decision in "
        "reviewed.yml instead\n"
        f"  {SMALL}/themes.yml:12: theme domain-shift: concept 'domain generalization' matches one "
        "paper only (domain-generalization-with-style-mixing); if it decides that paper, record a "
        "decision in reviewed.yml instead\n"
        f"  {SMALL}/themes.yml:13: theme domain-shift: concept 'domain shift' matches one paper "
        "only (sparse-model-soups); if it decides that paper, record a decision in reviewed.yml "
        "instead\n"
        f"  {SMALL}/themes.yml:13: theme domain-shift: concept 'source domains' matches one paper "
        "only (domain-generalization-with-style-mixing); if it decides that paper, record a "
        "decision in reviewed.yml instead\n"
        f"  {SMALL}/themes.yml:13: theme domain-shift: concept 'feature statistics' matches one "
        "paper only (domain-generalization-with-style-mixing); if it decides that paper, record a "
        "decision in reviewed.yml instead\n"
        "review queue: 1 paper (`survey review` lists them)\n")


def test_check_reports_problems_by_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    with open(content / "listings" / "a.txt", "a") as listing:
        listing.write("\nExtra Paper\n\nIts abstract.\n\n  • 3 authors\n·\nFeb 31, 2024\n")
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr == ("content/listings/a.txt:21: date 'Feb 31, 2024' does not exist; "
                          "the entry is kept without a date\n")
    assert run.stdout.startswith(
        "2 listings read, 6 entries, 5 papers, 1 cross-listed, 3 themes, 1 problem (1 error)\n")


def test_broken_yaml_is_a_message_not_a_traceback(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / "themes.yml").write_text("themes:\n  - id: x\n    title: [unclosed\n")
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0].startswith("content/themes.yml:4: not valid YAML: ")
    assert run.stderr.splitlines()[-1] == "survey: the content cannot be read; nothing was built"


def test_explain_by_title_and_by_id():
    by_title = survey("explain", "GROKKING beyond overfitting", "--content", str(SMALL))
    by_id = survey("explain", "grokking-beyond-overfitting", "--content", str(SMALL))
    assert by_title.returncode == by_id.returncode == 0
    assert by_title.stdout == by_id.stdout == (
        "Grokking Beyond Overfitting\n"
        "  id: grokking-beyond-overfitting\n"
        "  threshold: 3 points; at most 2 themes\n"
        "memorization (primary): Memorization and grokking - 4 points\n"
        "  title contains 'grokking' (+3)\n"
        "  abstract contains 'grokking' (+1)\n")


def test_explain_unknown_paper_suggests_close_titles():
    run = survey("explain", "grokking beyond", "--content", str(SMALL))
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr == ("survey: no paper with the title or id 'grokking beyond'; "
                          "did you mean: 'Grokking Beyond Overfitting'\n")


def test_build_writes_the_site_and_a_summary(tmp_path):
    root = Path(__file__).parent.parent
    shutil.copy(root / "mkdocs.yml", tmp_path)
    shutil.copytree(root / "overrides", tmp_path / "overrides")
    shutil.copytree(SMALL, tmp_path / "content")
    (tmp_path / "generated").mkdir()
    run = survey("build", "--strict", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ("2 listings read, 5 entries, 4 papers, 1 cross-listed, 3 themes, "
                          "0 problems (0 errors); site written to site\n")
    assert (tmp_path / "site" / "papers" / "sparse-model-soups" / "index.html").is_file()
    assert not list(tmp_path.glob(".site-*"))  # the staging folder is gone


def test_new_summary_writes_a_ready_to_fill_file_once(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    run = survey("new-summary", "Grokking beyond overfitting", "--content", "content", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    path = content / "summaries" / "grokking-beyond-overfitting.md"
    assert run.stdout == f"wrote {Path('content/summaries/grokking-beyond-overfitting.md')}: " \
                         "fill it in, then run `survey check`\n"
    text = path.read_text()
    assert text.startswith("---\n# A curated summary of: Grokking Beyond Overfitting\n")
    assert "\npaper: grokking-beyond-overfitting\n" in text
    # Unfilled, it does not pass the checks.
    check = survey("check", "--content", "content", cwd=tmp_path)
    assert check.returncode == 1
    assert check.stderr == (
        "content/summaries/grokking-beyond-overfitting.md:6: replace 'Your Name' with your name\n"
        "content/summaries/grokking-beyond-overfitting.md:23: the summary still holds the "
        "template's placeholder text: write your own\n")
    again = survey("new-summary", "grokking-beyond-overfitting", "--content", "content",
                   cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr == ("survey: content/summaries/grokking-beyond-overfitting.md exists "
                            "already; edit it (survey check shows its problems)\n")
    path.write_text("---\npaper: grokking-beyond-overfitting\ncontributors: [Ada]\n---\nDone.\n")
    third = survey("new-summary", "grokking-beyond-overfitting", "--content", "content",
                   cwd=tmp_path)
    assert third.returncode == 1
    assert third.stderr == ("survey: 'Grokking Beyond Overfitting' already has a summary: "
                            "content/summaries/grokking-beyond-overfitting.md; improve that one\n")


def test_new_summary_for_an_unknown_title_suggests_close_ones(tmp_path):
    run = survey("new-summary", "Domain generalisation with style mixing", "--content", str(SMALL))
    assert run.returncode == 1
    assert run.stderr == ("survey: no paper with the title or id 'Domain generalisation with style "
                          "mixing'; did you mean: 'Domain Generalization with Style Mixing'\n")
    assert not (SMALL / "summaries").exists()


def _sized_survey(root: Path, sizes: dict[str, int]) -> Path:
    """A content folder of one listing: ``sizes[word]`` papers titled with that
    word, one theme per word (but "unclaimed", which no theme claims)."""
    content = root / "content"
    (content / "listings").mkdir(parents=True)
    (content / "survey.yml").write_text("title: Sizes\ndescription: Themes of set sizes.\n")
    (content / "listings.yml").write_text("year: 2025\nlistings:\n  - file: a.txt\n"
                                          "    title: Listing A\n")
    entries = [f"{word.title()} study {n}\n\nAn abstract.\n\n  \u2022 2 authors\n\u00b7\n"
               "Mar 3, 2024 4\n" for word, size in sizes.items() for n in range(size)]
    (content / "listings" / "a.txt").write_text("Daily Papers\n\n" + "\n".join(entries))
    themes = [f"  - id: {word}\n    title: {word.title()}\n    description: About {word}.\n"
              f"    in_title: [{word}]\n" for word in sizes if word != "unclaimed"]
    (content / "themes.yml").write_text(
        "themes:\n" + "".join(themes) + "  - id: other\n    title: Other\n"
        "    description: Papers no theme claims.\n    catch_all: true\n")
    return content


def test_a_catch_all_above_its_limit_is_a_warning_that_strict_fails_on(tmp_path):
    _sized_survey(tmp_path, {"alpha": 20, "beta": 20, "gamma": 20, "delta": 20, "epsilon": 16,
                             "unclaimed": 4})
    warning = ("content/themes.yml:22: warning: the catch-all theme 'other' holds 4 of 100 "
               "papers (4.0%), above the limit of 3% for a survey of 100 papers or more: add "
               "rules (concepts) that place its papers in the themes that fit them, or add a "
               "theme for them\n")
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (0, warning)
    assert "catch-all: 4 papers (4.0%); largest theme: 20.0%\n" in run.stdout
    strict = survey("check", "--strict", "--content", "content", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stderr == warning + "survey: --strict: 1 problem in the content, above\n"


def test_a_theme_above_its_limit_is_a_warning_that_strict_fails_on(tmp_path):
    _sized_survey(tmp_path, {"alpha": 21, "beta": 20, "gamma": 20, "delta": 20, "epsilon": 19})
    warning = ("content/themes.yml:2: warning: theme 'alpha' holds 21 of 100 papers (21.0%), "
               "above the limit of 20% for a survey of 100 papers or more: split it into "
               "sharper themes, or narrow its rules (concepts, `not` and `unless` phrases)\n")
    run = survey("check", "--content", "content", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (0, warning)
    strict = survey("check", "--strict", "--content", "content", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stderr == warning + "survey: --strict: 1 problem in the content, above\n"


def test_a_small_survey_may_have_big_themes(tmp_path):
    _sized_survey(tmp_path, {"alpha": 90, "unclaimed": 9})
    run = survey("check", "--strict", "--content", "content", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (0, "")
    assert "catch-all: 9 papers (9.1%); largest theme: 90.9%\n" in run.stdout


def test_build_strict_fails_on_a_theme_above_its_limit(tmp_path):
    root = Path(__file__).parent.parent
    shutil.copy(root / "mkdocs.yml", tmp_path)
    shutil.copytree(root / "overrides", tmp_path / "overrides")
    (tmp_path / "generated").mkdir()
    _sized_survey(tmp_path, {"alpha": 21, "beta": 20, "gamma": 20, "delta": 20, "epsilon": 19})
    run = survey("build", "--strict", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr == (
        "content/themes.yml:2: warning: theme 'alpha' holds 21 of 100 papers (21.0%), above the "
        "limit of 20% for a survey of 100 papers or more: split it into sharper themes, or narrow "
        "its rules (concepts, `not` and `unless` phrases)\n"
        "survey: the build failed (--strict: 1 problem in the content, above); site is left as "
        "it was\n")
    assert not (tmp_path / "site").exists()
