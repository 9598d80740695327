"""URL entries for institutional (SAML) login; the lead includes them in the access namespace.

urlpatterns += saml_urlpatterns                 # /login/sso, /saml/acs, /saml/metadata
urlpatterns += demo_idp_urlpatterns             # /demo-idp/... (answers only in demo mode)
"""

from django.urls import path

from masthead.access import demo_idp, saml_views

saml_urlpatterns = [
    path("login/sso", saml_views.sso, name="sso"),
    path("login/institution", saml_views.sso, name="sso_discovery"),
    path("saml/acs", saml_views.acs, name="saml_acs"),
    path("saml/metadata", saml_views.metadata, name="saml_metadata"),
]

demo_idp_urlpatterns = [
    path("demo-idp/metadata", demo_idp.metadata_view, name="demo_idp_metadata"),
    path("demo-idp/sso", demo_idp.sso_view, name="demo_idp_sso"),
]
