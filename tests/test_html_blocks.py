"""The generator's HTML blocks: passed through Markdown whole, and their
links to pages turned into the pages' addresses by the MkDocs plugin."""
import logging
import re

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import html_blocks
from generator.mkdocs_plugin import SurveyPlugin

EXTENSIONS = ["tables", "md_in_html", "toc"]


def convert(text: str, *extensions) -> str:
    return markdown.Markdown(extensions=[*EXTENSIONS, *extensions]).convert(text)


def test_a_paper_page_converts_to_the_same_html_with_and_without_the_extension(built_site):
    page = (built_site["docs"] / "papers" / "grokking-at-the-edge-of-numerical-stability.md"
            ).read_text(encoding="utf-8")
    body = page.split("---\n", 2)[2]
    assert body.count(html_blocks.START) >= 4
    with_blocks = convert(body, html_blocks.HtmlBlocks())
    assert html_blocks.START not in with_blocks and "<h2 id=\"abstract\">Abstract</h2>" in with_blocks
    without = re.sub(r"\n?<!-- /?html -->\n?", "\n", convert(body))
    assert _squeeze(with_blocks) == _squeeze(without)


def _squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_a_block_is_kept_as_written_and_not_read_as_markdown():
    text = f"# T\n\n{html_blocks.START}\n<p>*not emphasis* [not](a link)</p>\n<ul>\n<li>x</li>\n</ul>\n{html_blocks.END}\n\nAfter *this*.\n"
    html = convert(text, html_blocks.HtmlBlocks())
    assert "<p>*not emphasis* [not](a link)</p>\n<ul>\n<li>x</li>\n</ul>" in html
    assert "<p>After <em>this</em>.</p>" in html


def test_a_block_without_its_end_is_left_to_markdown():
    text = f"{html_blocks.START}\n<p>open</p>\n\nAfter *this*.\n"
    html = convert(text, html_blocks.HtmlBlocks())
    assert "<p>open</p>" in html and "<em>this</em>" in html


def _site():
    config = MkDocsConfig()
    config.load_dict({"site_name": "S", "docs_dir": ".", "site_dir": "/tmp/never"})
    files = Files([File(p, ".", "/tmp/never", True) for p in
                   ("index.md", "papers/p.md", "themes/t.md", "listings/a.md")])
    page = Page(None, files.get_file_from_path("papers/p.md"), config)
    return page, files


def test_links_in_blocks_become_the_pages_addresses():
    page, files = _site()
    html = ('<a href="../themes/t.md">T</a> <a href="../listings/a.md#line-3">A</a> '
            '<a href="../index.md">H</a> <a href="https://x.org/a.md">out</a>')
    out = SurveyPlugin().on_page_content(html, page=page, config=None, files=files)
    assert out == ('<a href="../../themes/t/">T</a> <a href="../../listings/a/#line-3">A</a> '
                   '<a href="../../">H</a> <a href="https://x.org/a.md">out</a>')


def test_a_link_to_a_missing_page_is_a_warning(caplog):
    page, files = _site()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.survey"):
        out = SurveyPlugin().on_page_content('<a href="../themes/gone.md">G</a>', page=page,
                                             config=None, files=files)
    assert out == '<a href="../themes/gone.md">G</a>'
    assert caplog.messages == ["survey: papers/p.md: a link to themes/gone.md, which is not a "
                               "page of the site"]


def test_a_page_gone_since_the_last_build_is_a_warning_again(caplog):
    plugin = SurveyPlugin()
    page, files = _site()
    link = '<a href="../themes/t.md">T</a>'
    assert plugin.on_page_content(link, page=page, config=None, files=files) == \
        '<a href="../../themes/t/">T</a>'
    fewer = Files([f for f in files if f.src_uri != "themes/t.md"])
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.survey"):
        assert plugin.on_page_content(link, page=page, config=None, files=fewer) == link
    assert caplog.messages == ["survey: papers/p.md: a link to themes/t.md, which is not a "
                               "page of the site"]


def test_pages_of_one_folder_share_addresses_but_its_index_does_not():
    plugin = SurveyPlugin()
    config = MkDocsConfig()
    config.load_dict({"site_name": "S", "docs_dir": ".", "site_dir": "/tmp/never"})
    files = Files([File(p, ".", "/tmp/never", True) for p in
                   ("themes/index.md", "themes/a.md", "themes/b.md", "papers/p.md")])
    link = '<a href="../papers/p.md">P</a>'
    found = [plugin.on_page_content(link, page=Page(None, files.get_file_from_path(name), config),
                                    config=None, files=files)
             for name in ("themes/a.md", "themes/index.md", "themes/b.md")]
    assert found == ['<a href="../../papers/p/">P</a>', '<a href="../papers/p/">P</a>',
                     '<a href="../../papers/p/">P</a>']


def test_only_a_page_of_headings_and_blocks_is_converted_without_the_parser():
    page = f"# T\n\n{html_blocks.START}\n<p>x</p>\n{html_blocks.END}\n\n## Abstract\n"
    assert html_blocks.parts(page) == ["# T", "<p>x</p>", "## Abstract"]
    assert html_blocks.parts(page + "\nA paragraph of *Markdown*.\n") is None
    assert html_blocks.parts(f"# T\n\n{html_blocks.START}\n<p>open</p>\n") is None
    assert html_blocks.parts(f"# T\n\n{html_blocks.START}\n# not HTML\n{html_blocks.END}\n") is None


def test_a_title_whose_id_a_section_takes_too_is_left_to_markdown():
    headings = html_blocks.Headings(EXTENSIONS, {})
    block = f"{html_blocks.START}\n<p>x</p>\n{html_blocks.END}"
    assert headings.convert(html_blocks.parts(f"# Abstracts\n\n{block}\n\n## Abstract\n")) \
        is not None
    assert headings.convert(html_blocks.parts(f"# Abstract\n\n{block}\n\n## Abstract\n")) is None
    assert headings.convert(["# T", "<em>inline</em>"]) is None  # Markdown would wrap it in <p>
