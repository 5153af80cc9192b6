"""The scale benchmark's own parts: the synthetic corpus it builds, the way
it measures a process tree, the clocks it puts around a build, and its
verdicts on the targets. (The benchmark itself is run by hand: minutes.)"""
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of the checkout, not installed

from benchmarks import bench, measure  # noqa: E402
from benchmarks import corpus as corpora  # noqa: E402
from benchmarks.targets import Figures, check_targets  # noqa: E402
from generator.parse import parse_listing  # noqa: E402


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return corpora.write_survey(tmp_path_factory.mktemp("bench") / "project", 1000)


def test_synthetic_corpus_has_the_papers_asked_for_and_no_problem(survey):
    corpus = survey.corpus
    assert len(corpus.papers) == 1000
    assert corpus.problems == ()
    cross = sum(p.cross_listed for p in corpus.papers) / len(corpus.papers)
    assert 0.14 <= cross <= 0.16


def test_synthetic_corpus_keeps_the_seed_survey(survey):
    seeds = corpora.read_corpus(corpora.SEED / "content")
    ids = {p.id for p in survey.corpus.papers}
    assert {p.id for p in seeds.papers} <= ids
    assert set(survey.corpus.summaries) == set(seeds.summaries)  # every summary still applies


def test_synthetic_listings_are_written_in_the_seeds_layouts(survey):
    content = survey.project / "content"
    seeds = {l.seed_file: l for l in corpora.seed_layouts(corpora.SEED / "content")}
    config = corpora.yaml.safe_load((content / "listings.yml").read_text())
    written = [item for item in config["listings"] if item["file"].startswith("synthetic_")]
    assert {item["title"].split("written as ")[1].split(" ")[0] for item in written} == set(seeds)
    for item in written:
        seed = seeds[item["title"].split("written as ")[1].split(" ")[0]]
        layout = corpora._layout(content / "listings" / item["file"], 2025)
        assert (layout.header, layout.glued, layout.blank_lines, layout.metadata) == (
            seed.header, seed.glued, seed.blank_lines, seed.metadata), item["file"]


def test_a_listing_in_the_glued_layout_reads_back_whole(survey):
    path = next((survey.project / "content" / "listings").glob("synthetic_0002.txt"))
    text = path.read_text()
    assert text.split("\n")[2].startswith("SubscribeVariant ")
    parsed = parse_listing(text, path.name, 2025)
    assert parsed.problems == [] and parsed.entries[0].title.startswith("Variant ")


def test_floor_is_one_page_per_paper_with_title_and_abstract(survey, tmp_path):
    floor = corpora.write_floor(tmp_path / "floor", survey.corpus)
    pages = list((floor / "docs" / "papers").glob("*.md"))
    assert len(pages) == 1000
    paper = survey.corpus.papers[0]
    assert (floor / "docs" / "papers" / f"{paper.id}.md").read_text() == (
        f"# {paper.title}\n\n{paper.abstract}\n")
    assert "plugins: []" in (floor / "mkdocs.yml").read_text()


TREE = textwrap.dedent("""
    import subprocess, sys, time
    block = bytearray(120 * 1024 * 1024)
    if sys.argv[1:] != ["leaf"]:
        kids = [subprocess.Popen([sys.executable, __file__, "leaf"]) for _ in range(2)]
        [k.wait() for k in kids]
    else:
        time.sleep(1.5)
        end = time.process_time() + 0.5
        while time.process_time() < end:
            pass
""")


def test_memory_and_cpu_are_those_of_the_whole_process_tree(tmp_path):
    script = tmp_path / "tree.py"
    script.write_text(TREE)
    run = measure.run([sys.executable, str(script)], cwd=tmp_path)
    assert run.returncode == 0
    one = max(run.peak_by_name.values())
    assert one < 200e6  # no process held more than its own block
    assert run.peak_rss > 330e6  # three blocks of 120 MB at once, summed
    assert run.cpu >= 0.9  # the two grandchildren's half second each


def test_runner_times_the_steps_of_a_floor_build(survey, tmp_path):
    seeds = corpora.read_corpus(corpora.SEED / "content")
    floor = corpora.write_floor(tmp_path / "floor", seeds)
    out = tmp_path / "report.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "runner.py"), "floor", str(out)],
                   cwd=floor, check=True)
    report = json.loads(out.read_text())
    assert report["returncode"] == 0
    assert report["calls"]["mkdocs: Markdown to HTML"] == len(seeds.papers) + 1


def test_runner_makes_the_search_index_alone_and_clocks_it(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(corpora.SEED / "content", project / "content")
    out = tmp_path / "report.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "runner.py"), "index", str(out)],
                   cwd=project, check=True)
    report = json.loads(out.read_text())
    assert report["returncode"] == 0
    assert report["seconds"]["index: wall"] > 0
    seconds = report["seconds"]
    assert 0 < seconds["index: cpu"] <= report["cpu_python"] + report["cpu_children"]
    steps = [seconds[f"index CPU: {step}"] for step in bench.INDEX_STEPS]
    assert bench.INDEX_STEPS == ("records", "Pagefind and its answers", "files written")
    assert all(s > 0 for s in steps) and sum(steps) <= seconds["index: cpu"]
    assert (project / "site" / "pagefind" / "pagefind-entry.json").is_file()


def test_the_least_a_build_with_search_costs_is_the_floor_and_the_index():
    build = [bench.Build("floor", 1.0, 2.0, 0, {}, {}, 0, {}, None, "")]
    survey = [bench.Build("survey", 2.0, 4.0, 0, {}, {}, 0, {}, 0, "")]
    steps = {"records": 0.1, "Pagefind and its answers": 0.8, "files written": 0.2}
    index = [{"wall": 0.5, "cpu": 1.0, **steps}, {"wall": 0.7, "cpu": 1.2, **steps},
             {"wall": 9.0, "cpu": 9.0, **steps}]
    result = bench.CorpusResult("seeds", 414, 46, 5, survey, build, index=index)
    row = bench.least_table([result]).splitlines()[-1]
    # medians: the index 0.7 s / 1.2 s; floor + index 3.2 s, 1.60x the floor; 0.8 s beyond
    assert row == ("| seeds (414) | 0.7 s / 1.2 s | 0.1 s, 0.8 s, 0.2 s | 3.2 s | 1.60x | "
                   "0.8 s |")


def figures(**changes) -> Figures:
    base = dict(papers=10_000, wall=50.0, cpu=40.0, floor_wall=26.0, floor_cpu=22.0,
                peak_rss=900_000_000, ok=True, largest_paper_kb=20.0, largest_theme_kb=250.0,
                search_kb=380.0, search_seconds=0.45, edit_seconds=[4.0, 5.0], rebuilds=[1, 1])
    return Figures(**{**base, **changes})


def verdicts(**changes) -> dict[str, bool | None]:
    found = check_targets({"10000": figures(**changes)})
    return {v.target: v.passed for v in found}


def test_targets_pass_within_their_limits_and_fail_beyond():
    within = verdicts()
    assert within["10,000 papers: full build at most 2x the floor (wall)"] is True
    assert within["10,000 papers: peak RSS of all processes at most 1 GB"] is True
    beyond = verdicts(wall=53.0, peak_rss=1_100_000_000, largest_paper_kb=31.0,
                      search_seconds=0.6, edit_seconds=[4.0, 11.0], rebuilds=[1, 2])
    assert beyond["10,000 papers: full build at most 2x the floor (wall)"] is False
    assert beyond["10,000 papers: peak RSS of all processes at most 1 GB"] is False
    assert beyond["10,000 papers: no paper page above 30 KB"] is False
    assert beyond["10,000 papers: first search at most 0.5 s"] is False
    assert beyond["preview, 10,000 papers: every edit served within 10 s"] is False
    assert beyond["preview, 10,000 papers: one rebuild per edit"] is False


def test_targets_without_figures_are_not_measured_and_problems_fail():
    found = verdicts(ok=False)
    assert found["10000: every build strict, 0 problems"] is False
    assert found["seed build within 1.5x of the floor (wall time)"] is None
    assert found["20,000 papers build within 2 GB (whole process tree)"] is None
