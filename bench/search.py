"""Site search speed: indexing the PubMed corpus, what indexing adds to an import, and
queries per second with p50/p99 latency against a primary-key lookup.

    .venv/bin/python bench/search.py [--corpus FILE] [--limit N] [--imports N]
        [--rounds N] [--database-url postgresql://postgres@127.0.0.1:5432/test]

In a throwaway database (SQLite under a temporary MASTHEAD_HOME; with --database-url,
a database `masthead_search_bench` created on that server and dropped afterwards, so
the database the URL names is never touched), the PubMed baseline (about 20,800
records, `MASTHEAD_PUBMED_FILE` or the cached download):

1. import cost: --imports records go through the catalogue's Importer, one article per
   transaction as `masthead import_pubmed` does, in blocks of 200, each block once per
   mode (and deleted after): without the index (baseline), indexed per article by the
   signals, and inside `search_index.batch()` (one index write per block);
2. all records are bulk-inserted as published articles with their authors (every fifth
   open access, so the filter has something to do), then `search_index.rebuild()`
   indexes the whole corpus: articles per second; a second rebuild (every document
   rewritten) is timed too;
3. queries: a mix drawn from the records (whole titles, words of titles and abstracts,
   quoted phrases from abstracts, author names, queries with filters, a date sort,
   a very common word) through `search()`, the function the page and the API call
   (ids and total, articles, authors, snippets: four queries), --rounds times each,
   one after another; beside them a primary-key lookup of an article row, the cheapest
   query there is, in the same run. Whether the right article came first (titles,
   phrases) or in the top 3 (author names) is counted too.

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PG_DATABASE = "masthead_search_bench"
BLOCK = 200  # records per import block (search_index.CHUNK: one index write per batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("MASTHEAD_PUBMED_FILE"))
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache")
    parser.add_argument("--limit", type=int, default=0, help="use the first N records only")
    parser.add_argument("--imports", type=int, default=600, help="records imported per mode")
    parser.add_argument("--rounds", type=int, default=60, help="queries of each kind")
    parser.add_argument("--database-url", help="a PostgreSQL server (default SQLite)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="search-bench-"))
    os.environ["MASTHEAD_HOME"] = str(home)
    server = None
    if args.database_url:
        server = urlsplit(args.database_url)
        _postgres(server, f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        _postgres(server, f'CREATE DATABASE "{PG_DATABASE}"')
        os.environ["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{PG_DATABASE}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{home / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        run(args)
    finally:
        connection.close()
        if server is not None:
            _postgres(server, f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def _postgres(server, statement: str) -> None:
    import psycopg

    url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def run(args) -> None:
    from django.db import connection

    from masthead.catalog.demo.pubmed_baseline import fetch
    from masthead.jats.model import ArticleRecord
    from masthead.jats.pubmed import iter_pubmed_file

    path = Path(args.corpus) if args.corpus else fetch(args.cache)
    records, seen = [], set()
    for record in iter_pubmed_file(path):
        key = isinstance(record, ArticleRecord) and (record.doi.lower() or record.pmid)
        if key and key not in seen:
            seen.add(key)
            records.append(record)
    records = records[: args.limit] if args.limit else records
    print(f"{len(records):,} PubMed records from {path.name} on {connection.vendor}")
    _import_costs(records, args.imports)
    started = time.perf_counter()
    _insert(records)
    print(f"   bulk insert of all {len(records):,}: {time.perf_counter() - started:.1f} s")
    _index(len(records))
    _queries(records, args.rounds)


def _import_costs(records, size: int) -> None:
    """ms per imported article in each mode, on the same records: each block is imported
    once to warm up (its journals and issues then exist), then once per mode, deleted
    after each import, with the modes taking turns block by block."""
    from masthead.catalog.models import Article, Publisher
    from masthead.catalog.services import Importer, ImportSummary
    from masthead.discovery import search_index

    publisher = Publisher.objects.create(name="PubMed back catalogue")
    modes = ("warm-up", "no index", "indexed per article", "indexed in a batch")
    spent = dict.fromkeys(modes, 0.0)
    blocks = [records[n : n + BLOCK] for n in range(0, max(BLOCK, size), BLOCK)]
    for block in blocks:
        for mode in modes:
            importer = Importer(publisher=publisher, mint_doi_prefix="10.5555")
            if mode == "no index":
                search_index.disconnect()
            started = time.perf_counter()
            if mode == "indexed in a batch":
                with search_index.batch():
                    importer.import_all(block, ImportSummary())
            else:
                importer.import_all(block, ImportSummary())
            spent[mode] += time.perf_counter() - started
            search_index.connect()
            Article.objects.filter(journal__publisher=publisher).delete()
            _checkpoint()  # each import pays for its own writes, not for the one before
    count = sum(len(b) for b in blocks)
    base = spent["no index"] / count * 1e3
    print(
        f"1. import, ms per article ({count:,} records, one transaction each): "
        + "; ".join(
            f"{mode} {t / count * 1e3:.2f} (+{t / count * 1e3 - base:.2f})"
            for mode, t in spent.items()
            if mode != "warm-up"
        )
    )


def _checkpoint() -> None:
    """SQLite: copy the write-ahead log back now (the web's usage worker does it every
    pass); without this a block would pay for the log the block before it left."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _insert(records) -> None:
    from masthead.catalog.models import Article, Contributor, Journal, Publisher

    publisher = Publisher.objects.create(name="Bench Press")
    journals: dict[str, Journal] = {}
    articles, authors = [], {}
    for i, r in enumerate(records):
        key = r.journal.issn_electronic or r.journal.issn_print or r.journal.title
        if key not in journals:
            journals[key] = Journal.objects.create(
                publisher=publisher,
                code=f"j{len(journals)}",
                title=(r.journal.title or key)[:500],
                issn_print=r.journal.issn_print[:9],
                issn_online=r.journal.issn_electronic[:9],
            )
        doi = r.doi or f"10.5555/pmid.{r.pmid}"
        articles.append(
            Article(
                journal=journals[key],
                doi=doi,
                doi_key=doi.lower(),
                pmid=r.pmid,
                title=r.title,
                article_type=r.article_type[:64],
                abstracts=[
                    {"type": a.abstract_type, "title": a.title, "html": a.html} for a in r.abstracts
                ],
                keywords=list(r.keywords),
                published_online=r.published_online or r.issue_date,
                is_open_access=i % 5 == 0,
                source_format="pubmed",
            )
        )
        authors[doi] = [c for c in r.contributors if c.role == "author"]
    Article.objects.bulk_create(articles, batch_size=2000)
    ids = dict(Article.objects.values_list("doi", "pk"))
    Contributor.objects.bulk_create(
        (
            Contributor(
                article_id=ids[doi],
                position=n,
                given_names=(c.name.given_names if c.name else "")[:255],
                surname=(c.name.surname if c.name else "")[:255],
                collab=c.collab[:500],
            )
            for doi, people in authors.items()
            for n, c in enumerate(people)
        ),
        batch_size=5000,
    )


def _index(total: int) -> None:
    from masthead.discovery import search_index
    from masthead.discovery.models import SearchDocument

    SearchDocument.objects.all().delete()
    first = search_index.rebuild()
    print(
        f"2. index {first.indexed:,} articles from empty: {first.seconds:.1f} s "
        f"({first.indexed / first.seconds:,.0f} articles/s)"
    )
    again = search_index.rebuild()
    print(f"   rebuild over the existing index: {again.seconds:.1f} s")
    _analyze()


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _mix(records, rounds: int) -> list[tuple[str, dict, str, int]]:
    """(kind, SearchParams fields, the DOI expected, the rank it must reach or 0)."""
    from masthead.related.documents import plain_text

    rng = random.Random(2021)
    usable = [r for r in records if r.abstracts and r.contributors and len(r.title.split()) > 4]
    mix = []
    for _ in range(rounds):
        r = rng.choice(usable)
        doi = r.doi or f"10.5555/pmid.{r.pmid}"
        title_words = [w for w in re.findall(r"[^\W_]+", r.title) if len(w) > 4]
        copied = plain_text(r.abstracts[0].html).replace('"', " ").split()  # as a reader copies
        text = re.findall(r"[^\W_]+", " ".join(copied))
        long_words = [w for w in text if len(w) > 5] or text
        start = rng.randrange(max(1, len(copied) - 6))
        person = next((c.name for c in r.contributors if c.name and c.name.surname), None)
        year = (r.published_online or r.issue_date or None) and (
            r.published_online or r.issue_date
        ).year
        mix += [
            ("whole title", {"q": r.title}, doi, 1),
            (
                "title words",
                {"q": " ".join(rng.sample(title_words, min(3, len(title_words))))},
                doi,
                0,
            ),
            (
                "abstract words",
                {"q": " ".join(rng.sample(long_words, min(2, len(long_words))))},
                doi,
                0,
            ),
            ("abstract phrase", {"q": '"' + " ".join(copied[start : start + 6]) + '"'}, doi, 1),
            (
                "filtered",
                {
                    "q": rng.choice(long_words),
                    "year_from": (year or 2000) - 1,
                    "year_to": (year or 2021) + 1,
                    "open_access": rng.random() < 0.5,
                },
                doi,
                0,
            ),
            ("date sort", {"q": rng.choice(long_words), "sort": "date"}, doi, 0),
            ("common word", {"q": "patients"}, doi, 0),
        ]
        if person:
            mix.append(("author", {"author": f"{person.given_names} {person.surname}"}, doi, 3))
    return mix


def _queries(records, rounds: int) -> None:
    from masthead.catalog.models import Article
    from masthead.discovery.search import SearchParams, search
    from masthead.sql import fetch_one

    mix = _mix(records, rounds)
    for _, fields, _, _ in mix[:50]:  # warm-up
        search(SearchParams(**fields))
    times: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    totals: dict[str, list[int]] = {}
    started = time.perf_counter()
    for kind, fields, doi, wanted in mix:
        t0 = time.perf_counter()
        page = search(SearchParams(**fields))
        times.setdefault(kind, []).append(time.perf_counter() - t0)
        totals.setdefault(kind, []).append(page.total)
        if wanted:
            found = [h.doi for h in page.hits[:wanted]]
            hits.setdefault(kind, []).append(doi in found)
    wall = time.perf_counter() - started
    ids = list(Article.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    lookups = []
    for _ in range(3000):
        pk = rng.choice(ids)
        t0 = time.perf_counter()
        fetch_one("SELECT id, doi, title FROM catalog_article WHERE id = %s", [pk])
        lookups.append(time.perf_counter() - t0)
    every = [t for ts in times.values() for t in ts]
    print(
        f"3. queries: {len(every):,} in {wall:.1f} s = {len(every) / wall:,.0f} searches/s, "
        f"p50 {_ms(every, 50)} ms, p99 {_ms(every, 99)} ms (one after another, one thread); "
        f"baseline primary-key lookup p50 {_ms(lookups, 50)} ms, "
        f"{len(lookups) / sum(lookups):,.0f}/s"
    )
    print(f"   {'kind':<16}{'p50 ms':>8}{'p99 ms':>8}{'per s':>8}{'median hits':>13}  right one")
    for kind, ts in times.items():
        right = hits.get(kind)
        rate = (
            f"{sum(right)}/{len(right)} {'first' if kind != 'author' else 'top 3'}" if right else ""
        )
        print(
            f"   {kind:<16}{_ms(ts, 50):>8}{_ms(ts, 99):>8}{len(ts) / sum(ts):>8,.0f}"
            f"{statistics.median(totals[kind]):>13,.0f}  {rate}"
        )


def _ms(values: list[float], percentile: int) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, len(ordered) * percentile // 100)] * 1e3:.2f}"


if __name__ == "__main__":
    main()
