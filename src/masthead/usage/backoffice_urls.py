"""Staff usage pages, mounted at back-office/usage/ (namespace "usage_admin")."""

from django.urls import path

from masthead.usage import backoffice

app_name = "usage_admin"

urlpatterns = [
    path("", backoffice.overview, name="overview"),
    path("journal/<slug:code>/", backoffice.journal_usage, name="journal"),
    path("article/<int:pk>/", backoffice.article_usage, name="article"),
    path("report/", backoffice.report, name="report"),
    path("report.json", backoffice.report_json, name="report_json"),
    path("report.tsv", backoffice.report_tsv, name="report_tsv"),
]
