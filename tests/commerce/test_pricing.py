"""The access box's offers: the most specific price wins; money prints as publishers print it."""

import pytest

from masthead.commerce.models import Offer, OfferKind
from masthead.commerce.money import format_money
from masthead.commerce.pricing import offers_for_article

pytestmark = pytest.mark.django_db


def test_journal_price_list(make_article):
    offers = offers_for_article(make_article())
    assert [(o.kind, o.price) for o in offers] == [
        ("article", "USD 53.00"),
        ("issue", "USD 577.00"),
    ]
    assert offers[0].benefits[0] == "48 hours access to article PDF & online version"
    assert offers[1].benefits[0] == "30 days online access to complete issue"


def test_issue_and_article_overrides(make_article, journal, issue):
    article = make_article()
    Offer.objects.create(
        journal=journal,
        issue=issue,
        kind=OfferKind.ISSUE,
        currency="USD",
        amount_minor=40000,
        access_hours=720,
    )
    Offer.objects.create(
        journal=journal,
        article=article,
        kind=OfferKind.ARTICLE,
        currency="USD",
        amount_minor=2500,
        access_hours=48,
    )
    other = make_article()
    assert [o.price for o in offers_for_article(article)] == ["USD 25.00", "USD 400.00"]
    assert [o.price for o in offers_for_article(other)] == ["USD 53.00", "USD 400.00"]


def test_no_issue_offer_without_an_issue(make_article):
    article = make_article(issue=None)
    assert [o.kind for o in offers_for_article(article)] == ["article"]


def test_inactive_and_other_currencies_are_not_shown(make_article, journal):
    Offer.objects.filter(journal=journal, kind=OfferKind.ISSUE).update(is_active=False)
    Offer.objects.create(
        journal=journal, kind=OfferKind.ARTICLE, currency="EUR", amount_minor=4900, access_hours=48
    )
    assert [o.price for o in offers_for_article(make_article())] == ["USD 53.00"]


@pytest.mark.parametrize(
    "amount, currency, text",
    [
        (5300, "USD", "USD 53.00"),
        (57700, "USD", "USD 577.00"),
        (123456, "EUR", "EUR 1,234.56"),
        (5300, "JPY", "JPY 5,300"),
        (1005, "KWD", "KWD 1.005"),
    ],
)
def test_format_money(amount, currency, text):
    assert format_money(amount, currency) == text


def test_an_offer_needs_an_iso_4217_currency(journal):
    from django.core.exceptions import ValidationError

    offer = Offer(
        journal=journal, kind=OfferKind.ARTICLE, currency="usd", amount_minor=1, access_hours=48
    )
    offer.clean()
    assert offer.currency == "USD"
    offer.currency = "XYZ"
    with pytest.raises(ValidationError, match="ISO 4217"):
        offer.clean()
