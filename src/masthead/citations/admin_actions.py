"""The admin's "Register DOIs with Crossref" button, shared by the article list and the
deposit list: deposit, then tell the editor what happened in words."""

from django.contrib import messages

from masthead.citations.cited_by import crossref_client
from masthead.citations.crossref import CrossrefError
from masthead.citations.deposit import DepositError, deposit


def deposit_and_report(request, articles: list) -> None:
    """Deposit `articles` (from `deposit.due_articles`) and say what happened."""
    if not articles:
        messages.info(request, "Nothing to deposit: Crossref has every published article as it is.")
        return
    try:
        outcomes = deposit(articles, client=crossref_client())
    except (DepositError, CrossrefError) as error:
        messages.error(request, f"Nothing was deposited: {error}")
        return
    for outcome in outcomes:
        batch = outcome.batch
        level = messages.ERROR if batch.status == batch.REFUSED else messages.SUCCESS
        messages.add_message(
            request,
            level,
            f"Deposit {batch.batch_id} ({outcome.articles} articles): "
            f"{batch.get_status_display()}. {batch.message}",
        )


def registration(article) -> str:
    """The article's last deposit and what Crossref said of it, for the article admin."""
    if article.pk is None:
        return "not deposited"
    item = article.deposits.select_related("batch").order_by("-batch__created_at").first()
    if item is None:
        return "not deposited"
    said = f": {item.message}" if item.message else ""
    return f"{item.status} in {item.batch.batch_id} ({item.batch.get_status_display()}){said}"
