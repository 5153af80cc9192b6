"""Papers like a paper: TF-IDF over their text, cosine similarity.

Used for the related papers on each paper page and for the themes' review
queue. The similarity matrix is never held whole: rows are multiplied a
block at a time, so 10,000 papers need a few tens of MB, not 800 MB.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

BLOCK = 512  # rows of the similarity matrix computed at once


def neighbours(texts: Sequence[str], k: int = 5) -> list[tuple[int, ...]]:
    """For each text, the indices of the ``k`` most similar other texts, most
    similar first; ties go to the lower index, so the result is deterministic."""
    n = len(texts)
    if n < 2 or k < 1:
        return [() for _ in texts]
    vectors = _vectors(texts)
    k = min(k, n - 1)
    others = vectors.T.tocsr()
    result: list[tuple[int, ...]] = []
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        scores = (vectors[start:stop] @ others).toarray()
        scores[np.arange(stop - start), np.arange(start, stop)] = -1.0  # never the paper itself
        result += _top_rows(scores, k)
    return result


def _top_rows(scores: np.ndarray, k: int) -> list[tuple[int, ...]]:
    """Each row's ``k`` best columns, best first, ties to the lower column."""
    if k >= scores.shape[1]:
        return [_top(row, k) for row in scores]
    best = np.argpartition(scores, -k, axis=1)[:, -k:]
    chosen = np.take_along_axis(scores, best, axis=1)
    floor = chosen.min(axis=1)
    # A row whose k-th score is shared with a column left out is decided by _top.
    clear = (scores >= floor[:, None]).sum(axis=1) == k
    order = np.lexsort((best, -chosen), axis=1)
    ranked = np.take_along_axis(best, order, axis=1)
    return [tuple(int(i) for i in ranked[r]) if clear[r] else _top(scores[r], k)
            for r in range(len(scores))]


def _vectors(texts: Sequence[str]):
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.5,
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9+-]+\b", dtype=np.float32)
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no words at all (every text empty or stop words)
        vectorizer.set_params(max_df=1.0, stop_words=None)
        try:
            return vectorizer.fit_transform(texts).tocsr()
        except ValueError:
            from scipy.sparse import csr_matrix
            return csr_matrix((len(texts), 1), dtype=np.float32)


def _top(row: np.ndarray, k: int) -> tuple[int, ...]:
    candidates = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
    # The k-th best score may be shared by papers left outside the partition:
    # take every paper at least that similar, then order by score, then index.
    floor = row[candidates].min()
    tied = np.flatnonzero(row >= floor)
    order = np.lexsort((tied, -row[tied]))
    return tuple(int(i) for i in tied[order][:k])
