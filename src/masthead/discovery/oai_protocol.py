"""OAI-PMH 2.0 requests as plain data: the verbs, their arguments, dates, identifiers and
setSpecs. Pure Python; every refusal is an `OaiError` carrying the protocol's error code.

The rules are the protocol's (openarchives.org/OAI/openarchivesprotocol.html, 3.1 and 3.6):
a missing, repeated or unknown verb is badVerb; a repeated, unknown, missing or malformed
argument is badArgument, and so is a resumptionToken given with any argument but the
verb. Dates are UTC, "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ"; `from` and `until` must use
the same one, and `from` may not come after `until`. Values are checked against the
patterns of the response schema as well, because the response echoes them in <request>.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

VERBS = {
    # verb: (required, optional); a verb with None may take a resumptionToken instead.
    "Identify": ((), ()),
    "ListMetadataFormats": ((), ("identifier",)),
    "ListSets": ((), ()),
    "GetRecord": (("identifier", "metadataPrefix"), ()),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set")),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set")),
}
RESUMABLE = frozenset({"ListSets", "ListIdentifiers", "ListRecords"})
SECONDS = "YYYY-MM-DDThh:mm:ssZ"
DAY = "YYYY-MM-DD"

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# Patterns of the OAI-PMH response schema (metadataPrefixType, setSpecType) and of the
# oai-identifier syntax (repositoryIdentifier; the local part's URI characters).
_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
REPOSITORY_ID = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")
_LOCAL_SAFE = "-_.!~*'();/?:@&=+$,"
# What <request identifier="..."> (xs:anyURI) can carry: no spaces or control characters.
_URI_LIKE = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]{1,1000}")


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def echoes_arguments(self) -> bool:
        """After badVerb and badArgument, <request> carries the base URL only (3.2)."""
        return self.code not in ("badVerb", "badArgument")


@dataclass(frozen=True)
class OaiRequest:
    verb: str
    arguments: dict[str, str]  # every argument but the verb, as given

    def get(self, name: str) -> str:
        return self.arguments.get(name, "")


@dataclass(frozen=True)
class Window:
    """The datestamps a list covers: start <= datestamp < end (either may be open)."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None


def parse_request(pairs: Iterable[tuple[str, list[str]]]) -> OaiRequest:
    """The request's verb and arguments, from (name, [values]) pairs as a QueryDict gives."""
    given = {name: values for name, values in pairs}
    verbs = given.pop("verb", [])
    if len(verbs) != 1:
        raise OaiError("badVerb", "The verb argument is missing or repeated.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", "Not an OAI-PMH verb.")
    repeated = sorted(name for name, values in given.items() if len(values) != 1)
    if repeated:
        raise OaiError("badArgument", f"Repeated argument: {', '.join(repeated)}.")
    arguments = {name: values[0] for name, values in given.items()}
    required, optional = VERBS[verb]
    if "resumptionToken" in arguments and verb in RESUMABLE:
        if len(arguments) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return OaiRequest(verb, arguments)
    unknown = sorted(set(arguments) - set(required) - set(optional))
    if unknown:
        raise OaiError("badArgument", f"Illegal argument for {verb}: {', '.join(unknown)}.")
    missing = [name for name in required if not arguments.get(name)]
    if missing:
        raise OaiError("badArgument", f"Missing argument: {', '.join(missing)}.")
    empty = sorted(name for name, value in arguments.items() if not value)
    if empty:
        raise OaiError("badArgument", f"Empty argument: {', '.join(empty)}.")
    _check_values(arguments)
    return OaiRequest(verb, arguments)


def _check_values(arguments: dict[str, str]) -> None:
    if "metadataPrefix" in arguments and not _PREFIX.fullmatch(arguments["metadataPrefix"]):
        raise OaiError("badArgument", "metadataPrefix has characters no prefix can have.")
    if "set" in arguments and not _SET_SPEC.fullmatch(arguments["set"]):
        raise OaiError("badArgument", "set is not a setSpec.")
    if "identifier" in arguments and not _URI_LIKE.fullmatch(arguments["identifier"]):
        raise OaiError("badArgument", "identifier is not a URI.")
    window(arguments.get("from", ""), arguments.get("until", ""))


def window(start: str, until: str) -> Window:
    """The datestamps `from`/`until` cover; badArgument if either is not a UTC date or
    datetime, if their granularities differ, or if from comes after until."""
    first = _parse_date("from", start) if start else None
    last = _parse_date("until", until) if until else None
    if first and last:
        if len(start) != len(until):
            raise OaiError("badArgument", "from and until must have the same granularity.")
        if first > last:
            raise OaiError("badArgument", "from comes after until.")
    end = None
    if last is not None:
        step = dt.timedelta(days=1) if len(until) == len(DAY) else dt.timedelta(seconds=1)
        try:
            end = last + step  # until is inclusive at its granularity
        except OverflowError:
            end = None
    return Window(first, end)


def _parse_date(name: str, value: str) -> dt.datetime:
    try:
        if _DAY.fullmatch(value):
            day = dt.date.fromisoformat(value)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        if _SECONDS.fullmatch(value):
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return moment.replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    raise OaiError("badArgument", f"{name} is not a date ({DAY}) or a UTC time ({SECONDS}).")


def datestamp(moment: dt.datetime) -> str:
    """A datestamp at seconds granularity: YYYY-MM-DDThh:mm:ssZ."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- identifiers and sets ------------------------------------------------------------------


def oai_identifier(repository_id: str, doi: str) -> str:
    """oai:<repository-id>:<DOI>, with characters a URI cannot hold %-escaped."""
    return f"oai:{repository_id}:{quote(doi, safe=_LOCAL_SAFE)}"


def doi_of(repository_id: str, identifier: str) -> str | None:
    """The DOI an oai-identifier of this repository names, or None."""
    scheme, _, rest = identifier.partition(":")
    namespace, colon, local = rest.partition(":")
    if scheme != "oai" or not colon or not local or namespace.lower() != repository_id.lower():
        return None
    return unquote(local, errors="strict") if _decodes(local) else None


def _decodes(local: str) -> bool:
    try:
        unquote(local, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


# A setSpec level may hold [A-Za-z0-9-_.!~*'()]: "_" separates volume and number, and
# "~XX" escapes every other character (UTF-8 bytes), so distinct issues never collide.
_SET_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!*'()")
_ESCAPED = re.compile(r"~([0-9A-F]{2})")


def issue_set_spec(journal_code: str, volume: str, number: str) -> str:
    """<journal code>:<volume>_<number> (no "_<number>" for an issue without a number)."""
    level = _escape(volume)
    if number or not volume:
        level += "_" + _escape(number)
    return f"{journal_code}:{level}"


def parse_set_spec(spec: str) -> tuple[str, tuple[str, str] | None] | None:
    """(journal code, (volume, number) or None for the journal's own set), or None."""
    parts = spec.split(":")
    if len(parts) == 1:
        return parts[0], None
    if len(parts) != 2:
        return None
    volume, _, number = parts[1].partition("_")
    volume, number = _unescape(volume), _unescape(number)
    if volume is None or number is None:
        return None
    return parts[0], (volume, number)


def _escape(text: str) -> str:
    return "".join(
        char if char in _SET_SAFE else "".join(f"~{byte:02X}" for byte in char.encode())
        for char in text
    )


def _unescape(text: str) -> str | None:
    if "~" in _ESCAPED.sub("", text):
        return None
    raw = bytearray()
    position = 0
    for found in _ESCAPED.finditer(text):
        raw += text[position : found.start()].encode()
        raw.append(int(found.group(1), 16))
        position = found.end()
    raw += text[position:].encode()
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return None
