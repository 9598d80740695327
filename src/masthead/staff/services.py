"""Turn roles.py into Groups and permissions (idempotent), and guard back-office areas."""

from __future__ import annotations

import functools

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction

from masthead.staff.roles import AREAS, ROLES


def ensure_area_permissions() -> None:
    """The custom permissions that open the back-office areas (also made by a migration;
    a test database flushed between tests loses them, so they are made again here)."""
    for area in AREAS.values():
        content_type, _ = ContentType.objects.get_or_create(
            app_label=area.app_label, model=area.model
        )
        Permission.objects.update_or_create(
            content_type=content_type, codename=area.codename, defaults={"name": area.name}
        )


def _permissions_by_name() -> dict[str, Permission]:
    return {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }


@transaction.atomic
def sync_roles() -> dict[str, list[str]]:
    """Create or update one Group per role with exactly its permissions.

    Returns, per role, the permissions roles.py names that do not exist (a model that
    was renamed or removed): they are left out, and the command reports them.
    """
    ensure_area_permissions()
    existing = _permissions_by_name()
    missing = {}
    for role in ROLES.values():
        group, _ = Group.objects.get_or_create(name=role.name)
        if role.everything:
            wanted = list(existing.values())
            missing[role.name] = []
        else:
            names = role.permissions()
            wanted = [existing[n] for n in names if n in existing]
            missing[role.name] = sorted(n for n in names if n not in existing)
        group.permissions.set(wanted)
    return missing


def staff_permission_required(*permissions: str):
    """Guard a staff view: staff holding one of `permissions` get in; other staff get 403;
    readers and anonymous visitors go to the admin login, as staff_member_required does."""

    def decorator(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            if not any(request.user.has_perm(p) for p in permissions):
                raise PermissionDenied(f"Your role includes none of {', '.join(permissions)}.")
            return view(request, *args, **kwargs)

        return staff_member_required(checked)

    return decorator


def area_required(area_name: str):
    """Guard a back-office view with its area's permission (roles.AREAS)."""
    return staff_permission_required(AREAS[area_name].permission)
