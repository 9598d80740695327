"""The Crossref deposit: real articles in, XML that the 5.3.1 schema accepts out.

Every deposit here is validated against the schema files in ../shared (skipped when
they are absent) and then read the way a Crossref reviewer would: with XPath, for the
DOI, the resource, the names, the dates, the funders, the licence and the references.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from lxml import etree

from masthead.catalog.demo.press import demo_journal, load_seed_article
from masthead.catalog.models import Article, Contributor, Issue, Reference
from masthead.catalog.services import Importer, ImportSummary
from masthead.citations import deposit_schema
from masthead.citations.deposit_schema import check_deposit, schema_available, validate_deposit
from masthead.citations.deposit_xml import (
    ACCESS_NS,
    CROSSREF_NS,
    FUNDREF_NS,
    JATS_NS,
    XLINK_NS,
    Depositor,
    deposit_doi,
    deposit_xml,
)
from masthead.jats import parse_jats

# The project's reference data lives in ../shared beside the checkout (MASTHEAD_SHARED to move it).
SHARED = Path(os.environ.get("MASTHEAD_SHARED", Path(__file__).resolve().parents[3] / "shared"))
SCHEMA = SHARED / "crossref" / "schema-5.3.1"
EXAMPLE = SHARED / "crossref" / "examples" / "deposit-5.3.1-example.xml"
ELIFE = SHARED / "data" / "jats" / "elife"
needs_schema = pytest.mark.skipif(
    not (SCHEMA / "crossref5.3.1.xsd").is_file(), reason=f"no Crossref schema in {SCHEMA}"
)
needs_elife = pytest.mark.skipif(not ELIFE.is_dir(), reason=f"no eLife samples in {ELIFE}")

NS = {"cr": CROSSREF_NS, "jats": JATS_NS, "fr": FUNDREF_NS, "ai": ACCESS_NS, "xlink": XLINK_NS}
DEPOSITOR = Depositor("Production Editor", "production@example.org", "Masthead Demo Press")
SEED_DOI = "10.5555/jeea.2023.2265001"
POA = "elife_poa_e06828.xml"  # publish-on-accept: no publication date in the file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _schema_dir(settings):
    settings.CROSSREF_SCHEMA_DIR = str(SCHEMA)


def url_for(article: Article) -> str:
    return f"https://journals.example.org/doi/abs/{article.doi}"


def rows(*articles: Article) -> list[Article]:
    """The articles as the deposit reads them: journal and issue joined, children prefetched."""
    return list(
        Article.objects.filter(pk__in=[a.pk for a in articles])
        .select_related("journal", "issue")
        .prefetch_related("contributors", "references")
        .order_by("pk")
    )


def build(articles, timestamp: int = 20261101120000, batch_id: str = "masthead-batch-1") -> bytes:
    return deposit_xml(
        articles, batch_id=batch_id, timestamp=timestamp, depositor=DEPOSITOR, url_for=url_for
    )


def valid(xml: bytes) -> etree._Element:
    """The deposit's root, after checking it against the 5.3.1 schema."""
    assert validate_deposit(xml) == []
    return etree.fromstring(xml)


def xp(node, path: str) -> list:
    return node.xpath(path, namespaces=NS)


def text(node, path: str) -> str:
    found = xp(node, path)
    assert found, f"nothing at {path}"
    return "".join(found[0].itertext()) if isinstance(found[0], etree._Element) else found[0]


def article_node(root, doi: str):
    (node,) = xp(root, f"//cr:journal_article[cr:doi_data/cr:doi = '{doi}']")
    return node


def import_elife(*names: str) -> list[Article]:
    importer = Importer()
    articles = []
    for name in names:
        path = ELIFE / name
        _, article = importer.import_record(parse_jats(path.read_bytes(), name))
        articles.append(article)
    return rows(*articles)


# -- the schema and the checker --------------------------------------------------------


@needs_schema
def test_crossref_example_validates_and_loses_validity_without_doi_data():
    assert schema_available()
    example = EXAMPLE.read_bytes()
    check = check_deposit(example)
    assert check.ok and check.schema_checked
    root = etree.fromstring(example)
    doi_data = xp(root, "//cr:journal_article/cr:doi_data")[0]
    doi_data.getparent().remove(doi_data)
    errors = validate_deposit(etree.tostring(root))
    assert errors and any("doi_data" in e for e in errors)


def test_not_well_formed_xml_is_reported():
    (error,) = validate_deposit(b"<doi_batch><head>")
    assert error.startswith("not well-formed XML")


def test_structural_check_without_schema_files_reports_missing_doi_data(
    settings, tmp_path, make_article
):
    settings.CROSSREF_SCHEMA_DIR = str(tmp_path)  # a folder without the schema
    assert not schema_available()
    article = make_article(references=2)
    xml = build(rows(article))
    check = check_deposit(xml)
    assert check.ok and not check.schema_checked

    root = etree.fromstring(xml)
    doi_data = xp(root, "//cr:journal_article/cr:doi_data")[0]
    doi_data.getparent().remove(doi_data)
    name = xp(root, "//cr:depositor/cr:depositor_name")[0]
    name.getparent().remove(name)
    errors = validate_deposit(etree.tostring(root))
    assert errors == [
        "head: missing depositor/depositor_name",
        "journal 1, journal_article 1: missing doi_data/doi",
        "journal 1, journal_article 1: missing doi_data/resource",
    ]
    if EXAMPLE.is_file():
        assert check_deposit(EXAMPLE.read_bytes()) == deposit_schema.DepositCheck((), False)


def test_structural_check_names_the_article_and_the_missing_title(settings, tmp_path):
    settings.CROSSREF_SCHEMA_DIR = str(tmp_path)
    xml = (
        f'<doi_batch xmlns="{CROSSREF_NS}"><head><doi_batch_id>b-1</doi_batch_id>'
        "<timestamp>x1</timestamp><depositor><depositor_name>A</depositor_name>"
        "<email_address>a@example.org</email_address></depositor><registrant>R</registrant>"
        "</head><body><journal><journal_metadata><full_title> </full_title></journal_metadata>"
        "<journal_article><titles><title/></titles><publication_date><year>2020</year>"
        "</publication_date><doi_data><doi>10.5555/x</doi><resource>https://example.org/</resource>"
        "</doi_data></journal_article></journal></body></doi_batch>"
    ).encode()
    assert validate_deposit(xml) == [
        "head: timestamp 'x1' is not a non-negative integer",
        "journal 1: missing journal_metadata/full_title",
        "journal 1, journal_article 1 (10.5555/x): missing titles/title",
    ]
    assert validate_deposit(b'<doi_batch xmlns="urn:other"/>')[0].startswith("the root element")


def test_schema_folder_comes_from_the_setting_the_environment_or_beside_the_checkout(
    settings, monkeypatch, tmp_path
):
    assert deposit_schema.schema_dir() == SCHEMA
    del settings.CROSSREF_SCHEMA_DIR
    monkeypatch.setenv("MASTHEAD_SHARED", str(tmp_path))
    assert deposit_schema.schema_dir() == tmp_path / "crossref" / "schema-5.3.1"
    monkeypatch.delenv("MASTHEAD_SHARED")
    checkout = Path(deposit_schema.__file__).resolve().parents[3]
    assert (checkout / "src").is_dir()
    assert deposit_schema.schema_dir() == checkout.parent / "shared" / "crossref" / "schema-5.3.1"


# -- real articles ------------------------------------------------------------------------


@needs_schema
def test_seed_article_deposit():
    load_seed_article(demo_journal(), ImportSummary())
    (article,) = rows(Article.objects.get(doi=SEED_DOI))
    root = valid(build([article], timestamp=20261101120000, batch_id="jeea-2023-4"))

    assert text(root, "cr:head/cr:doi_batch_id") == "jeea-2023-4"
    assert text(root, "cr:head/cr:timestamp") == "20261101120000"
    assert text(root, "cr:head/cr:depositor/cr:email_address") == "production@example.org"
    assert text(root, "cr:head/cr:registrant") == "Masthead Demo Press"
    (journal,) = xp(root, "cr:body/cr:journal")
    assert (
        text(journal, "cr:journal_metadata/cr:full_title") == "Journal of Eastern European Affairs"
    )
    assert text(journal, "cr:journal_metadata/cr:abbrev_title") == "J East Eur Aff"
    assert text(journal, "cr:journal_metadata/cr:issn[@media_type='print']") == "5555-0010"
    assert text(journal, "cr:journal_metadata/cr:issn[@media_type='electronic']") == "5555-0029"
    issue = xp(journal, "cr:journal_issue")[0]
    assert text(issue, "cr:journal_volume/cr:volume") == "31"
    assert text(issue, "cr:issue") == "4"
    # The print issue is "December 2023": no invented day.
    assert text(issue, "cr:publication_date[@media_type='print']/cr:month") == "12"
    assert not xp(issue, "cr:publication_date/cr:day")

    node = article_node(root, SEED_DOI)
    assert node.get("publication_type") == "full_text" and node.get("language") == "en"
    assert text(node, "cr:titles/cr:title") == (
        "From strategic partner to co-aggressor: Russia’s attempts to lure Belarus into the "
        "war in Ukraine"
    )
    (author,) = xp(node, "cr:contributors/cr:person_name")
    assert (author.get("sequence"), author.get("contributor_role")) == ("first", "author")
    assert text(author, "cr:given_name") == "Robert Gabriel"
    assert text(author, "cr:surname") == "Țicălău"
    institution = xp(author, "cr:affiliations/cr:institution")[0]
    assert text(institution, "cr:institution_name") == "University of Bucharest"
    assert text(institution, "cr:institution_department") == "Romanian Center for Russian Studies"
    assert text(node, "jats:abstract/jats:p").startswith("Although Belarus is one of Russia")
    online = xp(node, "cr:publication_date[@media_type='online']")[0]
    assert [text(online, f"cr:{p}") for p in ("year", "month", "day")] == ["2023", "10", "05"]
    assert text(node, "cr:publication_date[@media_type='print']/cr:year") == "2023"
    assert text(node, "cr:acceptance_date/cr:day") == "20"
    assert (text(node, "cr:pages/cr:first_page"), text(node, "cr:pages/cr:last_page")) == (
        "703",
        "717",
    )
    assert text(node, "fr:program/fr:assertion[@name='funder_name']") == "EEA Grants 2014-2021"
    assert text(node, "fr:program/fr:assertion[@name='award_number']") == "35/2021"
    assert not xp(node, ".//fr:assertion[@name='funder_identifier']")
    assert not xp(node, "ai:program")  # subscription article, no licence
    assert text(node, "cr:doi_data/cr:doi") == SEED_DOI
    assert (
        text(node, "cr:doi_data/cr:resource") == f"https://journals.example.org/doi/abs/{SEED_DOI}"
    )


@needs_schema
@needs_elife
def test_elife_batch_groups_by_issue_and_carries_funders_licences_and_references(
    django_assert_num_queries,
):
    articles = import_elife(
        "elife00013.xml", "elife02304.xml", "elife-14093-v1.xml", "elife00005.xml"
    )
    with django_assert_num_queries(0):  # rows as documented: nothing more is read
        xml = build(articles)
    root = valid(xml)

    journals = xp(root, "cr:body/cr:journal")
    volumes = [text(j, "cr:journal_issue/cr:journal_volume/cr:volume") for j in journals]
    assert sorted(volumes) == ["1", "3", "5"]
    (volume_1,) = [j for j, v in zip(journals, volumes, strict=True) if v == "1"]
    assert len(xp(volume_1, "cr:journal_article")) == 2
    assert xp(root, "//cr:issn/@media_type") == ["electronic"] * 3  # online-only: no print date
    assert not xp(root, "//cr:publication_date[@media_type='print']")
    assert text(volume_1, "cr:journal_issue/cr:publication_date/cr:year") == "2012"

    for article in articles:
        node = article_node(root, article.doi)
        assert text(node, "cr:doi_data/cr:resource") == url_for(article)
        assert xp(node, "cr:contributors/*/@sequence").count("first") == 1
        assert len(xp(node, "cr:citation_list/cr:citation")) == article.references.count()
        assert all(re.fullmatch(r"\d{4}", y) for y in xp(node, ".//cr:cYear/text()"))
        assert text(node, "cr:publisher_item/cr:item_number[@item_number_type='article_number']")
        assert xp(node, "cr:contributors/cr:person_name[@contributor_role='editor']")
        digest = xp(node, "jats:abstract[@abstract-type='executive-summary']")
        assert text(digest[0], "jats:title") == "eLife digest"

    bacteria = article_node(root, "10.7554/eLife.00013")
    assert "Salpingoeca rosetta" in xp(bacteria, "jats:abstract[1]/jats:p/jats:italic/text()")
    licence = xp(bacteria, "ai:program/ai:license_ref")[0]
    assert licence.text == "http://creativecommons.org/licenses/by/3.0/"
    assert (licence.get("applies_to"), licence.get("start_date")) == ("vor", "2012-10-15")
    assert xp(bacteria, "ai:program/ai:free_to_read")
    groups = xp(bacteria, "fr:program/fr:assertion[@name='fundgroup']")
    nih = [g for g in groups if text(g, "fr:assertion[@name='funder_name']").startswith("National")]
    assert len(nih) == 1 and "F32 GM086054" in xp(
        nih[0], "fr:assertion[@name='award_number']/text()"
    )
    assert not xp(bacteria, ".//fr:assertion[@name='funder_identifier']")
    assert not xp(bacteria, "cr:pages")

    enzymes = article_node(root, "10.7554/eLife.02304")
    assert not xp(enzymes, "fr:program/fr:assertion[@name='fundgroup']")  # a single funder
    funder = xp(enzymes, "fr:program/fr:assertion[@name='funder_name']")[0]
    assert funder.text == "National Institutes of Health"
    assert text(funder, "fr:assertion[@name='funder_identifier']") == (
        "https://doi.org/10.13039/100000002"
    )
    assert len(xp(enzymes, "fr:program/fr:assertion[@name='award_number']")) == 3
    bib1 = xp(enzymes, "cr:citation_list/cr:citation[@key='bib1']")[0]
    assert text(bib1, "cr:doi") == "10.1107/S0907444909052925"
    assert text(bib1, "cr:author") == "Adams"
    assert text(bib1, "cr:cYear") == "2010"
    assert text(bib1, "cr:journal_title").startswith("Acta Crystallographica Section D")

    phyllotaxis = article_node(root, "10.7554/eLife.14093")
    funders = xp(phyllotaxis, "fr:program/fr:assertion[@name='fundgroup']")
    identified = [g for g in funders if xp(g, ".//fr:assertion[@name='funder_identifier']")]
    assert len(funders) == 4 and len(identified) == 1
    assert text(identified[0], "fr:assertion[@name='funder_name']").startswith("Human Frontier")

    polycomb = article_node(root, "10.7554/eLife.00005")
    cao = xp(polycomb, "cr:citation_list/cr:citation[cr:author='Cao'][cr:volume='14']")[0]
    assert text(cao, "cr:cYear") == "2004"  # "2004a" in the reference list


def _elife_files() -> list[str]:
    return sorted(p.name for p in ELIFE.glob("*.xml") if p.name != POA) if ELIFE.is_dir() else []


@needs_schema
@needs_elife
@pytest.mark.parametrize("name", _elife_files())
def test_every_elife_sample_makes_a_valid_deposit(name):
    (article,) = import_elife(name)
    root = valid(build([article]))
    node = article_node(root, article.doi)
    assert "".join(xp(node, "cr:titles/cr:title")[0].itertext()).strip()


@needs_schema
@needs_elife
def test_article_without_issue_or_date_is_reported_until_the_editor_dates_it():
    (article,) = import_elife(POA)
    assert article.issue is None and article.published_online is None
    errors = validate_deposit(build([article]))
    assert errors and any("publication_date" in e for e in errors)

    Article.objects.filter(pk=article.pk).update(published_online=datetime.date(2015, 4, 14))
    (article,) = rows(article)
    root = valid(build([article]))
    (journal,) = xp(root, "cr:body/cr:journal")
    assert not xp(journal, "cr:journal_issue")
    node = article_node(root, "10.7554/eLife.06828")
    assert xp(node, "cr:titles/cr:title/cr:i/text()") == ["Cis", "trans"]
    assert text(node, "cr:titles/cr:title").startswith("Cis and trans RET signaling")
    assert text(node, "ai:program/ai:license_ref/@start_date") == "2015-04-14"


# -- made-up articles for the edges -----------------------------------------------------


@needs_schema
def test_articles_with_and_without_an_issue_go_in_separate_journal_elements(
    journal, issue, make_article
):
    other_issue = Issue.objects.create(journal=journal, volume="32", number="1", year=2024)
    first, second = make_article(), make_article()
    later = make_article(issue=other_issue)
    loose = make_article(issue=None, first_page="", last_page="", elocation_id="e1001")
    root = valid(build(rows(first, second, later, loose)))

    journals = xp(root, "cr:body/cr:journal")
    assert len(journals) == 3
    by_doi = {tuple(xp(j, "cr:journal_article/cr:doi_data/cr:doi/text()")): j for j in journals}
    assert set(by_doi) == {(first.doi, second.doi), (later.doi,), (loose.doi,)}
    assert text(by_doi[(later.doi,)], "cr:journal_issue/cr:journal_volume/cr:volume") == "32"
    assert text(by_doi[(later.doi,)], "cr:journal_issue/cr:publication_date/cr:year") == "2024"
    no_issue = by_doi[(loose.doi,)]
    assert not xp(no_issue, "cr:journal_issue")
    assert text(no_issue, "cr:journal_metadata/cr:full_title") == "Test Journal"
    assert text(no_issue, "cr:journal_article/cr:publisher_item/cr:item_number") == "e1001"
    assert not xp(no_issue, "cr:journal_article/cr:pages")


@needs_schema
def test_hostile_strings_come_out_escaped_and_valid(make_article):
    long_title = "Long title " * 1000 + "<script>alert('x')</script> & \x01end\x1f"
    article = make_article(
        title=long_title,
        title_html="",
        subtitle="]]> <!-- not a comment --> &lt; \x02",
        language="EN-gb",
        funding=[{"funder_name": "Fonds & <Stiftung>", "funder_id": "", "award_ids": ["A&B"]}],
        abstracts=[{"type": "", "title": "Abstract & <b>", "html": "<p>x &lt; y &amp; z</p>"}],
    )
    Contributor.objects.create(
        article=article,
        position=5,
        given_names="Zoë\x0b Ann",
        surname="O'Brien & <Sons>\x07",
        affiliations=[{"text": "</institution_name><evil/> & Co", "institution": ""}],
    )
    Contributor.objects.create(article=article, position=6, collab="<b>Consortium</b> & Partners")
    Reference.objects.create(
        article=article, position=0, ref_id="a b\x03", original_text="<![CDATA[ x ]]> & <i>"
    )
    (article,) = rows(article)
    xml = build([article])
    root = valid(xml)
    assert b"<script" not in xml and b"<evil" not in xml and b"<![CDATA[" not in xml
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)

    node = article_node(root, article.doi)
    title = " ".join(long_title.split()).replace("\x01", "").replace("\x1f", "")
    assert text(node, "cr:titles/cr:title") == title and len(title) > 10_000
    assert text(node, "cr:titles/cr:subtitle") == "]]> <!-- not a comment --> &lt;"
    assert node.get("language") == "en"
    person = xp(node, 'cr:contributors/cr:person_name[cr:surname="O\'Brien & <Sons>"]')[0]
    assert text(person, "cr:given_name") == "Zoë Ann"
    assert text(person, ".//cr:institution_name") == "</institution_name><evil/> & Co"
    assert text(node, "cr:contributors/cr:organization") == "<b>Consortium</b> & Partners"
    assert text(node, "jats:abstract/jats:title") == "Abstract & <b>"
    assert text(node, "jats:abstract/jats:p") == "x < y & z"
    assert text(node, "fr:program/fr:assertion[@name='funder_name']") == "Fonds & <Stiftung>"
    citation = xp(node, "cr:citation_list/cr:citation")[0]
    assert citation.get("key") == "a b"
    assert text(citation, "cr:unstructured_citation") == "<![CDATA[ x ]]> & <i>"


@needs_schema
def test_characters_xml_forbids_are_dropped_even_from_memory(make_article):
    article = make_article(authors=1, references=1)
    (article,) = rows(article)
    # NUL and lone surrogates never reach a database; a caller's objects may still hold them.
    article.title, article.title_html = "A\x00B \ud800C \ufffe", ""
    article.contributors.all()[0].surname = "Sur\x00name"
    article.references.all()[0].article_title = "Cited\x00 work"
    root = valid(build([article]))
    node = article_node(root, article.doi)
    assert text(node, "cr:titles/cr:title") == "AB C"
    assert text(node, "cr:contributors/cr:person_name/cr:surname") == "Surname"
    assert text(node, "cr:citation_list/cr:citation/cr:article_title") == "Cited work"


@needs_schema
def test_title_face_markup_and_unicode(make_article):
    article = make_article(
        title="ignored when title_html is set",
        title_html=(
            "<script>alert(1)</script><i>Salmonella</i> &amp; <em>E. coli</em> in "
            "H<sub>2</sub>O at 10<sup>−3</sup> M: <b>bold</b> <strong>strong</strong> "
            '<sc>dna</sc> <a href="javascript:alert(1)">link</a> <u>under</u> '
            "<math><mi>x</mi><mo>+</mo><mn>1</mn></math> 🧬 مرحبا e\u0301"
        ),
    )
    (article,) = rows(article)
    xml = build([article])
    root = valid(xml)
    title = xp(article_node(root, article.doi), "cr:titles/cr:title")[0]
    assert xp(title, "cr:i/text()") == ["Salmonella", "E. coli"]
    assert xp(title, "cr:b/text()") == ["bold", "strong"]
    assert xp(title, "cr:sub/text()") == ["2"] and xp(title, "cr:sup/text()") == ["−3"]
    assert xp(title, "cr:scp/text()") == ["dna"] and xp(title, "cr:u/text()") == ["under"]
    assert "".join(title.itertext()) == (
        "Salmonella & E. coli in H2O at 10−3 M: bold strong dna link under x+1 🧬 مرحبا e\u0301"
    )
    assert b"alert" not in xml and b"javascript" not in xml


@needs_schema
def test_group_authors_orcid_roles_and_affiliations(make_article):
    article = make_article(authors=0)
    people = [
        dict(collab="The Cancer Genome Atlas Research Network"),
        dict(given_names="Ann", surname="Lee", orcid="0000-0002-1825-0097"),
        dict(given_names="Bo", surname="Chen", orcid="0000-0002-1694-233x"),
        dict(given_names="Cy", surname="Bad", orcid="0000-0002-1825-0098"),  # wrong check digit
        dict(given_names="Plato", surname=""),
        dict(given_names="Dee", surname="Editor", role="senior_editor"),
        dict(given_names="Ed", surname="Drawer", role="illustrator"),
        dict(
            given_names="Flo",
            surname="Ror",
            affiliations=[
                {
                    "text": "Dept of Physics, University of Example, Town, Country",
                    "institution": "University of Example",
                    "country": "Country",
                    "ror": "https://ror.org/05gq02987",
                },
                {"text": "Independent scholar"},
                {"text": "Independent scholar"},
            ],
        ),
    ]
    for position, fields in enumerate(people):
        Contributor.objects.create(article=article, position=position, **fields)
    (article,) = rows(article)
    article.contributors.all()[2].orcid = "https://orcid.org/0000-0002-1694-233x"  # as pasted
    node = article_node(valid(build([article])), article.doi)

    contributors = xp(node, "cr:contributors/*")
    assert [etree.QName(c).localname for c in contributors[:2]] == ["organization", "person_name"]
    group = contributors[0]
    assert group.text == "The Cancer Genome Atlas Research Network"
    assert (group.get("sequence"), group.get("contributor_role")) == ("first", "author")
    assert all(c.get("sequence") == "additional" for c in contributors[1:])
    orcids = xp(node, "cr:contributors/cr:person_name/cr:ORCID")
    assert [o.text for o in orcids] == [
        "https://orcid.org/0000-0002-1825-0097",
        "https://orcid.org/0000-0002-1694-233X",
    ]
    assert {o.get("authenticated") for o in orcids} == {"false"}
    assert not xp(node, "cr:contributors/cr:person_name[cr:surname='Bad']/cr:ORCID")
    plato = xp(node, "cr:contributors/cr:person_name[cr:surname='Plato']")[0]
    assert not xp(plato, "cr:given_name")
    editor = xp(node, "cr:contributors/cr:person_name[cr:surname='Editor']")[0]
    assert editor.get("contributor_role") == "editor"
    assert not xp(node, "cr:contributors/cr:person_name[cr:surname='Drawer']")
    institutions = xp(node, "cr:contributors/cr:person_name[cr:surname='Ror']//cr:institution")
    assert len(institutions) == 2  # the repeated affiliation once
    assert text(institutions[0], "cr:institution_name") == "University of Example"
    assert text(institutions[0], "cr:institution_id[@type='ror']") == "https://ror.org/05gq02987"
    assert text(institutions[0], "cr:institution_department") == "Dept of Physics"
    assert text(institutions[1], "cr:institution_name") == "Independent scholar"


@needs_schema
def test_funding_with_and_without_funder_ids(make_article):
    many = make_article(
        funding=[
            {
                "funder_name": "National Science Foundation",
                "funder_id": "10.13039/100000001",
                "award_ids": ["CBET-1"],
            },
            {
                "funder_name": "National Science Foundation",
                "funder_id": "10.13039/100000001",
                "award_ids": ["CBET-2", "CBET-1"],
            },
            {
                "funder_name": "Wellcome Trust",
                "funder_id": "https://doi.org/10.13039/100004440",
                "award_ids": ["W1"],
            },
            {"funder_name": "Local Charity", "funder_id": "", "award_ids": []},
            {"funder_name": "Not In The Registry", "funder_id": "10.5555/123", "award_ids": []},
            {"funder_name": "", "funder_id": "", "award_ids": ["orphan"]},
        ]
    )
    single = make_article(
        funding=[{"funder_name": "EEA Grants", "funder_id": "", "award_ids": ["35/2021"]}]
    )
    none = make_article(funding=[])
    root = valid(build(rows(many, single, none)))

    groups = xp(article_node(root, many.doi), "fr:program/fr:assertion[@name='fundgroup']")
    funders = {
        xp(g, "fr:assertion[@name='funder_name']/text()")[0].strip(): (
            xp(g, ".//fr:assertion[@name='funder_identifier']/text()"),
            xp(g, "fr:assertion[@name='award_number']/text()"),
        )
        for g in groups
    }
    assert funders == {
        "National Science Foundation": (
            ["https://doi.org/10.13039/100000001"],
            ["CBET-1", "CBET-2"],
        ),
        "Wellcome Trust": (["https://doi.org/10.13039/100004440"], ["W1"]),
        "Local Charity": ([], []),
        "Not In The Registry": ([], []),
    }
    program = xp(article_node(root, single.doi), "fr:program")[0]
    assert not xp(program, "fr:assertion[@name='fundgroup']")
    assert xp(program, "fr:assertion/@name") == ["funder_name", "award_number"]
    assert not xp(article_node(root, none.doi), "fr:program")


@needs_schema
def test_licence_and_free_to_read(journal, make_article):
    cc_by = "https://creativecommons.org/licenses/by/4.0/"
    open_access = make_article(is_open_access=True, license_url=cc_by)
    licensed_only = make_article(license_url="https://example.org/licence/tdm")
    free = make_article(is_free_to_read=True)
    closed = make_article()
    root = valid(build(rows(open_access, licensed_only, free, closed)))

    node = article_node(root, open_access.doi)
    assert xp(node, "ai:program[@name='AccessIndicators']/ai:free_to_read")
    licence = xp(node, "ai:program/ai:license_ref")[0]
    assert (licence.text, licence.get("applies_to"), licence.get("start_date")) == (
        cc_by,
        "vor",
        "2023-10-05",
    )
    node = article_node(root, licensed_only.doi)
    assert xp(node, "ai:program/ai:license_ref") and not xp(node, "ai:program/ai:free_to_read")
    node = article_node(root, free.doi)
    assert xp(node, "ai:program/ai:free_to_read") and not xp(node, "ai:program/ai:license_ref")
    assert not xp(article_node(root, closed.doi), "ai:program")

    journal.is_open_access = True
    journal.save()
    (closed,) = rows(closed)
    assert xp(article_node(valid(build([closed])), closed.doi), "ai:program/ai:free_to_read")


@needs_schema
def test_references_with_and_without_dois(make_article):
    article = make_article()
    references = [
        dict(
            ref_id="b1",
            authors=[["Smith", "J"], ["Jones", "K"]],
            article_title="Cited work",
            source="Cited Journal",
            year="2001a",
            volume="3",
            issue="2",
            first_page="10",
            doi="https://doi.org/10.1000/XYZ.1",
        ),
        dict(
            ref_id="b2",
            authors=[["Doe", "A"]],
            source="Other Journal",
            year="c. 1999",
            volume="7",
            elocation_id="e42",
        ),
        dict(original_text="Smith J. A talk I once heard. Somewhere, 2001."),
        dict(
            ref_id="b1",
            collab="WHO",
            article_title="Report",
            source="Some Journal",
            year="n.d.",
            doi="not a doi",
        ),
        dict(
            ref_id="b5",
            publication_type="book",
            authors=[["Knuth", "D"]],
            source="The Art of Computer Programming",
            year="1968",
            volume="1",
            doi="https://dx.doi.org/10.1000%2Fbook",
        ),
        dict(
            ref_id="b6",
            publication_type="data",
            authors=[["Lab", "X"]],
            article_title="Raw reads",
            source="GEO",
            year="2015",
            doi="doi:10.5061/dryad.1",
            original_text="Lab X 2015 Raw reads GEO GSE1234",
        ),
        dict(),  # nothing at all: left out
    ]
    for position, fields in enumerate(references):
        Reference.objects.create(article=article, position=position, **fields)
    (article,) = rows(article)
    citations = xp(article_node(valid(build([article])), article.doi), "cr:citation_list/*")

    def fields(citation) -> dict[str, str]:
        return {etree.QName(c).localname: c.text for c in citation}

    assert [c.get("key") for c in citations] == ["b1", "b2", "ref2", "b1-2", "b5", "b6"]
    assert fields(citations[0]) == {
        "journal_title": "Cited Journal",
        "author": "Smith",
        "volume": "3",
        "issue": "2",
        "first_page": "10",
        "cYear": "2001",
        "doi": "10.1000/XYZ.1",
        "article_title": "Cited work",
    }
    assert fields(citations[1]) == {
        "journal_title": "Other Journal",
        "author": "Doe",
        "volume": "7",
        "elocation_id": "e42",
        "cYear": "1999",
    }
    assert fields(citations[2]) == {
        "unstructured_citation": "Smith J. A talk I once heard. Somewhere, 2001."
    }
    assert fields(citations[3]) == {
        "journal_title": "Some Journal",
        "author": "WHO",
        "article_title": "Report",
    }
    assert fields(citations[4])["volume_title"] == "The Art of Computer Programming"
    assert fields(citations[4])["doi"] == "10.1000/book"
    assert fields(citations[5]) == {
        "author": "Lab",
        "cYear": "2015",
        "doi": "10.5061/dryad.1",
        "article_title": "Raw reads",
        "unstructured_citation": "Lab X 2015 Raw reads GEO GSE1234",
    }


def test_doi_normalisation():
    assert deposit_doi(" https://doi.org/10.1000/ABC ") == "10.1000/ABC"
    assert deposit_doi("http://dx.doi.org/10.1000%2Fabc") == "10.1000/abc"
    assert deposit_doi("DOI: 10.1000/x") == "10.1000/x"
    assert deposit_doi("10.1000/a b") == ""
    assert deposit_doi("10.12/short-prefix") == ""
    assert deposit_doi("") == ""


@needs_schema
def test_structured_abstract_becomes_jats_sections(make_article):
    article = make_article(
        abstracts=[
            {  # listed first, deposited after the main abstract
                "type": "graphical",
                "title": "",
                "html": "<h3>Objective</h3><p>A</p><h3>Results</h3><p>B <b>b</b></p>",
            },
            {
                "type": "",
                "title": "Abstract",
                "html": (
                    '<section class="abstract-section"><h3>Background</h3>'
                    "<p>Why <i>this</i> and H<sub>2</sub>O.</p></section>"
                    "<section><h3>Methods</h3><p>How.</p><ul><li>one</li><li>two</li></ul>"
                    "</section><p>A closing note.</p>"
                ),
            },
            {"type": "teaser", "title": "", "html": "<p>  </p>"},  # empty: left out
        ]
    )
    (article,) = rows(article)
    node = article_node(valid(build([article])), article.doi)

    main, graphical = xp(node, "jats:abstract")
    assert main.get("abstract-type") is None and text(main, "jats:title") == "Abstract"
    assert xp(main, "jats:sec/jats:title/text()") == ["Background", "Methods"]
    assert not xp(main, "jats:p")  # paragraphs after a section stay inside it (JATS order)
    background, methods = xp(main, "jats:sec")
    assert xp(background, "jats:p/jats:italic/text()") == ["this"]
    assert xp(background, "jats:p/jats:sub/text()") == ["2"]
    assert xp(methods, "jats:p/jats:list[@list-type='bullet']/jats:list-item/jats:p/text()") == [
        "one",
        "two",
    ]
    assert xp(methods, "jats:p/text()")[-1] == "A closing note."
    assert graphical.get("abstract-type") == "graphical"
    assert xp(graphical, "jats:sec/jats:title/text()") == ["Objective", "Results"]
    assert xp(graphical, "jats:sec[2]/jats:p/jats:bold/text()") == ["b"]


@needs_schema
def test_values_are_cut_to_the_schema_limits(journal, make_article):
    journal.title = "T" * 400
    journal.abbreviation = "A" * 200
    journal.save()
    article = make_article(authors=0, elocation_id="e" * 64)
    Contributor.objects.create(
        article=article,
        given_names="G" * 80,
        surname="S" * 100,
        suffix="Suffix-longer-than-ten",
        affiliations=[{"text": "I" * 2000}],
    )
    Contributor.objects.create(
        article=article, position=1, surname="Smith 2nd 3rd", given_names="?"
    )
    (article,) = rows(article)
    root = valid(build([article]))
    assert len(text(root, "//cr:full_title")) == 255
    assert len(text(root, "//cr:abbrev_title")) == 150
    node = article_node(root, article.doi)
    assert len(text(node, "cr:publisher_item/cr:item_number")) == 32
    first = xp(node, "cr:contributors/cr:person_name")[0]
    assert (len(text(first, "cr:given_name")), len(text(first, "cr:surname"))) == (60, 60)
    assert text(first, "cr:suffix") == "Suffix-lon"
    assert len(text(first, ".//cr:institution_name")) == 1024
    second = xp(node, "cr:contributors/cr:person_name")[1]
    assert not xp(second, "cr:given_name")  # "?" is no name


def test_head_requires_a_non_negative_integer_timestamp(make_article):
    articles = rows(make_article())
    for bad in (-1, True, "20261101", 1.5):
        with pytest.raises(ValueError):
            build(articles, timestamp=bad)
    root = etree.fromstring(build(articles, timestamp=0, batch_id="  b\x01-" + "x" * 200))
    assert root.get("version") == "5.3.1"
    assert text(root, "cr:head/cr:timestamp") == "0"
    assert text(root, "cr:head/cr:doi_batch_id") == "b-" + "x" * 98


@needs_schema
def test_language_codes_crossref_does_not_list_are_left_out(make_article):
    portuguese, unknown = make_article(language="pt-BR"), make_article(language="xx")
    root = valid(build(rows(portuguese, unknown)))
    assert article_node(root, portuguese.doi).get("language") == "pt"
    assert article_node(root, unknown.doi).get("language") is None
