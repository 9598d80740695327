"""PubMed article sets, built inline; the real baseline file only via MASTHEAD_PUBMED_FILE."""

from __future__ import annotations

import gzip
import os
from datetime import date
from pathlib import Path

import pytest

from masthead.jats import ArticleRecord, SourceError, iter_pubmed_file, parse_pubmed
from masthead.jats.pubmed import page_range

FULL_ARTICLE = """
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">31000001</PMID>
    <Article PubModel="Print-Electronic">
      <Journal>
        <ISSN IssnType="Print">0028-0836</ISSN>
        <ISSN IssnType="Electronic">1476-4687</ISSN>
        <JournalIssue CitedMedium="Internet">
          <Volume>568</Volume><Issue>7751</Issue>
          <PubDate><Year>2019</Year><Month>Apr</Month></PubDate>
        </JournalIssue>
        <Title>Nature</Title>
        <ISOAbbreviation>Nature</ISOAbbreviation>
      </Journal>
      <ArticleTitle>Growth of <i>E. coli</i> at 10<sup>3</sup> cells.</ArticleTitle>
      <Pagination><MedlinePgn>703-17</MedlinePgn></Pagination>
      <ELocationID EIdType="doi" ValidYN="Y">10.1038/s41586-019-1111-1</ELocationID>
      <Abstract>
        <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Why <b>this</b>.</AbstractText>
        <AbstractText Label="RESULTS" NlmCategory="RESULTS">What we found.</AbstractText>
        <CopyrightInformation>(c) 2019 Springer Nature.</CopyrightInformation>
      </Abstract>
      <AuthorList CompleteYN="Y">
        <Author ValidYN="Y">
          <LastName>Smith</LastName><ForeName>Jane A</ForeName><Initials>JA</Initials>
          <Identifier Source="ORCID">0000000219425695</Identifier>
          <AffiliationInfo>
            <Affiliation>Dept of X, Uni Y, Oslo, Norway.
              Electronic address: jane@example.org.</Affiliation>
          </AffiliationInfo>
        </Author>
        <Author ValidYN="Y"><LastName>Doe</LastName><Initials>J</Initials><Suffix>Jr</Suffix>
          </Author>
        <Author ValidYN="Y"><CollectiveName>Study Group</CollectiveName></Author>
        <Author ValidYN="N"><LastName>Wrong</LastName></Author>
      </AuthorList>
      <Language>fre</Language>
      <GrantList CompleteYN="Y">
        <Grant><GrantID>R01 GM1</GrantID><Agency>NIGMS NIH HHS</Agency>
          <Country>United States</Country></Grant>
        <Grant><GrantID>R01 GM2</GrantID><Agency>NIGMS NIH HHS</Agency>
          <Country>United States</Country></Grant>
        <Grant><Agency>Wellcome Trust</Agency><Country>United Kingdom</Country></Grant>
      </GrantList>
      <PublicationTypeList>
        <PublicationType UI="D016428">Journal Article</PublicationType>
        <PublicationType UI="D016454">Review</PublicationType>
      </PublicationTypeList>
      <ArticleDate DateType="Electronic"><Year>2019</Year><Month>03</Month><Day>27</Day>
        </ArticleDate>
    </Article>
    <MeshHeadingList>
      <MeshHeading><DescriptorName UI="D1" MajorTopicYN="N">Escherichia coli</DescriptorName>
        </MeshHeading>
      <MeshHeading><DescriptorName UI="D2" MajorTopicYN="Y">Growth</DescriptorName>
        </MeshHeading>
    </MeshHeadingList>
    <KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">growth</Keyword>
      <Keyword>Growth</Keyword></KeywordList>
    <CoiStatement>JS owns shares in <i>Acme</i>.</CoiStatement>
  </MedlineCitation>
  <PubmedData>
    <History>
      <PubMedPubDate PubStatus="received"><Year>2018</Year><Month>10</Month><Day>1</Day>
        </PubMedPubDate>
      <PubMedPubDate PubStatus="accepted"><Year>2019</Year><Month>2</Month><Day>14</Day>
        </PubMedPubDate>
    </History>
    <ArticleIdList>
      <ArticleId IdType="pubmed">31000001</ArticleId>
      <ArticleId IdType="doi">10.1038/s41586-019-1111-1</ArticleId>
      <ArticleId IdType="pmc">PMC6500000</ArticleId>
    </ArticleIdList>
    <ReferenceList>
      <Reference><Citation>Cell. 2001;104(3):1-10.</Citation>
        <ArticleIdList><ArticleId IdType="pubmed">11111</ArticleId>
          <ArticleId IdType="doi">10.1016/x</ArticleId></ArticleIdList>
      </Reference>
      <Reference><Citation>A book, 1999.</Citation></Reference>
    </ReferenceList>
  </PubmedData>
</PubmedArticle>
"""


def article(pmid: str, title: str = "A title.", pub_date: str = "<Year>2000</Year>") -> str:
    return f"""<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>
      <Journal><JournalIssue><PubDate>{pub_date}</PubDate></JournalIssue>
      <Title>J Test</Title></Journal><ArticleTitle>{title}</ArticleTitle></Article>
      </MedlineCitation></PubmedArticle>"""


def article_set(*articles: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN"'
        ' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n'
        "<PubmedArticleSet>" + "".join(articles) + "</PubmedArticleSet>\n"
    ).encode()


def only_record(data: bytes) -> ArticleRecord:
    (record,) = list(parse_pubmed(data, "set.xml"))
    assert isinstance(record, ArticleRecord), record
    return record


def test_full_article():
    record = only_record(article_set(FULL_ARTICLE))
    assert record.source_format == "pubmed" and record.body_html == ""
    assert (record.pmid, record.doi, record.pmcid) == (
        "31000001",
        "10.1038/s41586-019-1111-1",
        "PMC6500000",
    )
    assert record.title == "Growth of E. coli at 103 cells."
    assert record.title_html == "Growth of <i>E. coli</i> at 10<sup>3</sup> cells."
    journal = record.journal
    assert (journal.title, journal.abbreviation) == ("Nature", "Nature")
    assert (journal.issn_print, journal.issn_electronic) == ("0028-0836", "1476-4687")
    assert (record.volume, record.issue, record.first_page, record.last_page) == (
        "568",
        "7751",
        "703",
        "717",
    )
    assert record.issue_date == date(2019, 4, 1)
    assert record.published_online == date(2019, 3, 27)
    assert (record.received, record.accepted) == (date(2018, 10, 1), date(2019, 2, 14))
    assert record.language == "fr"
    assert (record.section, record.article_type) == ("Journal Article", "review-article")
    assert record.keywords == ["growth", "Growth", "Escherichia coli"]
    assert record.copyright_statement == "(c) 2019 Springer Nature."
    assert record.disclosure_html == "<p>JS owns shares in <i>Acme</i>.</p>"
    assert record.source_name == "set.xml, PMID 31000001"
    assert record.source_xml.startswith("<PubmedArticle>")


def test_structured_abstract():
    (abstract,) = only_record(article_set(FULL_ARTICLE)).abstracts
    assert abstract.abstract_type == "" and abstract.html == (
        '<section class="abstract-section"><h3>BACKGROUND</h3><p>Why <b>this</b>.</p></section>'
        '<section class="abstract-section"><h3>RESULTS</h3><p>What we found.</p></section>'
    )


def test_authors():
    smith, doe, group = only_record(article_set(FULL_ARTICLE)).contributors
    assert smith.display_name == "Jane A Smith"
    assert smith.orcid == "0000-0002-1942-5695"
    assert smith.email == "jane@example.org"
    assert [a.text for a in smith.affiliations] == ["Dept of X, Uni Y, Oslo, Norway"]
    assert (doe.name.given_names, doe.name.suffix) == ("J", "Jr")
    assert group.name is None and group.collab == "Study Group"


def test_grants_are_grouped_by_agency():
    funding = only_record(article_set(FULL_ARTICLE)).funding
    assert [(f.funder_name, f.award_ids) for f in funding] == [
        ("NIGMS NIH HHS", ["R01 GM1", "R01 GM2"]),
        ("Wellcome Trust", []),
    ]


def test_references():
    first, second = only_record(article_set(FULL_ARTICLE)).references
    assert (first.original_text, first.pmid, first.doi) == (
        "Cell. 2001;104(3):1-10.",
        "11111",
        "10.1016/x",
    )
    assert (second.original_text, second.pmid, second.doi) == ("A book, 1999.", "", "")


def test_a_bad_article_is_reported_and_the_rest_carry_on():
    data = article_set(article("1"), article("2", title=""), article("3"))
    items = list(parse_pubmed(data, "s"))
    assert [type(i).__name__ for i in items] == ["ArticleRecord", "SourceError", "ArticleRecord"]
    error = items[1]
    second_article_line = data[: data.index(b"<PMID>2")].count(b"\n") + 1
    assert error.source == "s" and error.line == second_article_line
    assert error.message == "PMID 2: the article has no title"
    assert [i.pmid for i in items if isinstance(i, ArticleRecord)] == ["1", "3"]


def test_malformed_file_raises_with_line():
    data = article_set(article("1"), article("2"))
    data = data[: data.rindex(b"<ArticleTitle>") + 20]
    items = parse_pubmed(data, "broken.xml")
    with pytest.raises(SourceError) as caught:
        list(items)
    assert caught.value.message.startswith("malformed XML")
    assert caught.value.line is not None


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        ("<Year>1998</Year><Month>12</Month><Day>3</Day>", date(1998, 12, 3)),
        ("<Year>1998</Year><Month>Dec</Month>", date(1998, 12, 1)),
        ("<Year>1998</Year><Season>Summer</Season>", date(1998, 6, 1)),
        ("<MedlineDate>1998 Dec-1999 Jan</MedlineDate>", date(1998, 12, 1)),
        ("<MedlineDate>1998-1999</MedlineDate>", date(1998, 1, 1)),
        ("<MedlineDate>Spring 2001</MedlineDate>", None),
    ],
)
def test_pub_dates(pub_date, expected):
    assert only_record(article_set(article("1", pub_date=pub_date))).issue_date == expected


@pytest.mark.parametrize(
    ("pagination", "pages"),
    [
        ("703-17", ("703", "717")),
        ("123-33", ("123", "133")),
        ("1021-1030", ("1021", "1030")),
        ("e1234", ("e1234", "")),
        ("S12-5", ("S12", "S15")),
        ("87-5", ("87", "5")),  # not a shortened page: left as written
        ("iii-iv", ("iii", "iv")),
        ("45-7; discussion 48-9", ("45", "47")),
        ("", ("", "")),
    ],
)
def test_page_range(pagination, pages):
    assert page_range(pagination) == pages


def test_iter_pubmed_file_reads_gzip(tmp_path):
    path = tmp_path / "pubmed99n0001.xml.gz"
    path.write_bytes(gzip.compress(article_set(article("7"), article("8"))))
    assert [r.pmid for r in iter_pubmed_file(path)] == ["7", "8"]


def test_iter_pubmed_file_plain(tmp_path):
    path = tmp_path / "set.xml"
    path.write_bytes(article_set(article("9")))
    (record,) = iter_pubmed_file(str(path))
    assert record.source_name == "set.xml, PMID 9"


@pytest.mark.skipif(
    not os.environ.get("MASTHEAD_PUBMED_FILE"),
    reason="set MASTHEAD_PUBMED_FILE to a PubMed baseline file (.xml or .xml.gz) to run",
)
def test_real_baseline_file():
    path = Path(os.environ["MASTHEAD_PUBMED_FILE"])
    parsed = rejected = 0
    for item in iter_pubmed_file(path):
        if isinstance(item, SourceError):
            rejected += 1
        else:
            parsed += 1
            assert item.pmid and item.title and item.journal.title
    assert parsed > 1000
    assert rejected <= parsed // 100  # at most 1% of records refused
