"""Who may read: institutions (by IP range or SAML identity provider), their licences,
and personal grants (purchases, subscriptions).

IP addresses are stored as 32 hex digits in one IPv6 key space (IPv4 as ::ffff:a.b.c.d),
so ranges compare as strings and "which range holds this address" is one index query.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from masthead.access import iprange
from masthead.catalog.models import Article, Issue, Journal


class Institution(models.Model):
    name = models.CharField(max_length=255, unique=True)
    contact_name = models.CharField(max_length=255, blank=True)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IPRange(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="ip_ranges")
    text = models.CharField(
        "range", max_length=100, help_text="CIDR (203.0.113.0/24, 2001:db8::/48) or start-end"
    )
    start_key = models.CharField(max_length=32, editable=False, db_index=True)
    end_key = models.CharField(max_length=32, editable=False)

    class Meta:
        ordering = ["start_key"]
        verbose_name = "IP range"

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        parsed = iprange.parse_range(self.text)
        self.text, self.start_key, self.end_key = parsed.text, parsed.start_key, parsed.end_key
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            parsed = iprange.parse_range(self.text)
        except ValueError as error:
            raise ValidationError({"text": str(error)}) from None
        problem = iprange.refusal(parsed, allow_documentation=settings.MASTHEAD_DEMO)
        if problem:
            raise ValidationError({"text": problem})
        self.start_key, self.end_key = parsed.start_key, parsed.end_key
        overlapping = (
            IPRange.objects.filter(start_key__lte=self.end_key, end_key__gte=self.start_key)
            .exclude(pk=self.pk)
            .select_related("institution")
            .first()
        )
        if overlapping is not None:  # ranges never overlap: the lookup relies on it
            raise ValidationError(
                {"text": f"overlaps {overlapping.text} of {overlapping.institution}"}
            )


class IdentityProvider(models.Model):
    """An institution's SAML identity provider, and which of its users count as members."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="identity_providers"
    )
    entity_id = models.CharField("entityID", max_length=500, unique=True)
    display_name = models.CharField(max_length=255, blank=True)
    required_entitlement = models.CharField(
        max_length=255,
        blank=True,
        default="urn:mace:dir:entitlement:common-lib-terms",
        help_text="eduPersonEntitlement value a user must have (blank: any user).",
    )
    allowed_scope = models.CharField(
        max_length=255,
        blank=True,
        help_text="Accept eduPersonScopedAffiliation member@<scope> instead (e.g. uni.edu).",
    )

    class Meta:
        verbose_name = "SAML identity provider"

    def __str__(self) -> str:
        return self.display_name or self.entity_id


class Licence(models.Model):
    """An institution's right to a journal's content, for a period, maybe within ranges."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="licences")
    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="licences")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Blank: no end.")
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    first_volume = models.PositiveIntegerField(null=True, blank=True)
    last_volume = models.PositiveIntegerField(null=True, blank=True)
    perpetual_first_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Content of these years stays readable after the end."
    )
    perpetual_last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    concurrent_users = models.PositiveIntegerField(
        null=True, blank=True, help_text="Readers at once; blank for no limit."
    )

    class Meta:
        ordering = ["institution", "journal", "-starts_on"]
        indexes = [models.Index(fields=["institution", "journal"])]

    def __str__(self) -> str:
        return f"{self.institution}: {self.journal} from {self.starts_on}"


class Grant(models.Model):
    """Time-limited access for one person: to an article, an issue or a whole journal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True)
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, null=True, blank=True)
    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    source = models.CharField(max_length=255, blank=True, help_text="e.g. the order it came from")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_at"]
        indexes = [models.Index(fields=["user", "ends_at"])]

    def __str__(self) -> str:
        target = self.article or self.issue or self.journal
        return f"{self.user} → {target} until {self.ends_at:%Y-%m-%d %H:%M} UTC"

    def clean(self) -> None:
        if sum(x is not None for x in (self.article_id, self.issue_id, self.journal_id)) != 1:
            raise ValidationError("A grant is for exactly one article, issue or journal.")
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError("A grant must end after it starts.")


class ActiveReader(models.Model):
    """Who read under a licence lately: concurrent-user limits count these rows."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE)
    reader_key = models.CharField(max_length=64)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["licence", "reader_key"], name="one_row_per_reader")
        ]
        indexes = [models.Index(fields=["licence", "last_seen"])]

    def __str__(self) -> str:
        return f"{self.reader_key} under licence {self.licence_id} at {self.last_seen}"


from masthead.access.models_accounts import *  # noqa: E402, F401, F403
from masthead.access.models_saml import *  # noqa: E402, F401, F403
