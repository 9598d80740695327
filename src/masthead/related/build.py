"""Build the Related Research lists from the catalog: the background job's work.

`rebuild()` computes every published article's lists (the nightly job); `update_due()`
only those of articles that are new, changed or whose curation changed (`built_version`
is not their version), within a minute of publication (the worker runs
`build_related --daily-full` every minute).
Both load the whole corpus's text and citation structure, because an article's neighbours
can be anywhere in it, and write through `related.store`, which applies the curation.

People also read comes from the usage sessions of the last year (`related.sessions`);
where an article has too few co-readers, the tab is filled from its Recommended list
(past the five that tab shows) and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, connections
from django.db.models import F, Q
from django.utils import timezone

from masthead.catalog.models import Article, Reference
from masthead.citations.models import Citation
from masthead.related import coreadership, store
from masthead.related.documents import Document, plain_text, reference_key
from masthead.related.embedding import from_bytes, load_embedder, to_bytes
from masthead.related.engine import BLOCK, Engine
from masthead.related.models import ArticleEmbedding, RelatedArticle
from masthead.related.page import TAB_SIZE
from masthead.related.sessions import reading_sessions
from masthead.related.suggestion import ALSO_READ, KEEP, RECOMMENDED

SESSIONS_OVER = dt.timedelta(days=365)
FULL_EVERY = dt.timedelta(days=1)
EMBED_BATCH = 256


@dataclass
class BuildStats:
    articles: int = 0  # in the corpus
    built: int = 0  # whose lists were computed
    embedded: int = 0  # vectors computed (the rest came from the cache)
    changed: int = 0  # pages whose lists changed
    filled: int = 0  # People also read filled from content
    seconds: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        return (
            f"{self.built} of {self.articles} articles built ({self.embedded} embedded, "
            f"{self.changed} pages changed, {self.filled} People also read filled): {steps}"
        )


def due_ids() -> list[int]:
    """Published articles whose lists are missing or older than their version."""
    fresh = Q(related_state__built_version=F("version"))
    return list(
        Article.objects.visible().exclude(fresh).order_by("pk").values_list("pk", flat=True)
    )


def full_rebuild_due(now: dt.datetime | None = None) -> bool:
    """A day since the oldest list was built (the nightly refresh of everything)."""
    now = now or timezone.now()
    oldest = RelatedArticle.objects.filter(built_version__gt=0).order_by("built_at").first()
    return oldest is None or oldest.built_at is None or oldest.built_at < now - FULL_EVERY


def rebuild() -> BuildStats:
    return _build(None)


def refresh_people_also_read() -> BuildStats:
    """People also read alone, from the latest sessions, for articles whose lists are built:
    cheap (no content engine), so the worker runs it every few minutes between rebuilds.

    An article without co-readers that is already filled from its Recommended list is
    left as it is: neither input changed.
    """
    stats = BuildStats()
    clock = _Clock(stats)
    journals = dict(Article.objects.visible().values_list("pk", "journal_id"))
    states = {
        pk: (version, filled)
        for pk, version, filled in RelatedArticle.objects.filter(built_version__gt=0).values_list(
            "article_id", "built_version", "also_read_filled"
        )
        if pk in journals
    }
    stats.articles = len(states)
    same_journal = {pk for pk, s in store.scopes(states).items() if s == "journal"}
    coread = co_read(journals, same_journal)
    clock.lap("people also read")
    targets = [pk for pk, (_, filled) in states.items() if pk in coread or not filled]
    stored = store.stored_lists(targets)
    built = []
    for pk in targets:
        content = stored.get(pk, {}).get(RECOMMENDED, [])
        also_read, filled = _people_also_read(coread.get(pk, []), content)
        stats.filled += filled
        built.append(store.Built(pk, {ALSO_READ: also_read}, states[pk][0], filled))
    stats.built = len(built)
    stats.changed = store.save_many(built)
    clock.lap("store")
    return stats


def update_due() -> BuildStats:
    due = due_ids()
    return _build(due) if due else BuildStats()


def _build(ids: list[int] | None) -> BuildStats:
    stats = BuildStats()
    clock = _Clock(stats)
    docs, versions = load_documents()
    stats.articles = len(docs)
    clock.lap("load")
    vectors, stats.embedded = cached_embeddings(docs, versions)
    clock.lap("embed")
    engine = Engine(docs, vectors)
    clock.lap("index")
    targets = [d.id for d in docs] if ids is None else [i for i in ids if i in engine.position]
    rules = store.curations(targets)
    scope = store.scopes(targets)
    same_journal = {pk for pk, s in scope.items() if s == "journal"}
    excluded = {pk: set(r.blocks) for pk, r in rules.items() if r.blocks}
    if len(targets) > BLOCK and not connection.in_atomic_block:
        connections.close_all()  # the engine forks a process per core: share no socket
    recommended = dict(engine.recommend(targets, same_journal=same_journal, excluded=excluded))
    clock.lap("recommend")
    coread = co_read(journals={d.id: d.journal_id for d in docs}, same_journal=same_journal)
    clock.lap("people also read")
    built = []
    for pk in targets:
        content = recommended.get(pk, [])
        also_read, filled = _people_also_read(coread.get(pk, []), content)
        stats.filled += filled
        lists = {RECOMMENDED: content, ALSO_READ: also_read}
        built.append(store.Built(pk, lists, versions[pk], filled))
    stats.built = len(built)
    stats.changed = store.save_many(built)
    clock.lap("store")
    return stats


def _people_also_read(coread: list, content: list) -> tuple[list, bool]:
    """Co-readers' list, filled from the content engine when too short (and whether it was).

    Filled from beyond what Recommended articles shows, so that the two tabs do not
    repeat each other, unless that leaves too little (a small journal).
    """
    rest = content[TAB_SIZE:] if len(content) >= 2 * TAB_SIZE else content
    return coreadership.fill(coread, rest, KEEP)


def load_documents() -> tuple[list[Document], dict[int, int]]:
    """Every published article as a Document, and each one's version."""
    rows = Article.objects.visible().order_by("pk")
    fields = ("pk", "journal_id", "title", "abstracts", "keywords", "subjects", "version")
    docs, versions = [], {}
    references = _reference_keys()
    cites = _hosted_citations()
    for pk, journal, title, abstracts, keywords, subjects, version in rows.values_list(*fields):
        docs.append(
            Document(
                id=pk,
                title=plain_text(title),
                abstract=" ".join(plain_text(a.get("html", "")) for a in abstracts or []),
                keywords=tuple(str(k) for k in [*(keywords or []), *(subjects or [])]),
                references=tuple(references.get(pk, ())),
                cites=tuple(cites.get(pk, ())),
                journal_id=journal,
            )
        )
        versions[pk] = version
    return docs, versions


def _reference_keys() -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = Reference.objects.values_list("article_id", "doi", "pmid").iterator(chunk_size=20_000)
    for pk, doi, pmid in rows:
        key = reference_key(doi, pmid)
        if key:
            found.setdefault(pk, []).append(key)
    return found


def _hosted_citations() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    rows = Citation.objects.filter(citing_article__isnull=False)
    for citing, cited in rows.values_list("citing_article_id", "cited_id").iterator():
        found.setdefault(citing, []).append(cited)
    return found


def cached_embeddings(docs: list[Document], versions: dict[int, int]):
    """(documents x dimensions vectors, how many were computed now), or (None, 0) when no
    model is installed. A stored vector is reused when its model and text are the same."""
    embedder = load_embedder()
    if embedder is None or not docs:
        return None, 0
    digests = {d.id: hashlib.sha256(d.text.encode()).hexdigest() for d in docs}
    stored = {}
    rows = ArticleEmbedding.objects.filter(model=embedder.name).values_list(
        "article_id", "text_sha256", "vector"
    )
    for pk, digest, vector in rows.iterator(chunk_size=2_000):
        if digests.get(pk) == digest:
            stored[pk] = from_bytes(bytes(vector))
    missing = [d for d in docs if d.id not in stored]
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors = embedder.embed([d.text for d in batch])
        ArticleEmbedding.objects.bulk_create(
            [
                ArticleEmbedding(
                    article_id=d.id,
                    model=embedder.name,
                    version=versions[d.id],
                    text_sha256=digests[d.id],
                    vector=to_bytes(v),
                )
                for d, v in zip(batch, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["model", "version", "text_sha256", "vector", "created_at"],
        )
        stored.update((d.id, v) for d, v in zip(batch, vectors, strict=True))
    return np.vstack([stored[d.id] for d in docs]).astype(np.float32), len(missing)


def co_read(journals: dict[int, int], same_journal: Iterable[int] = ()):
    """People also read for every article with enough co-readers (a year of sessions)."""
    now = timezone.now()
    reads = [r for r in reading_sessions(now - SESSIONS_OVER) if r.item in journals]
    lists = coreadership.co_readership(reads, now)
    for pk in set(same_journal) & lists.keys():
        lists[pk] = [s for s in lists[pk] if journals.get(s.other_id) == journals[pk]]
    return lists


class _Clock:
    def __init__(self, stats: BuildStats):
        self.stats, self.started = stats, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stats.seconds[name] = now - self.started
        self.started = now
