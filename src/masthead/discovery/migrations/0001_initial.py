"""Site search: the searchable text of every article, and the database's full-text index.

SQLite: two FTS5 tables over `discovery_searchdocument` (external content, kept in step
by triggers): every field, and every field but the body. PostgreSQL: a generated,
weighted tsvector column with a GIN index. Field weights: title A, keywords and authors
B, abstract C, body D (FTS5's bm25 gets the same order as column weights,
`search_sqlite.WEIGHTS`). Existing articles are indexed here.
"""

import django.db.models.deletion
from django.db import migrations, models

META = "title, keywords, authors, abstract"
FULL = "title, keywords, authors, abstract, body"
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
CONTENT = "content='discovery_searchdocument', content_rowid='article_id'"


def _sync(table: str, columns: str) -> tuple[str, str]:
    """The statements that add (new.*) and take out (old.*) a row of one FTS5 table."""
    new = ", ".join(f"new.{c}" for c in columns.split(", "))
    old = ", ".join(f"old.{c}" for c in columns.split(", "))
    return (
        f"INSERT INTO {table}(rowid, {columns}) VALUES (new.article_id, {new});",  # noqa: S608
        f"INSERT INTO {table}({table}, rowid, {columns}) "  # noqa: S608
        f"VALUES ('delete', old.article_id, {old});",
    )


_ADD_FULL, _DROP_FULL = _sync("discovery_search", FULL)
_ADD_META, _DROP_META = _sync("discovery_search_meta", META)
SQLITE = [
    # Every field: what a search must match, and the snippets.
    f"CREATE VIRTUAL TABLE discovery_search USING fts5({FULL}, {CONTENT}, {TOKENIZE})",
    # Every field but the body: the rank of articles whose other fields hold every term
    # (FTS5's bm25 normalises by the length of the whole row, so a long body would
    # otherwise bury a title match).
    f"CREATE VIRTUAL TABLE discovery_search_meta USING fts5({META}, {CONTENT}, {TOKENIZE})",
    "CREATE TRIGGER discovery_search_insert AFTER INSERT ON discovery_searchdocument "
    f"BEGIN {_ADD_FULL} {_ADD_META} END",
    "CREATE TRIGGER discovery_search_delete AFTER DELETE ON discovery_searchdocument "
    f"BEGIN {_DROP_FULL} {_DROP_META} END",
    "CREATE TRIGGER discovery_search_update AFTER UPDATE ON discovery_searchdocument "
    f"BEGIN {_DROP_FULL} {_DROP_META} {_ADD_FULL} {_ADD_META} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS discovery_search_insert",
    "DROP TRIGGER IF EXISTS discovery_search_delete",
    "DROP TRIGGER IF EXISTS discovery_search_update",
    "DROP TABLE IF EXISTS discovery_search_meta",
    "DROP TABLE IF EXISTS discovery_search",
]
POSTGRESQL = [
    """ALTER TABLE discovery_searchdocument ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, keywords), 'B')
        || setweight(to_tsvector('english'::regconfig, authors), 'B')
        || setweight(to_tsvector('english'::regconfig, abstract), 'C')
        || setweight(to_tsvector('english'::regconfig, body), 'D')
    ) STORED""",
    """CREATE INDEX discovery_search_document ON discovery_searchdocument
        USING GIN (document)""",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS discovery_search_document",
    "ALTER TABLE discovery_searchdocument DROP COLUMN IF EXISTS document",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


def index_existing(apps, schema_editor):
    from masthead.discovery.search_index import CHUNK, write_documents

    article = apps.get_model("catalog", "Article")
    contributor = apps.get_model("catalog", "Contributor")
    document = apps.get_model("discovery", "SearchDocument")
    ids = list(article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        write_documents(ids[start : start + CHUNK], article, contributor, document)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0005_journal_related_scope"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="catalog.article",
                    ),
                ),
                ("title", models.TextField(blank=True)),
                ("keywords", models.TextField(blank=True)),
                ("authors", models.TextField(blank=True)),
                ("abstract", models.TextField(blank=True)),
                ("body", models.TextField(blank=True, help_text="Full-text items only.")),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
