"""Resumption tokens: where an incomplete list goes on, signed so that nobody can forge one.

A token carries the whole state of a list request (nothing is stored on the server, so any
process on any host can answer the next page): the verb, the original arguments, the
keyset position (the last article id sent; for ListSets the last (journal, issue) ids),
the highest article id the list may hold (fixed at the first request, so the list is
finite), the size of the complete list and the cursor. It is signed with Django's
signing (SECRET_KEY, a salt of its own) and timestamped: an altered, forged or expired
token is badResumptionToken, never an error page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core import signing

from masthead.discovery.oai_protocol import OaiError

SALT = "masthead.discovery.oai.resumption"
LIFETIME = dt.timedelta(hours=24)
VERSION = 1


@dataclass(frozen=True)
class Position:
    verb: str
    prefix: str = ""  # metadataPrefix ("" for ListSets)
    set_spec: str = ""
    start: str = ""  # `from` and `until` as the harvester gave them
    until: str = ""
    after: tuple[int, ...] = (0,)  # the keyset position: last id(s) sent
    last: int = 0  # the highest article id in the list, fixed at the first request
    total: int = 0  # completeListSize
    cursor: int = 0  # how many items came before the next page


def issue(position: Position) -> str:
    payload = asdict(position) | {"after": list(position.after), "v": VERSION}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def expiration(issued: dt.datetime) -> dt.datetime:
    return issued + LIFETIME


def read(token: str, verb: str) -> Position:
    """The position a token holds, or badResumptionToken."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=LIFETIME.total_seconds()
        )
    except signing.SignatureExpired:
        raise OaiError("badResumptionToken", "The resumptionToken has expired.") from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise OaiError("badResumptionToken", "The resumptionToken is not valid.") from None
    try:
        if payload.pop("v") != VERSION:
            raise ValueError("another version")
        payload["after"] = tuple(int(n) for n in payload["after"])
        position = Position(**payload)
    except (AttributeError, KeyError, TypeError, ValueError):
        raise OaiError("badResumptionToken", "The resumptionToken is not valid.") from None
    if position.verb != verb:
        raise OaiError("badResumptionToken", f"The resumptionToken is not one of {verb}.")
    return position
