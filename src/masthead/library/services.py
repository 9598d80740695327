"""State changes of the library portal: filing a change request, issuing a SUSHI key.

Plain functions called by the views (and tests); the views only parse and check who asks.
"""

from __future__ import annotations

import logging
import secrets
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from masthead.access.models import Institution
from masthead.library.models import ChangeRequest
from masthead.usage.models import SushiCredential
from masthead.usage.sushi_auth import api_key_hash

logger = logging.getLogger(__name__)

API_KEY_BYTES = 32


def publisher_addresses() -> list[str]:
    """Who hears of change requests: settings.MANAGERS, else DEFAULT_FROM_EMAIL's mailbox."""
    managers = [address for _, address in settings.MANAGERS if address]
    if managers:
        return managers
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return [address] if address else []


def _one_line(text: str) -> str:
    return " ".join(str(text).split())  # a header must not hold a line break


def file_change_request(
    institution: Institution, user, kind: str, text: str, proposed_range: str = ""
) -> ChangeRequest:
    """Store the request, then tell the publisher by e-mail (a mail server that refuses it
    loses nothing: the request is in the admin either way)."""
    change = ChangeRequest.objects.create(
        institution=institution,
        requested_by=user,
        kind=kind,
        text=text,
        proposed_range=proposed_range,
    )
    recipients = publisher_addresses()
    if not recipients:
        return change
    admin_url = settings.MASTHEAD_BASE_URL + reverse(
        "admin:library_changerequest_change", args=[change.pk]
    )
    lines = [
        f"{institution.name} asks for a change to its {change.get_kind_display()}.",
        "",
        f"From: {user.get_full_name() or user.get_username()} <{user.email}>",
    ]
    if proposed_range:
        lines.append(f"Proposed range: {proposed_range}")
    lines += ["", text, "", f"Answer it in the admin: {admin_url}"]
    message = EmailMessage(
        subject=_one_line(
            f"[{settings.MASTHEAD_SITE_NAME}] Change request from {institution.name}: "
            f"{change.get_kind_display()}"
        )[:200],
        body="\n".join(lines),
        to=recipients,
        reply_to=[user.email] if user.email else None,
    )
    try:
        message.send()
    except Exception:  # the request is stored; staff see it in the admin
        logger.exception("change request %s: the e-mail to the publisher failed", change.pk)
    return change


def issue_api_key(credential: SushiCredential) -> str:
    """A new api_key for the credential, returned once; only its SHA-256 is kept, so the
    previous key stops working at once."""
    api_key = secrets.token_urlsafe(API_KEY_BYTES)
    credential.api_key_sha256 = api_key_hash(api_key)
    credential.save(update_fields=["api_key_sha256"])
    return api_key
