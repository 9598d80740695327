"""The pure parts of the OAI-PMH repository: arguments, dates, identifiers, setSpecs, tokens."""

import datetime as dt
import re

import pytest

from masthead.discovery import oai_tokens
from masthead.discovery.oai_protocol import (
    OaiError,
    Window,
    doi_of,
    issue_set_spec,
    oai_identifier,
    parse_request,
    parse_set_spec,
    window,
)

UTC = dt.UTC
# The oai-identifier syntax (OAI-PMH guidelines) and the schema's setSpecType.
OAI_IDENTIFIER = re.compile(
    r"oai:[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+:[a-zA-Z0-9\-_.!~*'();/?:@&=+$,%]+"
)
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")


def pairs(query: str) -> list[tuple[str, list[str]]]:
    found: dict[str, list[str]] = {}
    for part in filter(None, query.split("&")):
        name, _, value = part.partition("=")
        found.setdefault(name, []).append(value)
    return list(found.items())


def code_of(query: str) -> str:
    with pytest.raises(OaiError) as caught:
        parse_request(pairs(query))
    return caught.value.code


def test_a_request_is_its_verb_and_arguments():
    request = parse_request(pairs("verb=ListRecords&metadataPrefix=oai_dc&set=tj:31_4"))
    assert request.verb == "ListRecords"
    assert request.arguments == {"metadataPrefix": "oai_dc", "set": "tj:31_4"}
    assert parse_request(pairs("verb=ListSets&resumptionToken=x")).get("resumptionToken") == "x"


def test_verb_and_argument_errors():
    assert code_of("metadataPrefix=oai_dc") == "badVerb"
    assert code_of("verb=identify") == "badVerb"  # verbs are case-sensitive
    assert code_of("verb=Identify&verb=ListSets") == "badVerb"
    assert code_of("verb=ListSets&set=tj") == "badArgument"
    assert code_of("verb=GetRecord&identifier=oai:a.b:1") == "badArgument"
    assert code_of("verb=ListIdentifiers&metadataPrefix=oai_dc&set=") == "badArgument"
    assert code_of("verb=ListIdentifiers&resumptionToken=t&from=2024-01-01") == "badArgument"
    assert code_of("verb=ListRecords&metadataPrefix=oai_dc&set=a::b") == "badArgument"
    assert code_of("verb=ListMetadataFormats&identifier=a\x01b") == "badArgument"


def test_windows_take_days_or_seconds_in_utc_and_until_is_inclusive():
    assert window("", "") == Window(None, None)
    day = window("2024-03-01", "2024-03-02")
    assert day.start == dt.datetime(2024, 3, 1, tzinfo=UTC)
    assert day.end == dt.datetime(2024, 3, 3, tzinfo=UTC)
    second = window("2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z")
    assert second.end - second.start == dt.timedelta(seconds=1)
    assert window("", "9999-12-31").end is None  # no overflow
    for start, until in (
        ("2024-03-02", "2024-03-01"),
        ("2024-03-01", "2024-03-01T00:00:00Z"),
        ("2024-03-01T10:00:00+01:00", ""),
        ("2024-3-1", ""),
        ("", "2024-03-01T10:00Z"),
        ("0000-01-01", ""),
    ):
        with pytest.raises(OaiError) as caught:
            window(start, until)
        assert caught.value.code == "badArgument"


@pytest.mark.parametrize(
    "doi",
    [
        "10.5555/test.1",
        "10.1002/(SICI)1097-4636(199706)35:3<369::AID-JBM12>3.0.CO;2-E",
        '10.5555/with space#and%percent[]{}|\\^`"',
        "10.5555/ünïcode/日本",
    ],
)
def test_oai_identifiers_fit_the_syntax_and_give_back_the_doi(doi):
    identifier = oai_identifier("press.example.org", doi)
    assert OAI_IDENTIFIER.fullmatch(identifier)
    assert doi_of("press.example.org", identifier) == doi
    assert doi_of("PRESS.example.org", identifier) == doi  # domain names ignore case
    assert doi_of("other.example.org", identifier) is None


def test_identifiers_of_other_schemes_name_nothing():
    for identifier in (
        "10.5555/x",
        "oai:press.example.org",
        "oai:press.example.org:",
        "doi:10.1/x",
    ):
        assert doi_of("press.example.org", identifier) is None


@pytest.mark.parametrize(
    ("volume", "number"),
    [("31", "4"), ("31", ""), ("", "4"), ("", ""), ("12", "Suppl 1"), ("12", "Suppl_1"),
     ("1~2", "3:4"), ("Ⅻ", "été"), ("1_2", "")],
)  # fmt: skip
def test_issue_set_specs_fit_the_schema_and_read_back(volume, number):
    spec = issue_set_spec("tj", volume, number)
    assert SET_SPEC.fullmatch(spec), spec
    assert parse_set_spec(spec) == ("tj", (volume, number))


def test_distinct_issues_never_share_a_set_spec():
    issues = [("1", "2"), ("1_2", ""), ("1", "_2"), ("12", ""), ("1", "2 "), ("1 ", "2")]
    assert len({issue_set_spec("tj", *issue) for issue in issues}) == len(issues)
    assert parse_set_spec("tj") == ("tj", None)
    assert parse_set_spec("tj:1~ZZ") is None and parse_set_spec("tj:a:b") is None
    assert parse_set_spec("tj:~FF") is None  # not UTF-8


def test_tokens_round_trip_and_refuse_the_wrong_verb():
    position = oai_tokens.Position("ListRecords", "jats", "tj", "2024-01-01", "", (42,), 99, 7, 3)
    token = oai_tokens.issue(position)
    assert re.fullmatch(r"[A-Za-z0-9_\-:.]+", token)  # no escaping needed in a URL
    assert oai_tokens.read(token, "ListRecords") == position
    with pytest.raises(OaiError) as caught:
        oai_tokens.read(token, "ListIdentifiers")
    assert caught.value.code == "badResumptionToken"
