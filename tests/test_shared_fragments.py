"""The theme's navigation, tabs and configuration, made once per folder for
the pages outside the navigation (SharedFragments), the paper pages made from
frames of the theme's template (PageFrames), and those converted without
Markdown's parser, are what the theme and Markdown make for each page: the
seed site is built with and without them, byte for byte."""
import shutil

import pytest
from conftest import ROOT, SEED
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from generator import frames, mkdocs_plugin, write


def built(tmp_path, name: str, monkeypatch, edit_uri: str | None = None,
          actions: tuple[str, ...] = ()) -> dict[str, bytes]:
    project = tmp_path / name
    project.mkdir()
    monkeypatch.chdir(project)  # as `survey build` runs
    shutil.copytree(SEED / "content", project / "content")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copy(SEED / "mkdocs.yml", project / "mkdocs.yml")
    (project / "generated").mkdir()
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins["survey"].config.search = False  # the pages only
    if edit_uri is not None:
        config["edit_uri"] = edit_uri
    config.theme["features"] = [*config.theme["features"], *actions]
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` starts
    build(config)
    site = project / "site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_shared_fragments_make_the_pages_the_theme_makes(tmp_path, monkeypatch):
    made = []
    call = mkdocs_plugin.SharedFragments.__call__

    def counted(self, block, page, base_url, caller):
        made.append(block)
        return call(self, block, page, base_url, lambda: made.append("made") or caller())

    monkeypatch.setattr(mkdocs_plugin.SharedFragments, "__call__", counted)
    monkeypatch.setattr(mkdocs_plugin.PageFrames, "install", lambda env: None)  # every page rendered
    shared = built(tmp_path, "shared", monkeypatch)
    papers = sum(1 for path in shared if path.startswith("papers/") and path.endswith(".html"))
    assert papers > 400 and made.count("site_nav") > papers  # asked on every page
    assert made.count("made") < len(made) / 5  # made on few
    monkeypatch.setattr(mkdocs_plugin.SurveyPlugin, "on_env", lambda self, env, config, files: env)
    alone = built(tmp_path, "alone", monkeypatch)
    assert shared.keys() == alone.keys()
    assert [p for p in shared if shared[p] != alone[p]] == []


def test_pages_of_headings_and_blocks_are_the_html_markdown_makes(tmp_path, monkeypatch):
    light, kept = [], []
    render = mkdocs_plugin.GeneratedPage.render

    def counted(self, config, files):
        render(self, config, files)
        light.append(self._title_from_render is None)
        kept.append(self.without_parser and self.markdown != "")  # its source, held to the end

    monkeypatch.setattr(mkdocs_plugin.GeneratedPage, "render", counted)
    without_parser = built(tmp_path, "light", monkeypatch)
    papers = sum(1 for path in without_parser if path.startswith("papers/") and path.endswith(".html"))
    assert papers > 400 and light.count(True) == papers  # every paper page
    assert light.count(False) > 20  # theme and listing pages have paragraphs of Markdown
    assert not any(kept)  # 10,000 papers: 59 MB less at the process's peak
    monkeypatch.setattr(mkdocs_plugin.SurveyPlugin, "_generated_pages", lambda *args: None)
    markdowns = built(tmp_path, "markdown", monkeypatch)  # MkDocs' own pages
    assert without_parser.keys() == markdowns.keys()
    assert [p for p in without_parser if without_parser[p] != markdowns[p]] == []


@pytest.mark.parametrize("edit_uri, actions, most", [
    (None, (), True),  # the seeds': no edit link
    ("edit/main/generated/", ("content.action.edit",), True),  # a fork's, each page's own link
    # The "view" link is the edit link with "edit" replaced: the frame cannot hold it.
    ("edit/main/generated/", ("content.action.edit", "content.action.view"), False)])
def test_paper_pages_made_from_frames_are_the_pages_the_template_makes(tmp_path, monkeypatch,
                                                                       edit_uri, actions, most):
    filled = []
    fill = frames.Frame.fill
    monkeypatch.setattr(frames.Frame, "fill", lambda self, values: filled.append(1) or fill(self, values))
    stamped = built(tmp_path, "frames", monkeypatch, edit_uri, actions)
    papers = sum(1 for path in stamped if path.startswith("papers/") and path.endswith(".html"))
    assert papers > 400 and (len(filled) > papers / 2) == most  # most paper pages, or none
    monkeypatch.setattr(mkdocs_plugin.PageFrames, "install", lambda env: None)
    rendered = built(tmp_path, "template", monkeypatch, edit_uri, actions)
    assert rendered["papers/grokking-at-the-edge-of-numerical-stability/index.html"].count(
        b"generated/papers/grokking-at-the-edge-of-numerical-stability.md") == len(actions)
    assert stamped.keys() == rendered.keys()
    assert [p for p in stamped if stamped[p] != rendered[p]] == []


def test_a_frame_that_misses_a_difference_is_dropped_at_its_first_pages(tmp_path, monkeypatch):
    """A frame that the two-marker check lets through but which does not make
    the shape's first pages (here: one with a stray word) is not used."""
    make = frames.make

    def stray(render, slots):
        frame = make(render, slots)
        return frames.Frame(frame.text.replace("</title>", " stray</title>"), slots) if frame else None

    monkeypatch.setattr(frames, "make", stray)
    dropped = built(tmp_path, "dropped", monkeypatch)
    assert not any(b"stray" in html for html in dropped.values())


def test_generated_pages_read_from_memory_are_the_pages_read_from_their_files(tmp_path, monkeypatch):
    read = []
    hook = mkdocs_plugin.SurveyPlugin.on_page_read_source

    def counted(self, page, config):
        read.append(hook(self, page, config))
        return read[-1]

    monkeypatch.setattr(mkdocs_plugin.SurveyPlugin, "on_page_read_source", counted)
    from_memory = built(tmp_path, "memory", monkeypatch)
    assert len(read) > 450 and None not in read  # every page: all are generated
    assert [p.name for p in (tmp_path / "memory" / "generated").iterdir()] == [write.LOCK]
    monkeypatch.setattr(mkdocs_plugin.SurveyPlugin, "on_page_read_source",
                        lambda self, page, config: None)  # MkDocs reads each file
    monkeypatch.setattr(mkdocs_plugin.SurveyPlugin, "_take_from_memory",  # written first
                        lambda self, files, docs: write.sync(files, docs))
    from_files = built(tmp_path, "files", monkeypatch)
    assert len(list((tmp_path / "files" / "generated").rglob("*.md"))) > 450
    assert from_memory.keys() == from_files.keys()
    assert [p for p in from_memory if from_memory[p] != from_files[p]] == []


def test_a_page_read_from_memory_reads_as_its_file_does(tmp_path):
    """Line ends and a byte order mark, as MkDocs reads a file (utf-8-sig, universal newlines)."""
    text = "\ufeff---\r\ntitle: T\r\n---\r\n\r\n# T\rafter\n"
    (tmp_path / "p.md").write_bytes(text.encode("utf-8"))
    file = File("p.md", str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
    plugin = mkdocs_plugin.SurveyPlugin()
    plugin.sources = {"p.md": text}
    page = Page(None, file, MkDocsConfig())
    assert plugin.on_page_read_source(page, None) == file.content_string
    assert plugin.on_page_read_source(page, None) is None  # read once
