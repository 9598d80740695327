"""The tax rate table: shipped as data/tax_rates.csv, kept in TaxRate, read as tax.Rate.

Loading upserts by (country, category, valid_from): new rows are added, rows whose rate,
end, name or note differ are updated, others are left alone; rows staff added that the
file does not have are kept.
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from masthead.commerce import tax
from masthead.commerce.models import TaxRate

CSV_PATH = Path(__file__).with_name("data") / "tax_rates.csv"
COLUMNS = ["country", "category", "rate_bp", "valid_from", "valid_to", "name", "note"]
_KEY = ("country", "category", "valid_from")


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def read_csv(path: Path = CSV_PATH) -> list[dict]:
    """The file's rows as model field values; ValueError names the line at fault."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path}: the header must be {','.join(COLUMNS)}")
        rows = []
        for line, raw in enumerate(reader, start=2):
            try:
                row = {
                    "country": raw["country"].strip().upper(),
                    "category": raw["category"].strip(),
                    "rate_bp": int(raw["rate_bp"]),
                    "valid_from": date.fromisoformat(raw["valid_from"]),
                    "valid_to": date.fromisoformat(raw["valid_to"]) if raw["valid_to"] else None,
                    "name": raw["name"].strip(),
                    "note": raw["note"].strip(),
                }
            except (AttributeError, TypeError, ValueError) as error:
                raise ValueError(f"{path}, line {line}: {error}") from error
            if len(row["country"]) != 2 or row["rate_bp"] < 0:
                raise ValueError(f"{path}, line {line}: bad country or rate")
            if row["valid_to"] and row["valid_to"] < row["valid_from"]:
                raise ValueError(f"{path}, line {line}: the rate ends before it starts")
            rows.append(row)
    return rows


def load_rates(model=TaxRate, path: Path = CSV_PATH) -> LoadResult:
    """Upsert the file into `model` (the migration passes its historical TaxRate)."""
    rows = read_csv(path)
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {tuple(getattr(r, k) for k in _KEY): r for r in model.objects.all()}
        for row in rows:
            current = existing.get(tuple(row[k] for k in _KEY))
            if current is None:
                model.objects.create(**row)
                created += 1
                continue
            changed = [k for k, v in row.items() if getattr(current, k) != v]
            if changed:
                for k in changed:
                    setattr(current, k, row[k])
                current.save(update_fields=changed)
                updated += 1
            else:
                unchanged += 1
    return LoadResult(created, updated, unchanged)


def rates_for(country: str, day: date) -> list[tax.Rate]:
    """Every category's rate for `country` in force on `day` (one query)."""
    rows = TaxRate.objects.filter(country=country.upper(), valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    return [
        tax.Rate(
            country=r.country,
            category=r.category,
            rate_bp=r.rate_bp,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            name=r.name,
        )
        for r in rows
    ]
