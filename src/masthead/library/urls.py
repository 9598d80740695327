"""The library portal, mounted at library/ (namespace "library")."""

from django.urls import path

from masthead.library import views

app_name = "library"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:institution_id>/", views.overview, name="overview"),
    path("<int:institution_id>/kbart.txt", views.kbart_file, name="kbart"),
    path("<int:institution_id>/change/", views.change_request, name="change_request"),
    path(
        "<int:institution_id>/sushi/<int:credential_id>/new-key",
        views.new_api_key,
        name="new_api_key",
    ),
    path("<int:institution_id>/usage/", views.usage, name="usage"),
    path("<int:institution_id>/report.json", views.report_json, name="report_json"),
    path("<int:institution_id>/report.tsv", views.report_tsv, name="report_tsv"),
]
