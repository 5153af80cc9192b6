"""The ``survey`` command: build the site, check the content, explain themes."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .build import count, summary
from .content import read_content
from .errors import ERROR, ContentError
from .merge import find_paper
from .model import Corpus
from .render import summary_template
from .review import hygiene, hygiene_lines, queue_lines, review_queue
from .themes import catch_all, explain
from .write import replace_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="survey", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="generate the pages and build the site")
    build.add_argument("--content", default="content", help="content folder (default: content)")
    build.add_argument("--site-dir", default="site", help="where the site goes (default: site)")
    build.add_argument("--config", default="mkdocs.yml", help="MkDocs configuration (default: mkdocs.yml)")
    build.add_argument("--strict", action="store_true",
                       help="fail (exit 1) on any problem in the content or any build warning")
    check = commands.add_parser("check", help="read and validate the content; print a report")
    check.add_argument("--content", default="content")
    new = commands.add_parser("new-summary", help="write a ready-to-fill summary file for a paper")
    new.add_argument("paper", help="the paper's title or id")
    new.add_argument("--content", default="content")
    explain_ = commands.add_parser("explain", help="show which rules put a paper in its themes")
    explain_.add_argument("paper", help="the paper's title or id")
    explain_.add_argument("--content", default="content")
    review_ = commands.add_parser("review", help="list the papers most likely misfiled, best first")
    review_.add_argument("--content", default="content")
    review_.add_argument("--limit", type=int, default=0, help="show at most this many (0: all)")
    args = parser.parse_args(argv)
    try:
        commands_ = {"build": cmd_build, "check": cmd_check, "explain": cmd_explain,
                     "new-summary": cmd_new_summary, "review": cmd_review}
        return commands_[args.command](args)
    except ContentError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print("survey: the content cannot be read; nothing was built", file=sys.stderr)
        return 1


def read_and_report(content: str) -> Corpus:
    corpus = read_content(Path(content))
    for problem in corpus.problems:
        print(problem, file=sys.stderr)
    return corpus


def cmd_build(args) -> int:
    built, log, report = build_site(args)
    if "fatal" in report:
        raise ContentError(report["fatal"])  # printed by main, like `survey check`'s
    for problem in report["problems"]:
        print(problem, file=sys.stderr)
    print(log, end="", file=sys.stderr)
    outcome = f"site written to {args.site_dir}" if built else "no site written"
    print(f"{report['summary']}; {outcome}")
    if not built:
        print(f"survey: the site build failed; {args.site_dir} is left as it was", file=sys.stderr)
        return 1
    if args.strict and report["problems"]:
        print(f"survey: --strict: {len(report['problems'])} problems in the content (above)",
              file=sys.stderr)
        return 1
    return 0


def build_site(args) -> tuple[bool, str, dict]:
    """Build the site aside, then put it in place: a build that fails, or is
    interrupted, leaves the last good site as it was and nothing else.
    Returns whether it was built, MkDocs' warnings, and the content's report."""
    site = Path(args.site_dir).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site.name}-", dir=site.parent))
    report = staging / ".survey-report.json"  # not in the site: dot files are left out
    env = dict(os.environ, SURVEY_CONTENT=str(Path(args.content).resolve()),
               SURVEY_REPORT=str(report))
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", args.config,
               "--site-dir", str(staging / "site")] + (["--strict"] if args.strict else [])
    try:
        run = subprocess.run(command, env=env, check=False, stderr=subprocess.PIPE, text=True)
        found = json.loads(report.read_text()) if report.exists() else None
        if run.returncode == 0:
            replace_folder(staging / "site", site)
        return run.returncode == 0, without_info(run.stderr), found or content_report(args.content)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def content_report(content: str) -> dict:
    """The report when MkDocs stopped before the build read the content
    (a bad configuration): read here, to say what the content holds all the same."""
    corpus = read_content(Path(content))
    return {"summary": summary(corpus), "problems": [str(p) for p in corpus.problems]}


def without_info(log: str) -> str:
    """MkDocs' log without its INFO records. (Its --quiet would hide the
    warnings too, and with them the reason a --strict build stopped.)"""
    kept, keep = [], True
    for line in log.splitlines(keepends=True):
        if line[:1].strip():  # a record starts at the margin; its continuation is indented
            keep = not line.startswith("INFO ")
        if keep:
            kept.append(line)
    return "".join(kept)


def cmd_check(args) -> int:
    corpus = read_and_report(args.content)
    print(summary(corpus))
    total = len(corpus.papers) or 1
    members: dict[str, int] = {t.id: 0 for t in corpus.taxonomy.themes}
    for paper in corpus.papers:
        for tid in paper.themes:
            members[tid] += 1
    for theme in corpus.taxonomy.themes:
        n = members[theme.id]
        print(f"  {theme.id}: {count(n, 'paper', 'papers')} ({100 * n / total:.1f}%)")
    other = members[catch_all(corpus.taxonomy).id]
    print(f"catch-all: {count(other, 'paper', 'papers')} ({100 * other / total:.1f}%); "
          f"largest theme: {100 * max(members.values()) / total:.1f}%")
    print_curation(corpus, args.content)
    return 1 if any(p.level == ERROR for p in corpus.problems) else 0


def print_curation(corpus: Corpus, content: str) -> None:
    """Rule hygiene and the review queue's length, for `survey check`."""
    found = hygiene(list(corpus.papers), corpus.taxonomy)
    print(f"rule hygiene: of {count(sum(len(t.concepts) for t in corpus.taxonomy.themes), 'concept', 'concepts')}, "
          f"{len(found.dead)} match no paper and {len(found.single)} exactly one; "
          f"{count(len(found.dead_phrases), 'phrase', 'phrases')} of the others match no paper")
    for line in hygiene_lines(found, str(Path(content) / "themes.yml")):
        print(f"  {line}")
    queue = review_queue(list(corpus.papers), corpus.taxonomy)
    print(f"review queue: {count(len(queue), 'paper', 'papers')} (`survey review` lists them)")


def cmd_review(args) -> int:
    corpus = read_and_report(args.content)
    queue = review_queue(list(corpus.papers), corpus.taxonomy)
    shown = queue[: args.limit] if args.limit > 0 else queue
    print(f"{count(len(queue), 'paper', 'papers')} to review, likeliest misfiled first; record "
          "a decision (paper, themes, note) in reviewed.yml to settle one")
    print("\n".join(queue_lines(shown)))
    return 0


def paper_or_hint(corpus: Corpus, query: str):
    paper, close = find_paper(corpus.papers, query)
    if paper is None:
        hint = ("; did you mean: " + "; ".join(repr(t) for t in close)) if close else ""
        print(f"survey: no paper with the title or id {query!r}{hint}", file=sys.stderr)
    return paper


def cmd_explain(args) -> int:
    corpus = read_content(Path(args.content))
    paper = paper_or_hint(corpus, args.paper)
    if paper is None:
        return 1
    print("\n".join(explain(paper, corpus.taxonomy)))
    return 0


def cmd_new_summary(args) -> int:
    corpus = read_content(Path(args.content))
    paper = paper_or_hint(corpus, args.paper)
    if paper is None:
        return 1
    if paper.id in corpus.summaries:
        print(f"survey: {paper.title!r} already has a summary: "
              f"{corpus.summaries[paper.id].file}; improve that one", file=sys.stderr)
        return 1
    path = Path(args.content) / "summaries" / f"{paper.id}.md"
    if path.exists():  # there, but not valid yet: not to be overwritten either
        print(f"survey: {path} exists already; edit it (survey check shows its problems)",
              file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary_template(paper), encoding="utf-8")
    print(f"wrote {path}: fill it in, then run `survey check`")
    return 0
