"""Curated summaries: each invalid case's exact message, and a valid one on the site."""
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.build import read_corpus
from generator.model import TextFile
from generator.summaries import read_summaries, read_summary

SMALL = Path(__file__).parent / "fixtures" / "small"
GROK = "grokking-beyond-overfitting"


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(SMALL)


def check(corpus, text, path="summaries/x.md"):
    summary, problems = read_summary(text, path, list(corpus.papers), corpus.taxonomy)
    return summary, [str(p) for p in problems]


def doc(front: str, body: str = "A short summary. It has two sentences.") -> str:
    return f"---\n{front}---\n{body}\n"


VALID = "paper: grokking-beyond-overfitting\ncontributors: [Ada]\n"


def test_a_valid_summary(corpus):
    summary, problems = check(corpus, doc(VALID + "key_points: [One point.]\n"
                                          "arxiv: \"2201.02177\"\n"
                                          "authors: [A. Power, Y. Burda]\n"))
    assert problems == []
    assert summary.paper_id == GROK and summary.contributors == ("Ada",)
    assert summary.teaser == "A short summary."
    assert summary.body_html == "<p>A short summary. It has two sentences.</p>\n"


@pytest.mark.parametrize("front, body, expected", [
    ("paper: grokking beyond overfit\ncontributors: [Ada]\n", None,
     "summaries/x.md:2: no paper with the id or title 'grokking beyond overfit'; "
     "did you mean: 'Grokking Beyond Overfitting'"),
    ("paper: [unclosed\ncontributors: [Ada]\n", None,
     "summaries/x.md:3: not valid YAML: expected ',' or ']', but got ':'"),
    ("paper: grokking-beyond-overfitting\n", None,
     "summaries/x.md:2: missing 'contributors' (your name, or a list of names)"),
    (VALID + "themes: {add: [no-such-theme]}\n", None,
     "summaries/x.md:4: unknown theme id 'no-such-theme'; known themes: domain-shift, "
     "memorization, other"),
    (VALID + "themes: {primary: [memorization]}\n", None,
     "summaries/x.md:4: themes: 'primary' must be text, not a list"),
    (VALID + "themes: {remove: memorization}\n", None,
     "summaries/x.md:4: removing every theme would leave the paper with none: add or set a "
     "primary theme too"),
    (VALID + "arxiv: 1706.02410\n", None,
     "summaries/x.md:4: put the arXiv id in quotes: arxiv: \"1706.02410\" (unquoted, YAML reads it "
     "as the number 1706.0241 and may change it)"),
    # The id as written is kept, whatever YAML makes of it: here the final zero.
    (VALID + "arxiv: 2401.01230\n", None,
     "summaries/x.md:4: put the arXiv id in quotes: arxiv: \"2401.01230\" (unquoted, YAML reads it "
     "as the number 2401.0123 and may change it)"),
    (VALID + "titel: x\n", None,
     "summaries/x.md:4: unknown key 'titel' (the keys are: paper, contributors, themes, "
     "key_points, arxiv, authors, venue, code)"),
    (VALID + "contributor: [Bo]\n", None,
     "summaries/x.md:4: unknown key 'contributor'; did you mean 'contributors'? (the keys are: "
     "paper, contributors, themes, key_points, arxiv, authors, venue, code)"),
    (VALID + "themes: {ad: [memorization]}\n", None,
     "summaries/x.md:4: themes: unknown key 'ad'; did you mean 'add'? (the keys are: add, remove, "
     "primary)"),
    # A title with a colon: the fix, not only the parser's complaint.
    ("paper: Grokking: Beyond Overfitting\ncontributors: [Ada]\n", None,
     "summaries/x.md:2: not valid YAML: mapping values are not allowed here; a value holding "
     "': ' must be in quotes: write paper: \"Grokking: Beyond Overfitting\""),
    (VALID + "contributors: [Bo]\n", None,
     "summaries/x.md:4: key 'contributors' is given twice (also at line 3); only this one is "
     "used: remove one"),
    (VALID + "code: javascript:alert(1)\n", None,
     "summaries/x.md:4: code link 'javascript:alert(1)' must be an http(s) URL"),
    (VALID + "reviewer: me\n", None,
     "summaries/x.md:4: unknown key 'reviewer' (the keys are: paper, contributors, themes, "
     "key_points, arxiv, authors, venue, code)"),
    (VALID, "Text with <b>bold</b> HTML.",
     "summaries/x.md:5: raw HTML is not allowed: '<b>'; write **bold** instead"),
    (VALID, "Text with <i>slanted</i> HTML.",
     "summaries/x.md:5: raw HTML is not allowed: '<i>'; write *italic* instead"),
    # A link on the third line of a paragraph is reported at that line.
    (VALID, "First line of a paragraph,\nits second line,\nand [a bad link](javascript:x) here.",
     "summaries/x.md:7: link 'javascript:x' is not allowed: links must be http(s) URLs"),
    (VALID, "One line,\n<b>then HTML</b> on the second.",
     "summaries/x.md:6: raw HTML is not allowed: '<b>'; write **bold** instead"),
    (VALID, "Intro.\n\n<script>alert(1)</script>",
     "summaries/x.md:7: raw HTML is not allowed: '<script>alert(1)</script>'; "
     "write plain Markdown"),
    (VALID, "See [this](javascript:alert(1)).",
     "summaries/x.md:5: link 'javascript:alert(1)' is not allowed: links must be http(s) URLs"),
    (VALID, "See [this](https:no-host).",
     "summaries/x.md:5: link 'https:no-host' is not allowed: links must be http(s) URLs"),
    (VALID, "Look: ![chart](https://tracker.example/pixel.png)",
     "summaries/x.md:5: image 'https://tracker.example/pixel.png' is not allowed: summaries cannot "
     "show images, least of all from other hosts"),
    (VALID, "A paragraph.\n{: onclick=\"alert(1)\" }",
     "summaries/x.md:6: attribute lists ({: ...} or { #id ... }) are not allowed: "
     "write plain Markdown"),
    (VALID, "A heading { #id onclick=alert(1) }",
     "summaries/x.md:5: attribute lists ({: ...} or { #id ... }) are not allowed: "
     "write plain Markdown"),
    (VALID, "x" * 4001,
     "summaries/x.md:5: the summary is 4,002 characters long; keep it under 4,000"),
    (VALID, "",
     "summaries/x.md:5: the summary has no text below the front matter"),
    ("paper: grokking-beyond-overfitting\ncontributors: [Your Name]\n", None,
     "summaries/x.md:3: replace 'Your Name' with your name"),
])
def test_invalid_summaries(corpus, front, body, expected):
    text = doc(front) if body is None else doc(front, body)
    summary, problems = check(corpus, text)
    assert summary is None
    assert problems == [expected]


def test_no_front_matter(corpus):
    assert check(corpus, "Just text.\n")[1] == [
        "summaries/x.md:1: a summary starts with '---' and YAML front matter "
        "(run `survey new-summary` for a ready-to-fill file)"]


def test_braces_in_inline_code_are_not_attribute_lists(corpus):
    summary, problems = check(corpus, doc(VALID, "The update `{x = 0}` is shown as code."))
    assert problems == [] and "<code>{x = 0}</code>" in summary.body_html


def folder_with(tmp_path, files: dict) -> list[TextFile]:
    return [TextFile(f"summaries/{name}", name[:-3], text) for name, text in files.items()]


def test_two_summaries_for_one_paper(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    by_title = doc("paper: Grokking Beyond Overfitting\ncontributors: [Bo]\n")
    folder = folder_with(tmp_path, {"a-copy.md": by_title, f"{GROK}.md": doc(VALID)})
    found, problems = read_summaries(folder, list(corpus.papers), corpus.taxonomy)
    assert found[GROK].contributors == ("Ada",)
    assert [str(p) for p in problems] == [
        "summaries/a-copy.md:2: paper 'grokking-beyond-overfitting' already has a summary in "
        "summaries/grokking-beyond-overfitting.md; merge the two into one file"]


def test_a_summary_file_must_be_named_after_its_paper(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = folder_with(tmp_path, {"my-notes.md": doc(VALID)})
    found, problems = read_summaries(folder, list(corpus.papers), corpus.taxonomy)
    assert found == {}
    assert [str(p) for p in problems] == [
        "summaries/my-notes.md: rename this file to grokking-beyond-overfitting.md, "
        "the id of the paper it summarises"]


def test_summary_theme_changes_apply(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / "summaries").mkdir()
    (content / "summaries" / f"{GROK}.md").write_text(doc(
        "paper: grokking-beyond-overfitting\ncontributors: [Ada]\n"
        "themes: {add: [domain-shift], primary: domain-shift}\n"))
    corpus = read_corpus(content)
    paper = next(p for p in corpus.papers if p.id == GROK)
    assert (paper.themes == ("domain-shift", "memorization")
            and paper.primary_theme == "domain-shift")


# On the built seed site, which ships real summaries.

def test_summary_on_paper_page_theme_page_and_summaries_page(built_site):
    data = json.loads((built_site["site"] / "data" / "papers.json").read_text())
    summarised = [p for p in data["papers"] if p["summary"]]
    assert len(summarised) >= 12
    assert len({p["primary_theme"] for p in summarised}) >= 6
    paper = summarised[0]
    html = (built_site["site"] / paper["url"] / "index.html").read_text()
    assert html.index('id="curated-summary"') < html.index('id="abstract"')
    assert "Written by " + ", ".join(paper["summary"]["contributors"]) in html
    theme = next(t for t in data["themes"] if t["id"] == paper["primary_theme"])
    theme_html = (built_site["site"] / theme["url"] / "index.html").read_text()
    item = theme_html[theme_html.index(f'papers/{paper["id"]}/'):]
    item = item[: item.index("</li>")]
    assert "curated summary" in item
    assert paper["summary"]["teaser"].split()[0] in item
    listing = (built_site["site"] / "summaries" / "index.html").read_text()
    assert all(f'papers/{p["id"]}/' in listing for p in summarised)


def test_editor_links(built_site):
    data = json.loads((built_site["site"] / "data" / "papers.json").read_text())
    with_summary = next(p for p in data["papers"] if p["summary"])
    without = next(p for p in data["papers"] if not p["summary"])
    html = (built_site["site"] / without["url"] / "index.html").read_text()
    link = re.search(r'href="(https://github\.com/[^"]+/new/main/content/summaries\?[^"]+)"', html)
    assert link and f"filename={without['id']}.md" in link.group(1)
    assert "value=---%0A" in link.group(1)  # pre-filled with the template
    html = (built_site["site"] / with_summary["url"] / "index.html").read_text()
    assert f'/edit/main/content/summaries/{with_summary["id"]}.md"' in html


def test_a_page_names_its_summary_file_not_the_folder_it_was_built_from(tmp_path, monkeypatch):
    from generator.build import generate
    seed = Path(__file__).parent / "seed" / "content"
    monkeypatch.chdir(tmp_path)  # a build started from elsewhere (mkdocs build -f ...)
    corpus = generate(seed, tmp_path / "docs").corpus
    summary = next(s for s in corpus.summaries.values() if s.arxiv or s.authors or s.venue or s.code)
    assert summary.file.startswith("..")  # messages name it from the working folder
    paper = next(p for p in corpus.papers if p.id == summary.paper_id)
    page = (tmp_path / "docs" / "papers" / f"{paper.id}.md").read_text()
    line = next(l for l in page.splitlines() if "Facts from the curated summary" in l)
    assert line == f"<li>Facts from the curated summary: <code>{Path(summary.file).name}</code></li>"
