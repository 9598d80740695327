"""Who may open the library portal, and for which institution.

Signed-in users who administer an institution (InstitutionAdministrator rows) see those
institutions only. Anonymous visitors go to the login page; anyone else gets a 403; a
librarian who asks for an institution that is not theirs gets a 404, the same answer as
for an institution that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.cache import never_cache

from masthead.access.models import Institution


def administered(user) -> list[Institution]:
    """The institutions `user` administers, by name (one query)."""
    return list(Institution.objects.filter(administrators__user=user).order_by("name"))


def librarian_required(view):
    """Guard a view taking `institution_id`: it is called with the Institution instead,
    and `request.library_institutions` holds every institution the user administers."""

    @functools.wraps(view)
    def checked(request, institution_id: int | None = None, *args, **kwargs):
        institutions = administered(request.user)
        if not institutions:
            raise PermissionDenied("The library portal is for institutions' administrators.")
        request.library_institutions = institutions
        if institution_id is None:
            return view(request, *args, **kwargs)
        institution = next((i for i in institutions if i.pk == institution_id), None)
        if institution is None:
            raise Http404("No such institution among yours.")
        return view(request, institution, *args, **kwargs)

    return never_cache(login_required(checked))
