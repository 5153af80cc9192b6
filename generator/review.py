"""Curating the themes: reviewed decisions, the review queue, rule hygiene.

A curator reads the papers the rules most likely misfiled (``survey review``
lists them, best first) and records a decision for each in ``reviewed.yml``:
the paper, its themes (the primary first) and a note saying why. A decision
wins over the rules and over ``themes.yml``'s overrides, and takes the paper
out of the queue. Rules that match no paper, or exactly one, are reported:
the first do nothing, the second are a decision for one paper dressed as a
rule, and belong in ``reviewed.yml`` instead.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .errors import Problem
from .merge import find_paper
from .model import Override, Paper, Rule, Taxonomy, Theme
from .schema import LIST, TEXT, TEXT_OR_TEXTS, Field, Schema, validate
from .similar import neighbours
from .themes import (
    Score,
    catch_all,
    concept_match,
    decision,
    margin,
    paper_texts,
    phrase_needle,
    scores,
    theme_list,
    without,
)
from .yamlfile import LineDict

NEIGHBOURS = 5  # how many TF-IDF neighbours vote on a paper's primary theme
# What each reason adds to a paper's place in the queue (highest first).
REASONS = {
    "catch-all": (3, "no theme claims it (catch-all)"),
    "neighbours": (3, "its {k} nearest neighbours are mostly in {theme}"),
    "close": (2, "primary won by {margin} point(s) or less"),
    "outscored": (2, "{theme} is named in the title too and scores more "
                     "({points} points against {primary})"),
    "one-phrase": (1, "theme {theme} rests on one phrase in the abstract"),
}


@dataclass(frozen=True)
class Flag:
    """A paper in the review queue, and why."""

    paper: Paper
    reasons: tuple[str, ...]  # as a curator reads them
    weight: int  # the higher, the likelier misfiled


# -- reviewed.yml --------------------------------------------------------------------------

DECISION_SCHEMA: Schema = {
    "paper": Field(TEXT, required=True, about="the paper's id or its exact title"),
    "themes": Field(TEXT_OR_TEXTS, required=True, about="its theme ids, the primary one first"),
    "note": Field(TEXT, required=True, about="why, in a sentence"),
}
REVIEWED_SCHEMA: Schema = {
    "reviewed": Field(LIST, required=True, items=DECISION_SCHEMA, item_name="decision",
                      about="the decisions: paper, themes, note"),
}


def read_reviewed(data, path: str, papers: list[Paper],
                  taxonomy: Taxonomy) -> tuple[tuple[Override, ...], list[Problem]]:
    """The decisions in parsed ``reviewed.yml`` (None when there is none)."""
    if data is None:
        return (), []
    if not isinstance(data, dict):
        return (), [Problem(path, getattr(data, "line", None), "expected a mapping with a "
                            "'reviewed' list of decisions (paper, themes, note)")]
    valid, problems = validate(data, REVIEWED_SCHEMA, path)
    decisions: dict[str, Override] = {}
    ids = {t.id for t in taxonomy.themes}
    for item in valid.get("reviewed", []):
        found = _decision(item, path, papers, ids, problems)
        if found and found.paper in decisions:
            problems.append(Problem(path, found.line, f"paper {found.paper!r} is decided twice "
                                    f"(also at line {decisions[found.paper].line}); keep one"))
        elif found:
            decisions[found.paper] = found
    return tuple(decisions.values()), problems


def _decision(item: LineDict, path: str, papers: list[Paper], ids: set[str],
              problems: list[Problem]) -> Override | None:
    """A decision from fields that passed DECISION_SCHEMA."""
    paper = _decided_paper(item, path, papers, problems)
    themes, message = theme_list(item["themes"], ids)
    if message:
        problems.append(Problem(path, item.key_lines.get("themes", item.line),
                                f"decision {item['paper']!r}: 'themes' {message}"))
        return None
    if paper is None or "note" not in item:
        return None
    return Override(paper.id, themes, item.line, " ".join(str(item["note"]).split()), path)


def _decided_paper(item: LineDict, path: str, papers: list[Paper],
                   problems: list[Problem]) -> Paper | None:
    wanted = str(item["paper"])
    line = item.key_lines.get("paper", item.line)
    found, close = find_paper(papers, wanted)
    if found is None:
        hint = ("; did you mean: " + "; ".join(repr(t) for t in close)) if close else ""
        problems.append(Problem(path, line, f"no paper with the id or title {wanted!r} (removed "
                                f"from the listings, or renamed?){hint}"))
    return found


# -- the review queue ----------------------------------------------------------------------

def review_queue(papers: list[Paper], taxonomy: Taxonomy) -> list[Flag]:
    """The papers most likely misfiled, likeliest first; decided papers are left out."""
    near = neighbours([f"{p.title}. {p.abstract}" for p in papers], NEIGHBOURS)
    flags = []
    for paper, others in zip(papers, near, strict=False):
        if decision(paper.id, taxonomy):
            continue
        found = reasons(paper, [papers[i] for i in others], taxonomy)
        if found:
            weight = sum(REASONS[key][0] for key, _ in found)
            flags.append(Flag(paper, tuple(text for _, text in found), weight))
    return sorted(flags, key=lambda f: (-f.weight, f.paper.title.casefold(), f.paper.id))


def reasons(paper: Paper, near: list[Paper], taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """Why a paper may be misfiled: (reason key, sentence) pairs."""
    found = []
    if paper.primary_theme == catch_all(taxonomy).id:
        found.append(("catch-all", REASONS["catch-all"][1]))
    majority = majority_theme(near)
    if majority and majority != paper.primary_theme:
        found.append(("neighbours", REASONS["neighbours"][1].format(k=len(near), theme=majority)))
    scored = scores(paper, taxonomy)
    gap = margin(scored, taxonomy)
    if gap is not None and gap <= 1:
        found.append(("close", REASONS["close"][1].format(margin=1)))
    primary = scored.get(paper.primary_theme or "")
    rival = outscored(primary, scored)
    if primary and rival:
        found.append(("outscored", REASONS["outscored"][1].format(
            theme=rival.theme.id, points=rival.points, primary=primary.points)))
    for tid in paper.themes:
        matches = scored[tid].matches if tid in scored else ()
        if len(matches) == 1 and not matches[0].in_title:
            found.append(("one-phrase", REASONS["one-phrase"][1].format(theme=tid)))
    return found


def outscored(primary: Score | None, scored: dict[str, Score]) -> Score | None:
    """Of the themes named in the title that score more than the primary
    (which won on the stated order: its title evidence ranked first), the
    one with the most points, if there is one."""
    if primary is None:
        return None
    rivals = [s for s in scored.values() if s.title and s.points > primary.points]
    return max(rivals, key=lambda s: s.points, default=None)  # ties: the first in themes.yml


def majority_theme(near: list[Paper]) -> str | None:
    """The primary theme of more than half the neighbours, if there is one
    (a corpus too small to give each paper its full set of neighbours has no vote)."""
    if len(near) < NEIGHBOURS:
        return None
    counts = Counter(p.primary_theme for p in near).most_common(1)
    return counts[0][0] if counts and counts[0][1] * 2 > len(near) else None


def queue_lines(flags: list[Flag]) -> list[str]:
    lines = []
    for n, flag in enumerate(flags, start=1):
        lines.append(f"{n}. {flag.paper.title}")
        lines.append(f"   id: {flag.paper.id}; themes: {', '.join(flag.paper.themes)}")
        lines += [f"   - {reason}" for reason in flag.reasons]
    return lines


# -- rule hygiene --------------------------------------------------------------------------

@dataclass(frozen=True)
class Use:
    """A concept (a rule: it scores as one) or one of its phrases, and the
    papers it is found in."""

    theme: Theme
    name: str
    line: int
    papers: tuple[str, ...]  # ids


@dataclass(frozen=True)
class Hygiene:
    dead: tuple[Use, ...]  # concepts that match no paper
    single: tuple[Use, ...]  # concepts that match exactly one
    dead_phrases: tuple[Use, ...]  # phrases of live concepts that match no paper


def hygiene(papers: list[Paper], taxonomy: Taxonomy) -> Hygiene:
    texts = [paper_texts(p) for p in papers]
    concepts, phrases = [], []
    for theme in taxonomy.themes:
        seen = [{k: without(t[k], theme.not_phrases) for k in ("title", "abstract")}
                for t in texts]
        for concept in theme.concepts:
            hits = tuple(p.id for p, t, w in zip(papers, seen, texts, strict=False)
                         if concept_match(theme, concept, t, w))
            concepts.append(Use(theme, concept.name, concept.line, hits))
            if hits:
                phrases += [Use(theme, r.phrase, r.line, phrase_papers(r, papers, seen))
                            for r in concept.rules]
    return Hygiene(tuple(u for u in concepts if not u.papers),
                   tuple(u for u in concepts if len(u.papers) == 1),
                   tuple(u for u in phrases if not u.papers))


def phrase_papers(rule: Rule, papers: list[Paper], seen: list[dict[str, str]]) -> tuple[str, ...]:
    needle = phrase_needle(rule.phrase)
    places = ("title", "abstract") if rule.where == "anywhere" else (rule.where,)
    return tuple(p.id for p, t in zip(papers, seen, strict=True)
                 if any(needle in t[w] for w in places))


def hygiene_lines(found: Hygiene, path: str) -> list[str]:
    """What hygiene found, in the order of themes.yml."""
    notes = [(u, "matches no paper; remove it") for u in found.dead]
    notes += [(u, f"matches one paper only ({u.papers[0]}); if it decides that paper, "
                  "record a decision in reviewed.yml instead") for u in found.single]
    notes += [(u, "matches no paper") for u in found.dead_phrases]
    kinds = {id(u): "phrase" if u in found.dead_phrases else "concept" for u, _ in notes}
    notes.sort(key=lambda n: n[0].line)
    return [f"{path}:{u.line}: theme {u.theme.id}: {kinds[id(u)]} {u.name!r} {text}"
            for u, text in notes]
