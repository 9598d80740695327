"""Citations on the staff dashboard: cited-by across the catalogue and the most cited articles.

Read from `CitationSummary`, the merged count per article that the article page shows
(our corpus and Crossref together, each citing work once), so the dashboard and the page
cannot disagree. Two queries whatever the size of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from masthead.citations.models import CitationSummary

TOP = 10


@dataclass(frozen=True)
class CitationOverview:
    cited_by: int  # citations of all our articles, each citing work once per cited article
    cited_articles: int  # articles cited at least once
    most_cited: list[CitationSummary]  # with .article (and its journal) loaded


def citation_overview(limit: int = TOP) -> CitationOverview:
    totals = CitationSummary.objects.aggregate(
        total=Sum("cited_by"), articles=Count("pk", filter=Q(cited_by__gt=0))
    )
    most_cited = list(
        CitationSummary.objects.filter(cited_by__gt=0)
        .select_related("article__journal")
        .only(
            "cited_by",
            "article__id",
            "article__doi",
            "article__title",
            "article__journal__id",
            "article__journal__title",
        )
        .order_by("-cited_by", "article_id")[:limit]
    )
    return CitationOverview(totals["total"] or 0, totals["articles"] or 0, most_cited)
