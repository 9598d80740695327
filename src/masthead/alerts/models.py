"""E-mail alerts: what a reader asked to hear about, and what the job has told them.

- `Subscription`: one reader's alert, either for a journal (a new issue is out) or for an
  article (a new work cites it). One row per (reader, journal) and per (reader, article).
- `AnnouncedIssue`: the issues the job has seen come out, so each is announced once.
  The first run records the back catalogue here without mailing it (`mailed` False).
- `Delivery`: the outbox. One row per (subscription, issue) or (subscription, citing
  work), written before anything is sent; unique, so no rerun or second worker plans
  the same news twice. `sent_at` is stamped once the mail server took the message.
- `JobMark`: where the job got to ("baseline": the back catalogue is recorded).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from masthead.catalog.models import Article, Issue, Journal
from masthead.citations.models import Citation


class Subscription(models.Model):
    NEW_ISSUE = "new_issue"
    CITED = "cited"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    journal = models.ForeignKey(
        Journal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
        help_text="New-issue alert: mail when an issue of this journal is out.",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
        help_text="Citation alert: mail when a new work cites this article.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(journal__isnull=False, article__isnull=True)
                | Q(journal__isnull=True, article__isnull=False),
                name="alert_for_journal_or_article",
            ),
            models.UniqueConstraint(
                fields=["user", "journal"],
                condition=Q(journal__isnull=False),
                name="one_issue_alert_per_journal",
            ),
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="one_citation_alert_per_article",
            ),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        if self.journal_id:
            return f"{self.user}: new issues of {self.journal}"
        return f"{self.user}: citations of {self.article}"

    @property
    def kind(self) -> str:
        return self.NEW_ISSUE if self.journal_id else self.CITED


class AnnouncedIssue(models.Model):
    issue = models.OneToOneField(
        Issue, on_delete=models.CASCADE, primary_key=True, related_name="alert_announcement"
    )
    out_at = models.DateTimeField(default=timezone.now, help_text="When the job saw it out.")
    mailed = models.BooleanField(
        default=True, help_text="False: already out when alerts began (never mailed)."
    )

    def __str__(self) -> str:
        return f"{self.issue_id} out at {self.out_at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    citation = models.ForeignKey(
        Citation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    citing_doi = models.CharField(
        "citing DOI", max_length=255, blank=True, help_text="Compared form; the work told of."
    )
    planned_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, help_text="The run sending it.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Failed sends so far.")

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "issue"],
                condition=Q(issue__isnull=False),
                name="one_delivery_per_issue",
            ),
            models.UniqueConstraint(
                fields=["subscription", "citing_doi"],
                condition=~Q(citing_doi=""),
                name="one_delivery_per_citing_work",
            ),
        ]
        indexes = [
            models.Index(
                fields=["claimed_at"], condition=Q(sent_at__isnull=True), name="alert_delivery_due"
            ),
            models.Index(fields=["claim"], name="alert_delivery_claim"),
        ]

    def __str__(self) -> str:
        what = f"issue {self.issue_id}" if self.issue_id else self.citing_doi
        return f"{what} to subscription {self.subscription_id}"


class JobMark(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M}"
