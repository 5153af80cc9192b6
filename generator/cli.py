"""The ``survey`` command: build the site, check the content, explain themes."""
from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .content import read_content
from .errors import ERROR, ContentError
from .merge import title_key
from .model import Corpus
from .render import summary_template
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
    args = parser.parse_args(argv)
    try:
        commands_ = {"build": cmd_build, "check": cmd_check, "explain": cmd_explain,
                     "new-summary": cmd_new_summary}
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


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(corpus: Corpus) -> str:
    entries = sum(len(l.entries) for l in corpus.listings)
    cross = sum(len({s.listing for s in p.sources}) > 1 for p in corpus.papers)
    errors = sum(p.level == ERROR for p in corpus.problems)
    return (f"{count(len(corpus.listings), 'listing', 'listings')} read, "
            f"{count(entries, 'entry', 'entries')}, {count(len(corpus.papers), 'paper', 'papers')}, "
            f"{cross} cross-listed, {count(len(corpus.taxonomy.themes), 'theme', 'themes')}, "
            f"{count(len(corpus.problems), 'problem', 'problems')} "
            f"({count(errors, 'error', 'errors')})")


def cmd_build(args) -> int:
    corpus = read_and_report(args.content)
    built = build_site(args)
    outcome = f"site written to {args.site_dir}" if built else "no site written"
    print(f"{summary(corpus)}; {outcome}")
    if not built:
        print(f"survey: the site build failed; {args.site_dir} is left as it was", file=sys.stderr)
        return 1
    if args.strict and corpus.problems:
        print(f"survey: --strict: {len(corpus.problems)} problems in the content (above)",
              file=sys.stderr)
        return 1
    return 0


def build_site(args) -> bool:
    """Build the site aside, then put it in place: a build that fails, or is
    interrupted, leaves the last good site as it was and nothing else."""
    site = Path(args.site_dir).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site.name}-", dir=site.parent))
    env = dict(os.environ, SURVEY_CONTENT=str(Path(args.content).resolve()), SURVEY_REPORTED="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", args.config,
               "--site-dir", str(staging)] + (["--strict"] if args.strict else [])
    try:
        run = subprocess.run(command, env=env, check=False, stderr=subprocess.PIPE, text=True)
        if run.stderr:
            print(without_info(run.stderr), end="", file=sys.stderr)
        if run.returncode != 0:
            return False
        replace_folder(staging, site)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
        print(f"  {theme.id}: {n} paper{'' if n == 1 else 's'} ({100 * n / total:.1f}%)")
    other = members[catch_all(corpus.taxonomy).id]
    print(f"catch-all: {other} paper{'' if other == 1 else 's'} ({100 * other / total:.1f}%); "
          f"largest theme: {100 * max(members.values()) / total:.1f}%")
    return 1 if any(p.level == ERROR for p in corpus.problems) else 0


def find_paper(corpus: Corpus, query: str):
    """A paper by id or title; otherwise None and the closest titles."""
    by_id = {p.id: p for p in corpus.papers}
    by_key = {p.key: p for p in corpus.papers}
    paper = by_id.get(query.strip()) or by_key.get(title_key(query))
    if paper:
        return paper, []
    close = difflib.get_close_matches(title_key(query), list(by_key), n=3, cutoff=0.5)
    return None, [by_key[k].title for k in close]


def paper_or_hint(corpus: Corpus, query: str):
    paper, close = find_paper(corpus, query)
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
