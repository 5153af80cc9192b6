"""Accessibility: axe-core (from npm) finds no serious or critical violation on
each kind of page of the built seed site, in the light and the dark scheme."""
import _reader
import pytest

PAGES = {
    "home": "",
    "themes index": "themes/",
    "theme": "themes/memorization-grokking/",
    "paper with a summary": "papers/grokking-generalization-beyond-overfitting-on-small-algorithmic-datasets/",
    "paper without a summary": "papers/grokking-tickets-lottery-tickets-accelerate-grokking/",
    "listing": "listings/000_efa8ebba231a56d6/",
    "cross-listed": "cross-listed/",
    "search with results": "search/?q=generalization",
}
RESULTS = "#find-results .find-title a"  # the search page's results (assets/find.js)
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"""


@pytest.fixture(scope="module")
def axe():
    return _reader.axe_script()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_violations(server, browser, axe, scheme):
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    found = {}
    for name, url in PAGES.items():
        tab.goto(server + url)
        if url.startswith("search/"):
            tab.wait_for_selector(RESULTS)
        expected = "slate" if scheme == "dark" else "default"
        assert tab.get_attribute("body", "data-md-color-scheme") == expected, name
        tab.add_script_tag(content=axe)
        violations = tab.evaluate(RUN_AXE)
        if violations:
            found[name] = violations
    context.close()
    assert not found, found


@pytest.mark.parametrize("name", ["theme", "paper with a summary", "paper without a summary",
                                  "listing", "cross-listed"])
def test_each_page_kind_fits_a_phone(server, browser, name):
    """At 360 px nothing makes the page scroll sideways (a wide table scrolls in its own box)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto(server + PAGES[name])
    width = tab.evaluate("document.documentElement.clientWidth")
    assert tab.evaluate("document.documentElement.scrollWidth") <= width, name
    assert tab.locator("article h1").count() == 1 and tab.locator("article a").count() > 5
    context.close()
