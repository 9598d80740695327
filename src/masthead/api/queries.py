"""The API's reads: what a client may see, in a fixed number of queries per page.

Everyone sees `Article.objects.visible()`; staff allowed to view articles also see
unpublished and embargoed ones. Path values that cannot name anything (a DOI with
control characters, an id past 64 bits) are a 404 before any query.
"""

from __future__ import annotations

import re

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from masthead.api.pagination import MAX_ID
from masthead.api.permissions import sees_unpublished
from masthead.catalog.models import Article, Contributor, Issue, Journal, doi_key
from masthead.pdf.models import ArticlePdf
from masthead.usage.counter import TOTAL_ITEM_REQUESTS
from masthead.usage.models import DailyUsage, ProcessedDay

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Never needed for metadata: left in the database.
HEAVY = ("body_html", "back_html", "source_xml", "notes", "funding", "disclosure_html")


def journals() -> QuerySet:
    return Journal.objects.select_related("publisher")


def journal(code: str) -> Journal:
    if not CODE.match(code):
        raise Http404("No journal with this code.")
    found = journals().filter(code=code).first()
    if found is None:
        raise Http404("No journal with this code.")
    return found


def issues() -> QuerySet:
    """Issues with `article_count`: how many of their articles readers may find."""
    count = (
        Article.objects.visible()
        .filter(issue=OuterRef("pk"))
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Issue.objects.select_related("journal").annotate(
        article_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0))
    )


def issue(issue_id: str) -> Issue:
    if not (issue_id.isascii() and issue_id.isdigit() and 0 < int(issue_id) <= MAX_ID):
        raise Http404("No issue with this id.")
    found = issues().filter(pk=int(issue_id)).first()
    if found is None:
        raise Http404("No issue with this id.")
    return found


def articles_for(user) -> QuerySet:
    return Article.objects.all() if sees_unpublished(user) else Article.objects.visible()


def article_rows(user, *, everything: bool = False) -> QuerySet:
    """Articles as the API shows them: journal, publisher, issue and authors come with
    them (two queries per page), full text stays in the database. `everything`: whatever
    the user may see (an article the user has just imported, say)."""
    authors = Contributor.objects.filter(role="author").order_by("position", "pk")
    uploaded = ArticlePdf.objects.filter(article=OuterRef("pk"), source=ArticlePdf.UPLOADED)
    return (
        (Article.objects.all() if everything else articles_for(user))
        .select_related("journal__publisher", "issue")
        .prefetch_related(Prefetch("contributors", queryset=authors, to_attr="authors"))
        .defer(*HEAVY)
        .annotate(
            has_body=~Q(body_html=""),
            has_uploaded_pdf=Exists(uploaded.exclude(file="")),
        )
    )


def doi_lookup(doi: str) -> dict:
    """The filter for one DOI (case-insensitive), or a 404 for what cannot be a DOI."""
    doi = doi.strip()
    if not doi or len(doi) > 255 or _CONTROL.search(doi):
        raise Http404("No article with this DOI.")
    return {"doi_key": doi_key(doi)}


def article(user, doi: str) -> Article:
    found = article_rows(user).filter(**doi_lookup(doi)).first()
    if found is None:
        raise Http404("No article with this DOI.")
    return found


def article_id(user, doi: str) -> int:
    found = articles_for(user).filter(**doi_lookup(doi)).values_list("pk", flat=True).first()
    if found is None:
        raise Http404("No article with this DOI.")
    return found


def metrics_row(user, doi: str) -> dict:
    """pk, doi and the merged citation count (`cited_by`) of one article, one query."""
    found = (
        articles_for(user)
        .filter(**doi_lookup(doi))
        .values("pk", "doi", cited_by=F("citation_summary__cited_by"))
        .first()
    )
    if found is None:
        raise Http404("No article with this DOI.")
    return found


def filter_articles(rows: QuerySet, filters: dict) -> QuerySet:
    """Apply the list's validated filters (ArticleFilters)."""
    if filters.get("journal"):
        rows = rows.filter(journal__code=filters["journal"])
    if filters.get("issue") is not None:
        rows = rows.filter(issue_id=filters["issue"])
    if filters.get("year") is not None:
        year = filters["year"]
        rows = rows.filter(
            Q(issue__year=year) | Q(issue__year__isnull=True, published_online__year=year)
        )
    if filters.get("type"):
        rows = rows.filter(article_type=filters["type"])
    if filters.get("open_access") is not None:
        open_access = Q(is_open_access=True) | Q(journal__is_open_access=True)
        rows = rows.filter(open_access if filters["open_access"] else ~open_access)
    if filters.get("updated_since") is not None:
        rows = rows.filter(updated_at__gte=filters["updated_since"])
    return rows


def downloads(article_pk: int) -> tuple[int, object]:
    """Total_Item_Requests (Regular, all usage) of the processed days, and the last one."""
    last_day = ProcessedDay.objects.order_by("-day").values_list("day", flat=True).first()
    if last_day is None:
        return 0, None
    total = DailyUsage.objects.filter(
        item_id=article_pk,
        institution_id__isnull=True,
        metric_type=TOTAL_ITEM_REQUESTS,
        access_method="Regular",
        day__lte=last_day,
    ).aggregate(n=Sum("count"))["n"]
    return total or 0, last_day
