"""Readers with proven (or unproven) addresses, and citations found at a given time."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from masthead.access import accounts
from masthead.access.models import ReaderProfile
from masthead.alerts.models import Subscription
from masthead.citations.models import Citation

PASSWORD = "correct horse battery staple 9"


@pytest.fixture
def make_reader(db):
    """A reader account as registration makes it; without a password unless asked (hashing
    one is slow, and only the log-in test needs it)."""

    def make(email: str = "reader@example.org", verified: bool = True, password: str = ""):
        if password:
            user = accounts.create_reader(email, password)
        else:
            user = get_user_model().objects.create_user(username=email, email=email)
            ReaderProfile.objects.create(user=user)
        if verified:
            accounts.mark_email_verified(user)
        return user

    return make


@pytest.fixture
def reader(make_reader):
    return make_reader(password=PASSWORD)


@pytest.fixture
def follow(db):
    """A citation alert made an hour ago (citations found since are news to it)."""

    def make(user, article) -> Subscription:
        created_at = timezone.now() - datetime.timedelta(hours=1)
        return Subscription.objects.create(user=user, article=article, created_at=created_at)

    return make


@pytest.fixture
def cite(db):
    """A work citing `article`, found `ago` before now (the job's clock is now)."""
    counter = iter(range(1, 10_000))

    def make(article, ago=datetime.timedelta(0), **fields) -> Citation:
        n = next(counter)
        values = {
            "cited": article,
            "citing_doi": f"10.9999/citing.{n}",
            "title": f"Citing work {n}",
            "authors": ["Ann Other"],
            "container": "Citing Journal",
            "year": 2024,
            "from_crossref": True,
            "found_at": timezone.now() - ago,
        }
        values.update(fields)
        return Citation.objects.create(**values)

    return make
