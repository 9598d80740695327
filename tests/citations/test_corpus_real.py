"""Internal citations in real corpora: eLife's samples and the PubMed 2021 baseline file.

The ground truth is what the references themselves say (their DOIs and PMIDs); the
metadata matcher must find the same pairs with those identifiers hidden, and invent none.
"""

import os
import re
from pathlib import Path

import pytest

from masthead.catalog.demo.press import load_jats_directory
from masthead.catalog.models import Article, Publisher, Reference
from masthead.catalog.services import Importer, ImportSummary
from masthead.citations.corpus import refresh_corpus
from masthead.citations.models import Citation
from masthead.jats.model import ArticleRecord
from masthead.jats.pubmed import iter_pubmed_file
from tests.conftest import ELIFE, needs_elife

pytestmark = pytest.mark.django_db
PUBMED_FILE = os.environ.get("MASTHEAD_PUBMED_FILE", "")
DOI_IN_TEXT = re.compile(r"(doi:?\s*|https?://(dx\.)?doi\.org/)?10\.\d{4,9}/\S+", re.IGNORECASE)
needs_pubmed = pytest.mark.skipif(
    not PUBMED_FILE, reason="set MASTHEAD_PUBMED_FILE to the PubMed baseline file to run"
)


def pairs() -> set[tuple[str, str]]:
    """(citing DOI, cited DOI) of the stored citations."""
    return set(Citation.objects.values_list("citing_article__doi", "cited__doi"))


@needs_elife
def test_elife_samples_that_cite_each_other():
    load_jats_directory(ELIFE, ImportSummary())
    refresh_corpus()
    found = pairs()
    # elife04490 cites 10.7554/eLife.00007 by DOI; elife00240 cites it as
    # "eLife 2012; e00007", with no DOI and no volume.
    assert ("10.7554/eLife.04490", "10.7554/eLife.00007") in found
    assert ("10.7554/eLife.00240", "10.7554/eLife.00007") in found
    for citing, cited in found:
        reference = Reference.objects.get(
            pk=Citation.objects.get(citing_article__doi=citing, cited__doi=cited).reference_id
        )
        assert (
            cited.lower().split(".")[-1]
            in (reference.doi + reference.elocation_id + reference.first_page).lower()
        )


@pytest.fixture(scope="module")
def pubmed_selection() -> tuple[list[ArticleRecord], set[tuple[str, str]], int]:
    """Every record that cites or is cited within the file, and records with the same
    first page as a cited one in other journals (the trap), with the PMID pairs."""
    records = {r.pmid: r for r in iter_pubmed_file(Path(PUBMED_FILE)) if hasattr(r, "pmid")}
    truth = {
        (pmid, ref.pmid)
        for pmid, record in records.items()
        for ref in record.references
        if ref.pmid in records and ref.pmid != pmid
    }
    wanted = {pmid for pair in truth for pmid in pair}
    cited_pages = {
        (records[c].first_page, records[c].journal.title) for _, c in truth if records[c].first_page
    }
    pages = {page for page, _ in cited_pages}
    traps = [
        pmid
        for pmid, r in records.items()
        if r.first_page in pages
        and (r.first_page, r.journal.title) not in cited_pages
        and pmid not in wanted
    ]
    selected = [records[p] for p in sorted(wanted | set(traps))]
    return selected, truth, len(traps)


@needs_pubmed
def test_pubmed_citations_found_by_identifier_and_by_metadata(pubmed_selection):
    selected, truth, trap_count = pubmed_selection
    assert len(truth) > 50 and trap_count > 20  # the file holds both
    publisher = Publisher.objects.create(name="PubMed back catalogue")
    summary = Importer(publisher=publisher, mint_doi_prefix="10.5555").import_all(
        selected, ImportSummary()
    )
    assert summary.counts["imported"] == len(selected), summary.rejections[:3]
    pmid_of = dict(Article.objects.values_list("doi", "pmid"))

    refresh_corpus()
    by_ids = {(pmid_of[a], pmid_of[b]) for a, b in pairs()}
    # The PMID pairs are found, except where the reference's own DOI names another
    # work (a correction notice, another paper of the author): the DOI decides.
    assert len(by_ids & truth) >= len(truth) - 6
    assert ("12486199", "10704411") in by_ids  # "Curr Biol. 2000 Feb 24;10(4):187-94"

    # Hide every identifier, printed ones too: journal, year, volume and page are left.
    named: dict[int, tuple[str, str]] = {}
    for reference in Reference.objects.all():
        named[reference.pk] = (reference.doi.lower(), reference.pmid)
        reference.doi = reference.pmid = ""
        reference.original_text = DOI_IN_TEXT.sub("", reference.original_text)
        reference.save()
    refresh_corpus(force=True)
    doi_of = {pmid: doi.lower() for doi, pmid in pmid_of.items()}
    wrong = []
    for reference_id, cited_doi in Citation.objects.values_list("reference_id", "cited__doi"):
        doi, pmid = named[reference_id]
        if (doi or pmid) and cited_doi.lower() != doi and doi_of.get(pmid) != cited_doi.lower():
            wrong.append((reference_id, cited_doi, doi, pmid))
    assert wrong == []  # none invented: every match agrees with the hidden identifiers
    by_metadata = {(pmid_of[a], pmid_of[b]) for a, b in pairs()}
    assert len(by_metadata & truth) >= 0.4 * len(truth)  # the rest print no volume or page
    assert ("12486199", "10704411") in by_metadata
