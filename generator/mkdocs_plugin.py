"""The MkDocs glue, kept thin: MkDocs events call the plain generator.

Before each build the generator fills the docs folder from ``content/``; a
live preview also watches ``content/``; after each build Pagefind indexes
the site for search. Nothing else in the generator imports MkDocs, so a
successor tool needs only a replacement for this module.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from . import search_index
from .build import generate, save_report
from .errors import ContentError
from .render import Repository

log = logging.getLogger("mkdocs.plugins.survey")

# Set by `survey build` to a file for the content's report, which it prints
# itself; the build reads the content once, here.
REPORT = "SURVEY_REPORT"


class SurveyConfig(Config):
    content = config_options.Type(str, default="content")
    branch = config_options.Type(str, default="main")  # for the "write a summary" links
    search = config_options.Type(bool, default=True)


class SurveyPlugin(BasePlugin[SurveyConfig]):
    serving = False
    generated_once = False
    corpus = None  # what the search index is made from

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        self.content = Path(os.environ.get("SURVEY_CONTENT") or root / self.config.content)
        repo_url = config.repo_url or ""
        self.repository = Repository(repo_url, self.config.branch) if "github.com" in repo_url else None
        return config

    def on_pre_build(self, config):
        # While previewing, a broken file keeps the last good pages on screen;
        # the first build of a session has no good pages yet, so it writes.
        keep = self.serving and self.generated_once
        report = os.environ.get(REPORT)
        try:
            result = generate(self.content, Path(config.docs_dir), self.repository, keep)
        except ContentError as err:
            if report:
                save_report(report, fatal=err.problems)
            else:
                for problem in err.problems:
                    log.error(str(problem))
            if self.serving:
                return  # the preview goes on with the pages it has
            raise PluginError("the content cannot be read; nothing was built") from None
        self.corpus = result.corpus
        if report:
            save_report(report, result.corpus)
        else:
            for problem in result.corpus.problems:
                log.warning(str(problem))
        if result.sync is None:
            log.error("survey: fix the errors above; still showing the last good pages")
            return
        self.generated_once = True
        changed = len(result.sync.written) + len(result.sync.removed)
        log.info(f"survey: {len(result.corpus.papers)} papers; {changed} generated files changed")

    def on_serve(self, server, config, builder):
        server.watch(str(self.content))
        return server

    def on_post_build(self, config):
        if self.config.search and self.corpus is not None:
            index_search(self.corpus, Path(config.site_dir))


def index_search(corpus, site: Path) -> None:
    """Build the Pagefind index of the papers into ``site/pagefind``,
    the same wherever the site is built (see search_index)."""
    try:
        search_index.index_corpus(corpus, site)
    except (OSError, search_index.SearchIndexError) as err:
        log.warning(f"search index not built: {err}")
