"""Papers like a paper: TF-IDF over their text, cosine similarity.

Used for the related papers on each paper page and for the themes' review
queue. The similarity matrix is never held whole: rows are multiplied a
block at a time, so 10,000 papers need about 50 MB, not 800 MB, and that
memory goes back to the system when the rows are found (``_give_back``);
each similarity is computed once (``_all_rows``).

A live preview asks again after every edit (``update``): only the rows of
the papers whose vectors changed, and of the papers that had one of them
among their nearest, are computed again; the rest keep their neighbours,
unless a changed paper now beats one of them. The result is the same as
``neighbours`` gives, to the last tie.
"""
from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from . import cores, stop_words

BLOCK = 128  # rows of the similarity matrix computed at once (10,000 papers: ~50 MB)
WORKERS = min(4, cores.count())  # blocks computed side by side
TOKEN = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z0-9+-]+\b")  # a letter, then letters, digits, + or -
MAX_DF = 0.5  # a word in more than half the texts tells nothing of which are alike

Counts = dict[str, int]  # a text's words, each with how often it says it


@dataclass(frozen=True)
class Similar:
    """The nearest texts of each text, and what a later ``update`` needs."""

    texts: tuple[str, ...]
    counted: tuple[Counts, ...]  # each text's words (see ``counts``)
    k: int
    vectors: csr_matrix  # one TF-IDF row per text
    terms: np.ndarray  # the vectors' columns: their words, in sorted order
    top: np.ndarray  # (texts, k): each text's nearest, most similar first
    scores: np.ndarray  # (texts, k): their similarities

    @property
    def found(self) -> list[tuple[int, ...]]:
        return [tuple(int(i) for i in row) for row in self.top]


def neighbours(texts: Sequence[str], k: int = 5) -> list[tuple[int, ...]]:
    """For each text, the indices of the ``k`` most similar other texts, most
    similar first; ties go to the lower index, so the result is deterministic."""
    if len(texts) < 2 or k < 1:
        return [() for _ in texts]
    return update(None, texts, k).found


def update(last: Similar | None, texts: Sequence[str], k: int) -> Similar:
    """The nearest ``k`` of each text (at least two texts), reusing what
    ``last`` found where the texts' vectors are unchanged."""
    texts = tuple(texts)
    if last is not None and last.texts == texts and last.k == min(k, len(texts) - 1):
        return last
    counted = tuple(_recount(last, texts))
    vectors, terms = _vectors(texts, counted)
    k = min(k, len(texts) - 1)
    changed = None if last is None else _changed_rows(last, vectors, terms, k)
    if changed is None or len(changed) > len(texts) // 2:
        top, scores = _all_rows(vectors, k)
    else:
        assert last is not None
        top, scores = _refresh(last, vectors, changed)
    _give_back()
    return Similar(texts, counted, k, vectors, terms, top, scores)


def _give_back() -> None:
    """Return the memory the blocks used, now free, to the system. The C
    library's allocator keeps large freed blocks for the process to reuse:
    at 10,000 papers about 100 MB, held to the build's end beside its pages
    and the search index's processes. (A C library without ``malloc_trim``:
    nothing to do.)"""
    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # no C library of the process's own to ask (Windows)
        return
    if trim is not None:
        trim(0)


def _recount(last: Similar | None, texts: tuple[str, ...]):
    """Each text's words, as ``last`` counted them where the text is the same."""
    before = last.texts if last is not None else ()
    for i, text in enumerate(texts):
        yield last.counted[i] if last is not None and i < len(before) and before[i] == text \
            else counts(text)


def _refresh(last: Similar, vectors: csr_matrix, changed: np.ndarray):
    """``last``'s neighbours after the rows ``changed`` changed: a row that
    changed, or that had a changed row among its nearest, is computed again;
    any other keeps its nearest (their similarity is unchanged, and every
    other unchanged text was no nearer) and weighs the changed rows against them."""
    n, k = last.top.shape
    is_changed = np.zeros(n, dtype=bool)
    is_changed[changed] = True
    stale = is_changed | is_changed[last.top].any(axis=1)
    top, scores = last.top.copy(), last.scores.copy()
    redo = np.flatnonzero(stale)
    top[redo], scores[redo] = _rows(vectors, redo, k)
    keep = np.flatnonzero(~stale)
    if len(keep) and len(changed):
        against = (vectors[keep] @ vectors[changed].T.tocsr()).toarray()
        columns = np.hstack([last.top[keep], np.broadcast_to(changed, against.shape)])
        values = np.hstack([last.scores[keep], against])
        top[keep], scores[keep] = _best(columns, values, k)
    return top, scores


def _changed_rows(last: Similar, vectors: csr_matrix, terms: np.ndarray,
                  k: int) -> np.ndarray | None:
    """The rows whose vector is not what it was in ``last`` (None: start afresh)."""
    if last.vectors.shape[0] != vectors.shape[0] or last.k != k or not len(terms):
        return None
    old, rows = last.vectors, last.vectors.shape[0]
    at = np.searchsorted(terms, last.terms)
    kept = (at < len(terms)) & (terms[np.minimum(at, len(terms) - 1)] == last.terms)
    row_of = np.repeat(np.arange(rows), np.diff(old.indptr))  # each stored value's row
    counted = kept[old.indices]
    moved = csr_matrix((old.data[counted], (row_of[counted], at[old.indices[counted]])),
                       shape=vectors.shape)
    diff = (vectors - moved).tocsr()
    diff.eliminate_zeros()
    dropped = np.zeros(rows, dtype=bool)  # rows with a word no longer counted
    dropped[row_of[~counted]] = True
    return np.flatnonzero((np.diff(diff.indptr) > 0) | dropped)


def _rows(vectors: csr_matrix, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The nearest ``k`` of each of ``rows``, and their similarities, a block
    at a time, blocks side by side (the products run outside the interpreter's lock)."""
    others = vectors.T.tocsr()
    blocks = [rows[start:start + BLOCK] for start in range(0, len(rows), BLOCK)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        found = list(pool.map(lambda block: _block(vectors, others, block, k), blocks))
    if not found:
        return np.zeros((0, k), dtype=np.int64), np.zeros((0, k), dtype=vectors.dtype)
    return np.vstack([top for top, _ in found]), np.vstack([scores for _, scores in found])


def _block(vectors: csr_matrix, others: csr_matrix, block: np.ndarray,
           k: int) -> tuple[np.ndarray, np.ndarray]:
    found = (vectors[block] @ others).toarray()
    found[np.arange(len(block)), block] = -1.0  # never the paper itself
    top = _top_rows(found, k)
    return top, np.take_along_axis(found, top, axis=1)


def _all_rows(vectors: csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The nearest ``k`` of every row, each similarity computed once: a
    block of rows against the rows from its own first on (the similarity
    of a and b is that of b and a), which gives the block its nearest among
    those, and every later row its nearest within the block. A row's
    nearest are the best of its blocks' candidates. Each similarity is the
    sum of the same products in the same order (the words' order) as a row
    against all rows gives, so the result is ``_rows``' own, to the last tie."""
    n = vectors.shape[0]
    starts = list(range(0, n, BLOCK))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        found = list(pool.map(lambda start: _half_block(vectors, start, k), starts))
    top, scores = [], []
    for m, start in enumerate(starts):
        columns, values = [found[m][0]], [found[m][1]]  # the block's own candidates
        size = len(columns[0])
        for j in range(m):  # and those each earlier block gave it
            at = start - starts[j] - BLOCK  # the block's first row among block j's later rows
            columns.append(found[j][2][at:at + size])
            values.append(found[j][3][at:at + size])
        best = _best(np.hstack(columns), np.hstack(values), k)
        top.append(best[0])
        scores.append(best[1])
    return np.vstack(top), np.vstack(scores)


def _best(columns: np.ndarray, values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Of each row's candidates, the ``k`` most similar, ties to the lower column."""
    order = np.lexsort((columns, -values), axis=1)[:, :k]
    return np.take_along_axis(columns, order, axis=1), np.take_along_axis(values, order, axis=1)


def _half_block(vectors: csr_matrix, start: int,
                k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For the block of rows from ``start``: each row's nearest ``k`` among
    the rows from ``start`` on; and each later row's nearest ``k`` within the
    block (fewer if the block is smaller), with their similarities."""
    end = min(start + BLOCK, vectors.shape[0])
    found = (vectors[start:] @ vectors[start:end].T.tocsr()).toarray()  # later rows x block
    own = np.ascontiguousarray(found.T)  # the block's rows x the rows from start on
    own[np.arange(end - start), np.arange(end - start)] = -1.0  # never the paper itself
    own_top = _top_rows(own, min(k, own.shape[1]))
    later = found[end - start:]
    later_top = _top_rows(later, min(k, later.shape[1]))
    return (own_top + start, np.take_along_axis(own, own_top, axis=1),
            later_top + start, np.take_along_axis(later, later_top, axis=1))


def _top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Each row's ``k`` best columns, best first, ties to the lower column."""
    if k >= scores.shape[1]:
        return np.array([_top(row, k) for row in scores], dtype=np.int64).reshape(-1, k)
    best = np.argpartition(scores, -k, axis=1)[:, -k:]
    chosen = np.take_along_axis(scores, best, axis=1)
    floor = chosen.min(axis=1)
    # A row whose k-th score is shared with a column left out is decided by _top.
    clear = (scores >= floor[:, None]).sum(axis=1) == k
    order = np.lexsort((best, -chosen), axis=1)
    ranked = np.take_along_axis(best, order, axis=1)
    for r in np.flatnonzero(~clear):
        ranked[r] = _top(scores[r], k)
    return ranked


def counts(text: str, ignore: frozenset[str] = stop_words.ENGLISH) -> Counts:
    """The words of a text, in lower case, without the stop words."""
    found: Counts = {}
    for word in TOKEN.findall(text.lower()):
        if word not in ignore:
            found[word] = found.get(word, 0) + 1
    return found


def _vectors(texts: Sequence[str], counted: Sequence[Counts] | None = None
             ) -> tuple[csr_matrix, np.ndarray]:
    """The texts' TF-IDF vectors (the logarithm of each word's count plus
    one, times its smoothed inverse document frequency, each row of length
    one), and their columns' words. The words of more than half the texts
    are left out; if that leaves none, every word counts, stop words too."""
    rows = list(counted) if counted is not None else [counts(t) for t in texts]
    vectors = _weighted(rows, MAX_DF)
    if vectors is None:
        vectors = _weighted([counts(t, frozenset()) for t in texts], 1.0)
    if vectors is None:  # no words at all
        return csr_matrix((len(texts), 1), dtype=np.float32), np.array([], dtype=str)
    return vectors


def _weighted(rows: list[Counts], max_df: float) -> tuple[csr_matrix, np.ndarray] | None:
    df: Counter[str] = Counter()
    for row in rows:
        df.update(row.keys())
    terms = sorted(t for t, n in df.items() if n <= max_df * len(rows))
    if not terms:
        return None
    column = {t: i for i, t in enumerate(terms)}
    indptr, indices, data = [0], [], []
    for row in rows:
        kept = sorted((column[t], n) for t, n in row.items() if t in column)
        indices += [c for c, _ in kept]
        data += [n for _, n in kept]
        indptr.append(len(indices))
    values = np.log(np.asarray(data, dtype=np.float32)) + np.float32(1)  # sublinear tf
    frequency = np.array([df[t] for t in terms], dtype=np.float32) + np.float32(1)
    idf = np.log(np.float32(len(rows) + 1) / frequency) + np.float32(1)  # smoothed
    columns = np.asarray(indices, dtype=np.int32)
    values *= idf[columns]
    row_of = np.repeat(np.arange(len(rows)), np.diff(indptr))
    length = np.sqrt(np.bincount(row_of, weights=(values * values).astype(np.float64),
                                 minlength=len(rows)))
    values = (values / np.where(length > 0, length, 1.0)[row_of]).astype(np.float32)
    vectors = csr_matrix((values, columns, np.asarray(indptr, dtype=np.int32)),
                         shape=(len(rows), len(terms)))
    return vectors, np.asarray(terms, dtype=str)


def _top(row: np.ndarray, k: int) -> tuple[int, ...]:
    candidates = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
    # The k-th best score may be shared by papers left outside the partition:
    # take every paper at least that similar, then order by score, then index.
    floor = row[candidates].min()
    tied = np.flatnonzero(row >= floor)
    order = np.lexsort((tied, -row[tied]))
    return tuple(int(i) for i in tied[order][:k])
