"""Data is text, never code: a content folder whose every value carries markup
(fixtures/hostile) is built, and every built page shows each value as the text
that was in the dump or the curated file, with no element or attribute from
the data in the HTML, in the search index, or in the browser."""
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _browser import serve

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SMALL = Path(__file__).parent / "fixtures" / "small"
SITE_NAME = "Generalization in Machine Learning"

# The values as the fixture holds them: what every page must show, exactly.
SURVEY_TITLE = "<b>pwn-survey</b> Survey {{ config.site_name }} *bold*"
SURVEY_DESCRIPTION = ("A survey of <script>alert('pwn-description')</script> and "
                      "[x](javascript:alert('pwn')) { onclick=\"alert('pwn')\" }.")
LISTINGS = {
    "a.txt": "<script>alert('pwn-listing')</script> Listing *A* {{ 1+1 }} {% raw %}",
    "b.txt": "Listing B: <img src=x onerror=alert('pwn-listing-b')> | pipe | `tick`",
    "c.txt": "Listing C: [click](javascript:alert('pwn')) &amp; <!-- pwn -->",
}
THEMES = {
    "scripts": ("<img src=x onerror=alert('pwn-theme')> Scripts {% if true %}yes{% endif %}",
                "Papers about <iframe src=\"javascript:alert('pwn')\"></iframe> # not a heading "
                "*em* {{ 7*7 }} ![i](x){ onerror=alert('pwn') }"),
    "markdown": ("Markdown | `code` | [link](javascript:alert('pwn-theme-md'))",
                 "&lt;b&gt; entities &#60;i&#62; and $x_1$ \\cdot LaTeX."),
    "other": ("Other </title><script>alert('pwn-other')</script>",
              "Everything else, \"quoted\" and 'single' & ampersand."),
}
SCRIPT_ABSTRACT = ("A payload abstract with <script>window.__pwned = \"abstract-script\"</script> "
                   "and <img src=x onerror=\"window.__pwned='img'\"> inside.")
# Each paper: its title, abstract and the listings (in order) it is in.
PAPERS = [
    ("<script>alert(\"pwn-title\")</script> Script in a title", SCRIPT_ABSTRACT, ["a.txt", "b.txt"]),
    ("<img src=x onerror=\"window.__pwned='title-img'\"> Image onerror in a title",
     "A payload abstract with an <iframe src=\"javascript:window.__pwned='iframe'\"></iframe> "
     "and <svg onload=\"window.__pwned='svg'\"></svg>.", ["a.txt"]),
    ("# Heading *bold* _em_ | pipe | `code` [x](javascript:alert('pwn-md')) link",
     "1. Not a list, a payload - > not a quote ```fence``` ~~~ --- *** ___ +++ and "
     "[ref]: javascript:alert('pwn')", ["a.txt"]),
    ("{{ 7*7 }} and {% if true %}pwn template{% endif %} {# comment #}",
     "Jinja in a payload abstract: {{ config }} {{ ''.__class__.__mro__ }} "
     "{% for x in range(3) %}{{ x }}{% endfor %} {%- raw -%}.", ["b.txt"]),
    ("$x_1$ \\cdot \\frac{a}{b} LaTeX \\( y^2 \\) \\\\ backslashes",
     "A LaTeX payload abstract: $$\\sum_{i=1}^n x_i$$ and \\begin{equation} e^{i\\pi} "
     "\\end{equation} with _underscores_ and ^carets^.", ["b.txt"]),
    ("&amp; &lt;b&gt; &#60;i&#62; &#x3C;script&#x3E;alert('pwn')&#x3C;/script&#x3E; entities "
     "and <!-- pwn comment --> comment",
     "Entities in a payload abstract: &copy; &nbsp; &#0; &#x110000; and a comment "
     "<!-- hidden? --> shown.", ["b.txt"]),
    ("</title><script>alert('pwn-breakout')</script> \"><svg onload=alert('pwn')> attribute breakout",
     "A payload abstract that tries to close the title: </title></head>"
     "<body onload=\"window.__pwned='body'\"> and \"'><script>window.__pwned='quote'</script>.",
     ["c.txt"]),
    ("Attribute list { onclick=\"alert('pwn')\" } and ![i](x){ onerror=alert('pwn') } {: #id .class }",
     "A payload abstract with attribute lists {: onclick=\"window.__pwned='attr'\" } and "
     "[link](https://example.org){ onmouseover=\"window.__pwned='attr2'\" } and a footnote[^1] "
     "and *[HTML]: abbr.", ["c.txt"]),
    ("**pwn-strong** __strong__ ~~del~~ ==mark== ^^ins^^ <https://evil.example/pwn> "
     "<pwn@evil.example>",
     "A payload abstract of autolinks and search attributes: "
     "<span data-pagefind-meta=\"title:pwned\">x</span> "
     "<a href=\"javascript:window.__pwned='a'\">click</a> <style>body{display:none}</style> "
     "<object data=\"x\"></object> <base href=\"https://evil.example/\">.", ["c.txt"]),
]
ORGANIZATION = ("[Evil Org](javascript:alert('pwn-org')) <b>pwn-org</b> *org* "
                "{: onclick=\"alert('pwn')\" }")


def fold(text: str) -> str:
    return " ".join(text.split())


def build(folder: Path, content: Path) -> Path:
    shutil.copy(ROOT / "tests" / "seed" / "mkdocs.yml", folder)
    shutil.copytree(ROOT / "overrides", folder / "overrides")
    shutil.copytree(content, folder / "content")
    (folder / "generated").mkdir()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--strict"], cwd=folder,
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr  # markup in data is no problem in the input
    assert run.stderr == ""
    return folder / "site"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"), HOSTILE)


@pytest.fixture(scope="module")
def benign(tmp_path_factory):
    """The same site made from harmless data: the theme's own elements and attributes."""
    return build(tmp_path_factory.mktemp("benign"), SMALL)


@pytest.fixture(scope="module")
def data(hostile):
    return json.loads((hostile / "data" / "papers.json").read_text(encoding="utf-8"))


class Page(HTMLParser):
    """A built page as a reader sees it: texts of its title, headings, links and
    header, and every element and attribute in it."""

    CAPTURED = {"title", "h1", "h2", "a", "strong", "em", "code", "script", "style"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}
        self.topics: list[str] = []
        self.body: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag in self.CAPTURED:
            self._open.append((tag, []))
        elif tag == "div" and "md-header__topic" in (attrs.get("class") or ""):
            self._open.append(("topic", []))
        elif tag == "div":
            self._open.append(("div", None))

    def handle_endtag(self, tag):
        key = tag if tag in self.CAPTURED else "topic" if tag == "div" else None
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] in ({tag, "topic"} if tag == "div" else {tag}):
                name, parts = self._open.pop(i)
                if parts is not None:
                    target = self.topics if name == "topic" else self.texts.setdefault(name, [])
                    target.append(fold("".join(parts)))
                return
        assert key is None or tag != key, f"unbalanced </{tag}>"

    def handle_data(self, text):
        for _, parts in self._open:
            if parts is not None:
                parts.append(text)
        if not any(name in ("script", "style", "title") for name, _ in self._open):
            self.body.append(text)

    def text(self) -> str:
        return fold(" ".join(self.body))

    def get(self, tag: str) -> list[str]:
        return self.texts.get(tag, [])


def page(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# -- no element or attribute from the data -------------------------------------------------

def vocabulary(site: Path) -> tuple[set, set]:
    tags, attributes = set(), set()
    for path in html_files(site):
        for tag, attrs in Page(path.read_text(encoding="utf-8")).elements:
            tags.add(tag)
            attributes.update(attrs)
    return tags, attributes


def test_no_element_or_attribute_name_the_theme_does_not_use(hostile, benign):
    tags, attributes = vocabulary(hostile)
    theme_tags, theme_attributes = vocabulary(benign)
    # The templates' own markup the harmless site happens not to need: "*Also
    # in:*" before a paper's other themes (no paper of fixtures/small has two).
    assert tags - theme_tags - {"em"} == set()
    assert attributes - theme_attributes == set()
    assert not [a for a in attributes if a.startswith("on") or "pagefind-meta" in a]


# Where data may stand in an attribute: in a slug (ids, the site's own paths)
# or percent-encoded in a search link or the site's GitHub links.
SAFE_VALUE = re.compile(r"^[\w./#-]*$|^https://(arxiv\.org|huggingface\.co|github\.com|"
                        r"www\.semanticscholar\.org|scholar\.google\.com|"
                        r"example\.github\.io)/[\w./?=&%+~-]*$")
THEME_SCRIPT = re.compile(r"^(\.\./)*(/[\w-]+/)?(assets|pagefind)/[\w./-]+\.js$")


def data_values() -> set[str]:
    values = {SURVEY_TITLE, SURVEY_DESCRIPTION, ORGANIZATION, *LISTINGS.values()}
    values.update(v for pair in THEMES.values() for v in pair)
    values.update(v for title, abstract, _ in PAPERS for v in (title, abstract))
    return values


@pytest.mark.parametrize("kind", ["attributes", "scripts", "images", "markup"])
def test_every_page_is_free_of_data_as_code(hostile, kind):
    for path in html_files(hostile):
        parsed = Page(path.read_text(encoding="utf-8"))
        where = path.relative_to(hostile)
        if kind == "attributes":
            for tag, attrs in parsed.elements:
                citation = tag == "meta" and (attrs.get("name") or "").startswith("citation_")
                for name, value in attrs.items():
                    value = value or ""
                    if citation and name == "content":
                        # A citation tag holds a value as text: exactly the value, once
                        # parsed; or a date, an id or a URL the generator made.
                        assert (value in {fold(v) for v in data_values()}
                                or re.fullmatch(r"[\w./:-]*", value)), (where, value)
                        continue
                    assert not name.startswith("on"), (where, tag, name)
                    assert "javascript:" not in re.sub(r"\s", "", value).lower(), (where, tag, name)
                    assert "pwn" not in value or SAFE_VALUE.match(value), (where, tag, name, value)
        elif kind == "scripts":
            for tag, attrs in parsed.elements:
                if tag == "script" and attrs.get("src"):
                    assert THEME_SCRIPT.match(attrs["src"]), (where, attrs)
            for script in parsed.get("script") + parsed.get("style"):
                assert "pwn" not in script and "alert" not in script, (where, script)
        elif kind == "images":
            for tag, attrs in parsed.elements:
                if tag == "img":
                    assert attrs.get("src", "").endswith("assets/images/favicon.png"), where
        else:  # Markdown from data would put a piece of a value in one of these
            for tag in ("strong", "em", "code"):
                for text in parsed.get(tag):
                    pieces = [v for v in data_values() if text in fold(v) and text != fold(v)]
                    assert not pieces, (where, tag, text)


# -- every value shows as the text it is ----------------------------------------------------

def paper_urls(data) -> dict[str, str]:
    return {p["title"]: p["url"] for p in data["papers"]}


@pytest.mark.parametrize("index", range(len(PAPERS)))
def test_paper_page_shows_title_and_abstract_literally(hostile, data, index):
    title, abstract, listings = PAPERS[index]
    parsed = page(hostile, paper_urls(data)[title])
    assert parsed.get("h1") == [title]
    assert parsed.get("title") == [f"{title} - {SITE_NAME}"]
    assert parsed.topics == [SITE_NAME, title]  # Material's header: site, then page title
    assert fold(abstract) in parsed.text()
    links = parsed.get("a")
    for listing in listings:
        assert LISTINGS[listing] in links
    record = next(p for p in data["papers"] if p["title"] == title)
    for theme in record["themes"]:
        assert THEMES[theme][0] in links


def test_organization_shows_literally(hostile, data):
    parsed = page(hostile, paper_urls(data)[PAPERS[1][0]])
    assert f"Oct 14, 2025 · 2 upvotes · {ORGANIZATION}" in parsed.text()
    theme = next(p for p in data["papers"] if p["title"] == PAPERS[1][0])["primary_theme"]
    assert ORGANIZATION in page(hostile, f"themes/{theme}").text()


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_theme_page_shows_its_title_description_and_papers(hostile, data, theme):
    title, description = THEMES[theme]
    parsed = page(hostile, f"themes/{theme}")
    assert parsed.get("h1") == [title]
    assert parsed.get("title") == [f"{title} - {SITE_NAME}"]
    assert parsed.topics[-1] == title
    assert description in parsed.text()
    members = next(t for t in data["themes"] if t["id"] == theme)["papers"]
    titles = {p["id"]: p["title"] for p in data["papers"]}
    assert {titles[i] for i in members} <= set(parsed.get("a"))
    assert members


@pytest.mark.parametrize("file", sorted(LISTINGS))
def test_listing_page_shows_its_title_and_entries(hostile, data, file):
    parsed = page(hostile, f"listings/{file[:-4]}")
    assert parsed.get("h1") == [LISTINGS[file]]
    assert parsed.get("title") == [f"{LISTINGS[file]} - {SITE_NAME}"]
    lines = {p["title"]: s["line"] for p in data["papers"] for s in p["listings"]
             if s["listing"] == file}
    entries = sorted((t for t, _, listings in PAPERS if file in listings), key=lines.get)
    assert len(entries) == len(lines)
    assert [t for t in parsed.get("a") if t in entries] == entries  # in the listing's order


def test_home_and_index_pages_show_curated_values(hostile):
    home = page(hostile, "")
    assert home.get("h1") == [SURVEY_TITLE]
    assert home.get("title") == [f"{SURVEY_TITLE} - {SITE_NAME}"]
    assert SURVEY_DESCRIPTION in home.text()
    links = home.get("a")
    assert {t for t, _ in THEMES.values()} | set(LISTINGS.values()) <= set(links)
    themes = page(hostile, "themes")
    assert [h for h in themes.get("h2")] == [t for t, _ in THEMES.values()]
    for title, description in THEMES.values():
        assert description in themes.text()
        assert themes.get("a").count(title) == 3  # its heading; both tables of contents
    assert set(LISTINGS.values()) <= set(page(hostile, "listings").get("a"))
    assert PAPERS[0][0] in page(hostile, "cross-listed").get("a")


def test_papers_json_carries_the_exact_strings(data):
    papers = {p["title"]: p for p in data["papers"]}
    assert sorted(papers) == sorted(title for title, _, _ in PAPERS)
    for title, abstract, listings in PAPERS:
        assert papers[title]["abstract"] == abstract
        assert [s["listing"] for s in papers[title]["listings"]] == listings
    assert papers[PAPERS[1][0]]["organization"] == ORGANIZATION
    assert {t["id"]: t["title"] for t in data["themes"]} == {k: v[0] for k, v in THEMES.items()}
    assert {l["file"]: l["title"] for l in data["listings"]} == LISTINGS


def test_chart_shows_theme_titles_as_text(hostile):
    html = (hostile / "index.html").read_text(encoding="utf-8")
    import html as html_module
    shown_text = fold(html_module.unescape(re.sub(r"<[^>]+>", " ", html)))
    assert all(fold(title) in shown_text for title, _ in THEMES.values())
    assert "<img src=x" not in html
    assert re.findall(r'class="chart-bar" style="([^"]*)"', html)
    assert all(re.fullmatch(r"width: [\d.]+%", s)
               for s in re.findall(r'class="chart-bar" style="([^"]*)"', html))


# -- in the browser: page titles, the search index, search results ----------------------------

@pytest.fixture(scope="module")
def server(hostile):
    """The hostile site (not the seed's) over loopback; its address without the final "/"."""
    for url in serve(hostile):
        yield url.rstrip("/")


@pytest.fixture
def tab(browser):
    """A browser tab that records every dialog (alert, confirm) a page opens."""
    context = browser.new_context()
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


INJECTED = ("iframe, object, embed, base, style:not([data-md-component]), [onerror], [onload], "
            "[onclick], [onmouseover], [data-pagefind-meta], img[src='x'], a[href^='javascript']")


def assert_untouched(tab):
    assert tab.dialogs == []
    assert tab.evaluate("window.__pwned") is None
    assert tab.evaluate(f"document.querySelectorAll(\"{INJECTED}\").length") == 0


def test_pages_in_the_browser_show_literal_titles_and_run_nothing(hostile, data, server, tab):
    pages = [(p["url"], p["title"]) for p in data["papers"]]
    pages += [(f"themes/{tid}/", title) for tid, (title, _) in THEMES.items()]
    pages += [(f"listings/{f[:-4]}/", title) for f, title in LISTINGS.items()]
    pages += [("", SURVEY_TITLE), ("cross-listed/", "Cross-listed papers")]
    for url, title in pages:
        tab.goto(f"{server}/{url}")
        assert tab.title() == f"{title} - {SITE_NAME}", url
        topic = tab.locator(".md-header__topic[data-md-component='header-topic']")
        assert fold(topic.inner_text()) == title, url
        assert_untouched(tab)


def test_search_index_holds_the_literal_text(server, tab):
    tab.goto(f"{server}/search/")
    found = tab.evaluate("""async () => {
        const pagefind = await import("../pagefind/pagefind.js");
        const search = await pagefind.search("payload");
        const pages = await Promise.all(search.results.map(r => r.data()));
        return pages.map(p => ({title: p.meta.title, content: p.content, excerpt: p.excerpt}));
    }""")
    assert sorted(p["title"] for p in found) == sorted(title for title, _, _ in PAPERS)
    for result in found:
        abstract = next(a for t, a, _ in PAPERS if t == result["title"])
        assert fold(abstract) in fold(result["content"])
        # The excerpt is HTML with <mark> around the words found, and nothing else.
        assert set(re.findall(r"<(/?\w+)", result["excerpt"])) <= {"mark", "/mark"}
    assert_untouched(tab)


def test_search_results_show_literal_titles(server, tab):
    tab.goto(f"{server}/search/?q=payload")
    tab.wait_for_selector("form[data-find][data-state='done']")
    more = tab.locator(".find-more")
    while more.is_visible():
        more.click()
        tab.wait_for_timeout(200)
    tab.wait_for_function(f"document.querySelectorAll('.find-result').length == {len(PAPERS)}")
    titles = [fold(t) for t in tab.locator(".find-title").all_inner_texts()]
    assert sorted(titles) == sorted(title for title, _, _ in PAPERS)
    excerpts = " ".join(tab.locator(".find-excerpt").all_inner_texts())
    assert "window.__pwned" in excerpts  # shown as text
    assert_untouched(tab)
    tab.fill("input[name=q]", "iframe")
    tab.wait_for_selector("form[data-find][data-state='done']")
    assert_untouched(tab)
    for theme in THEMES:  # the theme pages' controls show the same results
        tab.goto(f"{server}/themes/{theme}/?sort=title")
        tab.wait_for_selector("form[data-find][data-state='done']")
        assert_untouched(tab)
