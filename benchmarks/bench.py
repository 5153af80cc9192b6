"""The survey's build at scale, against the bare MkDocs + Material floor.

For the seed survey and synthetic surveys of the sizes asked for (made from
the seeds by benchmarks/corpus.py), in one run: the project's full build
(`survey build --strict`, in a subprocess) and the floor (`mkdocs build
--strict` of one page per paper with its title and abstract, no plugins,
only the home page in the navigation) in interleaved rounds, each from a
clean state; medians of wall time, CPU time and peak memory of the whole
process tree; where the build's time goes; the site's sizes; what the
first search downloads and how long it takes; an edit's way to the page a
live preview serves; and the targets of issue 13, each PASS or FAIL. Each
round also makes the search index alone from the same papers, so the report
shows the least that any build with this search can cost: the floor's
pages and the index.

    .venv/bin/python benchmarks/bench.py                  # 1,000, 5,000, 10,000 papers
    .venv/bin/python benchmarks/bench.py --quick          # the seed survey only
    .venv/bin/python benchmarks/bench.py --sizes 10000 --rounds 3 --profile
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from benchmarks import corpus as corpora  # noqa: E402
from benchmarks import measure, probes, profiling  # noqa: E402
from benchmarks.runner import INDEX_CPU  # noqa: E402
from benchmarks.runner import INDEX_STEPS as INDEX_STEP_NAMES  # noqa: E402
from benchmarks.targets import Figures, check_targets  # noqa: E402

RUNNER = Path(__file__).resolve().parent / "runner.py"
SUMMARY_RE = re.compile(r"(\d+) problems? \((\d+) errors?\)")
MB = 1e6


@dataclass
class Build:
    """One build, measured from outside and timed inside."""

    kind: str  # "survey" or "floor"
    wall: float
    cpu: float
    peak_rss: int
    at_peak: dict[str, int]
    peak_by_name: dict[str, int]
    returncode: int
    phases: dict[str, float]
    problems: int | None  # as the build's summary line counts them (survey only)
    output: str  # what the build printed on stderr (problems, warnings)
    log: list[str] = field(default_factory=list)


@dataclass
class CorpusResult:
    name: str  # "seeds" or the number of papers
    papers: int
    cross_listed: int
    listings: int
    survey: list[Build]
    floor: list[Build]
    sizes: dict[str, float] = field(default_factory=dict)
    index: list[dict[str, float]] = field(default_factory=list)  # the search index alone
    search: dict | None = None
    preview: dict | None = None
    profile: str | None = None


def clean(project: Path) -> None:
    """The state of a fresh checkout: no site, no generated pages."""
    for old in project.glob(".site-*"):
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(project / "site", ignore_errors=True)
    if (project / "generated").exists():
        shutil.rmtree(project / "generated")
        (project / "generated").mkdir()


def build_once(kind: str, project: Path, profile: Path | None = None) -> Build:
    clean(project)
    report = project / "runner.json"
    command = [sys.executable, str(RUNNER), kind, str(report)]
    if profile:
        command += ["--profile", str(profile)]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SURVEY_SITE_URL", None)
    run = measure.run(command, cwd=project, env=env)
    inside = json.loads(report.read_text()) if report.exists() else {}
    report.unlink(missing_ok=True)
    return Build(kind, run.wall, run.cpu, run.peak_rss, run.at_peak, run.peak_by_name,
                 run.returncode, phases(kind, run.wall, inside), problems(run.stdout),
                 run.stderr.strip(), inside.get("log", []))


def index_once(project: Path) -> dict[str, float]:
    """The search index of the project's papers, made alone (runner.py's
    ``index``): its wall and CPU time, Pagefind's process included."""
    clean(project)
    report = project / "runner.json"
    run = measure.run([sys.executable, str(RUNNER), "index", str(report)], cwd=project,
                      env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    if run.returncode != 0:
        raise SystemExit(f"the search index alone failed: {run.stderr.strip()[:1500]}")
    seconds = json.loads(report.read_text())["seconds"]
    report.unlink()
    return {"wall": seconds["index: wall"], "cpu": seconds["index: cpu"],
            **{k.removeprefix(INDEX_CPU): v for k, v in seconds.items()
               if k.startswith(INDEX_CPU)}}


def problems(stdout: str) -> int | None:
    found = SUMMARY_RE.search(stdout)
    return int(found[1]) if found else None


def phases(kind: str, wall: float, inside: dict) -> dict[str, float]:
    """Seconds by step; 'start-up and exit' is what the clocks inside do not cover."""
    s = dict(inside.get("seconds", {}))
    whole = s.get("mkdocs: whole build", 0.0)
    own = ["generator", "pagefind", "mkdocs: Markdown to HTML",
           "mkdocs: theme templates and writing pages"]
    s["mkdocs: the rest (files, navigation, assets, sitemap)"] = whole - sum(
        s.get(name, 0.0) for name in own)
    steps = whole + sum(v for k, v in s.items() if k.startswith("publish"))
    s["start-up (imports, configuration) and exit"] = wall - steps
    return s


def rounds(project: Path, floor: Path, n: int,
           say) -> tuple[list[Build], list[Build], list[dict[str, float]]]:
    """``n`` interleaved rounds, alternating which build goes first; each
    round starts with the search index made alone (the last build's site
    stays for the sizes and the first search)."""
    survey_builds, floor_builds, index = [], [], []
    for r in range(n):
        index.append(index_once(project))
        say(f"    round {r + 1} search index alone: {index[-1]['wall']:.1f} s wall, "
            f"{index[-1]['cpu']:.1f} s CPU")
        order = [("survey", project), ("floor", floor)]
        for kind, folder in (order if r % 2 == 0 else order[::-1]):
            build = build_once(kind, folder)
            (survey_builds if kind == "survey" else floor_builds).append(build)
            say(f"    round {r + 1} {kind}: {build.wall:.1f} s wall, {build.cpu:.1f} s CPU, "
                f"{build.peak_rss / 1e9:.2f} GB" + ("" if build.returncode == 0
                                                    else f", FAILED (exit {build.returncode})"))
            if build.output:
                say("      it printed: " + build.output[:1500].replace("\n", "\n      "))
    return survey_builds, floor_builds, index


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def largest(paths) -> tuple[int, str]:
    sized = [(p.stat().st_size, str(p)) for p in paths]
    return max(sized) if sized else (0, "")


def site_sizes(project: Path, floor: Path) -> dict[str, float]:
    site = project / "site"
    total, files = folder_size(site)
    paper_pages = [p.stat().st_size for p in (site / "papers").glob("*/index.html")]
    theme_kb, theme = largest((site / "themes").glob("*/index.html"))
    listing_kb, _ = largest((site / "listings").glob("*/index.html"))
    data = largest(p for p in site.rglob("*.json") if "pagefind" not in p.parts)
    search_total, search_files = folder_size(site / "pagefind")
    floor_total, floor_files = folder_size(floor / "site")
    return {
        "site MB": total / MB, "site files": files,
        "generated Markdown MB": generated_size(project) / MB,
        "largest paper page KB": max(paper_pages, default=0) / 1e3,
        "median paper page KB": statistics.median(paper_pages or [0]) / 1e3,
        "largest theme page KB": theme_kb / 1e3,
        "largest theme page": theme.split("/site/", 1)[-1],
        "largest listing page KB": listing_kb / 1e3,
        "home page KB": (site / "index.html").stat().st_size / 1e3,
        "largest data file KB": data[0] / 1e3, "largest data file": data[1].split("/site/", 1)[-1],
        "search index MB": search_total / MB, "search index files": search_files,
        "floor site MB": floor_total / MB, "floor site files": floor_files,
        "floor Markdown MB": folder_size(floor / "docs")[0] / MB,
    }


def generated_size(project: Path) -> int:
    """The bytes of the generated files, as `survey generate` writes them (a
    build takes them from memory and writes none)."""
    shutil.rmtree(project / "generated")
    (project / "generated").mkdir()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))  # this checkout's generator
    run = measure.run([sys.executable, "-m", "generator", "generate"], cwd=project, env=env)
    if run.returncode != 0:
        raise SystemExit(f"survey generate failed: {run.stderr.strip()[:1500]}")
    return folder_size(project / "generated")[0]


def run_corpus(name: str, papers: int | None, work: Path, args, say) -> CorpusResult:
    say(f"\n== {name}: writing the corpus")
    survey = corpora.write_survey(work / "project", papers)
    corpus = survey.corpus
    floor = corpora.write_floor(work / "floor", corpus)
    say(f"   {len(corpus.papers)} papers, {sum(p.cross_listed for p in corpus.papers)} "
        f"cross-listed, {len(corpus.listings)} listings, {len(corpus.problems)} problems "
        "when read")
    survey_builds, floor_builds, index = rounds(survey.project, floor, args.rounds, say)
    result = CorpusResult(name, len(corpus.papers), sum(p.cross_listed for p in corpus.papers),
                          len(corpus.listings), survey_builds, floor_builds, index=index)
    if (survey.project / "site" / "index.html").exists():
        result.sizes = site_sizes(survey.project, floor)
        if not args.no_search:
            result.search = search_figures(survey.project / "site", say)
    if args.profile and name == args.profile_size:
        result.profile = profile_build(survey.project, work, say)
    if name in args.preview:
        result.preview = preview_figures(survey, args, say)
    shutil.rmtree(work, ignore_errors=True)
    return result


def search_figures(site: Path, say) -> dict | None:
    try:
        found = probes.first_search(site)
    except Exception as err:  # no browser: say so, go on with the rest
        say(f"   first search not measured: {err}")
        return None
    say(f"   first search {found.query!r}: {found.seconds:.2f} s, {found.results} results, "
        f"{found.bytes / 1e3:.0f} KB")
    return {"query": found.query, "seconds": found.seconds, "results": found.results,
            "KB": found.bytes / 1e3, "code KB": found.part(True) / 1e3,
            "index data KB": found.part(False) / 1e3, "files": found.files}


def preview_figures(survey, args, say) -> dict:
    clean(survey.project)
    say(f"   preview: {args.edits} edits of a summary, of a listing and of themes.yml")
    quiet = 3.0 if len(survey.corpus.papers) < 2000 else 10.0
    run = probes.preview_latency(survey.project, survey.corpus, args.edits, quiet)
    for edit in run.edits:
        say(f"    {edit.kind} edit: served after {edit.seconds:.2f} s, {edit.rebuilds} rebuilds")
    return {"start": run.start, "edits": [asdict(e) for e in run.edits]}


def profile_build(project: Path, work: Path, say) -> str:
    out = work / "build.prof"
    say("   profiling one more build with cProfile (slower than unprofiled)")
    build = build_once("survey", project, profile=out)
    return profiling.report(out, build.wall)


def median(builds: list[Build], attribute: str) -> float:
    return statistics.median(getattr(b, attribute) for b in builds)


ORDER = ["start-up", "publish: remove", "generator: read", "generator: merge",
         "generator: classify", "generator: curate", "generator: render", "generator: write",
         "generator", "mkdocs: Markdown", "mkdocs: theme",
         "mkdocs: the rest", "pagefind", "publish: swap"]


def _place(name: str) -> tuple[int, str]:
    return next((i for i, p in enumerate(ORDER) if name.startswith(p)), len(ORDER)), name


def label(r: CorpusResult) -> str:
    return f"seeds ({r.papers})" if r.name == "seeds" else f"{r.papers:,}"


def median_phases(builds: list[Build]) -> dict[str, float]:
    names = sorted({name for b in builds for name in b.phases}, key=_place)
    return {n: statistics.median(b.phases.get(n, 0.0) for b in builds) for n in names}


def build_table(results: list[CorpusResult]) -> str:
    rows = ["| papers | survey wall / CPU | floor wall / CPU | ratio wall / CPU | "
            "survey peak RSS (whole tree) | floor peak RSS | survey problems | rounds |",
            "|---|---|---|---|---|---|---|---|"]
    for r in results:
        sw, sc = median(r.survey, "wall"), median(r.survey, "cpu")
        fw, fc = median(r.floor, "wall"), median(r.floor, "cpu")
        failed = sum(b.returncode != 0 for b in r.survey + r.floor)
        rows.append(
            f"| {label(r)} | {sw:.1f} s / {sc:.1f} s | {fw:.1f} s / {fc:.1f} s | "
            f"{sw / fw:.2f}x / {sc / fc:.2f}x | {median(r.survey, 'peak_rss') / 1e9:.2f} GB | "
            f"{median(r.floor, 'peak_rss') / 1e9:.2f} GB | "
            f"{', '.join(str(b.problems) for b in r.survey)}"
            f"{f'; {failed} builds FAILED' if failed else ''} | {len(r.survey)} |")
    return "\n".join(rows)


INDEX_STEPS = tuple(INDEX_STEP_NAMES.values())  # runner.py's clocks of the index, in order


def least_table(results: list[CorpusResult]) -> str:
    """The floor's pages and the search index made alone: the least CPU time
    any build with this search can take, as a ratio of the floor's."""
    rows = ["| papers | search index alone wall / CPU | its CPU: records, Pagefind and its "
            "answers, files written | floor + index CPU | floor + index, ratio to the floor "
            "(CPU) | survey CPU beyond floor + index |", "|---|---|---|---|---|---|"]
    for r in results:
        if not r.index:
            continue
        iw, ic = (statistics.median(i[k] for i in r.index) for k in ("wall", "cpu"))
        steps = ", ".join(f"{statistics.median(i.get(k, 0.0) for i in r.index):.1f} s"
                          for k in INDEX_STEPS)
        fc, sc = median(r.floor, "cpu"), median(r.survey, "cpu")
        rows.append(f"| {label(r)} | {iw:.1f} s / {ic:.1f} s | {steps} | {fc + ic:.1f} s | "
                    f"{(fc + ic) / fc:.2f}x | {sc - fc - ic:.1f} s |")
    return "\n".join(rows)


def phase_table(results: list[CorpusResult]) -> str:
    """Median seconds by step, survey then floor, one column per corpus."""
    head = "| step | " + " | ".join(r.name for r in results) + " |"
    rows = [head, "|---|" + "---|" * len(results)]
    for kind in ("survey", "floor"):
        meds = [median_phases(getattr(r, kind)) for r in results]
        names = list(dict.fromkeys(n for m in meds for n in m if n != "mkdocs: whole build"))
        for name in names:
            rows.append(f"| {kind}: {name} | " + " | ".join(
                f"{m[name]:.2f}" if name in m else "" for m in meds) + " |")
        rows.append(f"| **{kind}: wall** | " + " | ".join(
            f"**{median(getattr(r, kind), 'wall'):.1f}**" for r in results) + " |")
    return "\n".join(rows)


def memory_table(results: list[CorpusResult]) -> str:
    rows = ["| papers | survey peak, whole tree (highest round) | held at the peak by | "
            "each process's own peak |", "|---|---|---|---|"]
    for r in results:
        build = max(r.survey, key=lambda b: b.peak_rss)
        held = ", ".join(f"{n} {v / 1e9:.2f} GB" for n, v in
                         sorted(build.at_peak.items(), key=lambda x: -x[1]) if v > 1e7)
        own = ", ".join(f"{n} {v / 1e9:.2f} GB" for n, v in
                        sorted(build.peak_by_name.items(), key=lambda x: -x[1]) if v > 1e7)
        rows.append(f"| {label(r)} | {build.peak_rss / 1e9:.2f} GB | {held} | {own} |")
    return "\n".join(rows)


def size_table(results: list[CorpusResult]) -> str:
    keys = ["site MB", "site files", "generated Markdown MB", "largest paper page KB",
            "median paper page KB", "largest theme page KB", "largest listing page KB",
            "home page KB", "largest data file KB", "search index MB", "floor site MB",
            "floor Markdown MB"]
    rows = ["| | " + " | ".join(r.name for r in results) + " |",
            "|---|" + "---|" * len(results)]
    for key in keys:
        rows.append(f"| {key} | " + " | ".join(_num(r.sizes.get(key)) for r in results) + " |")
    rows.append("| first search: seconds to results | " + " | ".join(
        _num(r.search and r.search["seconds"], 2) for r in results) + " |")
    rows.append("| first search: KB fetched (code + index data) | " + " | ".join(
        (f"{r.search['KB']:.0f} ({r.search['code KB']:.0f} + {r.search['index data KB']:.0f})"
         if r.search else "") for r in results) + " |")
    return "\n".join(rows)


def _num(value, digits: int = 1) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def preview_table(results: list[CorpusResult]) -> str:
    rows = ["| papers | start (first page served) | summary edits: s to served page | "
            "listing edits | themes.yml edits | rebuilds per edit |", "|---|---|---|---|---|---|"]
    for r in results:
        if not r.preview:
            continue
        edits = r.preview["edits"]
        by = {k: ", ".join(f"{e['seconds']:.2f}" for e in edits if e["kind"] == k)
              for k in ("summary", "listing", "theme")}
        rows.append(f"| {r.name} | {r.preview['start']:.1f} s | {by['summary']} | "
                    f"{by['listing']} | {by['theme']} | "
                    f"{', '.join(str(e['rebuilds']) for e in edits)} |")
    return "\n".join(rows)


def figures(results: list[CorpusResult]) -> dict[str, Figures]:
    out = {}
    for r in results:
        edits = (r.preview or {}).get("edits", [])
        out[r.name] = Figures(
            papers=r.papers, wall=median(r.survey, "wall"), cpu=median(r.survey, "cpu"),
            floor_wall=median(r.floor, "wall"), floor_cpu=median(r.floor, "cpu"),
            peak_rss=max(b.peak_rss for b in r.survey),
            ok=all(b.returncode == 0 and b.problems == 0 for b in r.survey),
            largest_paper_kb=r.sizes.get("largest paper page KB"),
            largest_theme_kb=r.sizes.get("largest theme page KB"),
            search_kb=r.search["KB"] if r.search else None,
            search_seconds=r.search["seconds"] if r.search else None,
            edit_seconds=[e["seconds"] for e in edits] or None,
            rebuilds=[e["rebuilds"] for e in edits] or None)
    return out


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} CPUs ({cpu}), {int(mem) / 1e6:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
            f"load average at the end {load}")


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000",
                        help="papers per synthetic corpus, comma-separated (20000 is optional)")
    parser.add_argument("--quick", action="store_true", help="the seed survey only")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per corpus")
    parser.add_argument("--edits", type=int, default=2, help="preview edits of each kind")
    parser.add_argument("--preview", default="seeds,10000",
                        help="corpora whose preview is measured ('' for none)")
    parser.add_argument("--no-search", action="store_true", help="skip the browser search probe")
    parser.add_argument("--profile", action="store_true",
                        help="profile one more build of the largest corpus (cProfile)")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args(argv)
    args.sizes = [] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    args.preview = [p for p in args.preview.split(",") if p]
    args.profile_size = str(max(args.sizes)) if args.sizes else "seeds"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as tmp:
        for name, papers in [("seeds", None), *((str(n), n) for n in args.sizes)]:
            results.append(run_corpus(name, papers, Path(tmp) / name, args, say))
    verdicts = check_targets(figures(results))
    say(report(results, verdicts, time.monotonic() - started))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0 if all(v.passed is not False for v in verdicts) else 1


def report(results: list[CorpusResult], verdicts, seconds: float) -> str:
    parts = [f"\n## Machine\n\n{machine()}; the benchmark ran {seconds / 60:.0f} min.",
             "\n## Builds (medians of interleaved rounds)\n", build_table(results),
             "\n## The least a build with this search costs (medians)\n", least_table(results),
             "\n## Where the time goes (median seconds)\n", phase_table(results),
             "\n## Memory\n", memory_table(results),
             "\n## Sizes and the first search\n", size_table(results)]
    if any(r.preview for r in results):
        parts += ["\n## Preview: an edit to the served page\n", preview_table(results)]
    parts += ["\n## Targets (issue 13)\n",
              "\n".join(f"- {v.line()}" for v in verdicts)]
    for r in results:
        if r.profile:
            parts += [f"\n## Profile of one {r.name}-paper build\n", "```", r.profile, "```"]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
