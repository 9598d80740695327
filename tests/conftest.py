"""Shared fixtures: a journal with the seed's price list and articles of any size."""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from masthead.access.models import Institution, IPRange, Licence
from masthead.catalog.models import Article, Contributor, Issue, Journal, Publisher, Reference
from masthead.commerce.models import Offer, OfferKind, Seller

# The project's reference data lives in ../shared beside the checkout (MASTHEAD_SHARED to move it).
SHARED = Path(os.environ.get("MASTHEAD_SHARED", Path(__file__).resolve().parents[2] / "shared"))
ELIFE = SHARED / "data" / "jats" / "elife"
needs_elife = pytest.mark.skipif(not ELIFE.is_dir(), reason=f"no eLife samples in {ELIFE}")


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{id(settings)}",
        }
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def journal(db) -> Journal:
    publisher = Publisher.objects.create(name="Test Press")
    journal = Journal.objects.create(
        publisher=publisher,
        code="tj",
        title="Test Journal",
        abbreviation="Test J",
        issn_print="5555-0010",
        issn_online="5555-0029",
        doi_prefix="10.5555",
    )
    Offer.objects.create(
        journal=journal, kind=OfferKind.ARTICLE, currency="USD", amount_minor=5300, access_hours=48
    )
    Offer.objects.create(
        journal=journal, kind=OfferKind.ISSUE, currency="USD", amount_minor=57700, access_hours=720
    )
    return journal


@pytest.fixture
def issue(journal) -> Issue:
    return Issue.objects.create(journal=journal, volume="31", number="4", year=2023)


@pytest.fixture
def make_article(journal, issue):
    counter = iter(range(1, 10_000))

    def make(authors: int = 1, references: int = 0, **fields) -> Article:
        n = next(counter)
        values = {
            "journal": journal,
            "issue": issue,
            "doi": f"10.5555/test.{n}",
            "title": f"Test article {n}",
            "section": "Research Article",
            "first_page": "703",
            "last_page": "717",
            "published_online": datetime.date(2023, 10, 5),
            "abstracts": [{"type": "", "title": "Abstract", "html": "<p>An abstract.</p>"}],
            "notes": [{"label": "1", "html": "<p>A note.</p>", "id": "n1"}],
            "funding": [{"funder_name": "A Funder", "funder_id": "", "award_ids": ["X-1"]}],
            "disclosure_html": "<p>No potential conflict of interest was reported.</p>",
        }
        values.update(fields)
        article = Article.objects.create(**values)
        Contributor.objects.bulk_create(
            Contributor(
                article=article,
                position=i,
                given_names=f"Given{i}",
                surname=f"Surname{i}",
                orcid="0000-0002-1825-0097" if i == 0 else "",
                affiliations=[{"text": f"University {i}"}],
                bio_html=f"<p>Bio of author {i}.</p>",
            )
            for i in range(authors)
        )
        Reference.objects.bulk_create(
            Reference(
                article=article,
                position=i,
                authors=[["Smith", "J"]],
                article_title=f"Cited work {i}",
                source="Cited Journal",
                year="2001",
                volume="3",
                first_page=str(i + 1),
                doi=f"10.5555/cited.{i}",
                original_text=f"Smith J. Cited work {i}. Cited Journal. 2001;3:{i + 1}.",
            )
            for i in range(references)
        )
        return article

    return make


@pytest.fixture
def university(journal):
    """Demo University: a campus range (IPv4 and IPv6) and a licence to the journal."""
    institution = Institution.objects.create(name="Demo University")
    IPRange.objects.create(institution=institution, text="203.0.113.0/24")
    IPRange.objects.create(institution=institution, text="2001:db8:5::/48")
    Licence.objects.create(
        institution=institution, journal=journal, starts_on=datetime.date(2000, 1, 1)
    )
    return institution


@pytest.fixture
def seller(journal) -> Seller:
    return Seller.objects.create(
        publisher=journal.publisher,
        legal_name="Test Press Ltd",
        address="1 Test Street\nTestville",
        country="GB",
        vat_number="GB980780684",
        email="sales@example.org",
        invoice_prefix="TP-",
    )


# Staff members with one role each, made the way a platform admin makes them.
@pytest.fixture
def make_staff(db, django_user_model):
    def make(role: str | None, username: str | None = None):
        user = django_user_model.objects.create_user(
            username or f"staff-{role or 'none'}".replace(" ", "-").lower(),
            password="x" * 16,
            is_staff=True,
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def login_as(client, make_staff):
    def login(role: str | None):
        client.force_login(make_staff(role))
        return client

    return login
