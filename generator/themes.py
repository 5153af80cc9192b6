"""The curated taxonomy: reading ``themes.yml`` and putting papers in themes.

Each theme looks for *concepts*, each named by one or more phrases a curator
can read. A concept scores once, by the best of its phrases found: 3 points
in the title, 1 in the abstract, 3 anywhere for phrases specific enough to
decide on their own. So near-synonyms do not stack up.

How a paper's themes are chosen (the stated rule; ``explain`` shows it):

0. Where title phrases of two themes overlap, the longer phrase takes the
   words: "out-of-distribution data" counts for training data, and its
   "out-of-distribution" no longer counts in the title for out-of-distribution
   generalization ("covariate shift adaptation" likewise for adaptation).
1. A theme is a candidate when its score reaches the threshold.
2. The primary theme is the best candidate by, in turn: evidence in the
   title (a title that names a theme's topic decides); a title that names a
   kind of generalization (a theme of the first-ranked facet found by a
   phrase with "generalization" in it or just before it, "compositional
   generalization"); the points of the title evidence (two concepts named
   in the title say more than one, but phrases standing side by side name
   one thing and count once: "robot policies"); for title evidence, the
   facet of the theme (facets are listed in themes.yml in the order they rank, e.g. the
   kind of generalization before methods and applications); the score; the
   number of distinct concepts; title evidence that is not only a modifier
   naming the means ("explanation-based finetuning": followed by "based",
   "driven", "guided" or "inspired"); title evidence after the title's first
   "for" (the purpose, as in "quantization for domain generalization",
   before the means); title evidence standing earlier in the title; the
   longer phrase (the more specific: "covariate shift adaptation" over
   "covariate shift"); and last, the order of the themes in the file.
3. Another candidate joins as a secondary theme only with evidence in the
   title or two distinct concepts found by phrases that could decide alone:
   one passing phrase, or weak abstract words, are not enough.
4. Papers no theme claims go to the catch-all. Overrides in themes.yml, and
   reviewed decisions (reviewed.yml) above them, replace the rules' verdict.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import cache

from . import cores
from .errors import WARNING, Problem
from .model import Concept, Override, Paper, Rule, Taxonomy, Theme, Where
from .schema import (
    BOOL,
    INT,
    LIST,
    MAPPING,
    TEXT,
    TEXT_OR_TEXTS,
    Field,
    Kind,
    Schema,
    at_most,
    describe,
    validate,
)

# The rule lists of a theme in themes.yml: where each looks and the points a
# phrase found there earns. A phrase in a title says what the paper is about;
# one in an abstract may be a passing mention. "anywhere" phrases are
# unambiguous enough to decide a theme on their own, wherever they stand.
RULE_KEYS: dict[str, tuple[Where, int]] = {
    "in_title": ("title", 3), "in_abstract": ("abstract", 1), "anywhere": ("anywhere", 3)}
# The same lists inside a concept mapping.
CONCEPT_KEYS = {"title": "in_title", "abstract": "in_abstract", "anywhere": "anywhere"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NOWHERE = 10**6  # the position of evidence not in the title
STRONG = 3  # the points of a phrase that could decide a theme alone
# The most a theme may hold, as a share of the papers: beyond it a theme says
# little (it should be split) and a catch-all hides papers. Checked from
# LIMITS_FROM papers on: a small survey may well have a big theme.
CATCH_ALL_LIMIT = 0.03
THEME_LIMIT = 0.20
LIMITS_FROM = 100


@dataclass(frozen=True)
class Match:
    """A concept of a theme found in a paper, by its best phrase."""

    theme: str
    concept: Concept
    rule: Rule
    field: str  # where the phrase was found: "title" or "abstract"
    position: int  # where in that field
    means: bool = False  # in the title, before "based" or the like: the means, not the topic
    names_generalization: bool = False  # in the title, naming one ("domain generalization")
    end: int = NOWHERE  # where the words found end in that field (the space after them)

    @property
    def points(self) -> int:
        return self.rule.weight if self.field == "title" or self.rule.where == "anywhere" else 1

    @property
    def in_title(self) -> bool:
        return self.field == "title"


@dataclass(frozen=True)
class Score:
    """What a theme's rules found in one paper."""

    theme: Theme
    matches: tuple[Match, ...]
    purpose_at: int = NOWHERE  # where the title's first " for " stands

    @property
    def points(self) -> int:
        return sum(m.points for m in self.matches)

    @property
    def title(self) -> bool:
        return any(m.in_title for m in self.matches)

    @property
    def purpose(self) -> bool:
        """Whether title evidence comes after "for": the purpose, not the means."""
        return any(m.in_title and m.position > self.purpose_at for m in self.matches)

    @property
    def title_points(self) -> int:
        """The points of its evidence in the title: how much the title says of it.
        Phrases that stand side by side name one thing ("robot policies"): they
        count once, by the best of them."""
        groups: list[list[Match]] = []
        for m in sorted((m for m in self.matches if m.in_title), key=lambda m: m.position):
            if groups and m.position <= max(g.end for g in groups[-1]):
                groups[-1].append(m)
            else:
                groups.append([m])
        return sum(max(m.points for m in group) for group in groups)

    @property
    def names_generalization(self) -> bool:
        """Whether its title evidence names a generalization ("compositional
        generalization", "generalization across domains" aside)."""
        return any(m.names_generalization for m in self.matches if m.in_title)

    @property
    def means(self) -> bool:
        """Whether all its title evidence names the means ("explanation-based")."""
        found = [m for m in self.matches if m.in_title]
        return bool(found) and all(m.means for m in found)

    @property
    def first(self) -> int:
        """Where the first title evidence stands in the title."""
        return min((m.position for m in self.matches if m.in_title), default=NOWHERE)

    @property
    def longest(self) -> int:
        """The length of the longest phrase found in the title: the most specific."""
        return max((len(m.rule.phrase) for m in self.matches if m.in_title), default=0)


_WORD = re.compile(r"\w+")


def words(text: str) -> str:
    """Text as its words, case-folded and space-separated, with a space at
    each end: phrases are then found by plain substring search, at whole
    words, and hyphens or punctuation between words do not matter."""
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


@cache
def phrase_needle(phrase: str) -> str:
    """What a phrase is searched for as; a trailing ``*`` lets the last word
    go on ("generaliz*" finds "generalize" and "generalization")."""
    prefix = phrase.strip().endswith("*")
    needle = words(phrase.rstrip("* "))
    return needle[:-1] if prefix else needle


@cache
def first_word(phrase: str) -> str | None:
    """A whole word every match of the phrase contains (None when its only
    word may go on): a paper without it cannot match, and is not searched."""
    needle = phrase_needle(phrase)
    parts = needle.split()
    return parts[0] if parts and (needle.endswith(" ") or len(parts) > 1) else None


@cache
def _blank_pattern(phrase: str) -> re.Pattern:
    needle = phrase_needle(phrase)
    tail = r"\w* " if not needle.endswith(" ") else ""
    return re.compile(re.escape(needle) + tail)


def without(text: str, phrases: Iterable[str]) -> str:
    """``words()`` text with every occurrence of the phrases taken out."""
    for phrase in phrases:
        if phrase_needle(phrase) in text:
            text = _blank_pattern(phrase).sub(" ", text)
    return text


def found_anywhere(texts: dict[str, str], phrases: Iterable[str]) -> bool:
    return any(phrase_needle(p) in texts["title"] or phrase_needle(p) in texts["abstract"]
               for p in phrases)


def concept_match(theme: Theme, concept: Concept, texts: dict[str, str],
                  whole: dict[str, str] | None = None) -> Match | None:
    """The concept's best phrase found in the texts, or None; ``unless``
    phrases are sought in the whole texts (before the theme's ``not`` phrases
    were taken out)."""
    if concept.unless and found_anywhere(whole or texts, concept.unless):
        return None
    best = None
    present = texts.get("words")
    for rule in concept.rules:
        word = first_word(rule.phrase)
        if present is not None and word is not None and word not in present:
            continue
        needle = phrase_needle(rule.phrase)
        places = ("title", "abstract") if rule.where == "anywhere" else (rule.where,)
        for place in places:
            at = texts[place].find(needle)
            if at >= 0:
                title = place == "title"
                end = _word_end(texts[place], at + len(needle))
                match = Match(theme.id, concept, rule, place, at,
                              title and texts["title"].startswith(MEANS_WORDS, end),
                              title and ("generali" in needle or texts["title"].startswith(
                                  GENERALIZATION_WORDS, end)), end)
                if best is None or (match.points, match.in_title, -at) > (
                        best.points, best.in_title, -best.position):
                    best = match
                break
    return best


# Words that make the title phrase before them a modifier naming the means:
# "explanation-based finetuning" is about finetuning, by way of explanations.
MEANS_WORDS = (" based ", " driven ", " guided ", " inspired ")
# The word after a title phrase that makes it name a kind of generalization:
# "compositional generalization", "temporal distribution generalization".
GENERALIZATION_WORDS = (" generaliz", " generalis")
_REST_OF_WORD = re.compile(r"\w*")


def _word_end(text: str, end: int) -> int:
    """Where a phrase found ends, at the space after its last word: ``end`` is
    after that space, or inside a word a prefix phrase found (its rest is skipped)."""
    if text[end - 1:end] == " ":
        return end - 1
    return _REST_OF_WORD.match(text, end).end()  # type: ignore[union-attr]


ConceptCues = tuple[Concept, frozenset[str], tuple[str, ...]]
_CUES: dict[int, tuple[Theme, tuple[ConceptCues, ...]]] = {}  # by identity: hashing is slow


def theme_cues(theme: Theme) -> tuple[ConceptCues, ...]:
    """Each concept of the theme with what a text must hold for one of its
    rules to match: one of these words, or one of these needles (phrases
    whose only word may go on)."""
    known = _CUES.get(id(theme))
    if known is None or known[0] is not theme:
        if len(_CUES) > 1024:  # a preview reads the themes anew at each rebuild
            _CUES.clear()
        known = _CUES[id(theme)] = (theme, tuple(_concept_cues(c) for c in theme.concepts))
    return known[1]


def _concept_cues(concept: Concept) -> ConceptCues:
    phrases = [r.phrase for r in concept.rules]
    cue_words = frozenset(w for w in map(first_word, phrases) if w is not None)
    return concept, cue_words, tuple(phrase_needle(p) for p in phrases if first_word(p) is None)


def candidates(theme: Theme, whole: dict) -> list[Concept]:
    """The theme's concepts that could match the texts: a phrase index, so
    that a paper is not searched for the phrases of every concept. The
    texts may hold them already, found for all themes at once (``cued``)."""
    cued = whole.get("cued")
    if cued is not None:
        return [c for c in theme.concepts if id(c) in cued]
    return [cues[0] for cues in theme_cues(theme) if _may_match(cues, whole)]


CueIndex = tuple[dict[str, frozenset[int]], tuple[tuple[str, frozenset[int]], ...]]
_INDEX: dict[int, tuple[Taxonomy, CueIndex]] = {}  # by identity, as _CUES


def cue_index(taxonomy: Taxonomy) -> CueIndex:
    """Every concept's cues at once: each cue word with the concepts (by
    identity) that it lets match, and each needle with its concepts."""
    known = _INDEX.get(id(taxonomy))
    if known is None or known[0] is not taxonomy:
        if len(_INDEX) > 64:  # a preview reads the themes anew at each rebuild
            _INDEX.clear()
        by_word: dict[str, set[int]] = {}
        by_needle: dict[str, set[int]] = {}
        for theme in taxonomy.themes:
            for concept, cue_words, needles in theme_cues(theme):
                for word in cue_words:
                    by_word.setdefault(word, set()).add(id(concept))
                for needle in needles:
                    by_needle.setdefault(needle, set()).add(id(concept))
        known = _INDEX[id(taxonomy)] = (taxonomy, (
            {w: frozenset(ids) for w, ids in by_word.items()},
            tuple((n, frozenset(ids)) for n, ids in by_needle.items())))
    return known[1]


def cued(whole: dict, index: CueIndex) -> set[int]:
    """The concepts (by identity) that could match the texts: those
    ``_may_match`` lets through, found by the paper's words, not by concept."""
    by_word, needles = index
    found: set[int] = set()
    for word in whole["words"] & by_word.keys():
        found |= by_word[word]
    for needle, ids in needles:
        if not ids <= found and (needle in whole["title"] or needle in whole["abstract"]):
            found |= ids
    return found


def _may_match(cues: ConceptCues, whole: dict) -> bool:
    _, cue_words, needles = cues
    present = whole.get("words")
    return (present is None or not cue_words.isdisjoint(present)
            or any(n in whole["title"] or n in whole["abstract"] for n in needles))


def theme_score(theme: Theme, whole: dict, taken: tuple[str, ...] = ()) -> Score:
    """The theme's score; ``taken`` phrases, another theme's longer reading of
    the title's words, are taken out of the title first."""
    purpose_at = whole["title"].find(" for ")
    concepts = candidates(theme, whole)
    if not concepts:  # most themes, for most papers: nothing to look for
        return Score(theme, (), NOWHERE if purpose_at < 0 else purpose_at)
    texts: dict = {k: without(whole[k], theme.not_phrases) for k in ("title", "abstract")}
    texts["title"] = without(texts["title"], taken)
    texts["words"] = whole.get("words")
    found = (concept_match(theme, c, texts, whole) for c in concepts)
    return Score(theme, tuple(m for m in found if m is not None),
                 NOWHERE if purpose_at < 0 else purpose_at)


def paper_texts(paper: Paper) -> dict:
    """The paper's title and abstract as ``words()``, and the set of its words."""
    return texts_of(paper.title, paper.abstract)


def texts_of(title: str, abstract: str) -> dict:
    texts = {"title": words(title), "abstract": words(abstract)}
    return {**texts, "words": frozenset((texts["title"] + texts["abstract"]).split())}


def scores(paper: Paper, taxonomy: Taxonomy) -> dict[str, Score]:
    return text_scores(paper.title, paper.abstract, taxonomy)


def text_scores(title: str, abstract: str, taxonomy: Taxonomy) -> dict[str, Score]:
    """Each theme's score; where title phrases of two themes overlap, the
    longer phrase takes the words ("out-of-distribution data" is about data,
    not about out-of-distribution generalization)."""
    texts = texts_of(title, abstract)
    texts["cued"] = cued(texts, cue_index(taxonomy))
    themes = {t.id: t for t in taxonomy.themes if not t.catch_all}
    found = {tid: theme_score(t, texts) for tid, t in themes.items()}
    spans = {tid: title_spans(s, texts["title"]) for tid, s in found.items() if s.title}
    for tid in spans if len(spans) > 1 else ():
        own = {r.phrase for r in themes[tid].rules}
        taken = tuple(p for p in longer_readings(tid, spans) if p not in own)
        if taken:
            found[tid] = theme_score(themes[tid], texts, taken)
    return found


def title_spans(score: Score, title: str) -> list[tuple[int, int, str]]:
    """Where the score's title phrases stand in the title: (start, end, phrase)."""
    spans = []
    for m in score.matches:
        needle = phrase_needle(m.rule.phrase).strip()
        at = title.find(needle) if m.in_title else -1
        if at >= 0:
            spans.append((at, at + len(needle), m.rule.phrase))
    return spans


def longer_readings(tid: str, spans: dict[str, list[tuple[int, int, str]]]) -> tuple[str, ...]:
    """Other themes' title phrases that cover a title phrase of this theme and more."""
    return tuple(dict.fromkeys(
        phrase for other, found in spans.items() if other != tid
        for start, end, phrase in found for s, e, _ in spans[tid]
        if start <= s and e <= end and e - s < end - start))


def rank_key(score: Score, taxonomy: Taxonomy) -> tuple:
    """The stated order of candidates (see the module's docstring)."""
    facets = {f: i for i, rank in enumerate(taxonomy.facets) for f in rank}
    facet = facets.get(score.theme.facet, len(facets))
    order = next(i for i, t in enumerate(taxonomy.themes) if t.id == score.theme.id)
    names_kind = score.names_generalization and facet == 0
    return (not score.title, not names_kind, -score.title_points, facet if score.title else 0,
            -score.points, -len(score.matches), score.means, not score.purpose, score.first,
            -score.longest, order)


def ranked(scored: dict[str, Score], taxonomy: Taxonomy) -> list[Score]:
    """The candidates (scores at the threshold), best first."""
    passing = [s for s in scored.values() if s.points >= taxonomy.threshold]
    return sorted(passing, key=lambda s: rank_key(s, taxonomy))


def secondary_ok(score: Score) -> bool:
    """A theme beside the primary needs title evidence or two distinct concepts
    found by phrases that could decide alone (weak abstract words only add
    weight: they do not bring a second theme)."""
    return score.title or sum(m.points >= STRONG for m in score.matches) >= 2


def choose(paper: Paper, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The paper's themes by the rules, primary first."""
    return choose_for(paper.title, paper.abstract, taxonomy)


def choose_for(title: str, abstract: str, taxonomy: Taxonomy) -> tuple[str, ...]:
    best = ranked(text_scores(title, abstract, taxonomy), taxonomy)
    if not best:
        return (catch_all(taxonomy).id,)
    themes = [best[0].theme.id] + [s.theme.id for s in best[1:] if secondary_ok(s)]
    return tuple(themes[: taxonomy.max_themes])


def margin(scored: dict[str, Score], taxonomy: Taxonomy) -> int | None:
    """By how many points the primary beat the best rival that stood on equal
    terms with it before the score was counted (title evidence, a named kind of
    generalization, the points in the title, and facet when that evidence is in
    the title); None when no rival did: the stated order decided, not the points."""
    best = ranked(scored, taxonomy)
    terms = [rank_key(s, taxonomy)[:4] for s in best]
    rival = next((s for s, t in zip(best[1:], terms[1:], strict=False) if t == terms[0]), None)
    return None if rival is None else best[0].points - rival.points


def sizes(papers: Iterable[Paper], taxonomy: Taxonomy) -> dict[str, int]:
    """How many papers each theme holds, in the order of themes.yml."""
    members = {t.id: 0 for t in taxonomy.themes}
    for paper in papers:
        for tid in paper.themes:
            members[tid] = members.get(tid, 0) + 1
    return members


def size_problems(papers: list[Paper], taxonomy: Taxonomy, path: str) -> list[Problem]:
    """Warnings for a catch-all or a theme above its share of the papers, in a
    survey of at least LIMITS_FROM papers (a small one may well have a big theme)."""
    if len(papers) < LIMITS_FROM:
        return []
    members = sizes(papers, taxonomy)
    return [Problem(path, theme.line or None, _size_message(theme, members[theme.id],
                                                            len(papers)), WARNING)
            for theme in taxonomy.themes
            if members[theme.id] > len(papers) * _limit(theme)]


def _limit(theme: Theme) -> float:
    return CATCH_ALL_LIMIT if theme.catch_all else THEME_LIMIT


def _size_message(theme: Theme, n: int, total: int) -> str:
    share = f"{n} of {total} papers ({100 * n / total:.1f}%), above the limit of " \
            f"{100 * _limit(theme):.0f}% for a survey of {LIMITS_FROM} papers or more"
    if theme.catch_all:
        return (f"the catch-all theme {theme.id!r} holds {share}: add rules (concepts) that "
                "place its papers in the themes that fit them, or add a theme for them")
    return (f"theme {theme.id!r} holds {share}: split it into sharper themes, or narrow its "
            "rules (concepts, `not` and `unless` phrases)")


def catch_all(taxonomy: Taxonomy) -> Theme:
    return next(t for t in taxonomy.themes if t.catch_all)


def decision(paper_id: str, taxonomy: Taxonomy) -> Override | None:
    """The curator's decision for a paper: a reviewed one, else an override."""
    for source in (taxonomy.reviewed, taxonomy.overrides):
        found = next((o for o in source if o.paper == paper_id), None)
        if found:
            return found
    return None


def rules_key(taxonomy: Taxonomy) -> tuple:
    """What ``choose`` reads of the taxonomy: the themes' rules, in order,
    and the limits; not the themes' names, descriptions or lines in the file,
    nor curators' decisions. Placements made under equal keys are equal."""
    return (tuple(map(theme_rules, taxonomy.themes)), taxonomy.threshold, taxonomy.max_themes,
            taxonomy.facets)


def theme_rules(theme: Theme) -> tuple:
    """What ``choose`` reads of one theme."""
    return (theme.id, tuple(map(theme_rules_concept, theme.concepts)), theme.catch_all,
            theme.facet, theme.not_phrases)


def theme_rules_concept(concept: Concept) -> tuple:
    """What ``choose`` reads of one concept."""
    return (concept.name, tuple((r.phrase, r.where, r.weight) for r in concept.rules),
            concept.unless)


def still_placed(placed: dict[tuple[str, str, str], tuple[str, ...]], old: Taxonomy,
                 new: Taxonomy) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """The placements by rules ``old`` that rules ``new`` make alike: when
    only some concepts changed (added, removed or edited), every paper that
    none of them, before or after, can match. Its themes find the same
    phrases for it either way, so they score and rank alike, and give way to
    each other's title phrases alike."""
    changed = _changed_concepts(old, new)
    if changed is None:
        return {}
    cues = [_concept_cues(c) for c in changed]
    return {key: themes for key, themes in placed.items()
            if not any(_may_match(c, texts_of(key[1], key[2])) for c in cues)}


def _changed_concepts(old: Taxonomy, new: Taxonomy) -> list[Concept] | None:
    """The concepts in one taxonomy and not the other; None when more
    changed (the themes, their order, facets or other senses, which is the
    catch-all, or the limits)."""
    def frame(taxonomy: Taxonomy) -> tuple:
        return (rules_key(replace(taxonomy, themes=())),
                [(t.id, t.catch_all, t.facet, t.not_phrases) for t in taxonomy.themes])

    if frame(old) != frame(new):
        return None
    changed = []
    for before, after in zip(old.themes, new.themes, strict=True):
        if theme_rules(before) != theme_rules(after):
            keys = {theme_rules_concept(c) for c in after.concepts}
            olds = {theme_rules_concept(c) for c in before.concepts}
            changed += [c for c in before.concepts if theme_rules_concept(c) not in keys]
            changed += [c for c in after.concepts if theme_rules_concept(c) not in olds]
    return changed


def assign(papers: list[Paper], taxonomy: Taxonomy,
           placed: dict[tuple[str, str, str], tuple[str, ...]] | None = None) -> list[Paper]:
    """Each paper with its themes: a curator's decision, else the rules'.
    ``placed`` keeps the rules' placements by paper and text, for the next
    call with the same taxonomy (a preview's rebuilds)."""
    decided = {o.paper: o for o in taxonomy.overrides}
    decided.update({o.paper: o for o in taxonomy.reviewed})
    known = {} if placed is None else placed
    keys = [(p.id, p.title, p.abstract) for p in papers]
    todo = list(dict.fromkeys(k for k in keys if k[0] not in decided and k not in known))
    known.update(zip(todo, place([(title, abstract) for _, title, abstract in todo], taxonomy),
                     strict=True))
    return [replace(paper, themes=decided[paper.id].themes if paper.id in decided else known[key])
            for paper, key in zip(papers, keys, strict=True)]


# Placing a paper by the rules takes about half a millisecond. From this many
# papers a process on, the machine's other cores each place a share: a
# process takes 0.05 s (forked) to 0.5 s (started anew) before it can begin.
PER_PROCESS = 2000


def place(texts: list[tuple[str, str]], taxonomy: Taxonomy,
          per_process: int = PER_PROCESS) -> list[tuple[str, ...]]:
    """The rules' themes for each (title, abstract), in order; many papers
    are shared out over the machine's cores, with the same result."""
    shares = min(cores.count(), len(texts) // max(per_process, 1))
    if shares < 2:
        return _place(texts, taxonomy)
    size = -(-len(texts) // shares)
    chunks = [texts[i:i + size] for i in range(0, len(texts), size)]
    try:
        with ProcessPoolExecutor(len(chunks) - 1, mp_context=cores.context()) as pool:
            others = [pool.submit(_place, chunk, taxonomy) for chunk in chunks[1:]]
            found = _place(chunks[0], taxonomy)
            return found + [themes for other in others for themes in other.result()]
    except (OSError, BrokenProcessPool):  # no process to be had: all of them here
        return _place(texts, taxonomy)


def _place(texts: list[tuple[str, str]], taxonomy: Taxonomy) -> list[tuple[str, ...]]:
    return [choose_for(title, abstract, taxonomy) for title, abstract in texts]


def explain(paper: Paper, taxonomy: Taxonomy) -> list[str]:
    """Why the paper is in each of its themes, as lines for a person to read."""
    titles = {t.id: t.title for t in taxonomy.themes}
    override = decision(paper.id, taxonomy)
    scored = scores(paper, taxonomy)
    lines = [f"{paper.title}", f"  id: {paper.id}",
             f"  threshold: {taxonomy.threshold} points; at most {taxonomy.max_themes} themes"]
    if override:
        lines += _decision_lines(override)
    for tid in paper.themes:
        score = scored.get(tid)
        primary = " (primary)" if tid == paper.primary_theme else ""
        points = score.points if score else 0
        lines.append(f"{tid}{primary}: {titles[tid]} - {points} point{'' if points == 1 else 's'}")
        lines += _match_lines(score.matches if score else ())
        if score is None and not override:
            lines.append(f"  no theme reached {taxonomy.threshold} points")
        elif not (score and score.matches):
            lines.append("  no rule matched: placed by a curator's decision or a curated summary")
    near = [(tid, s.points) for tid, s in scored.items() if s.points and tid not in paper.themes]
    if near:
        lines.append("other themes with points: " + ", ".join(
            f"{tid} ({s})" for tid, s in sorted(near, key=lambda x: -x[1])))
    return lines


def _decision_lines(override: Override) -> list[str]:
    kind = "override" if override.source.endswith("themes.yml") else "reviewed decision"
    lines = [f"  themes set by {kind} at line {override.line} of {override.source}: "
             + ", ".join(override.themes)]
    if override.note:
        lines.append(f"  note: {override.note}")
    return lines


def _match_lines(matches: Iterable[Match]) -> list[str]:
    lines = []
    for m in matches:
        concept = "" if m.concept.name == m.rule.phrase else f" (concept {m.concept.name!r})"
        lines.append(f"  {m.field} contains {m.rule.phrase!r} (+{m.points}){concept}")
    return lines


def _id_problem(value: str) -> str | None:
    if not ID_RE.match(value):
        return f"theme id {value!r} must be lowercase words joined by hyphens"
    if value in RESERVED_IDS:
        return (f"theme id {value!r} is the address of the site's page of all themes: "
                "choose another")
    return None


def _flat(items) -> list:
    """Phrases of a list whose items may be lists of synonyms."""
    return [p for item in items or [] for p in ([item] if isinstance(item, str) else item)]


def _phrases_problem(phrases) -> str | None:
    phrases = [phrases] if isinstance(phrases, str) else phrases
    empty = next((p for p in _flat(phrases) if not words(p.rstrip("* ")).strip()), None)
    if empty is None:
        return None
    return f"phrase {empty!r} has no words to find (it would match every paper or none): " \
           "write the words it should find"


def _at_least_1(value: int) -> str | None:
    return None if value >= 1 else f"{value} must be a whole number of at least 1"


def _is_phrase_items(value: object) -> bool:
    """A list whose items are phrases or lists of synonyms (one concept each)."""
    def phrases(v):
        return isinstance(v, list) and bool(v) and all(isinstance(p, str) and p.strip() for p in v)
    return value is None or (isinstance(value, list) and all(
        (isinstance(v, str) and v.strip()) or phrases(v) for v in value))


PHRASE_ITEMS = Kind("a list of phrases (an item may be a list of synonyms)", _is_phrase_items,
                    text_like=True)
RESERVED_IDS = {"index", "readme"}  # themes/index.md is the site's page of all themes
# A concept written out: one idea, its phrases by where they count, and the
# phrases that cancel it.
CONCEPT_SCHEMA: Schema = {
    "name": Field(TEXT, about="how explain names the concept"),
    **{key: Field(TEXT_OR_TEXTS, check=_phrases_problem, about=f"phrases that count in the {key}")
       for key in CONCEPT_KEYS},
    "unless": Field(TEXT_OR_TEXTS, about="phrases that cancel the concept"),
}
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
    "facet": Field(TEXT, about="one of the facets listed in 'facets'"),
    "concepts": Field(LIST, about="concepts written out: name, title, abstract, anywhere, unless"),
    "not": Field(TEXT_OR_TEXTS, check=_phrases_problem,
                 about="phrases taken out of the text before the theme's rules are sought"),
    **{key: Field(PHRASE_ITEMS, check=_phrases_problem, about=f"phrases looked for in the {where}")
       for key, (where, _) in RULE_KEYS.items()},
}
TAXONOMY_SCHEMA: Schema = {
    "themes": Field(LIST, required=True, items=THEME_SCHEMA, item_name="theme"),
    "overrides": Field(MAPPING, about="paper id: [theme ids]"),
    "threshold": Field(INT, check=_at_least_1, about="the score a theme needs to take a paper"),
    "max_themes": Field(INT, check=_at_least_1, about="the most themes a paper gets"),
    "facets": Field(LIST, about="facet names, best-ranking first"),
    "moved": Field(MAPPING, about="old theme id: [the theme ids that replace it]"),
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
    written = data  # as written: the catch-all count is taken on it
    data, problems[:] = validate(data, TAXONOMY_SCHEMA, path)
    facets = _facets(data, bad)
    themes = _themes(data, written, facets, bad, path)
    ids = {t.id for t in themes}
    taxonomy = Taxonomy(
        themes=tuple(themes), overrides=tuple(_overrides(data, ids, path, problems)),
        threshold=data.get("threshold", 3), max_themes=data.get("max_themes", 3),
        facets=facets, moved=_moved(data, ids, bad))
    return taxonomy, problems


def _themes(data, written, facets: tuple[tuple[str, ...], ...], bad, path: str) -> list[Theme]:
    themes: list[Theme] = []
    for node in data.get("themes", []):
        theme = _read_theme(node, facets, bad, path)
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
    return themes


def _facets(data, bad) -> tuple[tuple[str, ...], ...]:
    """The facets in the order their title evidence ranks; a list inside the
    list holds facets of equal rank."""
    value = data.get("facets") or []
    ranks = [[f] if isinstance(f, str) else f for f in value]
    if not all(isinstance(r, list) and r and all(
            isinstance(f, str) and ID_RE.match(f) for f in r) for r in ranks):
        bad(data, "'facets' must list facet names (lowercase words), best-ranking first; "
                  "a list inside it holds facets of equal rank", "facets")
        return ()
    return tuple(tuple(r) for r in ranks)


def _overrides(data, ids: set[str], path: str, problems: list[Problem]) -> list[Override]:
    raw = data.get("overrides") or {}
    overrides = []
    for paper_id, value in raw.items():
        line = getattr(raw, "key_lines", {}).get(paper_id) or 0
        themes, message = theme_list(value, ids)
        if message:
            problems.append(Problem(path, line, f"override for {paper_id!r} {message}"))
            continue
        overrides.append(Override(paper_id, themes, line, source=path))
    return overrides


def theme_list(value, ids: set[str]) -> tuple[tuple[str, ...], str]:
    """Theme ids as a curator lists them, or a message saying what is wrong."""
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not listed or not all(isinstance(v, str) for v in listed):
        return (), "must list theme ids"
    unknown = [v for v in listed if v not in ids]
    if unknown:
        return (), (f"names unknown theme {unknown[0]!r}; known themes: "
                    f"{', '.join(sorted(ids))}")
    return tuple(dict.fromkeys(listed)), ""


def _moved(data, ids: set[str], bad) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Old theme ids and the themes that took their papers: their pages stay."""
    raw = data.get("moved") or {}
    moved = []
    for old, value in raw.items():
        targets, message = theme_list(value, ids)
        if not isinstance(old, str) or not ID_RE.match(old) or old in ids or old in RESERVED_IDS:
            bad(raw, f"moved theme {old!r} must be an old theme id no theme uses now", old)
        elif message:
            bad(raw, f"moved theme {old!r} {message}", old)
        else:
            moved.append((old, targets))
    return tuple(moved)


def _read_theme(node, facets: tuple[tuple[str, ...], ...], bad, path: str) -> Theme | None:
    """A theme from its fields that passed THEME_SCHEMA."""
    tid = node["id"]
    mapped, reported = _mapped_concepts(node, tid, bad, path)
    concepts = _list_concepts(node) + mapped
    catch = node.get("catch_all", False) is True
    rejected = set(node.key_lines) - set(node)  # reported already: a misspelt rule key
    if not concepts and not catch and not rejected and not reported:
        bad(node, f"theme {tid!r} has no rules: give it concepts, in_title, in_abstract or "
                  "anywhere phrases, or make it the catch-all")
    return Theme(tid, node["title"].strip(), " ".join(node["description"].split()),
                 tuple(concepts), catch, _facet(node, facets, bad),
                 tuple(_strings(node.get("not"))), node.line or 0)


def _strings(value) -> list[str]:
    return [p.strip() for p in ([value] if isinstance(value, str) else value or [])]


def _facet(node, facets: tuple[tuple[str, ...], ...], bad) -> str:
    facet = node.get("facet", "")
    known = [f for rank in facets for f in rank]
    if facet and facet not in known:
        bad(node, f"theme {node['id']!r}: facet {facet!r} is not among 'facets' "
                  f"({', '.join(known) or 'none listed'})", "facet")
        return ""
    return facet


def _list_concepts(node) -> list[Concept]:
    """Concepts from the in_title, in_abstract and anywhere lists: each item
    is one concept, a phrase or a list of synonyms."""
    concepts = []
    for key, (where, weight) in RULE_KEYS.items():
        items = node.get(key) or []
        lines = getattr(items, "item_lines", [node.key_lines.get(key, 0)] * len(items))
        for item, line in zip(items, lines, strict=False):
            phrases = _strings(item)
            rules = tuple(Rule(p, where, weight, line) for p in phrases)
            concepts.append(Concept(phrases[0], rules, (), line))
    return concepts


def _mapped_concepts(node, tid: str, bad, path: str) -> tuple[list[Concept], bool]:
    """Concepts written out: ``{name, title, abstract, anywhere, unless}``;
    and whether a problem was reported for one of them."""
    items = node.get("concepts") or []
    lines = getattr(items, "item_lines", [node.key_lines.get("concepts", node.line)] * len(items))
    concepts, reported = [], False
    for item, line in zip(items, lines, strict=False):
        if not isinstance(item, dict):
            bad(_At(line), f"theme {tid!r}: each concept is a mapping ('key: value' lines) with "
                           f"title, abstract or anywhere phrases, not {describe(item)}")
            reported = True
            continue
        valid, found = validate(item, CONCEPT_SCHEMA, path, f"theme {tid!r}: concept", line)
        for problem in found:
            bad(_At(problem.line or line), problem.message)
        rules = [Rule(p, *RULE_KEYS[CONCEPT_KEYS[key]], valid.key_lines.get(key, line))
                 for key in CONCEPT_KEYS for p in _strings(valid.get(key))]
        if not rules and not found:
            bad(_At(line), f"theme {tid!r}: a concept needs title, abstract or anywhere phrases")
        if not rules:
            reported = True
            continue
        name = valid.get("name") or rules[0].phrase
        concepts.append(Concept(name, tuple(rules), tuple(_strings(valid.get("unless"))), line))
    return concepts, reported


@dataclass(frozen=True)
class _At:
    """Where a message points, for a node that does not know its own line."""

    line: int
