"""Lexical similarity: TF-IDF (the engine's) and BM25 (a benchmark baseline), sparse.

TF-IDF with sublinear term frequency and English stop words removed, over unigrams: on the
PubMed benchmark bigrams cost three times the vocabulary for no gain in nDCG. Terms in
only one document or in more than half of them say nothing about similarity and are
dropped. Rows are L2-normalised, so a row product is the cosine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer

WORD_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b"  # words, not bare numbers
# English stop words, and the words of links that abstracts print ("DOI: http://dx.doi...").
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {"doi", "dx", "http", "https", "org", "www", "al"})


def tfidf_matrix(texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """(documents x terms TF-IDF, L2-normalised rows; the terms as an array)."""
    min_df = 2 if len(texts) > 20 else 1
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        stop_words=STOP_WORDS,
        min_df=min_df,
        max_df=0.5 if len(texts) > 20 else 1.0,
        token_pattern=WORD_PATTERN,
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no word to go on (no articles, or only stop words): no neighbours
        return sp.csr_matrix((len(texts), 0), dtype=np.float32), np.array([], dtype=object)
    matrix.sort_indices()
    return matrix, vectorizer.get_feature_names_out()


def bm25_matrices(
    texts: Sequence[str], k1: float = 1.2, b: float = 0.75
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(query side: binary terms x IDF; document side: saturated, length-normalised TF).

    score(q, d) = query[q] . document[d]: Okapi BM25 with the query's own text as query.
    """
    counts = CountVectorizer(stop_words=STOP_WORDS, token_pattern=WORD_PATTERN, dtype=np.float32)
    tf = counts.fit_transform(texts).tocsr()
    n = tf.shape[0]
    df = np.diff(tf.tocsc().indptr).astype(np.float32)
    idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
    lengths = np.asarray(tf.sum(axis=1)).ravel()
    norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1.0))
    doc = tf.copy()
    row_norm = np.repeat(norm, np.diff(doc.indptr))
    doc.data = doc.data * (k1 + 1) / (doc.data + row_norm)
    query = tf.copy()
    query.data = np.ones_like(query.data)
    return (query @ sp.diags(idf)).tocsr(), doc.tocsr()


def dense_row(matrix: sp.csr_matrix, row: int) -> np.ndarray:
    """One row of a CSR matrix as a dense vector over the terms."""
    out = np.zeros(matrix.shape[1], dtype=np.float32)
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    out[matrix.indices[start:end]] = matrix.data[start:end]
    return out


def shared_concepts(
    query: np.ndarray, matrix: sp.csr_matrix, terms: np.ndarray, other: int, n: int = 3
) -> list[str]:
    """The terms that contribute most to the similarity of a query (its `dense_row`) and
    row `other`, best first: the key concepts the two have in common."""
    start, end = matrix.indptr[other], matrix.indptr[other + 1]
    columns = matrix.indices[start:end]
    weight = query[columns] * matrix.data[start:end]
    best = np.argsort(-weight, kind="stable")[:n]
    return [str(terms[columns[i]]) for i in best if weight[i] > 0]
