from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("back-office/usage/", include("masthead.usage.backoffice_urls")),
    path("back-office/sales/", include("masthead.commerce.backoffice_urls")),
    path("back-office/jobs/", include("masthead.jobs.urls")),
    path("back-office/", include("masthead.staff.urls")),
    path("api/v1/", include("masthead.api.urls")),
    path("library/", include("masthead.library.urls")),
    path("", include("masthead.ops.urls")),
    path("", include("masthead.commerce.urls")),
    path("", include("masthead.usage.urls")),
    path("", include("masthead.access.urls")),
    path("", include("masthead.discovery.urls")),
    path("", include("masthead.alerts.urls")),
    path("", include("masthead.reader.urls")),
]
