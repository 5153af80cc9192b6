"""The theme's navigation, tabs and configuration, made once per folder for
the pages outside the navigation (SharedFragments), the paper pages made from
frames of the theme's template (PageFrames), and those converted without
Markdown's parser, are what the theme and Markdown make for each page: the
seed site is built with and without them, byte for byte."""
import shutil

from conftest import ROOT, SEED
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator import frames, mkdocs_plugin


def built(tmp_path, name: str, monkeypatch) -> dict[str, bytes]:
    project = tmp_path / name
    project.mkdir()
    monkeypatch.chdir(project)  # as `survey build` runs
    shutil.copytree(SEED / "content", project / "content")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copy(SEED / "mkdocs.yml", project / "mkdocs.yml")
    (project / "generated").mkdir()
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins["survey"].config.search = False  # the pages only
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
    light = []
    render = mkdocs_plugin.GeneratedPage.render

    def counted(self, config, files):
        render(self, config, files)
        light.append(self._title_from_render is None)

    monkeypatch.setattr(mkdocs_plugin.GeneratedPage, "render", counted)
    without_parser = built(tmp_path, "light", monkeypatch)
    papers = sum(1 for path in without_parser if path.startswith("papers/") and path.endswith(".html"))
    assert papers > 400 and light.count(True) == papers  # every paper page
    assert light.count(False) > 20  # theme and listing pages have paragraphs of Markdown
    monkeypatch.setattr(mkdocs_plugin.SurveyPlugin, "_generated_pages", lambda *args: None)
    markdowns = built(tmp_path, "markdown", monkeypatch)  # MkDocs' own pages
    assert without_parser.keys() == markdowns.keys()
    assert [p for p in without_parser if without_parser[p] != markdowns[p]] == []


def test_paper_pages_made_from_frames_are_the_pages_the_template_makes(tmp_path, monkeypatch):
    filled = []
    fill = frames.Frame.fill
    monkeypatch.setattr(frames.Frame, "fill", lambda self, values: filled.append(1) or fill(self, values))
    stamped = built(tmp_path, "frames", monkeypatch)
    papers = sum(1 for path in stamped if path.startswith("papers/") and path.endswith(".html"))
    assert papers > 400 and len(filled) > papers / 2  # most paper pages
    monkeypatch.setattr(mkdocs_plugin.PageFrames, "install", lambda env: None)
    rendered = built(tmp_path, "template", monkeypatch)
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
