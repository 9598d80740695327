"""/api/v1/... (included under that prefix by masthead.urls).

DOIs contain "/", so path values are matched with `AnyText`; the longer routes come
first, so that ".../references", ".../metrics" and ".../issues" reach their views.
"""

from django.urls import path, register_converter

from masthead.api import views_articles as articles
from masthead.api import views_journals as journals
from masthead.api import views_search
from masthead.api.base import OpenApiView
from masthead.api.converters import AnyText

register_converter(AnyText, "api_any")
app_name = "api"

urlpatterns = [
    path("openapi.json", OpenApiView.as_view(), name="openapi"),
    path("journals", journals.JournalList.as_view(), name="journals"),
    path("journals/<api_any:code>/issues", journals.JournalIssues.as_view(), name="journal_issues"),
    path("journals/<api_any:code>", journals.JournalDetail.as_view(), name="journal"),
    path("issues/<api_any:id>", journals.IssueDetail.as_view(), name="issue"),
    path("articles", articles.ArticleList.as_view(), name="articles"),
    path(
        "articles/<api_any:doi>/references",
        articles.ArticleReferences.as_view(),
        name="article_references",
    ),
    path(
        "articles/<api_any:doi>/metrics", articles.ArticleMetrics.as_view(), name="article_metrics"
    ),
    path("articles/<api_any:doi>", articles.ArticleDetail.as_view(), name="article"),
    path("search", views_search.Search.as_view(), name="search"),
]
