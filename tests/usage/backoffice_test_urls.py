"""Test-only URLs: the staff usage pages at back-office/usage/, and the rest of the site."""

from django.urls import include, path

urlpatterns = [
    path("back-office/usage/", include("masthead.usage.backoffice_urls")),
    path("", include("masthead.urls")),
]
