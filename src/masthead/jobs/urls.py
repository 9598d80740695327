"""The jobs page, mounted at back-office/jobs/ (namespace "jobs")."""

from django.urls import path

from masthead.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("import", views.upload_import, name="import"),
    path("<str:job_id>/retry", views.retry, name="retry"),
]
