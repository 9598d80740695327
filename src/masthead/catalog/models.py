"""The content model: publishers, journals, issues, articles, contributors, references.

Value lists that belong to one article and have no identity of their own (abstracts,
keywords, notes, funding) are JSON on the article, so the article page reads them with
the article row; contributors and references are rows, because other parts of the
platform query them (ORCID look-ups, reference matching for cited-by).
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from masthead.jats.sanitize import sanitize_html, sanitize_inline


def doi_key(doi: str) -> str:
    """The form DOIs are compared in: DOIs are case-insensitive (ASCII case only)."""
    return doi.strip().lower()


class Publisher(models.Model):
    name = models.CharField(max_length=255, unique=True)
    address = models.TextField(blank=True, help_text="Postal address, shown on invoices.")
    url = models.URLField(blank=True)

    def __str__(self) -> str:
        return self.name


class RelatedScope(models.TextChoices):
    """Where an article's Related Research may come from (`related` app)."""

    JOURNAL = "journal", "Same journal only"
    PLATFORM = "platform", "Whole platform"


class Journal(models.Model):
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="journals")
    code = models.SlugField(max_length=64, unique=True, help_text="Used in URLs: /journals/<code>")
    title = models.CharField(max_length=500)
    abbreviation = models.CharField(max_length=255, blank=True)
    issn_print = models.CharField("print ISSN", max_length=9, blank=True, db_index=True)
    issn_online = models.CharField("online ISSN", max_length=9, blank=True, db_index=True)
    doi_prefix = models.CharField("DOI prefix", max_length=64, blank=True)
    description = models.TextField(blank=True)
    default_currency = models.CharField(max_length=3, default="USD")
    is_open_access = models.BooleanField(
        "open-access journal", default=False, help_text="Every article is open access."
    )
    is_featured = models.BooleanField(default=False, help_text="Listed first on the home page.")
    altmetric_badge = models.BooleanField(
        default=False,
        help_text="Show Altmetric's badge on article pages (loaded by the reader's browser).",
    )
    related_scope = models.CharField(
        "related research from",
        max_length=16,
        choices=RelatedScope.choices,
        default=RelatedScope.PLATFORM,
        help_text="Where People also read and Recommended articles may come from. "
        "An article can say otherwise in its own Related research settings.",
    )
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Also touched when its prices change: pages cache on it."
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reader:journal", args=[self.code])

    def touch(self) -> None:
        """Mark the journal changed (its prices, say): cached pages under it render anew."""
        Journal.objects.filter(pk=self.pk).update(updated_at=timezone.now())

    @property
    def issn(self) -> str:
        return self.issn_online or self.issn_print


class Issue(models.Model):
    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="issues")
    volume = models.CharField(max_length=32)
    number = models.CharField(max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    cover_date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True, help_text="Special issue title.")
    first_page = models.CharField(max_length=16, blank=True)
    last_page = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-cover_date", "-volume", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "volume", "number"], name="issue_unique_in_journal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.journal.abbreviation or self.journal.title} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("reader:toc", args=[self.journal.code, self.volume, self.number or "0"])

    @property
    def label(self) -> str:
        text = f"Volume {self.volume}"
        if self.number:
            text += f", Issue {self.number}"
        return text


class ArticleQuerySet(models.QuerySet):
    def visible(self):
        """What readers may find: published, and not under embargo (a publication date
        still to come). Every list, feed, sitemap and job that shows articles uses this."""
        today = timezone.now().date()
        return self.filter(is_published=True).exclude(published_online__gt=today)


class Article(models.Model):
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="articles")
    issue = models.ForeignKey(
        Issue, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    doi = models.CharField("DOI", max_length=255, unique=True)
    # DOIs are case-insensitive: this lower-cased copy finds and keeps them unique.
    doi_key = models.CharField(max_length=255, unique=True, editable=False)
    pmid = models.CharField("PMID", max_length=16, blank=True, db_index=True)
    pmcid = models.CharField("PMCID", max_length=16, blank=True)
    publisher_id = models.CharField(max_length=64, blank=True)

    article_type = models.CharField(max_length=64, blank=True, help_text="JATS @article-type")
    section = models.CharField(max_length=255, blank=True, help_text='Label, e.g. "Forum"')
    subjects = models.JSONField(default=list, blank=True)
    title = models.TextField()
    title_html = models.TextField(blank=True)
    subtitle = models.TextField(blank=True)
    language = models.CharField(max_length=16, default="en")

    # PubMed gives article identifiers as pages ("CIRCINTERVENTIONS121010884")
    first_page = models.CharField(max_length=64, blank=True)
    last_page = models.CharField(max_length=64, blank=True)
    elocation_id = models.CharField("e-location id", max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in the issue.")

    received = models.DateField(null=True, blank=True)
    accepted = models.DateField(null=True, blank=True)
    published_online = models.DateField(null=True, blank=True, db_index=True)
    issue_date = models.DateField(null=True, blank=True)

    abstracts = models.JSONField(default=list, blank=True)  # [{"type", "title", "html"}]
    keywords = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)  # [{"label", "html", "id"}]
    funding = models.JSONField(default=list, blank=True)  # [{"funder_name", "funder_id", ...}]
    funding_statement_html = models.TextField(blank=True)
    disclosure_html = models.TextField("disclosure statement", blank=True)

    license_url = models.URLField(max_length=500, blank=True)
    license_html = models.TextField(blank=True)
    copyright_statement = models.TextField(blank=True)
    is_open_access = models.BooleanField(default=False)
    is_free_to_read = models.BooleanField(
        default=False, help_text="Free to read without an open licence (e.g. editorials)."
    )
    is_published = models.BooleanField(default=True)

    body_html = models.TextField(blank=True)
    back_html = models.TextField(blank=True)
    source_format = models.CharField(max_length=16, default="jats")
    source_xml = models.TextField(blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_online", "position"]
        indexes = [models.Index(fields=["issue", "position"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.doi_key = doi_key(self.doi)
        # Whoever wrote it (an importer, an editor in the admin), HTML is made safe here.
        self.title_html = sanitize_inline(self.title_html)
        for name in (
            "funding_statement_html",
            "disclosure_html",
            "license_html",
            "body_html",
            "back_html",
        ):
            setattr(self, name, sanitize_html(getattr(self, name)))
        for item in (*self.abstracts, *self.notes):
            item["html"] = sanitize_html(item.get("html", ""))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reader:article", args=[self.doi])

    @property
    def has_full_text(self) -> bool:
        return bool(self.body_html)

    @property
    def pages(self) -> str:
        if self.first_page and self.last_page and self.first_page != self.last_page:
            return f"{self.first_page}-{self.last_page}"
        return self.first_page or self.elocation_id

    @property
    def main_abstract(self) -> dict | None:
        for abstract in self.abstracts:
            if not abstract.get("type"):
                return abstract
        return self.abstracts[0] if self.abstracts else None

    @property
    def other_abstracts(self) -> list[dict]:
        main = self.main_abstract
        return [a for a in self.abstracts if a is not main]


class Contributor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="contributors")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=32, default="author")
    given_names = models.CharField(max_length=255, blank=True)
    surname = models.CharField(max_length=255, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    collab = models.CharField("group name", max_length=500, blank=True)
    orcid = models.CharField("ORCID", max_length=19, blank=True, db_index=True)
    email = models.EmailField(blank=True)
    is_corresponding = models.BooleanField(default=False)
    equal_contrib = models.BooleanField(default=False)
    affiliations = models.JSONField(default=list, blank=True)  # [{"text", "institution", ...}]
    bio_html = models.TextField("note on contributor", blank=True)

    class Meta:
        ordering = ["article", "position"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.bio_html = sanitize_html(self.bio_html)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return display_name(self.given_names, self.surname, self.suffix, self.collab)


def display_name(given_names: str, surname: str, suffix: str, collab: str) -> str:
    """A contributor's name as pages show it ("Given Surname Jr"), or a group's name; for
    code that reads the columns without the model (search)."""
    if collab and not surname:
        return collab
    return " ".join(p for p in (given_names, surname, suffix) if p)


class Reference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=64, blank=True)
    ref_id = models.CharField(max_length=64, blank=True)
    publication_type = models.CharField(max_length=32, blank=True)
    authors = models.JSONField(default=list, blank=True)  # [[surname, given_names], ...]
    collab = models.CharField(max_length=500, blank=True)
    article_title = models.TextField(blank=True)
    source = models.TextField(blank=True)
    year = models.CharField(max_length=16, blank=True)
    volume = models.CharField(max_length=32, blank=True)
    issue = models.CharField(max_length=32, blank=True)
    first_page = models.CharField(max_length=32, blank=True)
    last_page = models.CharField(max_length=32, blank=True)
    elocation_id = models.CharField(max_length=64, blank=True)
    publisher = models.CharField(max_length=500, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True, db_index=True)
    pmid = models.CharField("PMID", max_length=16, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    original_text = models.TextField(blank=True)

    class Meta:
        ordering = ["article", "position"]

    def __str__(self) -> str:
        return self.original_text[:80] or self.article_title[:80]


from masthead.catalog.models_assets import *  # noqa: E402, F401, F403
