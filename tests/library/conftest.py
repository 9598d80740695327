"""Two institutions with everything the portal shows, and a librarian of the first."""

import datetime as dt

import pytest

from masthead.access.models import IdentityProvider, Institution, IPRange, Licence
from masthead.catalog.models import Journal
from masthead.library.models import ChangeRequest, InstitutionAdministrator
from masthead.usage.models import DailyUsage, ProcessedDay, SushiCredential
from masthead.usage.sushi_auth import api_key_hash
from tests.usage.rollups import daily_usage

D = dt.date
OLD_KEY = "old-campus-key"
METRICS = ("Total_Item_Investigations", "Unique_Item_Investigations",
           "Total_Item_Requests", "Unique_Item_Requests")  # fmt: skip


@pytest.fixture
def other_journal(journal):
    return Journal.objects.create(
        publisher=journal.publisher, code="oj", title="Only For Others", doi_prefix="10.5555"
    )


@pytest.fixture
def campus(university, make_article, other_journal):
    """University A: the conftest's Demo University, with an IdP, a credential and usage."""
    IdentityProvider.objects.create(
        institution=university, entity_id="https://idp.demo-uni.example/idp", display_name="Demo"
    )
    SushiCredential.objects.create(
        name="Demo University library", institution=university, customer_id="uni-1",
        requestor_id="uni-req", api_key_sha256=api_key_hash(OLD_KEY),
    )  # fmt: skip
    article = make_article(title="Alpha", published_online=D(2024, 2, 1))
    ProcessedDay.objects.bulk_create(
        ProcessedDay(day=D(2025, 1, 1) + dt.timedelta(days=i), events=1, robots_version="t")
        for i in range(90)
    )
    rows = []
    for institution, n in ((None, 5000), (university.pk, 12)):
        for metric in METRICS:
            rows.append(
                daily_usage(
                    D(2025, 2, 3),
                    article.pk,
                    metric,
                    n,
                    title_id=article.journal_id,
                    institution_id=institution,
                    yop=2024,
                )  # fmt: skip
            )
    DailyUsage.objects.bulk_create(rows)
    return university


@pytest.fixture
def rival(campus, other_journal, make_article):
    """Institution B: its own range, IdP, licence, credential, request and usage."""
    other = Institution.objects.create(name="Rival College")
    IPRange.objects.create(institution=other, text="198.51.100.0/24")
    IdentityProvider.objects.create(
        institution=other, entity_id="https://idp.rival.example/idp", display_name="Rival"
    )
    Licence.objects.create(institution=other, journal=other_journal, starts_on=D(2020, 1, 1))
    SushiCredential.objects.create(
        name="Rival library", institution=other, customer_id="rival-1",
        requestor_id="rival-req", api_key_sha256=api_key_hash("rival-key"),
    )  # fmt: skip
    ChangeRequest.objects.create(
        institution=other, kind="saml", text="Rival secret plan", answer="Rival answer"
    )
    article = make_article(title="Beta", published_online=D(2024, 3, 1))
    DailyUsage.objects.bulk_create(
        daily_usage(
            D(2025, 2, 4),
            article.pk,
            metric,
            777,
            title_id=article.journal_id,
            institution_id=other.pk,
            yop=2024,
        )  # fmt: skip
        for metric in METRICS
    )
    return other


@pytest.fixture
def librarian(django_user_model, campus):
    user = django_user_model.objects.create_user(
        "librarian", email="librarian@demo-uni.example", password="pw", first_name="Lib"
    )
    InstitutionAdministrator.objects.create(user=user, institution=campus)
    return user


@pytest.fixture
def lib_client(client, librarian, rival):
    client.force_login(librarian)
    return client
