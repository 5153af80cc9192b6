"""The curated taxonomy: reading ``themes.yml`` and putting papers in themes.

Each theme has phrase rules a curator can read: a phrase in a paper's title
scores more than one in its abstract, a theme takes a paper whose score
reaches the threshold, and the best-scoring theme is the paper's primary one.
Papers no rule claims go to the catch-all theme. Overrides replace the rules'
verdict for single papers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .errors import Problem
from .model import Override, Paper, Rule, Taxonomy, Theme
from .schema import BOOL, INT, LIST, MAPPING, TEXT, TEXTS, Field, Schema, at_most, validate

# The rule lists of a theme in themes.yml: where each looks and the points a
# phrase found there earns. A phrase in a title says what the paper is about;
# one in an abstract may be a passing mention. "anywhere" phrases are
# unambiguous enough to decide a theme on their own, wherever they stand.
RULE_KEYS = {"in_title": ("title", 3), "in_abstract": ("abstract", 1), "anywhere": ("anywhere", 3)}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Match:
    theme: str
    rule: Rule
    field: str  # where the phrase was found


_WORD = re.compile(r"\w+")


def words(text: str) -> str:
    """Text as its words, case-folded and space-separated, with a space at
    each end: phrases are then found by plain substring search, at whole
    words, and hyphens or punctuation between words do not matter."""
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


@lru_cache(maxsize=None)
def phrase_needle(phrase: str) -> str:
    """What a phrase is searched for as; a trailing ``*`` lets the last word
    go on ("generaliz*" finds "generalize" and "generalization")."""
    prefix = phrase.strip().endswith("*")
    needle = words(phrase.rstrip("* "))
    return needle[:-1] if prefix else needle


def matches(texts: dict[str, str], theme: Theme) -> list[Match]:
    """The theme's rules found in a paper's ``words()`` of title and abstract."""
    found = []
    for rule in theme.rules:
        needle = phrase_needle(rule.phrase)
        places = ("title", "abstract") if rule.where == "anywhere" else (rule.where,)
        for place in places:
            if needle in texts[place]:
                found.append(Match(theme.id, rule, place))
                break  # a rule counts once
    return found


def scores(paper: Paper, taxonomy: Taxonomy) -> dict[str, tuple[int, list[Match]]]:
    texts = {"title": words(paper.title), "abstract": words(paper.abstract)}
    result = {}
    for theme in taxonomy.themes:
        found = matches(texts, theme)
        result[theme.id] = (sum(m.rule.weight for m in found), found)
    return result


def choose(paper: Paper, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The paper's themes by the rules, best first."""
    order = {t.id: i for i, t in enumerate(taxonomy.themes)}
    scored = scores(paper, taxonomy)
    passing = [tid for tid, (score, _) in scored.items() if score >= taxonomy.threshold]
    passing.sort(key=lambda tid: (-scored[tid][0], order[tid]))
    if not passing:
        return (catch_all(taxonomy).id,)
    return tuple(passing[: taxonomy.max_themes])


def catch_all(taxonomy: Taxonomy) -> Theme:
    return next(t for t in taxonomy.themes if t.catch_all)


def assign(papers: list[Paper], taxonomy: Taxonomy) -> list[Paper]:
    overrides = {o.paper: o for o in taxonomy.overrides}
    result = []
    for paper in papers:
        override = overrides.get(paper.id)
        themes = override.themes if override else choose(paper, taxonomy)
        result.append(replace(paper, themes=themes))
    return result


def explain(paper: Paper, taxonomy: Taxonomy) -> list[str]:
    """Why the paper is in each of its themes, as lines for a person to read."""
    titles = {t.id: t.title for t in taxonomy.themes}
    override = next((o for o in taxonomy.overrides if o.paper == paper.id), None)
    scored = scores(paper, taxonomy)
    lines = [f"{paper.title}", f"  id: {paper.id}",
             f"  threshold: {taxonomy.threshold} points; at most {taxonomy.max_themes} themes"]
    if override:
        lines.append(f"  themes set by override at line {override.line} of themes.yml: "
                     + ", ".join(override.themes))
    for tid in paper.themes:
        score, found = scored[tid]
        primary = " (primary)" if tid == paper.primary_theme else ""
        lines.append(f"{tid}{primary}: {titles[tid]} - {score} point{'' if score == 1 else 's'}")
        for m in found:
            lines.append(f"  {m.field} contains {m.rule.phrase!r} (+{m.rule.weight})")
        if not found and tid == catch_all(taxonomy).id and not override:
            lines.append(f"  no theme reached {taxonomy.threshold} points")
        elif not found:
            lines.append("  no rule matched: placed by an override or a curated summary")
    near = [(tid, s) for tid, (s, _) in scored.items() if s and tid not in paper.themes]
    if near:
        lines.append("other themes with points: " + ", ".join(
            f"{tid} ({s})" for tid, s in sorted(near, key=lambda x: -x[1])))
    return lines


def _id_problem(value: str) -> str | None:
    if not ID_RE.match(value):
        return f"theme id {value!r} must be lowercase words joined by hyphens"
    if value in RESERVED_IDS:
        return (f"theme id {value!r} is the address of the site's page of all themes: "
                "choose another")
    return None


def _phrases_problem(phrases: list[str] | None) -> str | None:
    empty = next((p for p in phrases or [] if not words(p.rstrip("* ")).strip()), None)
    if empty is None:
        return None
    return f"phrase {empty!r} has no words to find (it would match every paper or none): " \
           "write the words it should find"


def _at_least_1(value: int) -> str | None:
    return None if value >= 1 else f"{value} must be a whole number of at least 1"


RESERVED_IDS = {"index", "readme"}  # themes/index.md is the site's page of all themes
# The keys of themes.yml and of each of its themes: anything else is a typo,
# reported with the likely intended key (see schema.py).
THEME_SCHEMA: Schema = {
    "id": Field(TEXT, required=True, check=_id_problem,
                about="lowercase words joined by hyphens: the theme page's address"),
    "title": Field(TEXT, required=True, check=at_most(200, "the title"),
                   about="the theme's name"),
    "description": Field(TEXT, required=True, check=at_most(2_000, "the description"),
                         about="a sentence or two for the theme's page"),
    "catch_all": Field(BOOL, about="true for the one theme of papers no rule claims"),
    **{key: Field(TEXTS, check=_phrases_problem, about=f"phrases looked for in the {where}")
       for key, (where, _) in RULE_KEYS.items()},
}
TAXONOMY_SCHEMA: Schema = {
    "themes": Field(LIST, required=True, items=THEME_SCHEMA, item_name="theme"),
    "overrides": Field(MAPPING, about="paper id: [theme ids]"),
    "threshold": Field(INT, check=_at_least_1, about="the score a theme needs to take a paper"),
    "max_themes": Field(INT, check=_at_least_1, about="the most themes a paper gets"),
}


def read_taxonomy(data, path: str) -> tuple[Taxonomy, list[Problem]]:
    """The taxonomy from parsed ``themes.yml``; problems name their lines."""
    problems: list[Problem] = []

    def bad(node, message, key=None):
        line = getattr(node, "key_lines", {}).get(key) if key else None
        problems.append(Problem(path, line or getattr(node, "line", None), message))

    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        bad(data, "expected a mapping with a 'themes' list")
        return Taxonomy(themes=(Theme("other", "Other", "", catch_all=True),)), problems
    written = data  # as written: the catch-all count below is taken on it
    data, problems[:] = validate(data, TAXONOMY_SCHEMA, path)
    themes = []
    for node in data.get("themes", []):
        theme = _read_theme(node, bad)
        if theme is None:
            continue
        if any(t.id == theme.id for t in themes):
            bad(node, f"theme id {theme.id!r} is used twice", "id")
            continue
        themes.append(theme)
    # Counted on what was written, so that a catch-all theme left out for
    # another problem is not also reported as missing.
    declared = [n for n in written["themes"] if isinstance(n, dict) and n.get("catch_all") is True]
    if len(declared) != 1:
        bad(data, "exactly one theme must be the catch-all (catch_all: true)", "themes")
    if not any(t.catch_all for t in themes):
        themes.append(Theme("other", "Other", "Papers no theme's rules claim.", catch_all=True))
    ids = {t.id for t in themes}
    overrides = []
    raw = data.get("overrides") or {}
    for paper_id, value in raw.items():
        line = getattr(raw, "key_lines", {}).get(paper_id)
        listed = [value] if isinstance(value, str) else value
        if not isinstance(listed, list) or not listed or not all(isinstance(v, str) for v in listed):
            problems.append(Problem(path, line, f"override for {paper_id!r} must list theme ids"))
            continue
        unknown = [v for v in listed if v not in ids]
        if unknown:
            problems.append(Problem(path, line, f"override for {paper_id!r} names unknown "
                                    f"theme {unknown[0]!r}; known themes: {', '.join(sorted(ids))}"))
            continue
        overrides.append(Override(paper_id, tuple(dict.fromkeys(listed)), line or 0))
    taxonomy = Taxonomy(
        themes=tuple(themes), overrides=tuple(overrides),
        threshold=data.get("threshold", 3), max_themes=data.get("max_themes", 3))
    return taxonomy, problems


def _read_theme(node, bad) -> Theme | None:
    """A theme from its fields that passed THEME_SCHEMA."""
    rules = []
    for key, (where, weight) in RULE_KEYS.items():
        rules.extend(Rule(p.strip(), where, weight) for p in node.get(key) or [])
    catch = node.get("catch_all", False) is True
    rejected = set(node.key_lines) - set(node)  # reported already: a misspelt rule key
    if not rules and not catch and not rejected:
        bad(node, f"theme {node['id']!r} has no rules: give it in_title, in_abstract or "
                  "anywhere phrases, or make it the catch-all")
    return Theme(node["id"], node["title"].strip(), " ".join(node["description"].split()),
                 tuple(rules), catch)
