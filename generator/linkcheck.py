"""An offline check of every link in a built site: ``python -m generator.linkcheck SITE``.

Every ``href`` and ``src`` of every HTML page is resolved against its page, and its target must
be a file inside the site folder (a folder's URL means its ``index.html``); a ``#fragment`` must
name an element's ``id`` (or an ``<a name>``) in the target page. External URLs (``http:``,
``https:``, ``mailto:``, ``data:`` and any other scheme, and ``//host/...``) are not followed:
this reads files only. A ``javascript:`` URL is itself reported.

A root-relative URL (``/path``) is resolved against the address the site is published at: its
path is read from the site's ``sitemap.xml`` (MkDocs writes it from ``site_url``), or given with
``--base-path``; a root-relative URL outside that path could not work once the site is published.

Each broken link is printed as ``page: href -> reason``; the exit status is 1 if there is any.
Only the standard library is used.
"""
from __future__ import annotations

import argparse
import os
import posixpath
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

HTML_SUFFIXES = (".html", ".htm")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Finding(NamedTuple):
    page: str    # the page's path inside the site, with "/"
    href: str    # the link as written
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.href} -> {self.reason}"


class _Page(HTMLParser):
    """The links of a page (``href`` and ``src`` values) and the fragment names it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "href" or name == "src":
                self.links.append(value)
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)


def read_page(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_bytes().decode("utf-8", errors="replace"))
    parser.close()
    return parser


def base_path_of(site: Path) -> str:
    """The URL path the site is published at, from its sitemap; "/" when it has none."""
    try:
        root = ET.parse(site / "sitemap.xml").getroot()
    except (OSError, ET.ParseError):
        return "/"
    paths = [urlsplit((loc.text or "").strip()).path for loc in root.iter(f"{SITEMAP_NS}loc")]
    paths = [p for p in paths if p]
    if not paths:
        return "/"
    # The home page's address is the site's address, and the shortest of them all.
    return normal_base(min(paths, key=len))


def normal_base(path: str) -> str:
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def site_files(site: Path) -> tuple[set[str], set[str]]:
    """Every file and every folder inside the site, as paths relative to it with "/"."""
    files: set[str] = set()
    folders: set[str] = {""}
    for folder, dirnames, filenames in os.walk(site):
        rel = Path(folder).relative_to(site).as_posix()
        rel = "" if rel == "." else rel
        for name in dirnames:
            folders.add(posixpath.join(rel, name))
        for name in filenames:
            files.add(posixpath.join(rel, name))
    return files, folders


def check_site(site: Path, base_path: str | None = None) -> list[Finding]:
    """Every broken link of every HTML page in ``site``, page by page in path order."""
    site = Path(site)
    base = normal_base(base_path) if base_path is not None else base_path_of(site)
    files, folders = site_files(site)
    pages = sorted(f for f in files if f.lower().endswith(HTML_SUFFIXES))
    parsed = {page: read_page(site / page) for page in pages}
    findings: list[Finding] = []
    for page in pages:
        seen: set[str] = set()
        for href in parsed[page].links:
            if href in seen:
                continue
            seen.add(href)
            reason = _problem(page, href, base, files, folders, parsed)
            if reason:
                findings.append(Finding(page, href, reason))
    return findings


def _problem(page: str, href: str, base: str, files: set[str], folders: set[str],
             parsed: dict[str, _Page]) -> str | None:
    """Why ``href`` on ``page`` is broken, or None when it works."""
    url = href.strip()
    if url.lower().startswith("javascript:"):
        return "javascript: link"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "malformed URL"
    if parts.scheme or parts.netloc:
        return None  # external: not followed
    path = unquote(parts.path)
    if not path:
        target = page  # "#x" or "?q" or "": this very page
    else:
        if path.startswith("/"):
            if not (path + "/").startswith(base):
                return f"outside the site, which is published at {base}"
            joined = path[len(base):]
        else:
            joined = posixpath.join(posixpath.dirname(page), path)
        target = posixpath.normpath(joined) if joined else "."
        if target == ".." or target.startswith("../"):
            return "outside the site"
        target = "" if target == "." else target
        if path.endswith("/") or target in folders:
            target = posixpath.join(target, "index.html")
        if target not in files:
            return f"{target} does not exist"
    fragment = parts.fragment
    if not fragment or not target.lower().endswith(HTML_SUFFIXES):
        return None
    ids = parsed[target].ids
    if fragment in ids or unquote(fragment) in ids or fragment.lower() == "top":
        return None
    return f'no element with id "{unquote(fragment)}" in {target}'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.linkcheck",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site's folder (e.g. site)")
    parser.add_argument("--base-path", default=None,
                        help="the URL path the site is published at "
                             "(default: from its sitemap.xml, else /)")
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        parser.error(f"{args.site} is not a folder")
    started = time.perf_counter()
    findings = check_site(args.site, args.base_path)
    for finding in findings:
        print(finding)
    pages = sum(f.lower().endswith(HTML_SUFFIXES) for f in site_files(args.site)[0])
    print(f"linkcheck: {pages} pages in {args.site}, {len(findings)} broken links "
          f"({time.perf_counter() - started:.1f}s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
