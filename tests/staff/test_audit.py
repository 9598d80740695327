"""The audit log: staff changes in the admin are recorded, with just what changed;
secrets never; commands never; and nobody edits the log."""

import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from masthead.catalog.models import Publisher
from masthead.commerce import services
from masthead.commerce.models import Order
from masthead.staff import audit
from masthead.staff.context import AuditMiddleware
from masthead.staff.models import AuditEntry
from masthead.staff.signals import audited
from tests.commerce.shop import buy
from tests.conftest import ELIFE, needs_elife

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(client, make_staff):
    user = make_staff("Platform admin", "ada")
    client.force_login(user)
    return user


def test_an_admin_change_records_before_and_after_of_the_changed_fields(client, platform_admin):
    press = Publisher.objects.create(name="Old Press", address="1 Quay", url="")
    response = client.post(
        f"/admin/catalog/publisher/{press.pk}/change/",
        {"name": "New Press", "address": "1 Quay", "url": ""},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.username, entry.action) == (platform_admin, "ada", "change")
    assert entry.content_type == ContentType.objects.get_for_model(Publisher)
    assert (entry.object_id, entry.object_repr) == (str(press.pk), "New Press")
    assert entry.before == {"name": "Old Press"} and entry.after == {"name": "New Press"}


def test_an_add_and_a_delete_record_the_object(client, platform_admin):
    client.post("/admin/catalog/publisher/add/", {"name": "Fresh Press", "address": "", "url": ""})
    press = Publisher.objects.get(name="Fresh Press")
    client.post(f"/admin/catalog/publisher/{press.pk}/delete/", {"post": "yes"})
    assert not Publisher.objects.filter(pk=press.pk).exists()
    added, deleted = AuditEntry.objects.order_by("pk")
    assert added.action == "add" and added.after["name"] == "Fresh Press" and added.before == {}
    assert deleted.action == "delete" and deleted.object_repr == "Fresh Press"
    assert deleted.before["name"] == "Fresh Press" and deleted.after == {}


def test_a_password_is_never_recorded(client, platform_admin, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="first-password-1")
    response = client.post(
        f"/admin/auth/user/{clerk.pk}/password/",
        {"password1": "Another-long-pass-2", "password2": "Another-long-pass-2"},
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    entry = AuditEntry.objects.get(object_id=str(clerk.pk))
    recorded = json.dumps([entry.before, entry.after])
    assert entry.after == {"password": audit.HIDDEN}  # that it changed, never what to
    assert clerk.password not in recorded and "pbkdf2" not in recorded


def test_secret_names_are_hidden_but_not_keywords():
    assert all(
        audit.is_secret(n)
        for n in ("password", "api_key_sha256", "key_sha256", "webhook_secret", "token")
    )
    assert not any(audit.is_secret(n) for n in ("keywords", "name", "monkey", "tokenised_title"))
    before, after = audit.changed(
        {"name": "a", "password": "old", "url": "u"}, {"name": "b", "password": "new", "url": "u"}
    )
    assert before == {"name": "a", "password": audit.HIDDEN}
    assert after == {"name": "b", "password": audit.HIDDEN}
    _, after = audit.changed({"body": ""}, {"body": "x" * 10_000})
    assert after["body"].startswith("x" * audit.LONGEST) and "10000 characters" in after["body"]
    assert len(after["body"]) < 2100


def test_giving_someone_a_role_is_recorded(client, platform_admin, make_staff):
    from django.contrib.auth.models import Group

    clerk = make_staff(None, "clerk")
    clerk.date_joined = clerk.date_joined.replace(microsecond=0)  # as the form sends it
    clerk.save()
    group = Group.objects.get(name="Sales manager")
    page = client.get(f"/admin/auth/user/{clerk.pk}/change/")
    data = {
        k: v
        for k, v in page.context["adminform"].form.initial.items()
        if v is not None and k not in {"groups", "user_permissions", "password"}
    }
    data.update(
        groups=[group.pk],
        date_joined_0=clerk.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=clerk.date_joined.strftime("%H:%M:%S"),
    )
    data["is_staff"] = "on"
    data["is_active"] = "on"
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/auth/user/{clerk.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=str(clerk.pk))
    assert entry.before == {"groups": []} and entry.after == {"groups": [group.pk]}


def test_reading_pages_and_commands_record_nothing(client, platform_admin):
    client.get("/admin/catalog/publisher/")
    Publisher.objects.create(name="Made by a job")  # no request: not a staff action
    assert not AuditEntry.objects.exists()


@needs_elife
def test_a_command_line_import_records_nothing(platform_admin):
    call_command(
        "import_jats", str(sorted(ELIFE.glob("*.xml"))[0]), "--quiet", stdout=io.StringIO()
    )
    assert not AuditEntry.objects.exists()


def test_entries_cannot_be_added_changed_or_deleted_in_the_admin(
    client, platform_admin, admin_client
):
    client.post("/admin/catalog/publisher/add/", {"name": "Logged Press", "address": "", "url": ""})
    entry = AuditEntry.objects.get()
    base = "/admin/staff/auditentry/"
    for user_client in (client, admin_client):  # the platform admin, and even a superuser
        assert user_client.get(base).status_code == 200
        assert (
            user_client.get(f"{base}?action=add&user__id__exact={platform_admin.pk}").status_code
            == 200
        )
        page = user_client.get(f"{base}{entry.pk}/change/")
        assert page.status_code == 200 and b'name="_save"' not in page.content
        assert user_client.post(f"{base}{entry.pk}/change/", {"username": "x"}).status_code == 403
        assert user_client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        assert user_client.get(f"{base}add/").status_code == 403
        actions = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
        user_client.post(base, actions)
    entry.refresh_from_db()
    assert entry.username == "ada" and AuditEntry.objects.count() == 1


def refund_as(user, order):
    """A staff POST that changes rows with UPDATE, not save(), as the refund does."""
    request = RequestFactory().post("/back-office/sales/refund")
    request.user = user

    def view(request):
        with audited(order, "status", "ended_at"):
            services.refund(order)
        return HttpResponse()

    AuditMiddleware(view)(request)


def test_changes_made_by_update_are_recorded_through_audited(
    client, make_staff, seller, make_article
):
    order = buy(client, make_article(), country="GB")
    assert not AuditEntry.objects.exists()  # the reader's purchase is not a staff action
    refund_as(make_staff("Sales manager", "sam"), order)
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Order))
    assert (entry.username, entry.action, entry.object_id) == ("sam", "change", str(order.pk))
    assert entry.before == {"status": "paid", "ended_at": None}
    assert entry.after["status"] == "refunded" and entry.after["ended_at"]


def test_a_refund_in_the_back_office_is_recorded(client, make_staff, seller, make_article):
    order = buy(client, make_article(), country="GB")
    client.force_login(make_staff("Sales manager", "sam"))
    response = client.post(reverse("sales_admin:refund", args=[order.public_id]))
    assert response.status_code == 302
    assert Order.objects.get().status == "refunded"
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Order))
    assert entry.before["status"] == "paid" and entry.after["status"] == "refunded"
