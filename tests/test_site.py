"""The seed corpus built end to end, checked as a reader of the site would."""
import json
import re
from html.parser import HTMLParser


def papers_json(built_site):
    return json.loads((built_site["site"] / "data" / "papers.json").read_text())


def page(built_site, url: str) -> str:
    return (built_site["site"] / url / "index.html").read_text()


class Links(HTMLParser):
    """The hrefs of a page, and those inside its navigation."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.nav_hrefs, self._nav = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._nav += 1
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
            if self._nav:
                self.nav_hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav -= 1


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_seed_numbers(built_site):
    data = papers_json(built_site)
    papers = data["papers"]
    assert len(papers) == 414
    assert sum(l["entries"] for l in data["listings"]) == 484
    assert len(data["listings"]) == 5
    spread = [len({s["listing"] for s in p["listings"]}) for p in papers]
    assert sum(n > 1 for n in spread) == 46
    assert max(spread) == 5
    assert sum(len(p["listings"]) for p in papers) == 484  # every entry is in some paper


def test_papers_json_records(built_site):
    data = papers_json(built_site)
    keys = {"id", "title", "abstract", "url", "date", "upvotes", "authors", "organization",
            "themes", "primary_theme", "listings"}
    theme_ids = {t["id"] for t in data["themes"]}
    files = {l["file"] for l in data["listings"]}
    for paper in data["papers"]:
        assert keys <= set(paper), paper["id"]
        assert paper["url"] == f"papers/{paper['id']}/"
        assert (built_site["site"] / paper["url"] / "index.html").is_file()
        assert paper["themes"] and paper["primary_theme"] == paper["themes"][0]
        assert set(paper["themes"]) <= theme_ids
        assert paper["date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", paper["date"])
        assert all(s["listing"] in files and s["line"] > 0 for s in paper["listings"])
    for theme in data["themes"]:
        assert (built_site["site"] / theme["url"] / "index.html").is_file()
        assert all(theme["id"] in p["themes"] for p in data["papers"] if p["id"] in theme["papers"])
    assert len({p["id"] for p in data["papers"]}) == 414


def test_a_paper_known_in_one_layout_keeps_its_metadata(built_site):
    papers = {p["title"]: p for p in papers_json(built_site)["papers"]}
    grok = papers["Where to find Grokking in LLM Pretraining? Monitor Memorization-to-Generalization without Test"]
    assert (grok["date"], grok["upvotes"], grok["authors"]) == ("2025-06-26", 2, 3)
    assert len(grok["listings"]) == 4
    toys = papers["Learning to Grasp Anything by Playing with Random Toys"]
    assert (toys["organization"], toys["authors"], toys["date"]) == ("Berkeley UC Berkeley", None, "2025-10-14")


def test_cross_listed_pages_link_to_all_listings_and_themes(built_site):
    data = papers_json(built_site)
    listing_urls = {l["file"]: l["url"] for l in data["listings"]}
    theme_urls = {t["id"]: t["url"] for t in data["themes"]}
    cross = [p for p in data["papers"] if len({s["listing"] for s in p["listings"]}) > 1]
    assert len(cross) == 46
    for paper in cross:
        hrefs = links(page(built_site, paper["url"])).hrefs
        for source in paper["listings"]:
            assert f"../../{listing_urls[source['listing']]}#line-{source['line']}" in hrefs, paper["id"]
        for tid in paper["themes"]:
            assert f"../../{theme_urls[tid]}" in hrefs, paper["id"]
        # The listing page has the anchor the paper page links to.
        for source in paper["listings"]:
            assert f'id="line-{source["line"]}"' in page(built_site, listing_urls[source["listing"]])


def test_navigation_does_not_grow_with_the_corpus(built_site):
    home = links(page(built_site, ""))
    paper = links(page(built_site, papers_json(built_site)["papers"][0]["url"]))
    for parsed in (home, paper):
        assert not [h for h in parsed.nav_hrefs if "papers/" in h]
        assert len(set(parsed.nav_hrefs)) < 20
    size = (built_site["site"] / "papers" / papers_json(built_site)["papers"][0]["id"] / "index.html").stat().st_size
    assert size < 40_000


def test_theme_pages_list_papers_newest_first(built_site):
    data = papers_json(built_site)
    by_id = {p["id"]: p for p in data["papers"]}
    for theme in data["themes"]:
        html = page(built_site, theme["url"])
        order = [h.split("/")[-2] for h in links(html).hrefs if h.startswith("../../papers/")]
        assert sorted(order) == sorted(theme["papers"]), theme["id"]
        dates = [by_id[i]["date"] for i in order]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=True)
        assert dates[: len(dated)] == dated  # undated papers come last


def test_home_has_counts_themes_and_chart(built_site):
    html = page(built_site, "")
    text = re.sub(r"<[^>]+>", "", html)
    assert "414 papers" in text and "484 entries" in text and "5 listings" in text
    data = papers_json(built_site)
    for theme in data["themes"]:
        assert f'href="{theme["url"]}"' in html
    # The charts are tables: one bar per theme, one per year with dated papers.
    bars = re.findall(r'<span class="chart-bar" style="width: ([\d.]+)%"></span>', html)
    assert 'class="chart-bar"' not in html.replace('<span class="chart-bar"', "")
    dated = {p["date"][:4] for p in data["papers"] if p["date"]}
    assert len(bars) == len(data["themes"]) + len(dated)
    assert "100.0" in bars and all(0 <= float(b) <= 100 for b in bars)


def test_listing_pages_keep_original_order_and_mark_cross_listed(built_site):
    data = papers_json(built_site)
    for listing in data["listings"]:
        html = page(built_site, listing["url"])
        lines = [int(n) for n in re.findall(r'id="line-(\d+)"', html)]
        assert len(lines) == listing["entries"] and lines == sorted(lines)
    html = page(built_site, "listings/002_258fd02481b342fc/")
    cross = sum(1 for p in data["papers"]
                if "002_258fd02481b342fc.txt" in {s["listing"] for s in p["listings"]}
                and len({s["listing"] for s in p["listings"]}) > 1)
    assert len(re.findall(r"<strong>also in</strong> <a ", html)) == cross


def test_the_site_requests_nothing_from_other_hosts(built_site):
    external = re.compile(r'<(script|link|img|iframe|source)\b[^>]*\b(src|href)="(https?:)?//', re.I)
    for path in built_site["site"].rglob("*.html"):
        html = path.read_text()
        found = [m.group(0) for m in external.finditer(html) if 'rel="canonical"' not in m.group(0)]
        assert not found, (path, found)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    for path in built_site["site"].rglob("*.css"):
        assert "@import url(http" not in path.read_text()


def test_search_indexes_one_record_per_paper_and_no_page(built_site):
    site = built_site["site"]
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 414
    assert not [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text()]
    search = page(built_site, "search")
    assert 'data-find="search"' in search and "assets/find.js" in search
    assert "pagefind-ui" not in search  # the site's own interface on Pagefind's API


def test_paper_page_content(built_site):
    paper = next(p for p in papers_json(built_site)["papers"]
                 if p["title"].startswith("MSGCoOp: Multiple Semantic-Guided"))
    html = page(built_site, paper["url"])
    assert "<title>MSGCoOp: Multiple Semantic-Guided Context Optimization for Few-Shot Learning - " in html
    assert 'href="https://github.com/Rain-Bus/MSGCoOp"' in html
    assert "https://arxiv.org/search/?searchtype=title&amp;query=MSGCoOp%3A" in html
    assert "https://huggingface.co/papers?q=MSGCoOp%3A" in html
    assert "Jul 29, 2025" in html and "4 authors" in html


def test_plain_mkdocs_build_strict_passes_without_warnings(built_site, tmp_path):
    import os
    import subprocess
    import sys
    project = built_site["site"].parent
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                          str(tmp_path / "out")], cwd=project, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    assert (tmp_path / "out" / "papers").is_dir() and (tmp_path / "out" / "pagefind").is_dir()
