"""Internal citations from the corpus: found, merged, kept in step with edits."""

import pytest

from masthead.catalog.models import Article, Issue, Journal, Reference
from masthead.citations.corpus import refresh_corpus
from masthead.citations.models import Citation, CitationSummary

pytestmark = pytest.mark.django_db


def cite(citing: Article, **fields) -> Reference:
    position = citing.references.count()
    return Reference.objects.create(article=citing, position=position, **fields)


@pytest.fixture
def cited(make_article, issue):
    # Test Journal 31(4), pages 703-717, 2023
    return make_article(title="The cited article", first_page="703")


@pytest.fixture
def other_journal(journal):
    other = Journal.objects.create(
        publisher=journal.publisher, code="oj", title="Other Journal", abbreviation="Other J"
    )
    return Issue.objects.create(journal=other, volume="31", number="4", year=2023)


def test_a_reference_by_doi_is_an_internal_citation(make_article, cited):
    citing = make_article(title="A citing article", first_page="900")
    cite(citing, doi=cited.doi.upper(), original_text="Anything.")
    stats = refresh_corpus()
    assert stats.added == 1
    citation = Citation.objects.get()
    assert (citation.cited, citation.citing_article) == (cited, citing)
    assert citation.from_corpus and not citation.from_crossref
    assert citation.title == "A citing article"
    assert citation.container == "Test Journal" and citation.year == 2023
    assert citation.authors == ["Given0 Surname0"]
    assert CitationSummary.objects.get(article=cited).cited_by == 1


def test_a_reference_without_identifiers_matches_by_journal_volume_and_page(make_article, cited):
    citing = make_article(first_page="900")
    cite(
        citing,
        source="Test J",
        year="2023",
        volume="31",
        first_page="703",
        authors=[["Surname0", "G"]],
        original_text="Surname0 G. Test J. 2023;31:703.",
    )
    refresh_corpus()
    assert Citation.objects.get().cited == cited


def test_the_same_page_in_another_journal_is_not_a_citation(make_article, cited, other_journal):
    citing = make_article(first_page="900")
    cite(
        citing,
        source="Other Journal",
        year="2023",
        volume="31",
        first_page="703",
        original_text="Other Journal. 2023;31:703.",
    )
    cite(citing, original_text="Other J. 2023 Oct;31(4):703-17")
    cite(
        citing,
        doi="10.9999/elsewhere",
        source="Test Journal",
        year="2023",
        volume="31",
        first_page="703",
        original_text="A different work that names a DOI elsewhere.",
    )
    stats = refresh_corpus()
    assert stats.references >= 3 and stats.matched == 0
    assert not Citation.objects.exists()


def test_an_article_citing_itself_is_not_counted(cited):
    cite(cited, doi=cited.doi)
    refresh_corpus()
    assert not Citation.objects.exists()


def test_unpublished_articles_do_not_cite(make_article, cited):
    citing = make_article(first_page="900", is_published=False)
    cite(citing, doi=cited.doi)
    refresh_corpus()
    assert not Citation.objects.exists()


def test_refresh_is_incremental_and_follows_edits(make_article, cited):
    citing = make_article(first_page="900")
    reference = cite(citing, doi=cited.doi)
    assert refresh_corpus().added == 1
    assert refresh_corpus().skipped  # nothing changed since
    reference.delete()
    citing.save()  # an edit in the admin saves the article with its references
    stats = refresh_corpus()
    assert (stats.skipped, stats.removed) == (False, 1)
    assert not Citation.objects.exists()
    assert CitationSummary.objects.get(article=cited).cited_by == 0


def test_a_work_found_by_both_sources_is_one_citation(make_article, cited):
    citing = make_article(first_page="900")
    Citation.objects.create(
        cited=cited, citing_doi=citing.doi_key, title="As Crossref knows it", from_crossref=True
    )
    cite(citing, doi=cited.doi)
    refresh_corpus()
    citation = Citation.objects.get()
    assert citation.from_corpus and citation.from_crossref
    assert citation.citing_article == citing
    # the reference goes away: the work stays, as Crossref's
    citing.references.all().delete()
    citing.save()
    refresh_corpus()
    citation = Citation.objects.get()
    assert citation.from_crossref and not citation.from_corpus and citation.reference is None
