"""The offline link checker, on small hand-made sites and on the seed site."""
import subprocess
import sys
from pathlib import Path

import pytest

from generator.linkcheck import Finding, base_path_of, check_site

ROOT = Path(__file__).resolve().parent.parent


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def home(body: str) -> str:
    """A home page with the heading that the other pages of GOOD link to."""
    return page('<h1 id="intro">Intro</h1>' + body)


def make_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


GOOD = {
    "index.html": page(
        '<h1 id="intro">Intro</h1>'
        '<a href="about/">About</a> <a href="about/#team">Team</a> <a href="about">About</a>'
        '<a href="#intro">Intro</a> <a href="#">Top</a> <a href="">Here</a>'
        '<a href="?q=x">Query</a>'
        '<a href="about/index.html#old-name">Old</a> <a href="papers/a%20b/">Spaced</a>'
        '<a href="/about/">Root-relative</a> <a href="/">Home</a>'
        '<a href="https://example.org/x#y">External</a> <a href="http://example.org">Plain</a>'
        '<a href="mailto:a@example.org">Mail</a>'
        ' <a href="//cdn.example.org/x.js">Protocol-relative</a>'
        '<img src="data:image/png;base64,AAAA"> <img src="assets/logo.png">'
        '<script src="assets/app.js"></script>',
        head='<link rel="stylesheet" href="assets/style.css"><link rel="canonical" href="https://example.org/">'),
    "about/index.html": page(
        '<section id="team"><a name="old-name"></a><a href="../">Home</a>'
        '<a href="../index.html#intro">Intro</a> <a href="../assets/style.css">CSS</a></section>'),
    "papers/a b/index.html": page('<a href="../../">Home</a>'),
    "assets/style.css": "body {}",
    "assets/app.js": "",
    "assets/logo.png": "",
}


def test_a_good_site_has_no_findings(tmp_path):
    assert check_site(make_site(tmp_path, GOOD)) == []


@pytest.mark.parametrize("href, reason", [
    ("papers/missing/", "papers/missing/index.html does not exist"),
    ("papers/missing.html", "papers/missing.html does not exist"),
    ("assets/gone.css", "assets/gone.css does not exist"),
    ("about/#nobody", 'no element with id "nobody" in about/index.html'),
    ("#nowhere", 'no element with id "nowhere" in index.html'),
    ("javascript:void(0)", "javascript: link"),
    ("JavaScript:alert(1)", "javascript: link"),
    ("../outside.html", "outside the site"),
])
def test_a_broken_link_is_reported_with_its_reason(tmp_path, href, reason):
    files = dict(GOOD, **{"index.html": home(
        f'<a href="{href}">broken</a><a href="about/">fine</a>')})
    findings = check_site(make_site(tmp_path, files))
    assert findings == [Finding("index.html", href, reason)]
    assert str(findings[0]) == f"index.html: {href} -> {reason}"


def test_findings_name_the_page_and_each_broken_link_once(tmp_path):
    files = dict(GOOD, **{"about/index.html": page(
        '<section id="team"><a name="old-name"></a></section>'
        '<a href="../nope/">a</a><a href="../nope/">again</a><img src="missing.png">'
        '<a href="#x">x</a>')})
    assert [str(f) for f in check_site(make_site(tmp_path, files))] == [
        "about/index.html: ../nope/ -> nope/index.html does not exist",
        "about/index.html: missing.png -> about/missing.png does not exist",
        'about/index.html: #x -> no element with id "x" in about/index.html',
    ]


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.github.io/survey/about/</loc></url>
<url><loc>https://example.github.io/survey/</loc></url>
</urlset>"""


def test_root_relative_links_are_resolved_where_the_site_is_published(tmp_path):
    files = dict(GOOD, **{
        "sitemap.xml": SITEMAP,
        "index.html": home('<a href="/survey/about/#team">ok</a><a href="/survey/">ok</a>'
                           '<a href="/survey">ok</a><a href="/about/">not published there</a>'
                           '<a href="/survey/nope/">missing</a>'),
    })
    site = make_site(tmp_path, files)
    assert base_path_of(site) == "/survey/"
    assert [str(f) for f in check_site(site)] == [
        "index.html: /about/ -> outside the site, which is published at /survey/",
        "index.html: /survey/nope/ -> nope/index.html does not exist",
    ]
    assert [f.href for f in check_site(site, base_path="/")] == [
        "/survey/about/#team", "/survey/", "/survey", "/survey/nope/"]


def run_module(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.linkcheck", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_the_command_exits_1_on_a_broken_link_and_0_without(tmp_path):
    good = make_site(tmp_path / "good", GOOD)
    result = run_module(good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    broken = make_site(tmp_path / "broken",
                       dict(GOOD, **{"index.html": home('<a href="javascript:x()">x</a>')}))
    result = run_module(broken)
    assert result.returncode == 1
    assert result.stdout == "index.html: javascript:x() -> javascript: link\n"
    assert "1 broken links" in result.stderr
    assert run_module(tmp_path / "absent").returncode == 2


def test_the_seed_site_has_no_broken_links(built_site):
    findings = check_site(built_site["site"])
    assert len(list(built_site["site"].rglob("*.html"))) > 400
    assert not findings, "\n".join(map(str, findings))
