"""Run one build in this process, as `survey build --strict` (or, for the
floor, `mkdocs build --strict`) runs it, and write where its time went; or make
only the survey's search index, the least that any build with this search
must spend beside the floor's pages.

The build itself is the command's own code (``generator.cli.command``, or
MkDocs' command line); this runner only puts clocks around its steps: the
generator's pipeline (its own stopwatch, also in the build log's
"survey: N papers; ..." line), MkDocs' Markdown conversion of each page and
its theme rendering, Pagefind, and the swap of the finished site.

    python benchmarks/runner.py survey|floor|index OUT.json [--profile OUT.prof]
"""
from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
SECONDS: dict[str, float] = {}
CALLS: dict[str, int] = {}
FIRST: dict[str, float] = {}  # when each clocked step was first entered, from the start
LOG: list[str] = []


def clocked(owner: Any, attribute: str, name: str,
            clock: Callable[[], float] = time.perf_counter) -> None:
    """Add the seconds spent in ``owner.attribute`` to ``SECONDS[name]``, by
    ``clock`` (wall time, unless told otherwise)."""
    original = getattr(owner, attribute, None)
    if original is None:
        return  # the step is gone from this version of the code: not timed

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        FIRST.setdefault(name, time.perf_counter() - STARTED)
        start = clock()
        try:
            return original(*args, **kwargs)
        finally:
            SECONDS[name] = SECONDS.get(name, 0.0) + clock() - start
            CALLS[name] = CALLS.get(name, 0) + 1

    setattr(owner, attribute, timed)


class _Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        LOG.append(record.getMessage())


def clock_mkdocs() -> None:
    from mkdocs.commands import build
    clocked(build, "_populate_page", "mkdocs: Markdown to HTML")
    clocked(build, "_build_page", "mkdocs: theme templates and writing pages")
    clocked(build, "build", "mkdocs: whole build")


def clock_survey() -> None:
    from mkdocs.commands import build as mkdocs_commands

    from generator import build, mkdocs_plugin, search_index, write
    clock_mkdocs()
    mkdocs_plugin.mkdocs_build = mkdocs_commands.build  # imported by name there
    clocked(mkdocs_plugin.SurveyPlugin, "on_pre_build", "generator")
    clocked(mkdocs_plugin.SurveyPlugin, "on_post_build", "pagefind")
    clocked(search_index, "search_bundle", "pagefind: pages to index files")
    clocked(write, "replace_folder", "publish: swap the site in")
    clocked(write, "remove_leftovers", "publish: remove leftovers")
    keep = logging.getLogger("mkdocs.plugins.survey")
    keep.setLevel(logging.INFO)
    keep.addHandler(_Keep(logging.INFO))
    steps(build)


def steps(build: Any) -> None:
    """The generator's own stopwatch, step by step."""
    original = build.generate

    def generate(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        for step, seconds in getattr(result, "seconds", {}).items():
            SECONDS[f"generator: {step}"] = SECONDS.get(f"generator: {step}", 0.0) + seconds
        return result

    from generator import mkdocs_plugin
    mkdocs_plugin.generate = generate


def run_survey() -> int:
    from generator import cli
    clock_survey()
    return getattr(cli, "command", cli.main)(["build", "--strict"])


def run_floor() -> int:
    clock_mkdocs()
    from mkdocs.__main__ import cli
    try:
        cli.main(["build", "--strict", "--quiet"], standalone_mode=False)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except Exception as err:  # a failed floor build is reported, not hidden
        print(f"floor build failed: {err}", file=sys.stderr)
        return 1
    return 0


def run_index() -> int:
    """The search index of the survey's papers (``survey index``'s work),
    clocked from the papers' records to the files written: its wall time,
    and the CPU time of this process and of Pagefind's. Reading the content
    before it is not counted: the index is made from the papers a build has
    read already."""
    from pathlib import Path

    from generator import build, search_index
    corpus = build.read_corpus(Path("content"))
    for step, name in INDEX_STEPS.items():
        clocked(search_index, step, f"{INDEX_CPU}{name}", clock=_cpu)
    wall, cpu = time.perf_counter(), _cpu()
    search_index.index_corpus(corpus, Path("site"))
    SECONDS["index: wall"] = time.perf_counter() - wall
    SECONDS["index: cpu"] = _cpu() - cpu
    return 0


# The index's steps clocked by CPU time (search_index's functions, by the names reported).
INDEX_STEPS = {"records": "records", "search_bundle": "Pagefind and its answers",
               "write_bundle": "files written"}
INDEX_CPU = "index CPU: "  # the reported names' prefix


def _cpu_by_process() -> tuple[float, float]:
    """CPU time of this process, and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _cpu() -> float:
    return sum(_cpu_by_process())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["survey", "floor", "index"])
    parser.add_argument("out")
    parser.add_argument("--profile")
    args = parser.parse_args()
    build = {"survey": run_survey, "floor": run_floor, "index": run_index}[args.mode]
    if args.profile:
        # CPU time, not wall time: on a shared machine, waiting for a core
        # would otherwise count as the running function's time.
        profile = cProfile.Profile(time.process_time)
        code = profile.runcall(build)
        profile.dump_stats(args.profile)
    else:
        code = build()
    python, children = _cpu_by_process()
    report = {"returncode": code, "seconds": SECONDS, "calls": CALLS, "first": FIRST,
              "inside": time.perf_counter() - STARTED,
              "cpu_python": python, "cpu_children": children,
              "log": [line for line in LOG if line.startswith("survey:")]}
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=1)
    return code


if __name__ == "__main__":
    sys.exit(main())
