"""Plain SQL for the few lookups on every request, where building an ORM query costs
more than running it. Values come as the database driver gives them: SQLite hands back
dates as ISO text, PostgreSQL as dates; `as_date` evens that out."""

from datetime import UTC, date, datetime

from django.db import connection


def fetch_one(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value) -> date | None:
    """A DATE column's value as a date (or None); a timestamp's as its UTC date."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def explain(sql: str, params: list) -> str:
    """The database's plan for a query, as text (for tests that pin an index, and people)."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    rows = fetch_all(prefix + sql, params)
    return "\n".join(" ".join(str(c) for c in row) for row in rows)
