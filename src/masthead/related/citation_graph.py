"""Citation structure among the documents: bibliographic coupling, co-citation, direct links.

- Bibliographic coupling: two articles citing the same works (R R^T, R = documents x
  reference keys). Counted in shared references.
- Co-citation: two hosted articles cited together by a third (C^T C, C = who cites whom
  among hosted documents).
- Direct citation: one cites the other.

Every matrix is scipy CSR over document positions; the diagonal is empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from masthead.related.documents import Document


@dataclass
class CitationGraph:
    references: sp.csr_matrix  # documents x reference keys, 0/1
    cites: sp.csr_matrix  # documents x documents: row cites column

    @classmethod
    def build(cls, docs: Sequence[Document]) -> CitationGraph:
        n = len(docs)
        keys: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for i, doc in enumerate(docs):
            for key in set(doc.references):
                if key:
                    rows.append(i)
                    cols.append(keys.setdefault(key, len(keys)))
        ones = np.ones(len(rows), dtype=np.float32)
        references = sp.csr_matrix((ones, (rows, cols)), shape=(n, max(len(keys), 1)))
        position = {doc.id: i for i, doc in enumerate(docs)}
        links = sorted(
            {(i, position[c]) for i, d in enumerate(docs) for c in d.cites if c in position}
        )
        links = [(a, b) for a, b in links if a != b]
        citing = [a for a, _ in links]
        cited = [b for _, b in links]
        ones = np.ones(len(links), dtype=np.float32)
        cites = sp.csr_matrix((ones, (citing, cited)), shape=(n, n))
        return cls(references=references, cites=cites)

    @property
    def reference_counts(self) -> np.ndarray:
        return np.diff(self.references.indptr).astype(np.float32)

    @property
    def has_references(self) -> np.ndarray:
        return np.diff(self.references.indptr) > 0

    def coupling(self, rows: np.ndarray) -> np.ndarray:
        """Shared references of each given document with every document (block x n)."""
        return _dense(self.references[rows] @ self.references.T)

    def propagated_coupling(self, weights: sp.csr_matrix) -> np.ndarray:
        """For each row of weights over documents: sum_d w_d * shared(d, c), for every c.

        How strongly c shares references with the documents most like the query: the
        coupling an article would have with c if its own reference list is unknown (a new
        article, or the benchmark, which must not see the query's references).
        """
        via_keys = weights @ self.references  # block x keys
        out = _dense(via_keys @ self.references.T)
        # A neighbour shares all its references with itself: that is no evidence, and
        # left in it would favour long reference lists.
        rows, cols = weights.nonzero()
        out[rows, cols] -= np.asarray(weights[rows, cols]).ravel() * self.reference_counts[cols]
        return out

    def cocitation(self, rows: np.ndarray) -> np.ndarray:
        """How many documents cite both (block x n)."""
        return _dense(self.cites.T.tocsr()[rows] @ self.cites)

    def cited_by(self, rows: np.ndarray) -> np.ndarray:
        """1 where the column document cites the row document (block x n)."""
        return _dense(self.cites.T.tocsr()[rows])

    def cited_in(self, rows: np.ndarray) -> np.ndarray:
        """1 where the row document cites the column document (block x n)."""
        return _dense(self.cites[rows])


def _dense(matrix) -> np.ndarray:
    return np.asarray(matrix.todense(), dtype=np.float32)
