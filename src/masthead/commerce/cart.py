"""The reader's cart: offers chosen on article pages, kept in the session.

The cart holds only what was chosen (offer and article); prices, descriptions and
currency are looked up afresh whenever it is shown, and frozen only when an order is
written at checkout. Nothing in a form is trusted: an offer must be one the article's
page would show.
"""

from dataclasses import dataclass

from django.http import HttpRequest

from masthead.catalog.models import Article
from masthead.commerce.models import OfferKind
from masthead.commerce.money import format_money
from masthead.commerce.pricing import access_period, offers_for_article

SESSION_KEY = "masthead_cart"
MAX_LINES = 50


class CartError(ValueError):
    """Something the reader asked of the cart that cannot be; the message says why."""


@dataclass(frozen=True)
class CartLine:
    key: str  # "article:<id>" or "issue:<id>": one line per thing bought
    offer_id: int
    kind: str
    article: Article  # the article it was chosen from (for an issue: that issue's article)
    description: str
    net_minor: int
    currency: str
    access_hours: int
    publisher_id: int

    @property
    def price(self) -> str:
        return format_money(self.net_minor, self.currency)

    @property
    def issue_id(self) -> int | None:
        return self.article.issue_id if self.kind == OfferKind.ISSUE else None


def _stored(request: HttpRequest) -> list[dict]:
    return list(request.session.get(SESSION_KEY, [])) if hasattr(request, "session") else []


def count(request: HttpRequest) -> int:
    return len(_stored(request))


def lines(request: HttpRequest) -> list[CartLine]:
    """The cart as it would be bought now; lines whose offer went away drop out."""
    chosen = _stored(request)
    if not chosen:
        return []
    articles = Article.objects.select_related("journal", "issue").in_bulk(
        [c["article"] for c in chosen]
    )
    result = []
    for entry in chosen:
        article = articles.get(entry["article"])
        line = _line(entry["offer"], article) if article is not None else None
        if line is not None:
            result.append(line)
    return result


def add(request: HttpRequest, offer_id: int, article_id: int) -> CartLine:
    article = (
        Article.objects.select_related("journal", "issue")
        .filter(pk=article_id, is_published=True)
        .first()
    )
    if article is None:
        raise CartError("That article is not for sale.")
    line = _line(offer_id, article)
    if line is None:
        raise CartError("That offer is not available for this article any more.")
    current = lines(request)
    if any(existing.key == line.key for existing in current):
        return line  # already in the cart: adding twice buys once
    if current and (current[0].currency, current[0].publisher_id) != (
        line.currency,
        line.publisher_id,
    ):
        raise CartError(
            f"Your cart holds items priced in {current[0].currency} from another publisher; "
            "please check those out first."
        )
    if len(current) >= MAX_LINES:
        raise CartError(f"A cart holds at most {MAX_LINES} items.")
    stored = _stored(request)
    stored.append({"offer": line.offer_id, "article": article.pk})
    request.session[SESSION_KEY] = stored
    return line


def remove(request: HttpRequest, key: str) -> None:
    kept = [c for c in lines(request) if c.key != key]
    request.session[SESSION_KEY] = [{"offer": c.offer_id, "article": c.article.pk} for c in kept]


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def _line(offer_id, article: Article) -> CartLine | None:
    """The line for this offer on this article, if the article's page offers it."""
    offered = {o.offer_id: o for o in offers_for_article(article)}
    view = offered.get(_as_int(offer_id))
    if view is None:
        return None
    period = access_period(view.access_hours)
    if view.kind == OfferKind.ISSUE:
        issue = article.issue
        key = f"issue:{issue.pk}"
        label = f"{article.journal.title}, {issue.label}"
    else:
        key = f"article:{article.pk}"
        label = f"“{article.title}”, {article.journal.title}"
    return CartLine(
        key=key,
        offer_id=view.offer_id,
        kind=view.kind,
        article=article,
        description=f"{view.heading}: {label} ({period} access)",
        net_minor=view.amount_minor,
        currency=view.currency,
        access_hours=view.access_hours,
        publisher_id=article.journal.publisher_id,
    )


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
