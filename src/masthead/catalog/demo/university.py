"""Demo University: a campus range and a licence to the demo journal, and a demo reader.

203.0.113.0/24 is a documentation range: IP ranges accept it only in demo mode
(MASTHEAD_DEMO=1, which `make demo` sets), where X-Forwarded-For from 127.0.0.1 is
trusted so that `curl -H 'X-Forwarded-For: 203.0.113.5'` is a campus reader.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model

from masthead.access.accounts import create_reader, mark_email_verified
from masthead.access.demo_idp import ensure_demo_identity_provider
from masthead.access.models import Institution, IPRange, Licence
from masthead.catalog.models import Journal

CAMPUS_RANGE = "203.0.113.0/24"
DEMO_READER = ("reader@example.org", "demo-reader-password")


def demo_university(journal: Journal) -> Institution:
    institution, _ = Institution.objects.get_or_create(
        name="Demo University",
        defaults={"contact_name": "Demo Library", "contact_email": "library@example.org"},
    )
    if not institution.ip_ranges.filter(text=CAMPUS_RANGE).exists():
        IPRange.objects.create(institution=institution, text=CAMPUS_RANGE)
    Licence.objects.get_or_create(
        institution=institution, journal=journal,
        defaults={"starts_on": datetime.date(2020, 1, 1)},
    )  # fmt: skip
    if settings.MASTHEAD_DEMO:
        ensure_demo_identity_provider(institution)
    return institution


def demo_reader():
    """The demo's personal account, its e-mail address already verified."""
    email, password = DEMO_READER
    user = get_user_model().objects.filter(username=email).first()
    if user is None:
        user = create_reader(email, password)
        mark_email_verified(user)
    return user
