"""Test-only URLs: the account pages under "access" and the reader's pages, as the site has them."""

from django.urls import include, path

from masthead.access.account_urls import account_urlpatterns

urlpatterns = [
    path("", include((account_urlpatterns, "access"))),
    path("", include("masthead.reader.urls")),
]
