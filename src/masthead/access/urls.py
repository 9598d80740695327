from django.urls import path

from masthead.access import api, views
from masthead.access.account_urls import account_urlpatterns
from masthead.access.saml_urls import demo_idp_urlpatterns, saml_urlpatterns

app_name = "access"

urlpatterns = [
    path("access/kbart/<int:institution_id>.txt", views.kbart_file, name="kbart"),
    path("api/v1/entitlements", api.entitlements, name="entitlements"),
    *account_urlpatterns,
    *saml_urlpatterns,
    *demo_idp_urlpatterns,  # answers 404 unless MASTHEAD_DEMO is on
]
