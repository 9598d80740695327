"""The PubMed baseline as related-research Documents, with their embeddings cached on disk.

Shared by bench/related_quality.py and bench/related_speed.py. Each record becomes a
`Document` (title, abstract, keywords and MeSH headings, reference keys from the PMIDs
and DOIs PubMed linked, hosted citations where a reference's PMID is in the file); its
id is its position in the file.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from masthead.catalog.demo.pubmed_baseline import fetch
from masthead.jats.model import SourceError
from masthead.jats.pubmed import iter_pubmed_file
from masthead.related.documents import Document, plain_text, reference_key
from masthead.related.embedding import load_embedder


@dataclass
class Corpus:
    docs: list[Document]
    path: Path
    seconds: float


def load_corpus(path: str | None, cache: Path) -> Corpus:
    started = time.perf_counter()
    file_path = Path(path) if path else fetch(cache)
    records = [r for r in iter_pubmed_file(file_path) if not isinstance(r, SourceError)]
    by_pmid = {r.pmid: i for i, r in enumerate(records) if r.pmid}
    docs = []
    for i, record in enumerate(records):
        keys = [reference_key(ref.doi, ref.pmid) for ref in record.references]
        cites = {by_pmid[ref.pmid] for ref in record.references if ref.pmid in by_pmid}
        journal = (
            record.journal.issn_electronic or record.journal.issn_print or record.journal.title
        )
        docs.append(
            Document(
                id=i,
                title=record.title,
                abstract=" ".join(plain_text(a.html) for a in record.abstracts),
                keywords=tuple(record.keywords),
                references=tuple(k for k in keys if k),
                cites=tuple(sorted(cites - {i})),
                journal_id=hash(journal) % 1_000_003,
                family=record.doi.lower() or f"pmid:{record.pmid}",
            )
        )
    return Corpus(docs, file_path, time.perf_counter() - started)


def embeddings(docs: list[Document], cache: Path) -> tuple[np.ndarray | None, float | None]:
    """(vectors, articles per second when computed now; None when read from the cache)."""
    embedder = load_embedder()
    if embedder is None:
        return None, None
    texts = [d.text for d in docs]
    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    stored = cache / f"related-{embedder.name}-{digest}.npy"
    if stored.exists():
        return np.load(stored), None
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    rate = len(texts) / (time.perf_counter() - started)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(stored, vectors)
    return vectors, rate
