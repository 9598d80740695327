"""Model rows as JSON-ready dicts and back: every concrete field but keys and files."""

from __future__ import annotations

import datetime

from django.db import models

# Keys are rebuilt on restore (journal by code, issue by volume and number, the article by
# DOI); doi_key is derived from the DOI; files travel as their own members.
SKIP = {"id", "article", "journal", "issue", "publisher", "doi_key", "source_xml", "file"}


def fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIP]


def to_data(obj: models.Model) -> dict:
    data = {}
    for field in fields(type(obj)):
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        data[field.name] = value
    return data


def from_data(model: type[models.Model], data: dict) -> dict:
    """Field values for `model` from `data`, each through the field's own parsing."""
    return {f.name: f.to_python(data[f.name]) for f in fields(model) if f.name in data}
