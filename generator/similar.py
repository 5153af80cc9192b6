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
    if n < 2:
        return [() for _ in texts]
    vectors = _vectors(texts)
    result: list[tuple[int, ...]] = []
    for start in range(0, n, BLOCK):
        scores = (vectors[start:start + BLOCK] @ vectors.T).toarray().astype(np.float32)
        for row, own in enumerate(range(start, min(start + BLOCK, n))):
            scores[row, own] = -1.0  # never the paper itself
            result.append(_top(scores[row], min(k, n - 1)))
    return result


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
