"""Related research speed: embedding, the nightly rebuild, one new article, the page's cost.

    .venv/bin/python bench/related_speed.py [--corpus FILE] [--limit N] [--database-url URL]

In a throwaway database (SQLite under a temporary MASTHEAD_HOME unless --database-url
names an empty PostgreSQL database), the PubMed baseline (about 20,800 articles with
their references, bench/_pubmed_documents.py) is inserted as published articles, then:

1. embedding throughput: `rebuild()` with an empty embedding cache embeds every article
   (articles per second on this machine; target at least 50), with TF-IDF over the same
   texts as the baseline in the same run;
2. the nightly rebuild from cached embeddings: `rebuild()` again (target under 60 s for
   20,000 articles), its steps timed;
3. one new article published: `update_due()` (what the worker does within a minute);
4. the page's added cost: `related_lists()` (one query, both tabs, five each) beside the
   article lookup every page already makes (`find_article`, one query), median of many.

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("MASTHEAD_PUBMED_FILE"))
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache")
    parser.add_argument("--limit", type=int, default=0, help="use the first N records only")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="related-speed-"))
    os.environ["MASTHEAD_HOME"] = str(home)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{home / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(args)


def run(args) -> None:
    from django.db import connection

    from _pubmed_documents import load_corpus
    from masthead.related.build import rebuild, update_due
    from masthead.related.lexical import tfidf_matrix

    corpus = load_corpus(args.corpus, args.cache)
    docs = corpus.docs[: args.limit] if args.limit else corpus.docs
    started = time.perf_counter()
    ids = _insert(docs)
    print(
        f"{len(docs):,} articles inserted in {time.perf_counter() - started:.1f} s "
        f"({connection.vendor})"
    )

    started = time.perf_counter()
    tfidf_matrix([d.text for d in docs])
    tfidf_rate = len(docs) / (time.perf_counter() - started)
    first = rebuild()
    embed = first.seconds.get("embed", 0.0)
    if first.embedded:
        print(
            f"1. embedding: {first.embedded / embed:,.0f} articles/s "
            f"({first.embedded:,} in {embed:.1f} s; target >= 50); "
            f"baseline TF-IDF over the same texts {tfidf_rate:,.0f} articles/s"
        )
    else:
        print("1. embedding: no model installed (lexical and citation signals only)")
    print(f"   first rebuild: {first}")

    again = rebuild()
    total = sum(again.seconds.values())
    print(
        f"2. nightly rebuild from cached embeddings: {total:.1f} s for {again.articles:,} "
        f"articles (target < 60 s); {again}"
    )

    new = _publish_one(ids[0])
    started = time.perf_counter()
    one = update_due()
    print(f"3. one new article: lists in {time.perf_counter() - started:.1f} s ({one})")

    _page_cost(new)


def _insert(docs) -> list[int]:
    from masthead.catalog.models import Article, Journal, Publisher, Reference

    publisher = Publisher.objects.create(name="Bench Press")
    journals: dict[int, Journal] = {}
    articles = []
    for doc in docs:
        journal = journals.get(doc.journal_id)
        if journal is None:
            journal = Journal.objects.create(
                publisher=publisher, code=f"j{len(journals)}", title=f"Journal {len(journals)}"
            )
            journals[doc.journal_id] = journal
        articles.append(
            Article(
                journal=journal,
                doi=f"10.5555/bench.{doc.id}",
                title=doc.title[:2000],
                abstracts=[{"type": "", "title": "Abstract", "html": doc.abstract}],
                keywords=list(doc.keywords),
                published_online=dt.date(2021, 1, 1),
            )
        )
    for article in articles:
        article.doi_key = article.doi.lower()
    Article.objects.bulk_create(articles, batch_size=2000)
    pks = dict(Article.objects.values_list("doi", "pk"))
    references = [
        Reference(
            article_id=pks[f"10.5555/bench.{doc.id}"],
            position=i,
            doi=key[4:] if key.startswith("doi:") else "",
            pmid=key[5:] if key.startswith("pmid:") else "",
        )
        for doc in docs
        for i, key in enumerate(doc.references)
    ]
    Reference.objects.bulk_create(references, batch_size=5000)
    return [pks[f"10.5555/bench.{doc.id}"] for doc in docs]


def _publish_one(like: int) -> int:
    from masthead.catalog.models import Article

    source = Article.objects.get(pk=like)
    article = Article.objects.create(
        journal=source.journal,
        doi="10.5555/bench.new",
        title="New: " + source.title,
        abstracts=source.abstracts,
        keywords=source.keywords,
        published_online=dt.date(2021, 1, 2),
    )
    return article.pk


def _page_cost(pk: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.catalog.models import Article
    from masthead.reader.lookup import find_article
    from masthead.related.page import related_lists

    doi = Article.objects.get(pk=pk).doi
    with CaptureQueriesContext(connection) as queries:
        related_lists(pk)
    lookup, lists = [], []
    for _ in range(300):
        started = time.perf_counter()
        find_article(doi)
        lookup.append(time.perf_counter() - started)
        started = time.perf_counter()
        related_lists(pk)
        lists.append(time.perf_counter() - started)
    print(
        f"4. page's added cost: related_lists {statistics.median(lists) * 1e3:.2f} ms in "
        f"{len(queries)} query; baseline find_article {statistics.median(lookup) * 1e3:.2f} ms "
        "(median of 300; paid only when the cached page is rendered afresh)"
    )


if __name__ == "__main__":
    main()
