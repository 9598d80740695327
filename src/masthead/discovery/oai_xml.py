"""OAI-PMH 2.0 responses with lxml, from plain data (oai_model.py). No Django here.

Every response is <OAI-PMH> with <responseDate>, <request> (the base URL, and the
arguments unless the error was badVerb or badArgument) and either the verb's element or
one or more <error>s. Text passes through `deposit_markup.clean`, so characters XML 1.0
forbids never reach the document; lxml escapes the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree

from masthead.citations.deposit_markup import clean
from masthead.discovery.oai_model import ArticleData, Header, MetadataFormat, Record, SetInfo
from masthead.discovery.oai_protocol import OaiError, datestamp

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

MetadataWriter = Callable[[ArticleData], etree._Element]


@dataclass(frozen=True)
class Resumption:
    """The <resumptionToken> of an incomplete list; `token` "" on its last page."""

    token: str
    cursor: int
    total: int
    expires: dt.datetime | None = None


@dataclass(frozen=True)
class Repository:
    name: str
    base_url: str
    admin_emails: tuple[str, ...]
    earliest: dt.datetime
    repository_id: str
    sample_identifier: str
    deleted_record: str = "transient"
    granularity: str = "YYYY-MM-DDThh:mm:ssZ"


def response(
    base_url: str,
    now: dt.datetime,
    arguments: dict[str, str] | None,
    content: etree._Element | list[OaiError],
) -> bytes:
    """The whole document. `arguments` (verb included) go into <request>; None for none."""
    root = etree.Element(_o("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _text(root, "responseDate", datestamp(now))
    request = _text(root, "request", base_url)
    for name, value in sorted((arguments or {}).items()):
        request.set(name, clean(value))
    if isinstance(content, list):
        for error in content:
            _text(root, "error", error.message).set("code", error.code)
    else:
        root.append(content)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def identify(repository: Repository) -> etree._Element:
    element = etree.Element(_o("Identify"))
    _text(element, "repositoryName", repository.name)
    _text(element, "baseURL", repository.base_url)
    _text(element, "protocolVersion", "2.0")
    for email in repository.admin_emails:
        _text(element, "adminEmail", email)
    _text(element, "earliestDatestamp", datestamp(repository.earliest))
    _text(element, "deletedRecord", repository.deleted_record)
    _text(element, "granularity", repository.granularity)
    described = etree.SubElement(element, _o("description"))
    ns = OAI_IDENTIFIER_NS
    scheme = etree.SubElement(described, f"{{{ns}}}oai-identifier", nsmap={None: ns})
    scheme.set(f"{{{XSI_NS}}}schemaLocation", f"{ns} {OAI_IDENTIFIER_SCHEMA}")
    for tag, value in (
        ("scheme", "oai"),
        ("repositoryIdentifier", repository.repository_id),
        ("delimiter", ":"),
        ("sampleIdentifier", repository.sample_identifier),
    ):
        etree.SubElement(scheme, f"{{{ns}}}{tag}").text = value
    return element


def list_metadata_formats(formats: Iterable[MetadataFormat]) -> etree._Element:
    element = etree.Element(_o("ListMetadataFormats"))
    for item in formats:
        entry = etree.SubElement(element, _o("metadataFormat"))
        _text(entry, "metadataPrefix", item.prefix)
        _text(entry, "schema", item.schema)
        _text(entry, "metadataNamespace", item.namespace)
    return element


def list_sets(sets: Iterable[SetInfo], resumption: Resumption | None) -> etree._Element:
    element = etree.Element(_o("ListSets"))
    for item in sets:
        entry = etree.SubElement(element, _o("set"))
        _text(entry, "setSpec", item.spec)
        _text(entry, "setName", item.name)
    _resumption(element, resumption)
    return element


def get_record(record: Record, writer: MetadataWriter) -> etree._Element:
    element = etree.Element(_o("GetRecord"))
    element.append(_record(record, writer))
    return element


def list_records(
    records: Iterable[Record], writer: MetadataWriter, resumption: Resumption | None
) -> etree._Element:
    element = etree.Element(_o("ListRecords"))
    for record in records:
        element.append(_record(record, writer))
    _resumption(element, resumption)
    return element


def list_identifiers(headers: Iterable[Header], resumption: Resumption | None) -> etree._Element:
    element = etree.Element(_o("ListIdentifiers"))
    for header in headers:
        element.append(_header(header))
    _resumption(element, resumption)
    return element


def _record(record: Record, writer: MetadataWriter) -> etree._Element:
    element = etree.Element(_o("record"))
    element.append(_header(record.header))
    if not record.header.deleted and record.article is not None:
        etree.SubElement(element, _o("metadata")).append(writer(record.article))
    return element


def _header(header: Header) -> etree._Element:
    element = etree.Element(_o("header"))
    if header.deleted:
        element.set("status", "deleted")
    _text(element, "identifier", header.identifier)
    _text(element, "datestamp", datestamp(header.datestamp))
    for spec in header.set_specs:
        _text(element, "setSpec", spec)
    return element


def _resumption(parent: etree._Element, resumption: Resumption | None) -> None:
    if resumption is None:
        return
    element = _text(parent, "resumptionToken", resumption.token)
    element.set("cursor", str(resumption.cursor))
    if resumption.total > 0:
        element.set("completeListSize", str(resumption.total))
    if resumption.expires is not None and resumption.token:
        element.set("expirationDate", datestamp(resumption.expires))


def _o(tag: str) -> str:
    return f"{{{OAI_NS}}}{tag}"


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, _o(tag))
    element.text = clean(text) or None
    return element
