"""Test-only URLs: the SAML views under the "access" namespace, plus the reader's pages."""

from django.urls import include, path

from masthead.access.saml_urls import demo_idp_urlpatterns, saml_urlpatterns

urlpatterns = [
    path("", include((saml_urlpatterns + demo_idp_urlpatterns, "access"), namespace="access")),
    path("", include("masthead.reader.urls")),
]
