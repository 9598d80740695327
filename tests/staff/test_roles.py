"""Who may open what: every admin page and back-office area, for every role.

The table is built from the admin registry and roles.py, so a model registered later is
covered without editing this file.
"""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from masthead.staff.roles import AREAS, ROLES
from masthead.staff.services import sync_roles

pytestmark = pytest.mark.django_db

ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
CELLS = [(model, role) for model, _ in ADMINS for role in ROLES]


def holds(role_name: str, permission: str) -> bool:
    role = ROLES[role_name]
    return role.everything or permission in role.permissions()


def may_view(role_name: str, model) -> bool:
    meta = model._meta
    return any(
        holds(role_name, f"{meta.app_label}.{action}_{meta.model_name}")
        for action in ("view", "change")
    )


def admin_allows_adding(model, superuser) -> bool:
    request = RequestFactory().get("/")
    request.user = superuser
    return admin.site._registry[model].has_add_permission(request)


@pytest.mark.parametrize(
    ("model", "role"), CELLS, ids=[f"{m._meta.label_lower}-{r}" for m, r in CELLS]
)
def test_admin_pages_follow_the_roles(client, make_staff, admin_user, model, role):
    client.force_login(make_staff(role))
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    expected = 200 if may_view(role, model) else 403
    assert client.get(changelist).status_code == expected, changelist
    if admin_allows_adding(model, admin_user):
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        expected = 200 if holds(role, f"{meta.app_label}.add_{meta.model_name}") else 403
        assert client.get(add).status_code == expected, add


@pytest.mark.parametrize("area", sorted(AREAS))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_back_office_areas_follow_the_roles(login_as, role, area):
    response = login_as(role).get(AREAS[area].path)
    role_ = ROLES[role]
    assert response.status_code == (200 if role_.everything or area in role_.areas else 403)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("Sales manager", "/admin/access/institution/", 403),
        ("Sales manager", "/admin/catalog/journal/", 200),
        ("Sales manager", "/admin/catalog/journal/add/", 403),
        ("Sales manager", "/admin/commerce/offer/", 200),
        ("Sales manager", "/back-office/sales/", 200),
        ("Sales manager", "/back-office/usage/", 403),
        ("Customer manager", "/admin/commerce/order/", 403),
        ("Customer manager", "/admin/access/institution/add/", 200),
        ("Customer manager", "/back-office/usage/", 200),
        ("Customer manager", "/back-office/sales/", 403),
        ("Production editor", "/admin/commerce/offer/", 403),
        ("Production editor", "/admin/catalog/article/add/", 200),
        ("Production editor", "/admin/access/licence/", 403),
        ("Production editor", "/back-office/sales/", 403),
        ("Production editor", "/admin/staff/auditentry/", 403),
        ("Platform admin", "/admin/staff/auditentry/", 200),
        ("Platform admin", "/admin/auth/user/add/", 200),
        ("Production editor", "/back-office/", 200),
        ("Production editor", "/back-office/jobs/", 200),
        ("Sales manager", "/back-office/", 200),
        ("Sales manager", "/back-office/jobs/", 403),
        ("Customer manager", "/back-office/jobs/", 403),
        ("Customer manager", "/admin/library/changerequest/", 200),
        ("Customer manager", "/admin/library/institutionadministrator/add/", 200),
        ("Sales manager", "/admin/library/institutionadministrator/", 403),
        ("Production editor", "/admin/library/changerequest/", 403),
        ("Platform admin", "/back-office/jobs/", 200),
        (None, "/admin/catalog/article/", 403),
        (None, "/back-office/usage/", 403),
        (None, "/back-office/", 403),
        (None, "/back-office/jobs/", 403),
    ],
)
def test_expected_cells(login_as, role, path, status):
    assert login_as(role).get(path).status_code == status


def test_readers_are_sent_to_the_staff_login(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 16))
    for area in AREAS.values():
        response = client.get(area.path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_header_links_only_what_the_user_may_open(login_as, journal):
    page = login_as("Customer manager").get("/").content.decode()
    assert "Usage statistics" in page and ">Sales<" not in page
    page = login_as("Sales manager").get("/").content.decode()
    assert ">Sales<" in page and "Usage statistics" not in page


def test_a_fresh_migrate_has_the_groups_with_every_named_permission():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    assert sync_roles() == {name: [] for name in ROLES}  # roles.py names nothing unknown
    editor = Group.objects.get(name="Production editor")
    names = {f"{p.content_type.app_label}.{p.codename}" for p in editor.permissions.all()}
    assert names == ROLES["Production editor"].permissions()
    admins = Group.objects.get(name="Platform admin")
    assert admins.permissions.count() == Permission.objects.count()


def test_sync_roles_is_idempotent_and_restores_what_was_changed_by_hand():
    def state():
        return {
            g.name: sorted(g.permissions.values_list("pk", flat=True))
            for g in Group.objects.filter(name__in=ROLES)
        }

    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    first = state()
    sales = Group.objects.get(name="Sales manager")
    sales.permissions.add(Permission.objects.get(codename="view_institution"))
    call_command("sync_roles", stdout=out)
    call_command("sync_roles", stdout=out)
    assert state() == first
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
    assert "Sales manager: synced" in out.getvalue()


def test_migrate_makes_the_groups_again():
    Group.objects.filter(name__in=ROLES).delete()
    call_command("migrate", verbosity=0, interactive=False)
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    assert (
        Group.objects.get(name="Customer manager")
        .permissions.filter(codename="view_backoffice", content_type__app_label="usage")
        .exists()
    )


def test_kbart_holdings_are_for_the_customer_manager_not_sales(login_as, client):
    from masthead.access.models import Institution
    from masthead.staff.roles import CUSTOMER_MANAGER, SALES_MANAGER

    institution = Institution.objects.create(name="Demo University")
    url = f"/access/kbart/{institution.pk}.txt"
    assert login_as(SALES_MANAGER.name).get(url).status_code == 403
    client.logout()
    response = login_as(CUSTOMER_MANAGER.name).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/tab-separated-values")
