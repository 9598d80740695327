"""The API's state changes, one function each (views only parse and call).

- `edit_article`: editorial fields only; the article's version and everything else stay.
- `import_jats`: one JATS file through the catalog's Importer, all or nothing.
"""

from __future__ import annotations

from django.db import transaction

from masthead.catalog.models import Article, Journal, doi_key
from masthead.catalog.services import Importer, Outcome
from masthead.jats import MAX_XML_BYTES, SourceError, parse_jats

EDITORIAL_FIELDS = ("title", "subtitle", "is_published", "is_free_to_read", "keywords", "subjects")


def edit_article(article: Article, changes: dict) -> list[str]:
    """Write the changed editorial fields (and `updated_at`, which cached pages key on);
    returns the names of the fields that changed."""
    changed = [
        name
        for name, value in changes.items()
        if name in EDITORIAL_FIELDS and getattr(article, name) != value
    ]
    if not changed:
        return []
    for name in changed:
        setattr(article, name, changes[name])
    written = [*changed, "updated_at"]
    if "title" in changed:
        # The marked-up title was of the old title: the page shows the new one as text.
        article.title_html = ""
        written.append("title_html")
    article.save(update_fields=written)
    return changed


class UpdateRefused(Exception):
    """The file is of an article that exists, and the caller may only add articles."""


def import_jats(
    data: bytes, source: str, journal: Journal | None = None, *, may_update: bool = True
) -> tuple[Outcome, Article]:
    """Parse and import one JATS article; a SourceError (malformed, refused) writes nothing."""
    if len(data) > MAX_XML_BYTES:
        raise SourceError(source, f"file is too large (the limit is {MAX_XML_BYTES} bytes)")
    record = parse_jats(data, source)
    with transaction.atomic():
        if not may_update and record.doi:
            if Article.objects.filter(doi_key=doi_key(record.doi)).exists():
                raise UpdateRefused(record.doi)
        outcome, article = Importer(journal=journal).import_record(record)
    return outcome, article
