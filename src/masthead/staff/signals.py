"""Audit signals: write an AuditEntry for each save or delete made while staff act.

pre_save reads the row as it was (one query, only while staff act), post_save and
post_delete write the entry in the same transaction as the change. Many-to-many edits
(a user's groups, a group's permissions) are recorded as the field's list of ids.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from masthead.staff import audit
from masthead.staff.context import acting_staff

# Rows that change as a side effect of any request, or that are the log itself.
SKIPPED = frozenset(
    {"staff.auditentry", "admin.logentry", "sessions.session", "contenttypes.contenttype"}
)
IGNORED_FIELDS = frozenset({"last_login"})


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _tracked(model) -> bool:
    return model._meta.label_lower not in SKIPPED and not model._meta.auto_created


def _values(instance) -> dict:
    """The row's concrete fields as JSON values (foreign keys as ids)."""
    raw = {}
    for f in instance._meta.concrete_fields:
        value = f.value_from_object(instance)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name or ""
        raw[f.attname if f.is_relation else f.name] = value
    return json.loads(json.dumps(raw, cls=_Encoder))


def _write(user, action, instance, before, after) -> None:
    from masthead.staff.models import AuditEntry

    AuditEntry.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk)[:64],
        object_repr=str(instance)[:200],
        before=before,
        after=after,
    )


@contextmanager
def audited(instance, *fields: str):
    """Record a change made without save(), e.g. by a conditional UPDATE:

        with audited(order, "status", "ended_at"):
            services.refund(order)

    reads the fields before and after; an entry is written only while staff act."""
    user = acting_staff()
    if user is None:
        yield
        return
    manager = type(instance)._base_manager

    def read() -> dict:
        row = manager.filter(pk=instance.pk).values(*fields).first() or {}
        return json.loads(json.dumps(row, cls=_Encoder))

    before = read()
    yield
    old, new = audit.changed(before, read())
    if new:
        _write(user, "change", instance, old, new)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _tracked(sender) or instance.pk is None or acting_staff() is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = _values(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _tracked(sender):
        return
    user = acting_staff()
    if user is None:
        return
    before = getattr(instance, "_audit_before", None)
    instance.__dict__.pop("_audit_before", None)
    after = _values(instance)
    if created or before is None:
        _write(user, "add", instance, {}, audit.redact(after))
        return
    old, new = audit.changed(before, after, IGNORED_FIELDS)
    if new:
        _write(user, "change", instance, old, new)


def _after_delete(sender, instance, **kwargs):
    if not _tracked(sender):
        return
    user = acting_staff()
    if user is not None:
        _write(user, "delete", instance, audit.redact(_values(instance)), {})


def _m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or not _tracked(type(instance)):
        return
    user = acting_staff()
    if user is None:
        return
    field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    ids = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    if action.startswith("pre_"):
        instance.__dict__.setdefault("_audit_m2m", {})[field.name] = ids
        return
    before = instance.__dict__.get("_audit_m2m", {}).pop(field.name, None)
    if before is not None and before != ids:
        old, new = audit.changed({field.name: before}, {field.name: ids})
        _write(user, "change", instance, old, new)


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="staff-audit-pre-save")
    post_save.connect(_after_save, dispatch_uid="staff-audit-post-save")
    post_delete.connect(_after_delete, dispatch_uid="staff-audit-post-delete")
    m2m_changed.connect(_m2m, dispatch_uid="staff-audit-m2m")
