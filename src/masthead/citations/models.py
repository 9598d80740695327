"""Who cites our articles (merged from our corpus and Crossref), and our DOI deposits.

`Citation` is one citing work of one of our articles, whatever found it: a reference
in an article hosted here (`from_corpus`, with the reference that points here) and/or
Crossref's cited-by service (`from_crossref`). Works are merged by the citing DOI, so
a work both sources know is one row. `CitationSummary` is what the article page reads:
the merged count and when anything about the article's citations last changed (the
page cache keys on it).
"""

from django.db import models
from django.utils import timezone

from masthead.catalog.models import Article, Publisher, Reference


class Citation(models.Model):
    cited = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    citing_doi = models.CharField("citing DOI", max_length=255, help_text="Compared form")
    citing_article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations_made",
        help_text="The citing article, when it is hosted here.",
    )
    reference = models.ForeignKey(
        Reference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The reference in the citing article that points here (our corpus).",
    )
    title = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True)  # display names, in order
    container = models.TextField("journal or book", blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=32, blank=True)
    issue = models.CharField(max_length=32, blank=True)
    first_page = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=32, default="journal_article")
    from_corpus = models.BooleanField(default=False)
    from_crossref = models.BooleanField(default=False)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cited", "citing_doi"], name="one_citation_per_work")
        ]
        indexes = [models.Index(fields=["cited", "-year", "-found_at"])]

    def __str__(self) -> str:
        return f"{self.citing_doi} cites {self.cited_id}"


class CitationSummary(models.Model):
    """Per article: the merged citation count and when its citations last changed."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="citation_summary"
    )
    cited_by = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    crossref_checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When Crossref was last asked about this DOI alone."
    )

    def __str__(self) -> str:
        return f"{self.cited_by} citations of {self.article_id}"


class RefreshMark(models.Model):
    """Where a background refresh got to, so that the next run does only what is new."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.CharField(max_length=255)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class CrossrefMember(models.Model):
    """A publisher's Crossref membership: deposit credentials and the cited-by window."""

    publisher = models.OneToOneField(Publisher, on_delete=models.CASCADE, related_name="crossref")
    username = models.CharField(
        max_length=255, help_text="Crossref login (a role, or user/role for a personal login)."
    )
    password = models.CharField(max_length=255)
    depositor_name = models.CharField(max_length=130)
    depositor_email = models.EmailField()
    registrant = models.CharField(max_length=255, blank=True, help_text="Defaults to publisher.")
    cited_by = models.BooleanField(
        "fetch cited-by", default=True, help_text="Ask Crossref who cites our DOIs."
    )
    cited_by_checked_until = models.DateField(
        null=True, blank=True, help_text="Cited-by links created up to this day are in."
    )

    def __str__(self) -> str:
        return f"Crossref membership of {self.publisher}"

    @property
    def registrant_name(self) -> str:
        return self.registrant or self.publisher.name


class DepositBatch(models.Model):
    """One Crossref deposit: the XML we built and what became of it."""

    WRITTEN = "written"  # --output: written to a file, not submitted
    SUBMITTED = "submitted"  # Crossref received it; the result is pending
    REFUSED = "refused"  # Crossref did not accept the upload
    COMPLETED = "completed"  # every record registered
    FAILURES = "failures"  # processed, with records that failed
    STATUSES = [
        (WRITTEN, "written to a file"),
        (SUBMITTED, "submitted, result pending"),
        (REFUSED, "refused by Crossref"),
        (COMPLETED, "registered"),
        (FAILURES, "processed with failures"),
    ]

    batch_id = models.CharField(max_length=100, unique=True)
    member = models.ForeignKey(
        CrossrefMember, on_delete=models.PROTECT, null=True, blank=True, related_name="batches"
    )
    timestamp = models.BigIntegerField(help_text="The deposit's <timestamp>: it only grows.")
    status = models.CharField(max_length=16, choices=STATUSES)
    message = models.TextField(blank=True)
    xml = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    success_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    failure_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deposit batches"

    def __str__(self) -> str:
        return self.batch_id


class DepositItem(models.Model):
    """An article in a deposit, as it was when deposited, and Crossref's word on it."""

    PENDING, SUCCESS, WARNING, FAILURE = "pending", "success", "warning", "failure"
    STATUSES = [(s, s) for s in (PENDING, SUCCESS, WARNING, FAILURE)]

    batch = models.ForeignKey(DepositBatch, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deposits")
    doi = models.CharField(max_length=255)
    stamp = models.CharField(max_length=255, help_text="What of the article was deposited.")
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    message = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["article", "status"])]

    def __str__(self) -> str:
        return f"{self.doi} in {self.batch_id}: {self.status}"
