"""What a reader sees on the built seed site: the paper page in its order,
related papers, the BibTeX copy button, the charts in both colour schemes and
on a phone, and the reader's system colour scheme honoured."""
import datetime
import os
import re
from contextlib import contextmanager

import pytest
from _reader import page, text_of

from generator.similar import neighbours

GROKKING = "papers/grokking-generalization-beyond-overfitting-on-small-algorithmic-datasets/"
UNSUMMARISED = "papers/grokking-tickets-lottery-tickets-accelerate-grokking/"


def related_section(html: str) -> str:
    start = html.index('id="related-papers"')
    return html[start:html.index('id="cite-this-paper"')]


def test_every_paper_page_shows_five_related_papers(built_site, seed_data):
    papers = {p["url"]: p for p in seed_data["papers"]}
    for url, paper in papers.items():
        section = related_section(page(built_site["site"], url))
        hrefs = [h for h in re.findall(r'href="\.\./([^"#]+)"', section)]
        assert len(hrefs) == 5 == len(set(hrefs)), url
        assert [f"papers/{h}" for h in hrefs] == [papers[f"papers/{h}"]["url"] for h in hrefs]
        assert paper["id"] not in {h.strip("/") for h in hrefs}
        assert [h.strip("/") for h in hrefs] == paper["related"], url
        themes = re.findall(r"<em>(.*?)</em>", section)
        assert len(themes) == 5, url  # each with its primary theme
    grokking = papers[GROKKING]
    assert "grokking-tickets-lottery-tickets-accelerate-grokking" in grokking["related"]


def test_neighbours_are_deterministic_distinct_and_never_the_text_itself():
    texts = ["grokking in small algorithmic data", "grokking tickets lottery grokking",
             "domain shift in vision", "domain generalization for vision models", "", "", "x"]
    found = neighbours(texts, 3)
    assert found == neighbours(texts, 3)
    for i, near in enumerate(found):
        assert len(near) == 3 == len(set(near)) and i not in near
    assert found[0][0] == 1 and found[2][0] == 3
    assert neighbours(["only one"], 5) == [()]


def test_paper_page_reads_top_to_bottom(built_site):
    for url, summary in ((GROKKING, True), (UNSUMMARISED, False)):
        html = page(built_site["site"], url)
        ids = re.findall(r'<h2 id="([^"]+)"', html)
        expected = (["curated-summary"] if summary else []) + [
            "abstract", "related-papers", "cite-this-paper", "listed-in"]
        assert ids == expected, url
        text = text_of(html)
        facts = re.search(r"(Or s|S)earch by title:", text).start()
        assert text.index("Themes:") > facts and text.index("(primary)") > facts
        assert "<details>" in html and "Where this page's facts come from" in text
        # Previous and next within the primary theme
        tail = text[text.index("Where this page's facts come from"):]
        assert re.search(r"(previous|next): ", tail), url


def newest_first(paper: dict):
    day = datetime.date.fromisoformat(paper["date"]).toordinal() if paper["date"] else 0
    return (paper["date"] is None, -day, paper["title"].casefold())


def test_previous_and_next_follow_the_primary_theme(built_site, seed_data):
    theme = next(t for t in seed_data["themes"] if t["id"] == "memorization-grokking")
    papers = {p["id"]: p for p in seed_data["papers"]}
    members = sorted(theme["papers"], key=lambda i: newest_first(papers[i]))
    primary = [i for i in members if papers[i]["primary_theme"] == theme["id"]]
    pid = primary[1]
    at = members.index(pid)
    html = page(built_site["site"], papers[pid]["url"])
    tail = html[html.index("</details>"):]
    assert f'href="../{members[at - 1]}/"' in tail and f'href="../{members[at + 1]}/"' in tail


@contextmanager
def home_in(scheme: str, server, browser):
    """The home page with the reader's system set to ``scheme``, which the site follows."""
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    tab.goto(server)
    assert tab.get_attribute("body", "data-md-color-scheme") == (
        "slate" if scheme == "dark" else "default")
    yield tab
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_system_colour_scheme_is_honoured_and_the_toggle_kept(server, browser, scheme):
    with home_in(scheme, server, browser) as tab:
        assert tab.locator("form[data-md-component=palette] label").count() == 3


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


CHART_COLOURS = """() => {
  const bg = getComputedStyle(document.querySelector('.md-main')).backgroundColor !== 'rgba(0, 0, 0, 0)'
    ? getComputedStyle(document.querySelector('.md-main')).backgroundColor
    : getComputedStyle(document.body).backgroundColor;
  return [...document.querySelectorAll('.chart-bar')].map(bar => {
    const cell = bar.closest('tr');
    return {bar: getComputedStyle(bar).backgroundColor, bg,
            text: getComputedStyle(cell.querySelector('td')).color,
            width: bar.getBoundingClientRect().width};
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_reads_in_both_schemes(server, browser, scheme):
    with home_in(scheme, server, browser) as tab:
        bars = tab.evaluate(CHART_COLOURS)
    assert bars
    for bar in bars:
        assert contrast(bar["bar"], bar["bg"]) >= 3, bar  # non-text contrast (WCAG 1.4.11)
        assert contrast(bar["text"], bar["bg"]) >= 4.5, bar
        assert bar["width"] >= 1


def test_chart_fits_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme="dark")
    tab = context.new_page()
    tab.goto(server)
    width = tab.evaluate("document.documentElement.clientWidth")
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    for box in tab.evaluate("""() => [...document.querySelectorAll('.chart-bar')]
        .map(b => b.closest('table').getBoundingClientRect()).map(r => [r.left, r.right])"""):
        assert box[0] >= 0 and box[1] <= width, box
    # the counts are text in the table: exact, always visible
    rows = tab.locator("table:has(.chart-bar) tbody tr")
    assert rows.count() > 0
    first = rows.first.locator("td").all_inner_texts()
    assert re.fullmatch(r"\d+", first[1].strip()) and re.fullmatch(r"\d+", first[2].strip())
    context.close()


def test_copy_button_copies_the_entry(server, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(server + GROKKING)
    button = tab.locator("button[data-copy=bibtex]")
    assert button.is_visible()
    button.click()
    tab.wait_for_function("document.querySelector('button[data-copy=bibtex]').textContent === 'Copied'")
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert button.inner_text() == "Copied"
    assert copied == tab.inner_text(".cite pre") and re.match(r"@(misc|article)\{\w*grokking", copied)
    context.close()


def test_copy_button_is_hidden_without_a_script(server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + GROKKING)
    assert tab.locator("button[data-copy=bibtex]").count() == 1
    assert not tab.locator("button[data-copy=bibtex]").is_visible()
    assert tab.locator(".cite pre").is_visible()  # the entry itself is there to select
    context.close()


def test_a_page_says_which_summary_file_its_facts_come_from(server, browser):
    from conftest import SEED

    from generator.build import read_corpus
    corpus = read_corpus(SEED / "content")
    summary = next(s for s in sorted(corpus.summaries.values(), key=lambda s: s.paper_id)
                   if s.arxiv or s.authors or s.venue or s.code)
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(server + f"papers/{summary.paper_id}/")
    tab.click("summary:has-text(\"Where this page's facts come from\")")
    line = tab.locator("details li", has_text="Facts from the curated summary")
    assert line.is_visible()
    assert line.inner_text() == f"Facts from the curated summary: {summary.file_name}"
    assert summary.file_name.endswith(".md") and "/" not in summary.file_name
    context.close()


@pytest.mark.parametrize("scheme, width", [("light", 1280), ("dark", 390)])
def test_a_paper_page_made_from_a_frame_reads_as_its_own(server, browser, scheme, width):
    """UNSUMMARISED is filled from a frame of the theme's template in the seed
    build (mkdocs_plugin.PageFrames): its title, address, sections and
    citation are its own, and its text reads in either scheme."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(server + UNSUMMARISED)
    title = "Grokking Tickets: Lottery Tickets Accelerate Grokking"
    assert tab.title() == f"{title} - Generalization in Machine Learning"
    assert tab.locator("article h1").inner_text() == title
    assert tab.locator("head link[rel=canonical]").get_attribute("href").endswith(UNSUMMARISED)
    assert tab.locator("meta[name=citation_title]").get_attribute("content") == title
    toc = tab.locator("nav.md-nav--secondary a.md-nav__link")
    assert [t.strip() for t in toc.all_inner_texts()] == [
        "Abstract", "Related papers", "Cite this paper", "Listed in"]
    assert [h.split("#")[-1] for h in toc.evaluate_all("els => els.map(e => e.href)")] == [
        "abstract", "related-papers", "cite-this-paper", "listed-in"]
    colours = tab.evaluate("""() => [getComputedStyle(document.querySelector('article p')).color,
        getComputedStyle(document.body).backgroundColor]""")
    assert contrast(*colours) >= 4.5
    if os.environ.get("SURVEY_SHOTS"):  # a folder for screenshots to look at
        tab.screenshot(path=f"{os.environ['SURVEY_SHOTS']}/frame-paper-{scheme}-{width}.png")
    context.close()
