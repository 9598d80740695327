"""The OAI-PMH repository at /oai: each verb's answer, from the request's arguments.

`answer(pairs)` parses the request (oai_protocol), asks the catalog (oai_records) and
writes the document (oai_xml with oai_dc / oai_jats). Errors are the protocol's, in a
200 response; nothing a harvester sends can make it fail otherwise.

- Identifiers are oai:<MASTHEAD_OAI_REPOSITORY_ID>:<DOI>. Without that setting, the
  host of MASTHEAD_BASE_URL is the repository id when it is a domain name, else
  "masthead.invalid" (the oai-identifier syntax wants a domain name, and 127.0.0.1 or
  localhost are not one).
- deletedRecord is `transient`: an unpublished article is reported deleted, but staff
  can also delete an article outright in the admin, which leaves nothing to report, so
  the repository cannot promise to keep every deletion ("persistent").
- Sets: one per journal (its code) and one per issue under it ("tj:31_4"); `set=` takes
  either. noSetHierarchy only answers ListSets on a platform with no journal yet.
- noMetadataFormats never applies: every record is disseminated in both formats.
- Lists come MASTHEAD_OAI_PAGE_SIZE records at a time, with signed resumption tokens
  (oai_tokens) and keyset pages over the article id (oai_records.page).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from masthead.discovery import oai_dc, oai_jats, oai_records, oai_tokens, oai_xml
from masthead.discovery.oai_protocol import (
    REPOSITORY_ID,
    OaiError,
    OaiRequest,
    doi_of,
    oai_identifier,
    parse_request,
    window,
)
from masthead.discovery.oai_tokens import Position
from masthead.discovery.oai_xml import Repository, Resumption
from masthead.discovery.sitemaps import absolute

FORMATS = {
    "oai_dc": (oai_dc.FORMAT, oai_dc.oai_dc),
    "jats": (oai_jats.FORMAT, oai_jats.jats_front),
}
FALLBACK_REPOSITORY_ID = "masthead.invalid"
_EMAIL = re.compile(r"\S+@(\S+\.)+\S+")


def answer(pairs: Iterable[tuple[str, list[str]]]) -> bytes:
    """The response document to a request's (name, [values]) pairs."""
    now = timezone.now()
    try:
        request = parse_request(pairs)
    except OaiError as error:
        return oai_xml.response(base_url(), now, None, [error])
    echo = {"verb": request.verb, **request.arguments}
    try:
        content = _VERBS[request.verb](request, now)
    except OaiError as error:
        return oai_xml.response(base_url(), now, echo if error.echoes_arguments else None, [error])
    return oai_xml.response(base_url(), now, echo, content)


# -- configuration -------------------------------------------------------------------------


def base_url() -> str:
    return absolute(reverse("discovery:oai"))


def repository_id() -> str:
    configured = getattr(settings, "MASTHEAD_OAI_REPOSITORY_ID", "")
    if configured:
        return configured
    host = urlsplit(settings.MASTHEAD_BASE_URL).hostname or ""
    return host if REPOSITORY_ID.fullmatch(host) else FALLBACK_REPOSITORY_ID


def admin_emails() -> tuple[str, ...]:
    """MASTHEAD_OAI_ADMIN_EMAIL (comma-separated), else the sender of the site's e-mail
    if it is an address the schema takes (noreply@localhost is not), else one we make."""
    configured = getattr(settings, "MASTHEAD_OAI_ADMIN_EMAIL", "").split(",")
    found = tuple(e.strip() for e in configured if _EMAIL.fullmatch(e.strip()))
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return found or ((sender,) if _EMAIL.fullmatch(sender) else (f"admin@{repository_id()}",))


def page_size() -> int:
    return max(1, int(getattr(settings, "MASTHEAD_OAI_PAGE_SIZE", 100)))


# -- verbs ---------------------------------------------------------------------------------


def identify(request: OaiRequest, now: dt.datetime) -> etree._Element:
    repository = Repository(
        name=settings.MASTHEAD_SITE_NAME,
        base_url=base_url(),
        admin_emails=admin_emails(),
        earliest=oai_records.earliest_datestamp(),
        repository_id=repository_id(),
        sample_identifier=oai_identifier(repository_id(), "10.5555/12345678"),
    )
    return oai_xml.identify(repository)


def list_metadata_formats(request: OaiRequest, now: dt.datetime) -> etree._Element:
    if request.get("identifier"):
        _find(request.get("identifier"), metadata=False)
    return oai_xml.list_metadata_formats(fmt for fmt, _ in FORMATS.values())


def get_record(request: OaiRequest, now: dt.datetime) -> etree._Element:
    writer = _writer(request.get("metadataPrefix"))
    article = _find(request.get("identifier"), metadata=True)
    record = oai_records.record_of(article, repository_id(), metadata=True)
    return oai_xml.get_record(record, writer)


def list_sets(request: OaiRequest, now: dt.datetime) -> etree._Element:
    token = request.get("resumptionToken")
    position = (
        oai_tokens.read(token, request.verb) if "resumptionToken" in request.arguments else None
    )
    keyed = oai_records.all_sets()
    if not keyed:
        raise OaiError("noSetHierarchy", "There are no journals yet, so no sets.")
    after = position.after if position else (0, 0)
    rest = [(key, info) for key, info in keyed if key > after]
    chosen = rest[: page_size()]
    if not chosen:
        raise OaiError("badResumptionToken", "The list of sets has changed; start again.")
    cursor = position.cursor if position else 0
    resumption = None
    if len(rest) > len(chosen):
        nxt = Position(
            request.verb, after=chosen[-1][0], total=len(keyed), cursor=cursor + len(chosen)
        )
        resumption = Resumption(
            oai_tokens.issue(nxt), cursor, len(keyed), oai_tokens.expiration(now)
        )
    elif position:
        resumption = Resumption("", cursor, len(keyed))
    return oai_xml.list_sets((info for _, info in chosen), resumption)


def list_records(request: OaiRequest, now: dt.datetime) -> etree._Element:
    return _list(request, now, metadata=True)


def list_identifiers(request: OaiRequest, now: dt.datetime) -> etree._Element:
    return _list(request, now, metadata=False)


def _list(request: OaiRequest, now: dt.datetime, *, metadata: bool) -> etree._Element:
    if "resumptionToken" in request.arguments:
        position = oai_tokens.read(request.get("resumptionToken"), request.verb)
        writer = _writer(position.prefix, token=True)
        records = oai_records.matching(window(position.start, position.until), position.set_spec)
    else:
        writer = _writer(request.get("metadataPrefix"))
        records = oai_records.matching(
            window(request.get("from"), request.get("until")), request.get("set")
        )
        total, last = oai_records.extent(records)
        if not total:
            raise OaiError("noRecordsMatch", "No records match these arguments.")
        position = Position(
            request.verb,
            prefix=request.get("metadataPrefix"),
            set_spec=request.get("set"),
            start=request.get("from"),
            until=request.get("until"),
            last=last,
            total=total,
        )
    size = page_size()
    rows = oai_records.page(records, position.after[0], position.last, size, metadata=metadata)
    more, rows = len(rows) > size, rows[:size]
    if not rows:
        raise OaiError("noRecordsMatch", "No records are left in this list.")
    cursor = position.cursor
    total = max(position.total, cursor + len(rows) + more)  # records published meanwhile
    resumption = None
    if more:
        nxt = replace(position, after=(rows[-1].pk,), total=total, cursor=cursor + len(rows))
        resumption = Resumption(oai_tokens.issue(nxt), cursor, total, oai_tokens.expiration(now))
    elif cursor:
        resumption = Resumption("", cursor, total)
    records_out = [oai_records.record_of(row, repository_id(), metadata=metadata) for row in rows]
    if metadata:
        return oai_xml.list_records(records_out, writer, resumption)
    return oai_xml.list_identifiers((r.header for r in records_out), resumption)


def _writer(prefix: str, token: bool = False):
    if prefix not in FORMATS:
        if token:
            raise OaiError("badResumptionToken", "The resumptionToken names no known format.")
        raise OaiError("cannotDisseminateFormat", f"No metadata format {prefix!r} here.")
    return FORMATS[prefix][1]


def _find(identifier: str, *, metadata: bool):
    doi = doi_of(repository_id(), identifier)
    article = oai_records.find(doi, metadata=metadata) if doi else None
    if article is None:
        raise OaiError("idDoesNotExist", "No record has this identifier.")
    return article


_VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
