"""Site search on real content: eLife's full texts and a slice of the PubMed 2021 baseline,
imported as publishers' files are, searched as readers search.

Runs on the database in use (SQLite FTS5, or PostgreSQL with DATABASE_URL set).
"""

import os
from itertools import islice
from pathlib import Path

import pytest

from masthead.catalog.demo.press import load_jats_directory
from masthead.catalog.models import Article, Publisher
from masthead.catalog.services import Importer, ImportSummary
from masthead.discovery import search_index
from masthead.discovery.search import SearchParams, exact_match, search
from masthead.jats.model import ArticleRecord
from masthead.jats.pubmed import iter_pubmed_file
from masthead.related.documents import plain_text
from tests.conftest import ELIFE, needs_elife

pytestmark = pytest.mark.django_db
PUBMED_FILE = os.environ.get("MASTHEAD_PUBMED_FILE", "")
needs_pubmed = pytest.mark.skipif(
    not PUBMED_FILE, reason="set MASTHEAD_PUBMED_FILE to the PubMed baseline file to run"
)
SLICE = 300  # PubMed records imported
SAMPLED = 25  # of which this many are searched for


def dois(**params) -> list[str]:
    return [hit.doi for hit in search(SearchParams(**params)).hits]


def rank(doi: str, **params) -> int | None:
    found = dois(**params)
    return found.index(doi) + 1 if doi in found else None


@pytest.fixture
def elife(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_jats_directory(ELIFE, ImportSummary())


@needs_elife
def test_elife_titles_phrases_authors_and_bodies(elife):
    # A title, as a reader would paste it.
    title = "Molecular architecture of human polycomb repressive complex 2"
    assert dois(q=title)[0] == "10.7554/eLife.00005"
    # A phrase from an abstract (stemmed: "lipid" finds "lipids").
    assert dois(q='"no turnover in lens lipid"') == ["10.7554/eLife.06003"]
    # Keywords: the two Schuman papers and the commentary on one of them, and no other.
    assert set(dois(q="Nicotiana attenuata")) == {
        "10.7554/eLife.00007",
        "10.7554/eLife.00240",
        "10.7554/eLife.04490",
    }
    # An author's name in the advanced form finds their papers and no one else's.
    assert set(dois(author="Meredith Schuman")) == {"10.7554/eLife.00007", "10.7554/eLife.04490"}
    # A word found only in one article's body: the full text is searched, the snippet
    # shows where.
    page = search(SearchParams(q="sunflower"))
    assert [h.doi for h in page.hits] == ["10.7554/eLife.14093"]
    assert "<mark>sunflower" in page.hits[0].snippet_html.lower()
    # Excluding a word takes its articles out (04490 is the one about Trichobaris).
    assert set(dois(q="Nicotiana attenuata -Trichobaris")) == {
        "10.7554/eLife.00007",
        "10.7554/eLife.00240",
    }
    assert dois(q="Nicotiana -Nicotiana -attenuata attenuata") == []


@needs_elife
def test_a_title_match_outranks_a_long_body(elife):
    """Field weights: a short title holding every word ranks above long full texts that
    mention the words in passing."""
    hits = search(SearchParams(q="kinesin dendrite microtubule polarity")).hits
    assert hits[0].doi == "10.7554/eLife.00133"  # "Kinesin-1 regulates dendrite microtubule..."


@needs_elife
def test_a_doi_goes_straight_to_its_article(elife):
    assert exact_match(SearchParams(q="https://doi.org/10.7554/ELIFE.00005")) == (
        "/doi/abs/10.7554/eLife.00005"
    )
    assert dois(doi="10.7554/eLife.02833") == ["10.7554/eLife.02833"]
    assert dois(doi="10.7554/eLife.99999") == []


def pubmed_slice() -> list[ArticleRecord]:
    records = islice(iter_pubmed_file(Path(PUBMED_FILE)), SLICE)
    return [r for r in records if isinstance(r, ArticleRecord)]


def sample(records: list[ArticleRecord]) -> list[ArticleRecord]:
    """Records a reader could search for: a unique title of five words or more, an
    abstract of forty words or more, a named first author."""
    titles: dict[str, int] = {}
    for r in records:
        titles[r.title.casefold()] = titles.get(r.title.casefold(), 0) + 1
    fit = [
        r
        for r in records
        if titles[r.title.casefold()] == 1
        and len(r.title.split()) >= 5
        and r.abstracts
        and len(plain_text(r.abstracts[0].html).split()) >= 40
        and r.contributors
        and r.contributors[0].name
        and r.contributors[0].name.surname
    ]
    step = max(1, len(fit) // SAMPLED)
    return fit[::step][:SAMPLED]


def phrase_from(record: ArticleRecord) -> str:
    """Seven words of the abstract as a reader would copy them, punctuation and all."""
    words = plain_text(record.abstracts[0].html).replace('"', " ").split()
    return '"' + " ".join(words[20:27]) + '"'


@needs_pubmed
def test_pubmed_titles_abstract_phrases_authors_and_dois(django_capture_on_commit_callbacks):
    records = pubmed_slice()
    publisher = Publisher.objects.create(name="PubMed back catalogue")
    importer = Importer(publisher=publisher, mint_doi_prefix="10.5555")
    summary = ImportSummary()
    with django_capture_on_commit_callbacks(execute=True), search_index.batch():
        importer.import_all(records, summary)
    assert summary.counts["imported"] > 250
    doi_of = dict(Article.objects.values_list("pmid", "doi"))
    misses = []
    chosen = sample(records)
    assert len(chosen) == SAMPLED
    for record in chosen:
        doi = doi_of[record.pmid]
        name = record.contributors[0].name
        checks = {
            "title": rank(doi, q=record.title) == 1,
            "abstract phrase": rank(doi, q=phrase_from(record)) == 1,
            # A name can be shared; its articles come newest first among equals.
            "author": (rank(doi, author=f"{name.given_names} {name.surname}") or 99) <= 3,
            "doi": dois(doi=doi) == [doi],
        }
        misses += [f"{kind} of PMID {record.pmid}" for kind, ok in checks.items() if not ok]
    assert misses == []
