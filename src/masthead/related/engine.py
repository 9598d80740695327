"""Recommended articles: the hybrid engine over a whole corpus, a block of articles at a time.

Exact nearest neighbours: every article is scored against every other in blocks of rows
(dense numpy, a block x n array per signal), which at 20,000 articles takes well under a
minute from cached embeddings (bench/related_speed.py). Past about 100,000 articles an
approximate index would be needed for the semantic term; the lexical and citation terms
are sparse products and scale further.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from masthead.related.blend import Signals, Weights, hybrid
from masthead.related.citation_graph import CitationGraph
from masthead.related.diversify import mmr, near_duplicates
from masthead.related.documents import Document
from masthead.related.lexical import dense_row, shared_concepts, tfidf_matrix
from masthead.related.reasons import reason
from masthead.related.suggestion import KEEP, Suggestion

BLOCK = 256
CANDIDATES = 2  # times `keep` considered for de-duplication and diversity


class Engine:
    def __init__(
        self,
        docs: Sequence[Document],
        embeddings: np.ndarray | None = None,
        weights: Weights | None = None,
    ):
        self.docs = list(docs)
        self.ids = np.array([d.id for d in self.docs], dtype=np.int64)
        self.position = {d.id: i for i, d in enumerate(self.docs)}
        self.weights = weights or Weights()
        self.lexical, self.terms = tfidf_matrix([d.text for d in self.docs])
        self.lexical_t = self.lexical.T.tocsr()
        self.embeddings = embeddings
        self.graph = CitationGraph.build(self.docs)
        self.journals = np.array([d.journal_id for d in self.docs], dtype=np.int64)
        # Versions of one work share a number; an article without a family is its own.
        families = [d.family for d in self.docs]
        numbers = {f: i for i, f in enumerate(sorted({f for f in families if f}))}
        self.families = np.array([numbers.get(f, -1 - i) for i, f in enumerate(families)])

    def __len__(self) -> int:
        return len(self.docs)

    def signals(self, rows: np.ndarray) -> Signals:
        rows = np.asarray(rows, dtype=np.int64)
        lexical = np.asarray((self.lexical[rows] @ self.lexical_t).todense(), dtype=np.float32)
        semantic = None
        if self.embeddings is not None:
            semantic = self.embeddings[rows] @ self.embeddings.T
        graph = self.graph
        return Signals(
            rows=rows,
            lexical=lexical,
            semantic=semantic,
            coupling=graph.coupling(rows),
            cocitation=graph.cocitation(rows),
            cited_by=graph.cited_by(rows),
            cited_in=graph.cited_in(rows),
        )

    def recommend(
        self,
        ids: Sequence[int] | None = None,
        keep: int = KEEP,
        same_journal: set[int] = frozenset(),
        excluded: dict[int, set[int]] | None = None,
        own_references: bool = True,
        workers: int | None = None,
    ) -> Iterator[tuple[int, list[Suggestion]]]:
        """(article id, its recommendations) for the given articles (default: all).

        `same_journal`: articles whose recommendations stay in their own journal;
        `excluded`: per article, ids it must never recommend (staff blocks);
        `own_references=False`: as if their reference lists were unknown (the benchmark);
        `workers`: processes (default: one per core).
        """
        excluded = excluded or {}
        rows = np.arange(len(self.docs)) if ids is None else self._rows(ids)
        blocks = [rows[start : start + BLOCK] for start in range(0, len(rows), BLOCK)]
        settings = (keep, same_journal, excluded, own_references)
        workers = min(os.cpu_count() or 1, len(blocks)) if workers is None else workers
        if workers <= 1 or len(blocks) <= 1:
            for block in blocks:
                yield from self._block(block, *settings)
            return
        # Blocks are independent: one process per core, forked so that each inherits the
        # engine's matrices instead of receiving a copy.
        global _work
        _work = (self, settings)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for lists in pool.imap(_run_block, blocks):
                    yield from lists
        finally:
            _work = None

    def _block(self, block, keep, same_journal, excluded, own_references):
        signals = self.signals(block)
        scores = hybrid(signals, self.graph, self.weights, own_references)
        return list(self._lists(block, signals, scores, keep, same_journal, excluded))

    def _lists(self, block, signals, scores, keep, same_journal, excluded):
        # Small products, one list at a time: BLAS threads would cost more than they save.
        with threadpool_limits(1):
            for i, row in enumerate(block):
                doc_id = int(self.ids[row])
                line = scores[i]
                line[self.families == self.families[row]] = -np.inf  # itself, its versions
                if doc_id in same_journal:
                    line[self.journals != self.journals[row]] = -np.inf
                for other in excluded.get(doc_id, ()):
                    if other in self.position:
                        line[self.position[other]] = -np.inf
                yield doc_id, self._pick(signals, i, line, keep)

    def _rows(self, ids: Sequence[int]) -> np.ndarray:
        return np.array([self.position[i] for i in ids if i in self.position], dtype=np.int64)

    def _pick(self, signals: Signals, i: int, line: np.ndarray, keep: int) -> list[Suggestion]:
        finite = int(np.isfinite(line).sum())
        width = min(keep * CANDIDATES, finite)
        if width <= 0:
            return []
        top = np.argpartition(line, len(line) - width)[-width:]
        top = top[np.argsort(-line[top], kind="stable")]
        top = top[line[top] > 0]
        similarity = self._similarity(top)
        drop = near_duplicates(signals.lexical[i, top], similarity)
        top, similarity = top[~drop], similarity[~drop][:, ~drop]
        order = mmr(line[top], similarity, keep)
        query = dense_row(self.lexical, int(signals.rows[i]))
        return [
            self._suggestion(signals, i, query, int(top[p]), float(line[top[p]])) for p in order
        ]

    def _similarity(self, candidates: np.ndarray) -> np.ndarray:
        if self.embeddings is not None:
            vectors = self.embeddings[candidates]
            return np.maximum(vectors @ vectors.T, 0)
        rows = self.lexical[candidates]
        return np.asarray((rows @ rows.T).todense(), dtype=np.float32)

    def _suggestion(self, signals: Signals, i: int, query: np.ndarray, col: int, score: float):
        text = reason(
            cites_query=bool(signals.cited_by[i, col]),
            cited_by_query=bool(signals.cited_in[i, col]),
            shared=int(signals.coupling[i, col]),
            cocited=int(signals.cocitation[i, col]),
            concepts=shared_concepts(query, self.lexical, self.terms, col),
        )
        return Suggestion(other_id=int(self.ids[col]), score=score, reason=text)


_work: tuple | None = None  # (engine, settings) for the forked workers of `recommend`


def _run_block(block: np.ndarray) -> list:
    engine, settings = _work
    with threadpool_limits(1):
        return engine._block(block, *settings)
