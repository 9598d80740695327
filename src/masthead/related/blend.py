"""The hybrid score: text similarity, lifted by citation structure.

    text      = lexical * w_lex + semantic * w_sem          (each scaled to its row's best)
    propagated = coupling of c with the `neighbourhood` documents most like the query,
                 each weighted by (its text score) ** sharpness
    score     = text * (1 + w_prop * propagated)            (propagated scaled to 1)
              + w_coupling * shared references               (the article's own list)
              + w_cocitation * co-citations + w_direct * direct citation

The multiplicative lift keeps citation structure from pulling in articles with nothing in
common with the text; the own-reference terms are additive because a shared reference is
itself the strongest evidence there is. The weights of the text and propagated terms were
tuned on the PubMed benchmark's tuning half (bench/related_quality.py); the own-reference
weights cannot be tuned there without leaking the labels, and are set so that each shared
reference counts about as much as a good textual match (two outweigh the best).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from masthead.related.citation_graph import CitationGraph


@dataclass(frozen=True)
class Weights:
    # Text and propagation: as tuned by bench/related_quality.py on its tuning half.
    lexical: float = 0.8
    semantic: float = 0.2
    propagated: float = 3.0
    neighbourhood: int = 50
    sharpness: float = 2.0
    coupling: float = 1.0
    cocitation: float = 0.3
    direct: float = 0.5


@dataclass
class Signals:
    """Every signal of a block of query rows against all documents (block x n arrays)."""

    rows: np.ndarray
    lexical: np.ndarray
    semantic: np.ndarray | None
    coupling: np.ndarray  # shared references (own list)
    cocitation: np.ndarray
    cited_by: np.ndarray  # the column cites the query
    cited_in: np.ndarray  # the query cites the column (own list)


def scaled(block: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each row divided by its best value apart from the query itself (0 stays 0)."""
    out = block.astype(np.float32, copy=True)
    out[np.arange(len(rows)), rows] = 0
    best = out.max(axis=1, keepdims=True)
    return np.divide(out, best, out=np.zeros_like(out), where=best > 0)


def text_score(signals: Signals, weights: Weights) -> np.ndarray:
    text = weights.lexical * scaled(signals.lexical, signals.rows)
    if signals.semantic is not None and weights.semantic:
        text += weights.semantic * scaled(np.maximum(signals.semantic, 0), signals.rows)
    return text


def propagated(
    text: np.ndarray, rows: np.ndarray, graph: CitationGraph, weights: Weights
) -> np.ndarray:
    """Coupling with the query's nearest documents that have references (scaled to 1)."""
    pool = graph.has_references
    candidates = np.where(pool[None, :], text, 0)
    candidates[np.arange(len(rows)), rows] = 0
    k = min(weights.neighbourhood, int(pool.sum()))
    if k == 0:
        return np.zeros_like(text)
    top = np.argpartition(-candidates, k - 1, axis=1)[:, :k]
    values = np.maximum(np.take_along_axis(candidates, top, axis=1), 0) ** weights.sharpness
    neighbourhood = sp.csr_matrix(
        (values.ravel(), top.ravel(), np.arange(0, values.size + 1, k)), shape=text.shape
    )
    return scaled(graph.propagated_coupling(neighbourhood), rows)


def hybrid(
    signals: Signals, graph: CitationGraph, weights: Weights, own_references: bool = True
) -> np.ndarray:
    """The blended score of every document for each query row; the query itself is -inf.

    `own_references=False` scores as if the query's reference list were unknown (the
    benchmark, whose labels come from it).
    """
    text = text_score(signals, weights)
    score = text
    if weights.propagated:
        score = text * (1 + weights.propagated * propagated(text, signals.rows, graph, weights))
    score += weights.cocitation * np.log1p(signals.cocitation)
    score += weights.direct * signals.cited_by
    if own_references:
        score += weights.coupling * np.log1p(signals.coupling)
        score += weights.direct * signals.cited_in
    score[np.arange(len(signals.rows)), signals.rows] = -np.inf
    return score
