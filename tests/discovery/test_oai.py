"""The OAI-PMH repository at /oai, as a harvester sees it: every response is checked against
the OAI-PMH 2.0 schema offline (oai_dc records against oai_dc.xsd; JATS records against the
JATS Journal Publishing schema that the Crossref set bundles)."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.utils import timezone
from lxml import etree

from masthead.catalog.models import Article, Contributor, Issue, Journal
from masthead.discovery import oai_tokens
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db
OAI_DIR = SHARED / "oai-pmh"
JATS_XSD = SHARED / "crossref" / "schema-5.3.1" / "JATS-journalpublishing1.xsd"
NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "j": "https://jats.nlm.nih.gov/ns/archiving/1.3/",
    "xlink": "http://www.w3.org/1999/xlink",
}
BASE = "http://127.0.0.1:8000/oai"
REPO = "masthead.invalid"
UTC = dt.UTC

# -- offline validation ----------------------------------------------------------------------
# OAI-PMH.xsd checks <metadata> and <description> strictly, so one wrapper schema imports it
# with every schema the records use: oai_dc (whose imports are mapped to the local copies),
# the oai-identifier description (written out below from the protocol's guidelines), and,
# for the JATS namespace, a declaration that lets the envelope through; each JATS <article>
# is then validated on its own against the JATS schema.
OAI_IDENTIFIER_XSD = b"""<schema xmlns="http://www.w3.org/2001/XMLSchema"
  targetNamespace="http://www.openarchives.org/OAI/2.0/oai-identifier"
  xmlns:i="http://www.openarchives.org/OAI/2.0/oai-identifier" elementFormDefault="qualified">
 <element name="oai-identifier"><complexType><sequence>
  <element name="scheme"><simpleType><restriction base="Name"><pattern value="oai"/>
   </restriction></simpleType></element>
  <element name="repositoryIdentifier"><simpleType><restriction base="string">
   <pattern value="[a-zA-Z][a-zA-Z0-9\\-]*(\\.[a-zA-Z][a-zA-Z0-9\\-]*)+"/></restriction>
   </simpleType></element>
  <element name="delimiter"><simpleType><restriction base="string"><pattern value=":"/>
   </restriction></simpleType></element>
  <element name="sampleIdentifier"><simpleType><restriction base="string"><pattern
   value="oai:[a-zA-Z][a-zA-Z0-9\\-]*(\\.[a-zA-Z][a-zA-Z0-9\\-]*)+:[a-zA-Z0-9\\-_\\.!~\\*'\\(\\);/\\?:@&amp;=\\+$,%]+"/>
   </restriction></simpleType></element>
 </sequence></complexType></element>
</schema>"""
JATS_ENVELOPE_XSD = b"""<schema xmlns="http://www.w3.org/2001/XMLSchema"
  targetNamespace="https://jats.nlm.nih.gov/ns/archiving/1.3/" elementFormDefault="qualified">
 <element name="article"><complexType><sequence>
  <any namespace="##any" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
 </sequence><anyAttribute processContents="skip"/></complexType></element>
</schema>"""
WRAPPER_XSD = f"""<schema xmlns="http://www.w3.org/2001/XMLSchema">
 <import namespace="http://www.openarchives.org/OAI/2.0/"
   schemaLocation="{(OAI_DIR / "OAI-PMH.xsd").as_uri()}"/>
 <import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
   schemaLocation="{(OAI_DIR / "oai_dc.xsd").as_uri()}"/>
 <import namespace="http://www.openarchives.org/OAI/2.0/oai-identifier"
   schemaLocation="local:oai-identifier.xsd"/>
 <import namespace="https://jats.nlm.nih.gov/ns/archiving/1.3/" schemaLocation="local:jats.xsd"/>
</schema>""".encode()


class LocalSchemas(etree.Resolver):
    def resolve(self, url, pubid, context):
        files = {
            "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
            "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
        }
        if url in files:
            return self.resolve_filename(str(OAI_DIR / files[url]), context)
        strings = {
            "local:oai-identifier.xsd": OAI_IDENTIFIER_XSD,
            "local:jats.xsd": JATS_ENVELOPE_XSD,
        }
        if url in strings:
            return self.resolve_string(strings[url], context)
        return None


def _schema(data: bytes | None, path=None) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(LocalSchemas())
    doc = etree.parse(str(path), parser) if path else etree.fromstring(data, parser).getroottree()
    return etree.XMLSchema(doc)


@pytest.fixture(scope="module")
def schemas():
    if not (OAI_DIR / "OAI-PMH.xsd").is_file() or not JATS_XSD.is_file():
        pytest.skip(f"no OAI-PMH or JATS schemas under {SHARED}")
    return _schema(WRAPPER_XSD), _schema(None, JATS_XSD)


def validate(content: bytes, schemas) -> etree._Element:
    envelope, jats = schemas
    root = etree.fromstring(content)
    envelope.assertValid(root)
    for article in root.xpath("//j:article", namespaces=NS):
        jats.assertValid(as_jats_1_0(article))
    return root


def as_jats_1_0(article: etree._Element) -> etree._Element:
    """Our JATS 1.3 front in the namespace and version of the bundled JATS 1.0 schema.
    The two later elements we use give way to their 1.0 forms: <institution-wrap> (1.1) to
    its <institution>, and <pub-date-not-available/> (1.2) to a pub-date of year 0."""
    copy = etree.fromstring(etree.tostring(article))
    for wrap in copy.xpath("//j:institution-wrap", namespaces=NS):
        institution = wrap.find("j:institution", NS)
        institution.tail = wrap.tail
        wrap.getparent().replace(wrap, institution)
    for missing in copy.xpath("//j:pub-date-not-available", namespaces=NS):
        missing.tag = f"{{{NS['j']}}}pub-date"
        etree.SubElement(missing, f"{{{NS['j']}}}year").text = "0"
    target = "http://www.ncbi.nlm.nih.gov/JATS1"
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{" + NS["j"]):
            node.tag = f"{{{target}}}{etree.QName(node).localname}"
    copy.set("dtd-version", "1.0")
    etree.cleanup_namespaces(copy)
    return copy


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def oai(client, schemas):
    def get(**arguments):
        response = client.get("/oai", arguments)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        return validate(response.content, schemas)

    return get


def error_of(root) -> tuple[str, dict]:
    errors = root.findall("o:error", NS)
    assert errors, etree.tostring(root)
    return errors[0].get("code"), dict(root.find("o:request", NS).attrib)


def identifiers(root) -> list[str]:
    return root.xpath("//o:header/o:identifier/text()", namespaces=NS)


def token_of(root) -> etree._Element | None:
    return root.find(".//o:resumptionToken", NS)


def oai_id(article) -> str:
    return f"oai:{REPO}:{article.doi}"


def set_times(article, updated: dt.datetime) -> None:
    Article.objects.filter(pk=article.pk).update(updated_at=updated)


# -- Identify, formats, sets -----------------------------------------------------------------


def test_identify_describes_the_repository(oai, make_article):
    article = make_article(published_online=dt.date(2020, 1, 1))
    set_times(article, dt.datetime(2021, 5, 6, 7, 8, 9, 500, tzinfo=UTC))
    root = oai(verb="Identify")
    assert root.findtext("o:request", namespaces=NS) == BASE
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:baseURL", namespaces=NS) == BASE
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "transient"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("o:earliestDatestamp", namespaces=NS) == "2021-05-06T07:08:09Z"
    assert identify.findtext("o:adminEmail", namespaces=NS) == f"admin@{REPO}"
    assert root.xpath("//*[local-name()='repositoryIdentifier']/text()") == [REPO]


def test_the_repository_id_and_admin_email_come_from_settings(oai, settings, make_article):
    settings.MASTHEAD_OAI_REPOSITORY_ID = "journals.example.org"
    settings.MASTHEAD_OAI_ADMIN_EMAIL = "oai@example.org"
    article = make_article()
    root = oai(verb="Identify")
    assert root.findtext(".//o:adminEmail", namespaces=NS) == "oai@example.org"
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert identifiers(root) == [f"oai:journals.example.org:{article.doi}"]
    settings.MASTHEAD_OAI_REPOSITORY_ID = ""
    settings.MASTHEAD_BASE_URL = "https://press.example.com"
    assert identifiers(oai(verb="ListIdentifiers", metadataPrefix="oai_dc")) == [
        f"oai:press.example.com:{article.doi}"
    ]


def test_metadata_formats_for_the_repository_and_for_one_record(oai, make_article):
    article = make_article()
    for arguments in ({}, {"identifier": oai_id(article)}):
        root = oai(verb="ListMetadataFormats", **arguments)
        prefixes = root.xpath("//o:metadataPrefix/text()", namespaces=NS)
        assert prefixes == ["oai_dc", "jats"]
    root = oai(verb="ListMetadataFormats", identifier=f"oai:{REPO}:10.5555/nothing")
    assert error_of(root)[0] == "idDoesNotExist"


def test_sets_are_journals_and_their_issues(oai, settings, journal, issue, make_article):
    Journal.objects.filter(pk=journal.pk).update(title="Test <Journal> & Co")
    Issue.objects.create(journal=journal, volume="12", number="Suppl 1", title="A special")
    Issue.objects.create(journal=journal, volume="12", number="Suppl_1")
    root = oai(verb="ListSets")
    sets = dict(
        zip(
            root.xpath("//o:setSpec/text()", namespaces=NS),
            root.xpath("//o:setName/text()", namespaces=NS),
            strict=True,
        )
    )
    assert sets == {
        "tj": "Test <Journal> & Co",
        "tj:31_4": "Test <Journal> & Co, Volume 31, Issue 4",
        "tj:12_Suppl~201": "Test <Journal> & Co, Volume 12, Issue Suppl 1: A special",
        "tj:12_Suppl~5F1": "Test <Journal> & Co, Volume 12, Issue Suppl_1",
    }
    settings.MASTHEAD_OAI_PAGE_SIZE = 3
    first = oai(verb="ListSets")
    token = token_of(first)
    assert (token.get("cursor"), token.get("completeListSize")) == ("0", "4")
    rest = oai(verb="ListSets", resumptionToken=token.text)
    assert (
        len(first.xpath("//o:set", namespaces=NS)) + len(rest.xpath("//o:set", namespaces=NS)) == 4
    )
    assert token_of(rest).text is None and token_of(rest).get("cursor") == "3"


# -- records -----------------------------------------------------------------------------------


@pytest.fixture
def rich(make_article):
    article = make_article(
        authors=2,
        pmid="31234567",
        title="A <i>rich</i> record",
        title_html="A <i>rich</i> record",
        keywords=["ribosome", "translation"],
        license_url="https://creativecommons.org/licenses/by/4.0/",
        license_html="<p>This work is licensed under CC BY 4.0.</p>",
        copyright_statement="© 2023 The Authors",
        received=dt.date(2023, 1, 2),
        accepted=dt.date(2023, 5, 6),
        is_open_access=True,
        abstracts=[
            {"type": "", "title": "Abstract", "html": "<p>We <b>show</b> x<sup>2</sup>.</p>"}
        ],
    )
    Contributor.objects.filter(article=article, position=0).update(
        affiliations=[
            {
                "text": "Dept of Biology, Univ of Testing, Testville, UK",
                "institution": "Univ of Testing",
                "ror": "https://ror.org/02abcde12",
            }
        ],
        is_corresponding=True,
    )
    return article


def test_oai_dc_records_carry_what_a_catalogue_needs(oai, rich):
    root = oai(verb="GetRecord", identifier=oai_id(rich), metadataPrefix="oai_dc")
    dc = root.find(".//oai_dc:dc", NS)

    def values(name):
        return dc.xpath(f"dc:{name}/text()", namespaces=NS)

    assert values("title") == ["A <i>rich</i> record"]  # the plain title, escaped as text
    assert values("creator") == ["Surname0, Given0", "Surname1, Given1"]
    assert values("subject") == ["ribosome", "translation"]
    assert values("description") == ["We show x 2 ."]
    assert values("publisher") == ["Test Press"]
    assert values("date") == ["2023-10-05"]
    assert f"http://127.0.0.1:8000/doi/abs/{rich.doi}" in values("identifier")
    assert f"https://doi.org/{rich.doi}" in values("identifier")
    assert "info:pmid/31234567" in values("identifier")
    assert values("source") == [
        "Test Journal; Vol. 31, No. 4 (2023); 703-717",
        "ISSN 5555-0010",
        "ISSN 5555-0029",
    ]
    assert "info:eu-repo/semantics/openAccess" in values("rights")
    header = root.find(".//o:header", NS)
    assert header.xpath("o:setSpec/text()", namespaces=NS) == ["tj", "tj:31_4"]


def test_jats_records_carry_the_front_matter(oai, rich):
    root = oai(verb="GetRecord", identifier=oai_id(rich), metadataPrefix="jats")
    meta = root.find(".//j:article/j:front/j:article-meta", NS)

    def text(path):
        return meta.xpath(path, namespaces=NS)

    assert root.xpath(
        "//j:journal-meta/j:journal-title-group/j:journal-title/text()", namespaces=NS
    ) == ["Test Journal"]
    assert root.xpath("//j:journal-meta/j:issn/text()", namespaces=NS) == ["5555-0010", "5555-0029"]
    assert text("j:article-id[@pub-id-type='doi']/text()") == [rich.doi]
    assert text("j:article-id[@pub-id-type='pmid']/text()") == ["31234567"]
    assert text("string(j:title-group/j:article-title)") == "A rich record"
    assert text("j:title-group/j:article-title/j:italic/text()") == ["rich"]
    first = meta.find("j:contrib-group/j:contrib", NS)
    assert first.get("corresp") == "yes"
    assert first.findtext("j:contrib-id[@contrib-id-type='orcid']", namespaces=NS) == (
        "https://orcid.org/0000-0002-1825-0097"
    )
    assert first.findtext("j:name/j:surname", namespaces=NS) == "Surname0"
    aff = first.find("j:aff", NS)
    assert aff.text == "Dept of Biology, "
    assert aff.findtext("j:institution-wrap/j:institution", namespaces=NS) == "Univ of Testing"
    assert aff.find("j:institution-wrap", NS).tail == ", Testville, UK"
    assert aff.findtext(".//j:institution-id[@institution-id-type='ror']", namespaces=NS) == (
        "https://ror.org/02abcde12"
    )
    assert text("j:pub-date[@date-type='pub']/@iso-8601-date") == ["2023-10-05"]
    assert [text(f"j:{tag}/text()") for tag in ("volume", "issue", "fpage", "lpage")] == [
        ["31"], ["4"], ["703"], ["717"],
    ]  # fmt: skip
    assert text("j:history/j:date[@date-type='accepted']/j:year/text()") == ["2023"]
    assert text("j:permissions/j:license/@xlink:href") == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]
    assert text("j:permissions/j:copyright-statement/text()") == ["© 2023 The Authors"]
    assert text("j:abstract/j:p/j:bold/text()") == ["show"]
    assert text("j:kwd-group/j:kwd/text()") == ["ribosome", "translation"]


def test_jats_takes_pages_or_an_e_location_and_says_when_no_date_is_known(
    oai, journal, make_article
):
    paged = make_article(elocation_id="e1234")
    numbered = make_article(first_page="", last_page="", elocation_id="e5678")
    undated = make_article(issue=None, published_online=None)
    root = oai(verb="ListRecords", metadataPrefix="jats")  # all three valid JATS
    metas = root.xpath("//j:article-meta", namespaces=NS)
    assert metas[0].xpath("j:fpage/text()", namespaces=NS) == ["703"]
    assert metas[0].find("j:elocation-id", NS) is None  # one or the other
    assert metas[1].xpath("j:elocation-id/text()", namespaces=NS) == ["e5678"]
    assert identifiers(root) == [oai_id(a) for a in (paged, numbered, undated)]


def test_only_visible_articles_are_records_and_unpublished_ones_are_deleted(oai, make_article):
    shown = make_article()
    withdrawn = make_article()
    embargoed = make_article(published_online=timezone.now().date() + dt.timedelta(days=30))
    withdrawn.is_published = False
    withdrawn.save()
    root = oai(verb="ListRecords", metadataPrefix="oai_dc")
    assert identifiers(root) == [oai_id(shown), oai_id(withdrawn)]
    deleted = root.xpath("//o:record[o:header/@status='deleted']", namespaces=NS)
    assert [r.findtext("o:header/o:identifier", namespaces=NS) for r in deleted] == [
        oai_id(withdrawn)
    ]
    assert deleted[0].find("o:metadata", NS) is None
    root = oai(verb="GetRecord", identifier=oai_id(embargoed), metadataPrefix="oai_dc")
    assert error_of(root)[0] == "idDoesNotExist"
    root = oai(verb="GetRecord", identifier=oai_id(withdrawn), metadataPrefix="jats")
    assert root.find(".//o:header", NS).get("status") == "deleted"


def test_get_record_finds_a_doi_in_any_case_and_only_in_this_repository(oai, make_article):
    article = make_article(doi="10.5555/Mixed.Case<1>")
    root = oai(
        verb="GetRecord",
        identifier=f"oai:{REPO}:10.5555/MIXED.CASE%3C1%3E",
        metadataPrefix="oai_dc",
    )
    assert identifiers(root) == [f"oai:{REPO}:10.5555/Mixed.Case%3C1%3E"]
    assert article.doi in root.xpath("//dc:identifier/text()", namespaces=NS)[1]
    others = (f"oai:other.example:{article.doi}", article.doi, f"oai:{REPO}:%FF", "oai:ü.example:x")
    for other in others:
        root = oai(verb="GetRecord", identifier=other, metadataPrefix="oai_dc")
        assert error_of(root)[0] == "idDoesNotExist"


def test_the_datestamp_moves_when_an_article_is_edited_or_its_embargo_lifts(oai, make_article):
    today = timezone.now().date()
    waiting = make_article(published_online=today + dt.timedelta(days=3))
    edited = make_article(published_online=dt.date(2020, 1, 1))
    set_times(waiting, dt.datetime(2022, 1, 1, tzinfo=UTC))
    set_times(edited, dt.datetime(2022, 1, 1, tzinfo=UTC))
    since = today.isoformat()
    assert error_of(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": since}))[0] == (
        "noRecordsMatch"
    )
    # The embargo lifts (the date comes; nothing else changes), and an editor saves the other.
    Article.objects.filter(pk=waiting.pk).update(published_online=today)
    edited.title = "Corrected"
    edited.save()
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": since})
    assert identifiers(root) == [oai_id(waiting), oai_id(edited)]
    stamps = root.xpath("//o:datestamp/text()", namespaces=NS)
    assert stamps[0] == f"{since}T00:00:00Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamps[1]) and stamps[1] >= stamps[0]


def test_from_and_until_at_day_and_second_granularity(oai, make_article):
    early, late = make_article(), make_article()
    set_times(early, dt.datetime(2024, 3, 1, 12, 0, 0, 700_000, tzinfo=UTC))
    set_times(late, dt.datetime(2024, 3, 2, 8, 0, 0, tzinfo=UTC))

    def listed(**window):
        root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **window)
        if root.find("o:error", NS) is not None:
            return error_of(root)[0]
        return identifiers(root)

    assert listed(until="2024-03-01") == [oai_id(early)]
    assert listed(**{"from": "2024-03-02"}) == [oai_id(late)]
    assert listed(**{"from": "2024-03-01", "until": "2024-03-02"}) == [oai_id(early), oai_id(late)]
    # Seconds granularity: until is inclusive at the second the datestamp shows.
    assert listed(until="2024-03-01T12:00:00Z") == [oai_id(early)]
    assert listed(until="2024-03-01T11:59:59Z") == "noRecordsMatch"
    assert listed(**{"from": "2024-03-01T12:00:01Z"}) == [oai_id(late)]
    assert listed(**{"from": "2024-03-02T08:00:00Z", "until": "2024-03-02T08:00:00Z"}) == [
        oai_id(late)
    ]
    assert listed(**{"from": "2024-03-03", "until": "2024-03-01"}) == "badArgument"
    assert listed(**{"from": "2024-03-01", "until": "2024-03-02T00:00:00Z"}) == "badArgument"
    assert listed(until="9999-12-31") == [oai_id(early), oai_id(late)]


def test_set_selects_a_journal_or_one_issue(oai, journal, issue, make_article):
    in_issue = make_article()
    other_issue = Issue.objects.create(journal=journal, volume="32", number="")
    in_other = make_article(issue=other_issue)
    other_journal = Journal.objects.create(publisher=journal.publisher, code="oj", title="Other")
    elsewhere = make_article(journal=other_journal, issue=None)

    def listed(spec):
        root = oai(verb="ListRecords", metadataPrefix="oai_dc", set=spec)
        return identifiers(root) if root.find("o:error", NS) is None else error_of(root)[0]

    assert listed("tj") == [oai_id(in_issue), oai_id(in_other)]
    assert listed("tj:31_4") == [oai_id(in_issue)]
    assert listed("tj:32") == [oai_id(in_other)]
    assert listed("oj") == [oai_id(elsewhere)]
    assert listed("tj:99_1") == "noRecordsMatch"
    assert listed("tj:31_4:x") == "noRecordsMatch"
    assert listed("tj issue") == "badArgument"


# -- lists in pages ----------------------------------------------------------------------------


def harvest(oai, verb="ListRecords", **arguments) -> tuple[list[str], list[etree._Element]]:
    root = oai(verb=verb, **arguments)
    found, tokens = identifiers(root), [token_of(root)]
    while tokens[-1] is not None and tokens[-1].text:
        root = oai(verb=verb, resumptionToken=tokens[-1].text)
        found += identifiers(root)
        tokens.append(token_of(root))
    return found, tokens


def test_lists_come_in_pages_with_resumption_tokens(oai, settings, make_article):
    settings.MASTHEAD_OAI_PAGE_SIZE = 2
    articles = [make_article() for _ in range(5)]
    found, tokens = harvest(oai, metadataPrefix="jats")
    assert found == [oai_id(a) for a in articles]
    assert [(t.get("cursor"), t.get("completeListSize")) for t in tokens] == [
        ("0", "5"), ("2", "5"), ("4", "5"),
    ]  # fmt: skip
    assert all(t.get("expirationDate") for t in tokens[:2]) and tokens[2].text is None
    expires = dt.datetime.strptime(tokens[0].get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ")
    assert expires.replace(tzinfo=UTC) > dt.datetime.now(UTC)
    found, _ = harvest(oai, "ListIdentifiers", metadataPrefix="oai_dc", set="tj:31_4")
    assert found == [oai_id(a) for a in articles]


def test_a_harvest_neither_skips_nor_repeats_when_articles_change_meanwhile(
    oai, settings, make_article
):
    settings.MASTHEAD_OAI_PAGE_SIZE = 3
    originals = [make_article() for _ in range(7)]
    for article in originals:
        set_times(article, dt.datetime(2024, 1, 1, tzinfo=UTC))
    first = oai(verb="ListRecords", metadataPrefix="oai_dc")
    seen = identifiers(first)
    # While the harvester is away: new articles, an edit to one already sent and to one
    # not sent yet (both datestamps move past every other), and an unpublished article.
    added = [make_article() for _ in range(3)]
    for article in (originals[0], originals[5]):
        article.title = "Edited"
        article.save()
    originals[4].is_published = False
    originals[4].save()
    token, titles, deleted = token_of(first).text, [], []
    while token:
        root = oai(verb="ListRecords", resumptionToken=token)
        seen += identifiers(root)
        titles += root.xpath("//dc:title/text()", namespaces=NS)
        deleted += root.xpath("//o:header[@status='deleted']/o:identifier/text()", namespaces=NS)
        token = token_of(root).text
    assert sorted(seen) == sorted(oai_id(a) for a in originals)  # each once, no newcomer
    assert not set(seen) & {oai_id(a) for a in added}
    assert "Edited" in titles and deleted == [oai_id(originals[4])]  # as they are now
    # The next incremental harvest, from the first response's date, picks up the rest.
    since = first.findtext("o:responseDate", namespaces=NS)
    found, _ = harvest(oai, metadataPrefix="oai_dc", **{"from": since})
    changed = (originals[0], originals[4], originals[5], *added)
    assert sorted(found) == sorted(oai_id(a) for a in changed)


def test_pages_take_a_constant_number_of_queries(
    client, settings, make_article, django_assert_max_num_queries
):
    settings.MASTHEAD_OAI_PAGE_SIZE = 10
    for authors in (1, 8, 3, 20):
        make_article(authors=authors)
    with django_assert_max_num_queries(3):  # the list's size, the page, its contributors
        first = client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "jats"})
    assert first.content.count(b"<contrib ") == 32
    for _ in range(20):
        make_article(authors=5)
    page = etree.fromstring(
        client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "jats"}).content
    )
    with django_assert_max_num_queries(2):
        client.get("/oai", {"verb": "ListRecords", "resumptionToken": token_of(page).text})


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "badVerb"),
        ("verb=Dance", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=jats", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T10:00:00", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&until=2024-01-01T25:00:00Z", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-30", "badArgument"),
        ("verb=ListRecords&metadataPrefix=marc%3Cxml%3E", "badArgument"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=ListIdentifiers&metadataPrefix=mods", "cannotDisseminateFormat"),
        ("verb=GetRecord&metadataPrefix=oai_dc", "badArgument"),
        (
            "verb=GetRecord&identifier=oai:masthead.invalid:10.5555/none&metadataPrefix=oai_dc",
            "idDoesNotExist",
        ),
        ("verb=GetRecord&identifier=has%20space&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListRecords&resumptionToken=abc&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListRecords&resumptionToken=abc", "badResumptionToken"),
        ("verb=ListRecords&resumptionToken=", "badResumptionToken"),
        ("verb=ListSets&resumptionToken=%00%01%C3%BF", "badResumptionToken"),
        ("verb=GetRecord&resumptionToken=abc", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2000-01-01&until=2000-01-02",
            "noRecordsMatch",
        ),
    ],
)
def test_bad_requests_get_the_protocols_errors(client, schemas, make_article, query, code):
    make_article()
    response = client.get(f"/oai?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    found, echoed = error_of(validate(response.content, schemas))
    assert found == code
    if code in ("badVerb", "badArgument"):
        assert echoed == {}  # the base URL only (protocol 3.2)
    else:
        assert echoed["verb"]


def test_altered_forged_expired_or_misused_tokens_are_refused(
    oai, settings, make_article, monkeypatch
):
    settings.MASTHEAD_OAI_PAGE_SIZE = 1
    for _ in range(2):
        make_article()
    token = token_of(oai(verb="ListRecords", metadataPrefix="oai_dc")).text
    altered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    payload = {"verb": "ListRecords", "prefix": "oai_dc", "after": [0], "last": 10**9, "v": 1}
    forged = signing.TimestampSigner(salt="another-salt").sign_object(payload)
    for bad in (altered, forged, token + "x", token.replace(":", "", 1)):
        assert error_of(oai(verb="ListRecords", resumptionToken=bad))[0] == "badResumptionToken"
    assert error_of(oai(verb="ListIdentifiers", resumptionToken=token))[0] == "badResumptionToken"
    monkeypatch.setattr(oai_tokens, "LIFETIME", dt.timedelta(seconds=-1))  # a day later
    assert error_of(oai(verb="ListRecords", resumptionToken=token))[0] == "badResumptionToken"


def test_post_is_answered_like_get(client, schemas, make_article):
    article = make_article()
    response = client.post(
        "/oai",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + oai_id(article),
        content_type="application/x-www-form-urlencoded",
    )
    root = validate(response.content, schemas)
    assert identifiers(root) == [oai_id(article)]
    assert client.put("/oai").status_code == 405


def test_hostile_strings_come_out_escaped_and_valid(oai, make_article):
    nasty = 'Title <script>alert("x")</script> & \x07\x1b\ufffe end'
    article = make_article(
        title=nasty,
        title_html="<script>alert(1)</script><i>Title</i> \x0b",
        subtitle="\x01sub]]>title",
        keywords=["<b>kw</b>", "\x02"],
        abstracts=[{"type": "", "title": "", "html": "<p onclick='x()'>Text\x1f</p>"}],
    )
    Contributor.objects.filter(article=article).update(surname="O'Brien <&>", given_names="\x03")
    for prefix in ("oai_dc", "jats"):
        root = oai(verb="ListRecords", metadataPrefix=prefix)
        text = "".join(root.itertext())
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe]", text)
        assert not root.xpath("//*[local-name()='script']")
    root = oai(verb="GetRecord", identifier=oai_id(article), metadataPrefix="oai_dc")
    assert root.xpath("//dc:title/text()", namespaces=NS) == [
        'Title <script>alert("x")</script> & end: sub]]>title'
    ]
    assert root.xpath("//dc:creator/text()", namespaces=NS) == ["O'Brien <&>"]
