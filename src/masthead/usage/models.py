"""Usage: raw events as the web recorded them, daily COUNTER rollups, SUSHI credentials.

Raw events are the system of record: rollups are rebuilt from them whenever the rules or
the robots list change (`masthead process_usage --reprocess 2026-10`). Reports and the
Views count read rollups, never a month of raw events.

Item and title are plain integer columns (the article's and journal's ids), not foreign
keys: an event must outlive an article's deletion, and the insert on every page view
should check nothing it does not have to.
"""

from django.db import models


class Event(models.Model):
    """One logged action on an article, appended by the web request (see services.record).

    On PostgreSQL the table can be partitioned by month of `occurred_at` (see
    docs/architecture.md); every query on it is bounded by `occurred_at`.
    """

    occurred_at = models.DateTimeField()
    item_id = models.BigIntegerField()  # catalog.Article
    title_id = models.BigIntegerField()  # catalog.Journal
    yop = models.SmallIntegerField(null=True)  # year of publication
    kind = models.CharField(max_length=16)  # counter.KINDS
    denial_reason = models.CharField(max_length=16, blank=True)  # no_license / limit_exceeded
    access_type = models.CharField(max_length=16)  # Controlled / Open / Free_To_Read
    access_method = models.CharField(max_length=8, default="Regular")  # Regular / TDM
    # Who, as 7.2/7.3 rank it (user, session cookie, or IP + user agent), hashed: the raw
    # address is never stored.
    session_id = models.CharField(max_length=64)
    tracked_session = models.BooleanField(default=False)
    url = models.CharField(max_length=300)
    user_agent = models.CharField(max_length=300, blank=True)  # robots are judged when processing
    institution_ids = models.CharField(max_length=200, blank=True)  # "3,17": every one counts

    class Meta:
        indexes = [
            models.Index(fields=["occurred_at"], name="usage_event_time"),
            models.Index(fields=["item_id", "occurred_at"], name="usage_event_item_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of item {self.item_id} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class DailyUsage(models.Model):
    """One COUNTER metric count for one item, one day, one institution.

    `institution_id` NULL holds all usage (the publisher's "The World" report); every event
    is also counted once for each institution its reader belongs to. Unique_Item_* sessions
    never span days, so days sum to months exactly.
    """

    day = models.DateField()
    title_id = models.BigIntegerField()
    item_id = models.BigIntegerField()
    institution_id = models.BigIntegerField(null=True)
    yop = models.SmallIntegerField(null=True)
    access_type = models.CharField(max_length=16)
    access_method = models.CharField(max_length=8)
    metric_type = models.CharField(max_length=32)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["institution_id", "day"], name="usage_daily_inst_day"),
            models.Index(fields=["item_id", "day"], name="usage_daily_item_day"),
            models.Index(fields=["day"], name="usage_daily_day"),
            # The Views count reads one row a day per article, not every metric and
            # institution of it.
            models.Index(
                fields=["item_id", "day"],
                name="usage_daily_views",
                condition=models.Q(
                    institution_id__isnull=True,
                    metric_type="Total_Item_Investigations",
                    access_method="Regular",
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} item {self.item_id}: {self.metric_type} = {self.count}"


class LiveViews(models.Model):
    """Views (Total_Item_Investigations, Regular, all usage) of days not yet rolled up,
    folded in from raw events every few seconds by the usage worker (live.py), so that the
    article page reads a number instead of counting events."""

    item_id = models.BigIntegerField()
    day = models.DateField()
    views = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item_id", "day"], name="usage_liveviews_item_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} item {self.item_id}: {self.views} views"


class Watermark(models.Model):
    """How far a worker has folded raw events in (one row per worker kind)."""

    name = models.CharField(max_length=32, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class ProcessedDay(models.Model):
    """A UTC day whose raw events have been rolled up (and with which robots list)."""

    day = models.DateField(unique=True)
    events = models.IntegerField()
    robots_version = models.CharField(max_length=32)
    processed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.day}: {self.events} events"


class SushiCredential(models.Model):
    """What a harvester presents: customer_id + requestor_id and/or api_key (never its IP).

    No institution: the publisher's own credential, which sees all usage ("The World").
    The api_key is kept as its SHA-256 only.
    """

    name = models.CharField(max_length=200)
    institution = models.ForeignKey(
        "access.Institution", null=True, blank=True, on_delete=models.CASCADE
    )
    customer_id = models.CharField(max_length=64, unique=True)
    requestor_id = models.CharField(max_length=64, blank=True)
    api_key_sha256 = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_id})"
