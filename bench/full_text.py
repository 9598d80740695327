"""The full-text page of the largest eLife sample: server time, cold and warm.

    .venv/bin/python bench/full_text.py [--requests 200] [--postgres [URL]]

For each backend (SQLite in a temporary MASTHEAD_HOME; with --postgres also PostgreSQL
in a throwaway database) it migrates, imports the eLife samples from
../shared/data/jats/elife/, and times in process with Django's test Client (the whole
middleware stack, no HTTP): the largest sample's full-text page the first time (its
fragments rendered: table of contents, links, references), then warm (the fragments
cached, as every reader after the first sees it), against the same article's abstract
page as the baseline. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

ELIFE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "jats" / "elife"
PG_DATABASE = "masthead_full_text_bench"


def inprocess(args) -> None:
    import warnings

    warnings.filterwarnings("ignore", "No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models.functions import Length
    from django.test import Client

    from masthead.catalog.demo.press import load_jats_directory
    from masthead.catalog.models import Article
    from masthead.catalog.services import ImportSummary

    load_jats_directory(ELIFE, ImportSummary())
    article = Article.objects.annotate(n=Length("body_html")).order_by("-n").first()
    client = Client(
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0", HTTP_HOST="127.0.0.1"
    )
    full, abstract = f"/doi/full/{article.doi}", f"/doi/abs/{article.doi}"

    def timed(path: str) -> float:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return elapsed

    cold = []
    for _ in range(5):
        cache.clear()
        cold.append(timed(full))
    warm = {"full": [], "abstract": []}
    for _ in range(args.requests):
        warm["full"].append(timed(full))
        warm["abstract"].append(timed(abstract))
    result = {
        "backend": connection.vendor,
        "doi": article.doi,
        "body_kb": round(len(article.body_html) / 1024),
        "page_kb": round(len(client.get(full).content) / 1024),
        "cold_ms": statistics.median(cold),
        "full_ms": statistics.mean(warm["full"]),
        "full_p95": sorted(warm["full"])[int(len(warm["full"]) * 0.95)],
        "abstract_ms": statistics.mean(warm["abstract"]),
    }
    Path(args.out).write_text(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", nargs="?", const="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--inprocess", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--doi", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inprocess:
        inprocess(args)
        return
    import article_page as ap

    if not ELIFE.is_dir():
        sys.exit(f"no eLife samples at {ELIFE}")
    backends = [("sqlite", None)] + ([("postgresql", args.postgres)] if args.postgres else [])
    rows = []
    for name, pg_url in backends:
        with tempfile.TemporaryDirectory() as home:
            url = (f"{pg_url}/{PG_DATABASE}" if pg_url
                   else f"sqlite:///{Path(home) / 'bench.sqlite3'}")  # fmt: skip
            script = [__file__, "--inprocess", "--requests", str(args.requests)]
            rows.append(ap.run_on_fresh_database(
                name, url, pg_url or "", PG_DATABASE, Path(home), script, timeout=1800
            ))  # fmt: skip
    print("| backend | article | body KB | page KB | first view ms (cold) "
          "| full text ms (mean / p95) | abstract page ms (baseline) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['doi']} | {r['body_kb']} | {r['page_kb']} "
              f"| {r['cold_ms']:.1f} | {r['full_ms']:.2f} / {r['full_p95']:.2f} "
              f"| {r['abstract_ms']:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
