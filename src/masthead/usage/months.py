"""Calendar months, as COUNTER reports count them: 'YYYY-MM' keys and their first and last
days. Pure; the reports, the SUSHI API, the back office and processing all use these."""

from datetime import date


def month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def first_of_month(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def previous_month(d: date) -> date:
    return date(d.year - (d.month == 1), (d.month - 2) % 12 + 1, 1)


def last_of_month(d: date) -> date:
    return date.fromordinal(next_month(d).toordinal() - 1)


def months(begin: date, end: date) -> list[str]:
    """'YYYY-MM' for every month from begin's to end's, both included."""
    out, current = [], first_of_month(begin)
    while current <= end:
        out.append(month_key(current))
        current = next_month(current)
    return out


def month_period(last_month: date, count: int) -> tuple[date, date]:
    """(first day of the first month, first day of `last_month`): `count` months ending
    with `last_month`, both included."""
    if count < 1:
        raise ValueError(f"a period has at least one month, not {count}")
    last = first_of_month(last_month)
    first = last
    for _ in range(count - 1):
        first = previous_month(first)
    return first, last
