"""Importing a PubMed article set: metadata-only articles, DOIs minted only when asked."""

import pytest

from masthead.catalog.models import Article, Journal
from tests.catalog.test_import import run

pytestmark = pytest.mark.django_db


PUBMED = """<?xml version="1.0"?>
<PubmedArticleSet>
<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">111</PMID>
<Article><Journal><ISSN IssnType="Print">0000-0019</ISSN><JournalIssue><Volume>12</Volume>
<Issue>3</Issue><PubDate><Year>2020</Year><Month>Mar</Month></PubDate></JournalIssue>
<Title>Journal of Tests</Title><ISOAbbreviation>J Tests</ISOAbbreviation></Journal>
<ArticleTitle>A record with a DOI.</ArticleTitle><Pagination><MedlinePgn>703-17</MedlinePgn>
</Pagination><ELocationID EIdType="doi" ValidYN="Y">10.1000/test.111</ELocationID>
<AuthorList><Author><LastName>Doe</LastName><ForeName>Jane</ForeName></Author></AuthorList>
</Article></MedlineCitation></PubmedArticle>
<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">222</PMID>
<Article><Journal><ISSN IssnType="Print">0000-0019</ISSN><JournalIssue><Volume>12</Volume>
<Issue>3</Issue><PubDate><Year>2020</Year></PubDate></JournalIssue>
<Title>Journal of Tests</Title></Journal>
<ArticleTitle>A record without one.</ArticleTitle></Article></MedlineCitation></PubmedArticle>
</PubmedArticleSet>"""


def test_pubmed_import_mints_missing_dois_when_asked(tmp_path):
    path = tmp_path / "pubmed.xml"
    path.write_text(PUBMED)
    output = run("import_pubmed", str(path))
    assert "1 imported" in output and "1 rejected" in output and "no DOI" in output
    output = run("import_pubmed", str(path), "--mint-doi-prefix", "10.5555")
    assert "1 imported, 0 updated, 1 unchanged" in output
    minted = Article.objects.get(pmid="222")
    assert minted.doi == "10.5555/pmid.222" and minted.source_format == "pubmed"
    first = Article.objects.get(doi="10.1000/test.111")
    assert (first.first_page, first.last_page) == ("703", "717")
    assert first.issue.volume == "12" and first.journal.issn_print == "0000-0019"
    assert Journal.objects.count() == 1


def test_article_identifiers_as_pages_import_and_oversized_values_are_rejected(tmp_path):
    # Real PubMed records give SAGE's and AHA's article identifiers as pages.
    real = PUBMED.replace("703-17", "CIRCINTERVENTIONS121010884").replace("222", "333")
    real = real.replace("<ArticleTitle>A record without one.", "<ArticleTitle>Too long.")
    real = real.replace(
        "</Title></Journal>\n<ArticleTitle>Too long.",
        "</Title></Journal>\n<ArticleTitle>Too long.</ArticleTitle><Pagination><MedlinePgn>"
        + "9" * 70
        + "</MedlinePgn></Pagination><ArticleTitle>",
    )
    path = tmp_path / "pubmed.xml"
    path.write_text(real)
    output = run("import_pubmed", str(path), "--mint-doi-prefix", "10.5555")
    assert "1 imported" in output and "1 rejected" in output
    assert "first page is longer than 64 characters" in output
    article = Article.objects.get(doi="10.1000/test.111")
    assert article.first_page == "CIRCINTERVENTIONS121010884"
    assert article.position == 0  # not a page number to sort an issue by
