"""Crossref's answers, as recorded (tests/citations/recorded/README.md), read by the parsers."""

import copy
import json
import os
from pathlib import Path

import pytest
from lxml import etree

from masthead.citations import crossref_xml
from masthead.citations.crossref_xml import (
    CrossrefAuthError,
    CrossrefError,
    CrossrefUnavailable,
    ForwardLink,
    RecordOutcome,
    parse_deposit_response,
    parse_forward_links,
    parse_submission_log,
    parse_work,
)
from masthead.citations.works import CitingWork
from tests.citations.replay import recorded

# The project's reference data lives in ../shared beside the checkout (MASTHEAD_SHARED to move it).
SHARED = Path(os.environ.get("MASTHEAD_SHARED", Path(__file__).resolve().parents[3] / "shared"))
QUERY_OUTPUT_XSD = SHARED / "crossref" / "crossref_query_output3.0.xsd"
QRSCHEMA = "http://www.crossref.org/qrschema/3.0"


def cited_by(body: str, cited: str = "10.5555/demo.2023.0001") -> bytes:
    """A getForwardLinks answer in the 3.0 output schema around one forward_link's children."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<crossref_result xmlns="{QRSCHEMA}" '
        'version="3.0"><query_result><head><doi_batch_id>none</doi_batch_id></head><body>'
        f'<forward_link doi="{cited}">{body}</forward_link></body></query_result>'
        "</crossref_result>"
    ).encode()


def assert_valid(xml: bytes) -> None:
    """The answer is one Crossref's own output schema accepts (when shared/ is at hand)."""
    if not QUERY_OUTPUT_XSD.is_file():
        pytest.skip(f"no {QUERY_OUTPUT_XSD}")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    schema = etree.XMLSchema(etree.parse(str(QUERY_OUTPUT_XSD), parser))
    document = etree.fromstring(xml, parser)
    assert schema.validate(document), schema.error_log


# --- cited-by ---------------------------------------------------------------------------------


def test_the_documented_answer_for_one_doi():
    links = parse_forward_links(recorded("getForwardLinks_doi.xml"))

    assert links == [
        ForwardLink(
            "10.5555/demo.2023.0001",
            CitingWork(
                doi="10.1038/465864a",
                title="Metrics: A profusion of measures",
                authors=("Richard Van Noorden",),
                journal="Nature",
                year=2010,
                volume="465",
                issue="7300",
                first_page="864",
                kind="journal_article",
            ),
        ),
        ForwardLink(
            "10.5555/demo.2023.0001",
            CitingWork(
                doi="10.1016/j.wneu.2011.01.015",
                title="Finding a Way Through the Scientific Literature: Indexes and Measures",
                authors=("Thomas Jones", "Sarah Huggett", "Judith Kamalski"),
                journal="World Neurosurgery",
                year=2011,
                volume="76",
                issue="1-2",
                first_page="36",
                kind="journal_article",
            ),
        ),
    ]


def test_the_answer_for_a_prefix_and_a_window_in_the_current_schema():
    xml = recorded("getForwardLinks_prefix_window.xml")
    assert_valid(xml)

    links = parse_forward_links(xml)

    assert [link.cited_doi for link in links] == [
        "10.5555/demo.2023.0001",
        "10.5555/demo.2023.0001",
        "10.5555/demo.2023.0002",
        "10.5555/demo.2024.0007",  # answered in capitals, compared in lower case
    ]
    first = links[0].work
    assert first.journal == "Psychonomic Bulletin & Review"
    assert first.authors == ("Valeria Occelli", "Charles Spence", "Massimiliano Zampini")
    assert links[3].work.authors[0] == "Christina Rottbøll Andersen"
    assert links[3].work.doi == "10.1007/s12033-010-9353-7"


def test_every_kind_of_citing_work_in_the_output_schema():
    people = (
        '<contributors><contributor sequence="first" contributor_role="author">'
        "<given_name>Ana</given_name><surname>Silva</surname></contributor></contributors>"
    )
    xml = cited_by(
        '<conf_cite fl_count="0"><series_title>Lecture Notes</series_title>'
        "<volume_title>Proceedings of the Demo Conference</volume_title>"
        f"<paper_title>A paper</paper_title>{people}<first_page>12</first_page><year>2020</year>"
        "<publication_type>full_text</publication_type>"
        '<doi type="conference_paper">10.5555/CONF.1</doi></conf_cite>'
        '<book_cite fl_count="0"><series_title>Demo Series</series_title>'
        f"<volume_title>A Book</volume_title>{people}<year>2019</year>"
        "<publication_type>full_text</publication_type>"
        '<doi type="book_content">10.5555/book.1.ch3</doi></book_cite>'
        f"<book_cite><volume_title>Another Book</volume_title>{people}<year>2018</year>"
        '<publication_type>full_text</publication_type><doi type="book_title">10.5555/book.2'
        "</doi></book_cite>"
        f"<dissertation_cite><title>A thesis</title>{people}"
        "<institution_name>Demo University</institution_name><year>2017</year>"
        "<doi>10.5555/thesis.1</doi></dissertation_cite>"
        f"<report_cite><volume_title>A report</volume_title>{people}"
        "<institution_name>Demo Agency</institution_name><year>2016</year>"
        "<doi>10.5555/report.1</doi></report_cite>"
        f"<standard_cite><volume_title>A standard</volume_title>{people}<volume>2</volume>"
        "<year>2015</year><doi>10.5555/std.1</doi></standard_cite>"
        f"<database_cite><title>A dataset</title>{people}<year>2014</year>"
        "<doi>10.5555/data.1</doi></database_cite>"
        f"<postedcontent_cite><title>A preprint</title>{people}<year>2021</year>"
        "<doi>10.5555/preprint.1</doi></postedcontent_cite>"
    )
    assert_valid(xml)

    works = {link.work.doi: link.work for link in parse_forward_links(xml)}

    assert {doi: w.kind for doi, w in works.items()} == {
        "10.5555/conf.1": "conference_paper",
        "10.5555/book.1.ch3": "book_chapter",
        "10.5555/book.2": "book",
        "10.5555/thesis.1": "dissertation",
        "10.5555/report.1": "report",
        "10.5555/std.1": "standard",
        "10.5555/data.1": "dataset",
        "10.5555/preprint.1": "posted_content",
    }
    conference = works["10.5555/conf.1"]
    assert (conference.title, conference.journal) == (
        "A paper",
        "Proceedings of the Demo Conference",
    )
    assert (conference.first_page, conference.year) == ("12", 2020)
    assert (works["10.5555/book.1.ch3"].title, works["10.5555/book.1.ch3"].journal) == (
        "A Book",
        "Demo Series",
    )
    assert works["10.5555/thesis.1"].journal == "Demo University"
    assert works["10.5555/preprint.1"].title == "A preprint"
    assert all(w.authors == ("Ana Silva",) for w in works.values())


def test_authors_first_author_first_then_in_order_editors_left_out():
    xml = cited_by(
        "<journal_cite><article_title>T</article_title><contributors>"
        '<contributor sequence="additional" contributor_role="author">'
        "<given_name>Bo</given_name><surname>Berg</surname></contributor>"
        '<contributor sequence="additional" contributor_role="editor">'
        "<given_name>Ed</given_name><surname>Itor</surname></contributor>"
        '<contributor sequence="first" contributor_role="author">'
        "<given_name>Ana</given_name><surname>Silva</surname><suffix>Jr.</suffix></contributor>"
        '<contributor sequence="additional"><surname>Cho</surname></contributor>'
        "</contributors><year>2020</year><publication_type>full_text</publication_type>"
        "<doi>10.5555/x</doi></journal_cite>"
    )
    [link] = parse_forward_links(xml)
    assert link.work.authors == ("Ana Silva Jr.", "Bo Berg", "Cho")


def test_a_citing_work_without_a_doi_is_left_out():
    xml = cited_by(
        "<journal_cite><article_title>No DOI</article_title>"
        "<publication_type>full_text</publication_type><doi>not a doi</doi></journal_cite>"
        "<postedcontent_cite><title>Kept</title><doi>10.5555/kept</doi></postedcontent_cite>"
    )
    assert [link.work.title for link in parse_forward_links(xml)] == ["Kept"]


def test_a_byte_order_mark_is_fine():
    xml = b"\xef\xbb\xbf" + recorded("getForwardLinks_doi.xml")
    assert len(parse_forward_links(xml)) == 2


def test_an_answer_without_links_is_an_empty_list():
    xml = (
        f'<crossref_result xmlns="{QRSCHEMA}" version="3.0"><query_result><head>'
        "<doi_batch_id>none</doi_batch_id></head><body/></query_result></crossref_result>"
    ).encode()
    assert parse_forward_links(xml) == []


def test_an_unresolved_query_raises_with_crossrefs_message():
    xml = (
        f'<crossref_result xmlns="{QRSCHEMA}" version="3.0"><query_result><head>'
        '<doi_batch_id>none</doi_batch_id></head><body><query status="unresolved">'
        "<doi>10.5555/demo.2023.0009</doi><msg>DOI not found in CrossRef</msg></query>"
        "</body></query_result></crossref_result>"
    ).encode()
    with pytest.raises(CrossrefError, match="DOI not found in CrossRef") as caught:
        parse_forward_links(xml)
    assert not isinstance(caught.value, CrossrefAuthError)


def test_a_refused_login_is_an_auth_error():
    xml = cited_by("<msg>Authentication failed: incorrect username or password</msg>")
    with pytest.raises(CrossrefAuthError, match="Authentication failed"):
        parse_forward_links(xml)


def test_a_busy_system_is_unavailable():
    xml = (
        f'<crossref_result xmlns="{QRSCHEMA}" version="3.0"><query_result><head>'
        '<doi_batch_id>none</doi_batch_id></head><body><query status="system-too-busy">'
        "<doi>10.5555/demo.2023.0001</doi><msg>The system is too busy, try again later</msg>"
        "</query></body></query_result></crossref_result>"
    ).encode()
    with pytest.raises(CrossrefUnavailable, match="too busy"):
        parse_forward_links(xml)


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (
            b"<html><head><title>Error</title></head><body><h1>Login failed</h1></body></html>",
            CrossrefAuthError,
            "Login failed",
        ),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", CrossrefError, "Service"),
        (b"Internal error: query timed out", CrossrefError, "query timed out"),
        (b"", CrossrefError, "empty"),
        (b"<doi_batch_diagnostic/>", CrossrefError, "not a cited-by result"),
    ],
)
def test_an_answer_that_is_not_a_cited_by_result(body, error, message):
    with pytest.raises(error, match=message):
        parse_forward_links(body)


# --- hostile content ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE crossref_result [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE crossref_result [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE crossref_result [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
    ],
)
def test_entity_declarations_are_refused(doctype):
    xml = (
        f'<?xml version="1.0"?>\n{doctype}\n<crossref_result><query_result><body>'
        '<forward_link doi="10.5555/x"><journal_cite><article_title>&xxe;</article_title>'
        "<doi>10.5555/y</doi></journal_cite></forward_link></body></query_result>"
        "</crossref_result>"
    ).encode()
    with pytest.raises(CrossrefError, match="entities"):
        parse_forward_links(xml)
    with pytest.raises(CrossrefError, match="entities"):
        parse_submission_log(xml.replace(b"crossref_result", b"doi_batch_diagnostic"))


def test_markup_in_a_title_is_kept_as_text():
    xml = cited_by(
        "<journal_cite><journal_title>J &lt;b&gt;</journal_title>"
        "<article_title>&lt;script&gt;alert(1)&lt;/script&gt; Cited <i>in vivo</i></article_title>"
        "<publication_type>full_text</publication_type><doi>10.5555/x</doi></journal_cite>"
    )
    [link] = parse_forward_links(xml)
    assert link.work.title == "<script>alert(1)</script> Cited in vivo"
    assert link.work.journal == "J <b>"


def test_malformed_xml_is_an_error():
    with pytest.raises(CrossrefError, match="not well-formed"):
        parse_forward_links(b"<crossref_result><query_result></crossref_result>")


def test_an_oversized_document_is_refused(monkeypatch):
    monkeypatch.setattr(crossref_xml, "MAX_XML_BYTES", 1000)
    with pytest.raises(CrossrefError, match="too large"):
        parse_forward_links(recorded("getForwardLinks_prefix_window.xml"))


# --- deposits ----------------------------------------------------------------------------------


def test_the_documented_log_of_a_successful_deposit():
    result = parse_submission_log(recorded("submissionDownload_success.xml"))

    assert result.finished  # no status attribute in this example, but its counts are there
    assert (result.submission_id, result.batch_id) == ("9349810", "FINAL_001")
    assert result.records == [
        RecordOutcome("10.5555/second_conflict_003", "Success", "Successfully added")
    ]
    assert (result.success_count, result.warning_count, result.failure_count) == (1, 0, 0)
    assert result.record_count == 1


def test_a_log_with_a_success_and_a_failure():
    result = parse_submission_log(recorded("submissionDownload_failure.xml"))

    assert result.status == "completed" and result.finished
    assert (result.submission_id, result.batch_id) == ("394260418", "314668373.xml")
    assert [(r.doi, r.status) for r in result.records] == [
        ("10.5555/second_conflict_003", "Success"),
        ("10.5555/11111", "Failure"),
    ]
    assert result.records[1].message == (
        "Record not processed because submitted version: 20070904093839 is less or equal to "
        "previously submitted version (DOI match)"
    )
    assert (result.success_count, result.warning_count, result.failure_count) == (1, 0, 1)


@pytest.mark.parametrize("status", ["queued", "in_process", "unknown_submission"])
def test_a_log_of_a_batch_not_processed_yet(status):
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><doi_batch_diagnostic status="{status}">'
        "<submission_id>0</submission_id><batch_id>masthead-20261127-1</batch_id>"
        "</doi_batch_diagnostic>"
    ).encode()
    result = parse_submission_log(xml)
    assert result.status == status
    assert not result.finished
    assert result.records == []


def test_counts_missing_from_a_log_are_counted_from_its_records():
    xml = (
        b'<doi_batch_diagnostic status="completed"><batch_id>b</batch_id>'
        b'<record_diagnostic status="Warning"><doi>10.5555/A</doi><msg>Added with conflict</msg>'
        b'</record_diagnostic><record_diagnostic status="Failure" msg_id="45">'
        b"<doi>DOI not found</doi><msg>Error in Journal Article (Author ORCID)</msg>"
        b"</record_diagnostic></doi_batch_diagnostic>"
    )
    result = parse_submission_log(xml)
    assert result.records == [
        RecordOutcome("10.5555/a", "Warning", "Added with conflict"),
        RecordOutcome("", "Failure", "Error in Journal Article (Author ORCID)"),
    ]
    assert (result.success_count, result.warning_count, result.failure_count) == (0, 1, 1)
    assert result.record_count == 2


def test_a_login_page_instead_of_a_log():
    page = b"<html><body><p>Login failed: password incorrect</p></body></html>"
    with pytest.raises(CrossrefAuthError, match="Login failed"):
        parse_submission_log(page)


def test_the_deposit_endpoints_success_page():
    receipt = parse_deposit_response(recorded("deposit_success.html"))
    assert receipt.accepted
    assert receipt.message == "Your batch submission was successfully received."


def test_the_deposit_endpoints_failure_page():
    receipt = parse_deposit_response(recorded("deposit_failure_constructed.html"))
    assert not receipt.accepted
    assert receipt.message == "Login failed: the user name or password is not valid."


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"HTTP Status 500 - Request processing failed",
        b"<html><head><title>FAILURE</title></head><body><h2>FAILURE</h2>"
        b"<p>Your batch submission was successfully received.</p></body></html>",
    ],
)
def test_anything_but_success_is_not_an_acceptance(page):
    assert not parse_deposit_response(page).accepted


# --- the REST API -------------------------------------------------------------------------------


def work_message() -> dict:
    return json.loads(recorded("works_10.5555_12345678.json"))["message"]


def test_a_recorded_rest_work():
    assert parse_work(work_message()) == CitingWork(
        doi="10.5555/12345678",
        title="Toward a Unified Theory of High-Energy Metaphysics: Silly String Theory",
        authors=("Josiah Carberry",),
        journal="Journal of Psychoceramics",
        year=2008,
        volume="1",
        issue="1",
        first_page="",
        kind="journal_article",
    )


def test_rest_fields_in_their_other_forms():
    message = copy.deepcopy(work_message())
    del message["published"]  # "issued" has no year: the print date has it
    message.update(
        {
            "DOI": "https://doi.org/10.5555/ABC",
            "type": "book-chapter",
            "page": "11\u201319",
            "issued": {"date-parts": [[None]]},
            "published-print": {"date-parts": [[2009, 3]]},
            "author": [
                {"family": "Second", "given": "B.", "sequence": "additional"},
                {"name": "The Demo Consortium", "sequence": "first"},
                "not a person",
                {"given": 7},
            ],
            "title": ["<script>alert(1)</script>Cells"],
            "container-title": [],
        }
    )
    work = parse_work(message)
    assert work.doi == "10.5555/abc"
    assert work.kind == "book_chapter"
    assert work.first_page == "11"
    assert work.year == 2009
    assert work.authors == ("The Demo Consortium", "B. Second", "7")
    assert work.title == "<script>alert(1)</script>Cells"
    assert work.journal == ""


@pytest.mark.parametrize(
    "changes",
    [
        {"title": {"not": "a list"}, "volume": ["1"], "issue": None, "issued": "2008"},
        {"author": "Josiah", "container-title": "Journal of Psychoceramics", "page": 3},
        {"type": 12, "published": {"date-parts": "2008"}, "issued": {"date-parts": [["x"]]}},
    ],
)
def test_rest_fields_of_the_wrong_type_are_treated_as_missing(changes):
    message = {**work_message(), **changes}
    work = parse_work(message)
    assert work.doi == "10.5555/12345678"


def test_a_rest_work_without_a_doi_is_an_error():
    with pytest.raises(CrossrefError):
        parse_work({"title": ["No DOI"]})
    with pytest.raises(CrossrefError):
        parse_work(["not", "an", "object"])
