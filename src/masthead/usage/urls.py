"""The COUNTER_SUSHI API, R5.1 paths under /sushi (8.1: base URL + /r51/...)."""

from django.urls import path, re_path

from masthead.usage import sushi

app_name = "usage"

urlpatterns = [
    path("sushi/r51/status", sushi.status, name="sushi-status"),
    path("sushi/r51/reports", sushi.report_list, name="sushi-reports"),
    path("sushi/r51/members", sushi.members, name="sushi-members"),
    re_path(
        r"^sushi/r51/reports/(?P<report_id>[A-Za-z0-9_]{1,16})/?$",
        sushi.report,
        name="sushi-report",
    ),
]
