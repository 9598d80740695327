"""Discovery's stored data: the text site search indexes, one row per article.

The full-text index itself is the database's own and is made by migration 0001, not by
Django: on SQLite an FTS5 table `discovery_search` that reads its text from this table
(external content) and is kept in step by triggers on it; on PostgreSQL a generated
`document tsvector` column on this table with a GIN index. A later migration that makes
SQLite rebuild this table (altering a column) must create the triggers again.
"""

from django.db import models

from masthead.catalog.models import Article


class SearchDocument(models.Model):
    """An article's searchable text (`search_index.py` writes it): every article, published
    or not; searches keep to `Article.objects.visible()` when they run, so an embargo
    that ends or an article unpublished shows at once."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.TextField(blank=True)
    keywords = models.TextField(blank=True)
    authors = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Full-text items only.")
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title[:80]
