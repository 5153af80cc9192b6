"""Finding papers, as a reader does it in Chromium over the built seed site:
listing pages, search (address, Back, facets, browsing), theme pages' controls,
and the pages without JavaScript."""
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from _browser import open_tab


@pytest.fixture
def tab(browser):
    context, tab = open_tab(browser)
    yield tab
    context.close()
    assert tab.errors == []


@pytest.fixture(scope="module")
def data(built_site):
    return json.loads((built_site["site"] / "data" / "papers.json").read_text())


def by_url(data) -> dict:
    return {p["url"]: p for p in data["papers"]}


def has_code(paper) -> bool:
    """A link to a code repository, curated or in the abstract (see About)."""
    hosts = r"https?://(www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|" \
            r"sourceforge\.net|anonymous\.4open\.science)/"
    return any(re.match(hosts, u) for u in paper["links"] + [paper["code"] or ""])


def settled(tab, form="form[data-find]"):
    tab.wait_for_selector(f"{form}[data-state='done']")


def results(tab, selector="#find-results") -> list[str]:
    """The site-relative URLs of the results shown, in order."""
    hrefs = tab.eval_on_selector_all(f"{selector} .find-title a", "as => as.map(a => a.href)")
    return [urlsplit(h).path.lstrip("/") for h in hrefs]


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


# -- listing pages ---------------------------------------------------------------------------

def test_each_listing_page_shows_its_entries_as_separate_items_in_order(tab, server, data):
    for listing in data["listings"]:
        entries = sorted((s["line"], p) for p in data["papers"] for s in p["listings"]
                         if s["listing"] == listing["file"])
        tab.goto(server + listing["url"])
        items = tab.locator("article ol > li")
        assert items.count() == listing["entries"] == len(entries), listing["id"]
        shown = items.evaluate_all("""lis => lis.map(li => ({
            anchor: li.querySelector("a.source-line").id,
            paper: new URL(li.querySelector("a:not(.source-line)").href).pathname,
            also: li.textContent.includes("also in")}))""")
        for item, (line, paper) in zip(shown, entries, strict=True):
            assert item["anchor"] == f"line-{line}"
            assert item["paper"] == "/" + paper["url"]
            assert item["also"] == (len({s["listing"] for s in paper["listings"]}) > 1)


def test_listing_provenance_is_in_a_tooltip_and_a_collapsed_detail(tab, server, data):
    listing = data["listings"][0]
    tab.goto(server + listing["url"])
    assert listing["file"] not in tab.inner_text("article").replace(
        tab.inner_text("article details"), "")
    assert not tab.locator("article details").get_attribute("open")
    first = tab.locator("article ol > li a.source-line").first
    assert re.fullmatch(rf"line \d+ of {re.escape(listing['file'])}", first.get_attribute("title"))


def test_reader_pages_name_listings_by_title_not_file(tab, server, data):
    for url in ("cross-listed/", "listings/"):
        tab.goto(server + url)
        visible = tab.inner_text("article")
        hidden = " ".join(tab.locator("article details").all_inner_texts())
        assert not re.search(r"\w+\.txt", visible.replace(hidden, "")), url
        assert data["listings"][0]["title"] in visible


def test_tabs_are_for_readers_and_provenance_is_reached_from_about_and_home(tab, server):
    tab.set_viewport_size({"width": 1400, "height": 900})
    tab.goto(server)
    tabs = tab.locator(".md-tabs__link").all_inner_texts()
    assert [t.strip() for t in tabs] == ["Home", "Themes", "Search", "Summaries", "About"]
    for url in ("", "about/"):
        tab.goto(server + url)
        hrefs = tab.eval_on_selector_all("article a", "as => as.map(a => new URL(a.href).pathname)")
        assert any(h.startswith("/listings/") for h in hrefs), url
        assert "/cross-listed/" in hrefs, url
    assert "/listings/" in hrefs  # About links the list of all listings


# -- search ----------------------------------------------------------------------------------

def test_a_typed_query_goes_into_the_address_and_back_restores_the_results(tab, server):
    tab.goto(server + "search/")
    settled(tab)
    tab.fill("input[name=q]", "grokking")
    settled(tab)
    assert query_of(tab.url) == {"q": ["grokking"]}
    first = results(tab)
    assert len(first) >= 10
    tab.click("#find-results .find-title a >> nth=0")
    tab.wait_for_url("**/papers/**")
    tab.go_back()
    settled(tab)
    assert query_of(tab.url) == {"q": ["grokking"]}
    assert tab.input_value("input[name=q]") == "grokking"
    assert results(tab) == first


def test_before_a_search_the_facets_count_every_paper(tab, server, data):
    # These counts come from the totals the index writes (pagefind/shards.json).
    tab.goto(server + "search/")
    settled(tab)
    shown = dict(tab.eval_on_selector_all(
        "[data-count-of]", "s => s.map(s => [s.dataset.countOf, Number(s.textContent)])"))
    years: dict[str, int] = {}
    for paper in data["papers"]:
        year = paper["date"][:4] if paper["date"] else "undated"
        years[year] = years.get(year, 0) + 1
    assert {k[5:]: n for k, n in shown.items() if k.startswith("year=")} == years
    assert {k[6:]: n for k, n in shown.items() if k.startswith("theme=")} == {
        t["id"]: len(t["papers"]) for t in data["themes"] if t["papers"]}
    assert shown["cross=yes"] == sum(len({s["listing"] for s in p["listings"]}) > 1
                                     for p in data["papers"])


def test_a_facet_narrows_the_results_and_shows_counts(tab, server, data):
    tab.goto(server + "search/?q=generalization")
    settled(tab)
    total = int(tab.get_attribute("#find-status", "data-count"))
    code = tab.locator("[data-count-of='code=yes']")
    with_code = int(code.inner_text())
    assert 0 < with_code < total
    years = tab.locator("[data-count-of^='year=']").all_inner_texts()
    assert sum(int(n) for n in years) == total  # one year (or undated) per paper
    tab.check("input[name=code][value=yes]")
    settled(tab)
    assert query_of(tab.url) == {"q": ["generalization"], "code": ["yes"]}
    assert int(tab.get_attribute("#find-status", "data-count")) == with_code
    papers = by_url(data)
    tab.click(".find-more") if tab.locator(".find-more").is_visible() else None
    settled(tab)
    for url in results(tab):
        assert has_code(papers[url]), url
    tab.go_back()
    settled(tab)
    assert int(tab.get_attribute("#find-status", "data-count")) == total
    assert not tab.is_checked("input[name=code][value=yes]")


def test_a_theme_browsed_without_words_lists_all_its_papers_newest_first(tab, server, data):
    theme = next(t for t in data["themes"] if t["id"] == "memorization-grokking")
    tab.goto(server + "search/?theme=memorization-grokking")
    settled(tab)
    assert tab.is_checked("input[name=theme][value='memorization-grokking']")
    assert int(tab.get_attribute("#find-status", "data-count")) == len(theme["papers"])
    papers = by_url(data)
    shown = results(tab)
    assert len(shown) == 20
    assert all("memorization-grokking" in papers[u]["themes"] for u in shown)
    dates = [papers[u]["date"] or "" for u in shown]
    assert dates == sorted(dates, reverse=True)


def test_a_link_reproduces_a_search_with_its_filters_and_sort(tab, server, data):
    tab.goto(server + "search/?q=generalization&year=2024&sort=date")
    settled(tab)
    assert tab.input_value("input[name=q]") == "generalization"
    assert tab.input_value("select[name=sort]") == "date"
    assert tab.is_checked("input[name=year][value='2024']")
    papers = by_url(data)
    shown = results(tab)
    assert shown and all(papers[u]["date"].startswith("2024") for u in shown)
    assert [papers[u]["date"] for u in shown] == sorted((papers[u]["date"] for u in shown),
                                                        reverse=True)


def test_one_result_per_paper_with_an_excerpt_of_what_it_is_about(tab, server, data):
    tab.goto(server + "search/?q=grokking")
    settled(tab)
    shown = results(tab)
    assert len(shown) == len(set(shown)) and all(u.startswith("papers/") for u in shown)
    papers = by_url(data)
    excerpts = tab.locator("#find-results .find-excerpt").all_inner_texts()
    for url, excerpt in zip(shown, excerpts, strict=True):
        paper = papers[url]
        about = " ".join((paper["abstract"] + " " + " ".join(
            (paper["summary"] or {}).get("key_points", []))).split())
        words = " ".join(excerpt.split())
        assert words and words in about or words.rstrip(".…") in about, (url, excerpt)
        assert "undated" not in excerpt and "Themes:" not in excerpt


def test_search_finds_what_papers_are_about_not_their_pages_furniture(tab, server, data):
    papers = by_url(data)
    # "Memorization, grokking and knowledge in models" names a theme: a paper
    # filed under it without the word in its title or abstract is not found by it.
    tab.goto(server + "search/?q=grokking")
    settled(tab)
    theme = next(t for t in data["themes"] if t["id"] == "memorization-grokking")
    shown = results(tab)
    assert len(shown) < len(theme["papers"])
    assert all("grok" in (papers[u]["title"] + papers[u]["abstract"]).lower() for u in shown)
    # Every undated paper's page says "undated", and every paper page names its
    # themes: neither word is indexed (a near match of another word may be found).
    undated = sum(p["date"] is None for p in data["papers"])
    for query in ("undated", "themes"):
        tab.goto(server + "search/?q=" + query)
        settled(tab)
        excerpts = " ".join(tab.locator("#find-results .find-excerpt").all_inner_texts()).lower()
        assert len(results(tab)) < undated / 20 and "undated" not in excerpts, query


# -- theme pages -----------------------------------------------------------------------------

def largest_theme(data) -> dict:
    """The theme with the most papers: the one whose page needs controls most."""
    return max(data["themes"], key=lambda t: (len(t["papers"]), t["id"]))


def test_theme_page_sort_and_filter_change_the_order_and_the_count(tab, server, data):
    theme = largest_theme(data)
    papers = {p["id"]: p for p in data["papers"]}
    members = [papers[i] for i in theme["papers"]]
    tab.goto(server + theme["url"])
    settled(tab)
    status = tab.locator("#theme-status")
    assert f"{len(members)} papers" in status.inner_text()
    static = tab.locator("#theme-static li").count()
    assert static == len(members)

    tab.select_option("select[name=sort]", "title")
    settled(tab)
    assert query_of(tab.url) == {"sort": ["title"]}
    assert not tab.is_visible("#theme-static")
    tab.click(".find-more") if tab.locator(".find-more").is_visible() else None
    shown = [by_url(data)[u]["title"] for u in results(tab, "#theme-results")]
    assert shown[:20] == sorted((p["title"] for p in members), key=str.casefold)[:20]

    tab.check("input[name=code]")
    settled(tab)
    with_code = [p for p in members if has_code(p)]
    assert int(tab.get_attribute("#theme-status", "data-count")) == len(with_code) < len(members)
    assert f"{len(with_code)} of {len(members)} papers" in status.inner_text()

    tab.check("input[name=primary]")
    settled(tab)
    primary = [p for p in with_code if p["primary_theme"] == theme["id"]]
    assert int(tab.get_attribute("#theme-status", "data-count")) == len(primary)

    tab.go_back()
    settled(tab)
    assert int(tab.get_attribute("#theme-status", "data-count")) == len(with_code)
    tab.go_back()
    tab.go_back()
    settled(tab)
    assert tab.is_visible("#theme-static")


def test_the_year_strip_and_the_search_link_open_the_theme_filtered(tab, server, data):
    theme = largest_theme(data)
    papers = {p["id"]: p for p in data["papers"]}
    years = sorted({papers[i]["date"][:4] for i in theme["papers"] if papers[i]["date"]})
    year = years[-1]
    tab.goto(server + theme["url"])
    settled(tab)
    tab.click(f".year-strip a:has-text('{year}')")
    settled(tab)
    assert query_of(tab.url) == {"year": [year]}
    in_year = [i for i in theme["papers"] if (papers[i]["date"] or "").startswith(year)]
    assert int(tab.get_attribute("#theme-status", "data-count")) == len(in_year)
    tab.click("text=search within this theme")
    settled(tab)
    assert query_of(tab.url) == {"theme": [theme["id"]]}
    assert int(tab.get_attribute("#find-status", "data-count")) == len(theme["papers"])


def test_theme_page_year_filter_and_most_upvoted_first(tab, server, data):
    theme = largest_theme(data)
    papers = {p["id"]: p for p in data["papers"]}
    members = [papers[i] for i in theme["papers"]]
    tab.goto(server + theme["url"] + "?year=2025&sort=upvotes")
    settled(tab)
    assert tab.input_value("select[name=year]") == "2025"
    in_2025 = [p for p in members if (p["date"] or "").startswith("2025")]
    assert int(tab.get_attribute("#theme-status", "data-count")) == len(in_2025)
    shown = [by_url(data)[u] for u in results(tab, "#theme-results")]
    keys = [(p["upvotes"] if p["upvotes"] is not None else -1, p["date"]) for p in shown]
    assert keys == sorted(keys, reverse=True)


def test_theme_page_without_javascript_lists_all_its_papers(browser, server, data):
    context, tab = open_tab(browser, java_script_enabled=False)
    try:
        for theme in data["themes"]:
            tab.goto(server + theme["url"])
            assert not tab.is_visible("form.find-theme")  # controls that need a script
            links = tab.eval_on_selector_all(
                "#theme-static li > strong > a", "as => as.map(a => new URL(a.href).pathname)")
            ids = [p.rstrip("/").split("/")[-1] for p in links]
            assert sorted(ids) == sorted(theme["papers"]), theme["id"]
            assert tab.is_visible(".year-strip")
        theme = largest_theme(data)
        tab.goto(server + theme["url"])
        papers = {p["id"]: p for p in data["papers"]}
        in_2025 = sum((papers[i]["date"] or "").startswith("2025") for i in theme["papers"])
        strip = " ".join(tab.inner_text(".year-strip").split())
        assert f"2025 {in_2025}" in strip  # papers per year
    finally:
        context.close()


def test_the_cross_listed_page_shows_one_row_per_paper_linking_each_entry(tab, server, data):
    tab.goto(server + "cross-listed/")
    rows = tab.eval_on_selector_all("article table tbody tr", """rs => rs.map(r => ({
        paper: new URL(r.cells[0].querySelector("a").href).pathname,
        count: Number(r.cells[1].innerText),
        entries: [...r.cells[2].querySelectorAll("a")].map(a => {
            const u = new URL(a.href); return [u.pathname, u.hash]; })}))""")
    cross = {"/" + p["url"]: p for p in data["papers"] if len(p["listings"]) > 1}
    assert [r["paper"] for r in rows] != [] and sorted(r["paper"] for r in rows) == sorted(cross)
    urls = {l["file"]: "/" + l["url"] for l in data["listings"]}
    for row in rows:
        paper = cross[row["paper"]]
        assert row["count"] == len({s["listing"] for s in paper["listings"]})
        assert [tuple(e) for e in row["entries"]] == [
            (urls[s["listing"]], f"#line-{s['line']}") for s in paper["listings"]]
    counts = [r["count"] for r in rows]
    assert counts == sorted(counts, reverse=True)  # most-listed first
