"""Cleaning a ranked list: near-duplicates out, then maximal marginal relevance (MMR).

A near-duplicate is a version or re-publication of the article (same family) or a text so
alike (cosine above NEAR_DUPLICATE) that a reader would see the same paper twice. MMR
then picks, one at a time, the candidate with the best
    lambda * relevance - (1 - lambda) * (its highest similarity to those already picked),
so the list does not spend its five places on one sub-topic.
"""

from __future__ import annotations

import numpy as np

NEAR_DUPLICATE = 0.9
MMR_LAMBDA = 0.8


def mmr(
    relevance: np.ndarray, similarity: np.ndarray, keep: int, balance: float = MMR_LAMBDA
) -> list[int]:
    """Positions into the candidates, in the order picked.

    relevance: candidates' scores (scaled to their best); similarity: candidates x
    candidates.
    """
    n = len(relevance)
    if n == 0:
        return []
    best = relevance.max()
    rel = relevance / best if best > 0 else relevance
    picked: list[int] = []
    closest = np.zeros(n, dtype=np.float32)
    available = np.ones(n, dtype=bool)
    for _ in range(min(keep, n)):
        value = np.where(available, balance * rel - (1 - balance) * closest, -np.inf)
        choice = int(np.argmax(value))
        picked.append(choice)
        available[choice] = False
        closest = np.maximum(closest, similarity[choice])
    return picked


def near_duplicates(
    to_query: np.ndarray, similarity: np.ndarray, threshold: float = NEAR_DUPLICATE
) -> np.ndarray:
    """A mask of candidates to drop: too like the query, or like a better-ranked candidate."""
    drop = to_query >= threshold
    close = np.triu(similarity >= threshold, k=1)  # close[i, j]: j is like the better i
    for i, j in zip(*np.nonzero(close), strict=True):
        if not drop[i]:
            drop[j] = True
    return drop
