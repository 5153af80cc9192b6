"""The ``survey`` command: build the site, check the content, explain themes."""
from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from . import enrich, metadata, write
from .build import count, read_corpus, summary
from .content import shown
from .errors import ConfigurationProblem, ContentError, Problem
from .merge import find_paper
from .model import Corpus, Paper
from .render import summary_template
from .review import hygiene, hygiene_lines, queue_lines, review_queue
from .themes import catch_all, explain, sizes

# Control characters (escape sequences can set a terminal's title, write its
# clipboard or clear it) are shown escaped; new lines and tabs stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def terminal(text: str) -> str:
    """Text made safe to print: control characters as escapes (``\\x1b``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def say(text: str, err: bool = False) -> None:
    print(terminal(text), file=sys.stderr if err else sys.stdout)


def command(argv: list[str] | None = None) -> int:
    """`survey` as the command line runs it: the process ends with the command."""
    code = main(argv)
    # What the command made goes with the process; Python's last collection
    # at exit would scan it all again (1 s after a 10,000-paper build).
    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ContentError as err:
        for problem in err.problems:
            say(str(problem), err=True)
        say("survey: the content cannot be read; nothing was built", err=True)
        return 1
    except (write.UnsafeFolder, ConfigurationProblem) as err:
        say(f"survey: {err}", err=True)
        say("survey: nothing was built; the site is left as it was", err=True)
        return 1
    except BrokenPipeError:  # `survey check | head -1`: the reader has what it wanted
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    # Python flushes stdout again at exit; point it at nothing so that
    # flush cannot raise a second time.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="survey", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _command(commands, "build", cmd_build, "generate the pages and build the site")
    _command(commands, "check", cmd_check, "read and validate the content; print a report")
    _command(commands, "explain", cmd_explain, "show which rules put a paper in its themes",
             paper=True)
    _command(commands, "new-summary", cmd_new_summary,
             "write a ready-to-fill summary file for a paper", paper=True)
    _command(commands, "generate", cmd_generate,
             "only write the pages into the docs folder (for a build tool that runs no plugins)")
    review = _command(commands, "review", cmd_review,
                      "list the papers most likely misfiled, best first")
    review.add_argument("--limit", type=int, default=0, help="show at most this many (0: all)")
    index = _command(commands, "index", cmd_index, "only index a built site for search")
    index.add_argument("site", help="the built site's folder")
    enrich.add_arguments(_command(commands, "enrich", lambda args: enrich.command(args, say),
                                  "ask OpenAlex and arXiv for the metadata of papers without "
                                  "a record"))
    return parser


def _command(commands, name: str, run: Callable, help: str, paper: bool = False):
    sub = commands.add_parser(name, help=help)
    sub.set_defaults(run=run)
    if paper:
        sub.add_argument("paper", help="the paper's title or id")
    if name in ("build", "generate"):
        sub.add_argument("--config", default="mkdocs.yml",
                         help="MkDocs configuration (default: mkdocs.yml)")
    if name == "build":
        sub.add_argument("--site-dir", default=None, help="where the site goes "
                         "(default: the configuration's site_dir, site)")
        sub.add_argument("--strict", action="store_true", help="fail (exit 1), and leave the "
                         "site as it was, on any problem in the content or any build warning")
    if name == "check":
        sub.add_argument("--strict", action="store_true",
                         help="fail (exit 1) on any problem, warnings included")
    if name in ("check", "explain", "new-summary", "review", "index"):
        sub.add_argument("--content", default="content", help="content folder (default: content)")
    return sub


def read_content(folder: str) -> Corpus:
    path = Path(folder)
    if not path.is_dir():
        hint = ("; run survey from the project's root folder (the one with mkdocs.yml), "
                "or give --content" if not Path("mkdocs.yml").exists() else "")
        raise ContentError([_problem(folder, f"no content folder here{hint}")])
    return read_corpus(path)


def _problem(path: str, message: str) -> Problem:
    return Problem(path, None, message)


def cmd_build(args: argparse.Namespace) -> int:
    from . import mkdocs_plugin  # MkDocs is loaded only for the commands that need it
    config_file = Path(args.config)
    if not config_file.is_file():
        raise ContentError([_problem(args.config, "file not found; run survey from the "
                                     "project's root folder, or give --config")])
    with _printing_build_log():
        config = mkdocs_plugin.load(config_file, args.strict)
        site = Path(args.site_dir or mkdocs_plugin.site_dir(config))
        refusal = unsafe_site_dir(site, config_file)
        if refusal:
            say(f"survey: refusing to build into {site}: {refusal}", err=True)
            return 1
        site.parent.mkdir(parents=True, exist_ok=True)
        staging = write.staging_folder(site.resolve())
        try:
            result = mkdocs_plugin.build_site(config, staging / "site")
            return _publish(result, staging / "site", site, args.strict)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _publish(result, built: Path, site: Path, strict: bool) -> int:
    corpus = result.generated.corpus if result.generated else None
    if result.ok:
        write.replace_folder(built, site)
    if corpus is not None:
        outcome = f"site written to {site}" if result.ok else "no site written"
        say(f"{summary(corpus)}; {outcome}")
    if not result.ok:
        if result.fatal:
            say("survey: the content cannot be read; nothing was built", err=True)
        reason = result.reason
        if strict and corpus is not None and corpus.problems:
            problems = count(len(corpus.problems), "problem", "problems")
            reason = f"--strict: {problems} in the content, above"
        say(f"survey: the build failed ({reason}); {site} is left as it was", err=True)
        return 1
    return 0


def unsafe_site_dir(site: Path, config: Path) -> str | None:
    """Why the build must not put a site at ``site``, or None: the site folder
    is replaced whole, so it may hold nothing of the project's."""
    target = site.resolve()
    root = config.resolve().parent
    if site.is_symlink():
        return "it is a symbolic link; give a plain folder"
    if target.exists() and not target.is_dir():
        return "it is a file, not a folder"
    keep = {"the project": root, "the configuration": config.resolve(),
            "the content": root / "content", "the generated pages": root / "generated"}
    for name, path in keep.items():
        if target == path or target in path.parents:
            return f"it holds {name} ({path}), which a build would delete; give a folder of its own"
        if path in target.parents and name != "the project":
            return f"it is inside {name} ({path}); give a folder of its own"
    return None


class _BuildLog(logging.Handler):
    """MkDocs' warnings and the content's problems, printed as they come."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not record.name.startswith("mkdocs.plugins.survey"):
            message = f"mkdocs: {record.levelname.lower()}: {message}"
        say(message, err=True)


class _printing_build_log:
    def __enter__(self) -> None:
        self.handler = _BuildLog(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.handler)

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("mkdocs").removeHandler(self.handler)


def cmd_generate(args: argparse.Namespace) -> int:
    from . import mkdocs_plugin
    with _printing_build_log():
        generated = mkdocs_plugin.generate_docs(Path(args.config))
    say(summary(generated.corpus))
    return 1 if generated.corpus.errors else 0


def cmd_index(args: argparse.Namespace) -> int:
    """Index the content's papers (search indexes the papers, not the pages)."""
    from . import search_index
    corpus = read_content(args.content)
    try:
        papers = search_index.index_corpus(corpus, Path(args.site))
    except (OSError, search_index.SearchIndexError) as err:
        say(f"survey: the search index could not be built: {err}", err=True)
        return 1
    say(f"{count(papers, 'paper', 'papers')} indexed into {Path(args.site) / search_index.BUNDLE}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    corpus = read_content(args.content)
    for problem in corpus.problems:
        say(str(problem), err=True)
    say(summary(corpus))
    total = len(corpus.papers) or 1
    members = sizes(corpus.papers, corpus.taxonomy)
    for theme in corpus.taxonomy.themes:
        n = members[theme.id]
        say(f"  {theme.id}: {count(n, 'paper', 'papers')} ({100 * n / total:.1f}%)")
    other = members[catch_all(corpus.taxonomy).id]
    say(f"catch-all: {count(other, 'paper', 'papers')} ({100 * other / total:.1f}%); "
        f"largest theme: {100 * max(members.values()) / total:.1f}%")
    say(metadata.coverage(corpus.papers))
    for line in metadata.notes(corpus, shown(Path(args.content) / "metadata.yml")):
        say(line)
    say_curation(corpus, args.content)
    if args.strict and corpus.problems:
        problems = count(len(corpus.problems), "problem", "problems")
        say(f"survey: --strict: {problems} in the content, above", err=True)
        return 1
    return 1 if corpus.errors else 0


def say_curation(corpus: Corpus, content: str) -> None:
    """Rule hygiene and the review queue's length, for `survey check`."""
    found = hygiene(list(corpus.papers), corpus.taxonomy)
    concepts = count(sum(len(t.concepts) for t in corpus.taxonomy.themes), "concept", "concepts")
    say(f"rule hygiene: of {concepts}, {len(found.dead)} match no paper and {len(found.single)} "
        f"exactly one; {count(len(found.dead_phrases), 'phrase', 'phrases')} of the others match "
        "no paper")
    for line in hygiene_lines(found, str(Path(content) / "themes.yml")):
        say(f"  {line}")
    queue = review_queue(list(corpus.papers), corpus.taxonomy)
    say(f"review queue: {count(len(queue), 'paper', 'papers')} (`survey review` lists them)")


def cmd_review(args: argparse.Namespace) -> int:
    corpus = read_content(args.content)
    for problem in corpus.problems:
        say(str(problem), err=True)
    queue = review_queue(list(corpus.papers), corpus.taxonomy)
    shown_ = queue[: args.limit] if args.limit > 0 else queue
    say(f"{count(len(queue), 'paper', 'papers')} to review, likeliest misfiled first; record "
        "a decision (paper, themes, note) in reviewed.yml to settle one")
    say("\n".join(queue_lines(shown_)))
    return 0


def paper_or_hint(corpus: Corpus, query: str) -> Paper | None:
    paper, close = find_paper(corpus.papers, query)
    if paper is None:
        hint = ("; did you mean: " + "; ".join(repr(t) for t in close)) if close else ""
        say(f"survey: no paper with the title or id {query!r}{hint}", err=True)
    return paper


def cmd_explain(args: argparse.Namespace) -> int:
    corpus = read_content(args.content)
    paper = paper_or_hint(corpus, args.paper)
    if paper is None:
        return 1
    say("\n".join(explain(paper, corpus.taxonomy)))
    return 0


def cmd_new_summary(args: argparse.Namespace) -> int:
    corpus = read_content(args.content)
    paper = paper_or_hint(corpus, args.paper)
    if paper is None:
        return 1
    if paper.id in corpus.summaries:
        say(f"survey: {paper.title!r} already has a summary: "
            f"{corpus.summaries[paper.id].file}; improve that one", err=True)
        return 1
    path = Path(args.content) / "summaries" / f"{paper.id}.md"
    if not write.new_file(path, summary_template(paper)):
        # There, but not valid yet: not to be overwritten either.
        say(f"survey: {path} exists already; edit it (survey check shows its problems)", err=True)
        return 1
    say(f"wrote {path}: fill it in, then run `survey check`")
    return 0
