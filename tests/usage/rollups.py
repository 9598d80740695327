"""DailyUsage rows for tests that start from rollups rather than raw events."""

from masthead.usage.models import DailyUsage


def daily_usage(day, item_id, metric, count, *, title_id=1, institution_id=None, yop=2023,
                access_type="Controlled", access_method="Regular") -> DailyUsage:  # fmt: skip
    return DailyUsage(
        day=day, title_id=title_id, item_id=item_id, institution_id=institution_id, yop=yop,
        access_type=access_type, access_method=access_method, metric_type=metric, count=count,
    )  # fmt: skip
