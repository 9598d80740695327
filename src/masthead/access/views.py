"""KBART holdings per institution: for staff here, for librarians in the library portal."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from masthead.access.holdings import holdings_for
from masthead.access.kbart import file_name, kbart
from masthead.access.models import Institution
from masthead.staff.services import staff_permission_required


def kbart_response(institution: Institution) -> HttpResponse:
    """The institution's holdings today as a KBART file to download."""
    today = timezone.now().date()
    response = HttpResponse(
        kbart(holdings_for(institution, today)),
        content_type="text/tab-separated-values; charset=utf-8",
    )
    name = file_name("Masthead", institution.name, "Holdings", today)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_permission_required("access.view_institution")
def kbart_file(request, institution_id: int):
    return kbart_response(get_object_or_404(Institution, pk=institution_id))
