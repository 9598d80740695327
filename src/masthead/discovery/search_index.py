"""Keeping the search index in step with the catalogue.

An article's searchable text (title, keywords, author names, abstracts and, for full-text
items, the body) is a `SearchDocument` row; the database's full-text index follows that
row by itself (FTS5 triggers on SQLite, a generated tsvector on PostgreSQL).

Who writes it:
- signals (`connect`, from `DiscoveryConfig.ready`): saving or deleting an article or one
  of its contributors (an import, an admin edit, unpublishing) queues the article, and the
  queue is indexed when the transaction commits, so a rolled-back import leaves nothing
  and an admin save with ten contributor rows indexes the article once;
- `batch()`: inside it, nothing is indexed until it ends, then everything it queued is
  indexed in chunks (a bulk import pays one write per chunk, not one per article);
- `rebuild()` / `refresh()`: `masthead search_index [--rebuild]`.

Every article is indexed, published or not: searches keep to what readers may find when
they run (`Article.objects.visible()`), so an embargo that ends needs no re-indexing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from masthead.catalog.models import display_name
from masthead.discovery.search_query import strip_markers
from masthead.related.documents import plain_text

CHUNK = 200  # articles read and written at a time
MAX_BODY_CHARS = 400_000  # PostgreSQL's tsvector holds at most 1 MB; a body rarely nears this
ARTICLE_COLUMNS = ("id", "title", "subtitle", "keywords", "abstracts", "body_html")
AUTHOR_COLUMNS = ("article_id", "given_names", "surname", "suffix", "collab")
TEXT_FIELDS = ("title", "keywords", "authors", "abstract", "body")

_state = threading.local()


@dataclass(frozen=True)
class IndexSummary:
    indexed: int
    removed: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.indexed:,} articles indexed, {self.removed:,} removed in {self.seconds:.1f} s"
        )


def document_fields(
    title: str, subtitle: str, keywords, abstracts, body_html: str, authors: Iterable[str]
) -> dict[str, str]:
    """The indexed text of one article, as plain text (pure)."""
    fields = {
        "title": " ".join(p for p in (title, subtitle) if p),
        "keywords": "; ".join(str(k) for k in keywords or () if k),
        "authors": "; ".join(a for a in authors if a),
        "abstract": "\n".join(plain_text(a.get("html", "")) for a in abstracts or ()),
        "body": plain_text(body_html)[:MAX_BODY_CHARS] if body_html else "",
    }
    return {name: strip_markers(value) for name, value in fields.items()}


def build_documents(ids: list[int], article_model, contributor_model, document_model) -> list:
    """Unsaved documents for these articles (the models are passed in so that a migration
    can use its historical ones)."""
    rows = article_model.objects.filter(pk__in=ids).values_list(*ARTICLE_COLUMNS)
    names: dict[int, list[str]] = {}
    authors = contributor_model.objects.filter(article_id__in=ids, role="author")
    for article_id, *parts in authors.order_by("article_id", "position").values_list(
        *AUTHOR_COLUMNS
    ):
        names.setdefault(article_id, []).append(display_name(*parts))
    return [
        document_model(
            article_id=pk,
            **document_fields(title, subtitle, keywords, abstracts, body, names.get(pk, ())),
        )
        for pk, title, subtitle, keywords, abstracts, body in rows
    ]


def write_documents(ids: list[int], article_model, contributor_model, document_model) -> int:
    """Index these articles now, in one transaction; ids of deleted articles are dropped."""
    documents = build_documents(ids, article_model, contributor_model, document_model)
    found = {d.article_id for d in documents}
    with transaction.atomic():
        document_model.objects.filter(pk__in=[i for i in ids if i not in found]).delete()
        document_model.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=(*TEXT_FIELDS, "indexed_at"),
        )
    return len(documents)


def index_articles(ids: Iterable[int]) -> int:
    """Index these articles (any number: written CHUNK at a time)."""
    from masthead.catalog.models import Article, Contributor
    from masthead.discovery.models import SearchDocument

    done = 0
    for chunk in _chunks(sorted(set(ids))):
        done += write_documents(chunk, Article, Contributor, SearchDocument)
    return done


def rebuild(progress: Callable[[int], object] | None = None) -> IndexSummary:
    """Index every article afresh, and drop the documents of articles that are gone."""
    from masthead.catalog.models import Article

    return _index(Article.objects.order_by("pk").values_list("pk", flat=True), progress)


def refresh(progress: Callable[[int], object] | None = None) -> IndexSummary:
    """Index the articles changed since their document was written, or never indexed."""
    from django.db.models import F, Q

    from masthead.catalog.models import Article

    stale = Article.objects.filter(
        Q(search_document__isnull=True) | Q(updated_at__gt=F("search_document__indexed_at"))
    )
    return _index(stale.order_by("pk").values_list("pk", flat=True), progress)


def _index(ids: Iterable[int], progress) -> IndexSummary:
    from masthead.catalog.models import Article
    from masthead.discovery.models import SearchDocument

    started = time.perf_counter()
    indexed = 0
    for chunk in _chunks(list(ids)):
        indexed += index_articles(chunk)
        if progress is not None:
            progress(len(chunk))
    gone = SearchDocument.objects.exclude(article_id__in=Article.objects.values("pk"))
    removed, _ = gone.delete()
    return IndexSummary(indexed, removed, time.perf_counter() - started)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# --- following changes -------------------------------------------------------------


def _pending() -> set[int]:
    if not hasattr(_state, "pending"):
        _state.pending = set()
    return _state.pending


def article_changed(article_id: int | None) -> None:
    """Queue an article; it is indexed when the transaction commits (or a batch ends)."""
    if article_id is None:
        return
    _pending().add(article_id)
    if not getattr(_state, "batch", 0):
        # Registered once per change; the first to run indexes the whole queue.
        transaction.on_commit(flush, robust=True)


def flush() -> None:
    """Index every queued article (outside a batch). A queue left by a rolled-back
    transaction is harmless: indexing reads what the database holds now."""
    if getattr(_state, "batch", 0):
        return
    pending = _pending()
    ids = sorted(pending)
    pending.clear()
    if ids:
        index_articles(ids)


@contextmanager
def batch():
    """Defer indexing to the end of the block, then index what it changed in chunks."""
    _state.batch = getattr(_state, "batch", 0) + 1
    try:
        yield
    finally:
        _state.batch -= 1
        if not _state.batch and _pending():
            transaction.on_commit(flush, robust=True)


def _article_saved(sender, instance, **kwargs) -> None:
    article_changed(instance.pk)


def _contributor_changed(sender, instance, **kwargs) -> None:
    article_changed(instance.article_id)


def connect() -> None:
    """Follow the catalogue (called once, from DiscoveryConfig.ready)."""
    from masthead.catalog.models import Article, Contributor

    post_save.connect(_article_saved, sender=Article, dispatch_uid="search-article-saved")
    post_delete.connect(_article_saved, sender=Article, dispatch_uid="search-article-deleted")
    for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _contributor_changed, sender=Contributor, dispatch_uid=f"search-contributor-{uid}"
        )


def disconnect() -> None:
    """Stop following the catalogue (benchmarks measure an import without the index)."""
    from masthead.catalog.models import Article, Contributor

    post_save.disconnect(sender=Article, dispatch_uid="search-article-saved")
    post_delete.disconnect(sender=Article, dispatch_uid="search-article-deleted")
    for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
        signal.disconnect(sender=Contributor, dispatch_uid=f"search-contributor-{uid}")
