"""Part 3 of bench/citations.py, in a throwaway database: a full citations refresh for
the PubMed corpus (about 20,000 articles). Run by bench/citations.py, not by hand.

Imports the corpus, then times: the first corpus refresh (match every reference, write
every citation), a forced re-match that finds nothing new, an unchanged run (skipped on
the fingerprint), a run after one article changed, and Crossref's cited-by for the whole
corpus as date-window answers, one per DOI prefix, 20,000 links in all (the recorded
format, served by a loopback HTTP server: our parsing and merging, not Crossref's
latency), then the same windows again (nothing new to write).
"""

import argparse
import datetime as dt
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from masthead.catalog.models import Article, Publisher  # noqa: E402
from masthead.catalog.services import Importer, ImportSummary  # noqa: E402
from masthead.citations.cited_by import refresh_cited_by  # noqa: E402
from masthead.citations.corpus import refresh_corpus  # noqa: E402
from masthead.citations.crossref import CrossrefClient  # noqa: E402
from masthead.citations.models import Citation, CitationSummary, CrossrefMember  # noqa: E402
from masthead.jats.pubmed import iter_pubmed_file  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def forward_links(dois: list[str]) -> bytes:
    """A getForwardLinks answer (query output schema 3.0): one citing work per DOI."""
    links = "".join(
        f'<forward_link doi="{escape(doi)}"><journal_cite fl_count="1">'
        f"<journal_title>Bench Letters</journal_title><article_title>Citing work {n}"
        f'</article_title><contributors><contributor first-author="true">'
        f"<given_name>Ada</given_name><surname>Reader{n}</surname></contributor></contributors>"
        f"<volume>{n % 50}</volume><first_page>{n}</first_page><year>2025</year>"
        f'<doi type="journal_article">10.9999/bench.{n}</doi></journal_cite></forward_link>'
        for n, doi in enumerate(dois)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><crossref_result version="3.0" '
        'xmlns="http://www.crossref.org/qrschema/3.0"><query_result><head><doi_batch_id>none'
        f"</doi_batch_id></head><body>{links}</body></query_result></crossref_result>"
    ).encode()


def serve(dois: list[str]) -> ThreadingHTTPServer:
    """Answer getForwardLinks as Crossref does: the links of the DOIs under the asked prefix."""
    by_prefix: dict[str, list[str]] = {}
    for doi in dois:
        by_prefix.setdefault(doi.split("/", 1)[0].lower(), []).append(doi)
    answers = {prefix: forward_links(group) for prefix, group in by_prefix.items()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            asked = parse_qs(urlsplit(self.path).query).get("doi", [""])[0].lower()
            body = answers.get(asked) or forward_links([])
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(label: str, results: dict, run) -> object:
    start = time.perf_counter()
    value = run()
    results[label] = round(time.perf_counter() - start, 3)
    print(f"  {connection.vendor}: {label}: {results[label]:.2f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--doi")  # the bench article of run_on_fresh_database: unused
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    results: dict = {"backend": connection.vendor, "seconds": {}}
    seconds = results["seconds"]
    publisher = Publisher.objects.create(name="PubMed back catalogue")
    importer = Importer(publisher=publisher, mint_doi_prefix="10.5555")
    summary = timed(
        "import (set-up)", seconds,
        lambda: importer.import_all(iter_pubmed_file(Path(args.corpus)), ImportSummary()),
    )  # fmt: skip
    results["articles"] = Article.objects.count()
    results["imported"] = summary.counts
    first = timed("corpus: first full refresh", seconds, lambda: refresh_corpus(force=True))
    results["references"], results["matched"] = first.references, first.matched
    results["citations"] = Citation.objects.count()
    timed("corpus: forced re-match, nothing new", seconds, lambda: refresh_corpus(force=True))
    skipped = timed("corpus: unchanged (fingerprint)", seconds, refresh_corpus)
    assert skipped.skipped
    edited = Article.objects.order_by("pk").last()
    edited.save()
    timed("corpus: after one article changed", seconds, refresh_corpus)

    dois = list(Article.objects.order_by("pk").values_list("doi", flat=True))
    server = serve(dois)
    member = CrossrefMember.objects.create(
        publisher=publisher, username="bench", password="bench", depositor_name="Bench",  # noqa: S106
        depositor_email="bench@example.org", cited_by_checked_until=TODAY - dt.timedelta(days=8),
    )  # fmt: skip
    # Every DOI has had its first, all-time question (one query per DOI, Crossref's latency
    # and not ours): what is left is the incremental run, one date window for the prefix.
    now = dt.datetime.now(dt.UTC)
    have = set(CitationSummary.objects.values_list("article_id", flat=True))
    CitationSummary.objects.bulk_create(
        (CitationSummary(article_id=pk) for pk in Article.objects.values_list("pk", flat=True)
         if pk not in have),
        batch_size=1000,
    )  # fmt: skip
    CitationSummary.objects.update(crossref_checked_at=now)
    client = CrossrefClient(service_base=f"http://127.0.0.1:{server.server_port}", min_interval=0)
    stats = timed("crossref: date windows, a query per prefix", seconds,
                  lambda: refresh_cited_by(client, today=TODAY))  # fmt: skip
    results["crossref_links"], results["crossref_added"] = stats.links, stats.added
    member.cited_by_checked_until = TODAY - dt.timedelta(days=8)
    member.save()
    timed("crossref: the same window again", seconds, lambda: refresh_cited_by(client, TODAY))
    results["citations_after_crossref"] = Citation.objects.count()
    server.shutdown()
    Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
