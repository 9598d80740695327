"""The back-office dashboard, mounted at back-office/ (namespace "staff")."""

from django.urls import path

from masthead.staff import dashboard

app_name = "staff"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]
