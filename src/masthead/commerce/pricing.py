"""Which offers an article page shows: the most specific price wins.

An article's own price beats its issue's, which beats the journal's price list.
"""

from dataclasses import dataclass

from django.db.models import Q

from masthead.catalog.models import Article
from masthead.commerce.models import Offer, OfferKind
from masthead.commerce.money import format_money

BENEFITS = {
    OfferKind.ARTICLE: (
        "{period} access to article PDF & online version",
        "Article PDF can be downloaded",
        "Article PDF can be printed",
    ),
    OfferKind.ISSUE: (
        "{period} online access to complete issue",
        "Article PDFs can be downloaded",
        "Article PDFs can be printed",
    ),
}


@dataclass(frozen=True)
class OfferView:
    offer_id: int
    kind: str
    heading: str
    benefits: tuple[str, ...]
    currency: str
    amount_minor: int
    access_hours: int

    @property
    def price(self) -> str:
        return format_money(self.amount_minor, self.currency)


def access_period(hours: int) -> str:
    if hours % 24 == 0 and hours >= 24 * 7:
        return f"{hours // 24} days"
    return f"{hours} hours"


def _specificity(offer: Offer) -> int:
    return 2 if offer.article_id else 1 if offer.issue_id else 0


def offers_for_article(article: Article) -> list[OfferView]:
    """The article and issue offers for this article, in its journal's currency."""
    scope = Q(article=article) | Q(journal_id=article.journal_id, article=None, issue=None)
    if article.issue_id:
        scope |= Q(issue_id=article.issue_id, article=None)
    currency = article.journal.default_currency
    best: dict[str, Offer] = {}
    for offer in Offer.objects.filter(scope, is_active=True, currency=currency).order_by():
        if offer.kind == OfferKind.ISSUE and not article.issue_id:
            continue
        current = best.get(offer.kind)
        if current is None or _specificity(offer) > _specificity(current):
            best[offer.kind] = offer
    views = []
    for kind in (OfferKind.ARTICLE, OfferKind.ISSUE):
        offer = best.get(kind)
        if offer is None:
            continue
        period = access_period(offer.access_hours)
        views.append(
            OfferView(
                offer_id=offer.pk,
                kind=kind.value,
                heading=kind.label,
                benefits=tuple(b.format(period=period) for b in BENEFITS[kind]),
                currency=offer.currency,
                amount_minor=offer.amount_minor,
                access_hours=offer.access_hours,
            )
        )
    return views
