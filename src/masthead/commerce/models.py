"""Offers: what a reader without access can buy, at which price.

A journal's price list holds one offer per kind and currency; an issue or an article
may override it with its own list price. Prices are integer minor units (cents).
"""

import pycountry
from django.core.exceptions import ValidationError
from django.db import models

from masthead.catalog.models import Article, Issue, Journal


class OfferKind(models.TextChoices):
    ARTICLE = "article", "PDF download + Online access"
    ISSUE = "issue", "Issue Purchase"


class Offer(models.Model):
    kind = models.CharField(max_length=16, choices=OfferKind.choices)
    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="offers")
    issue = models.ForeignKey(
        Issue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
        help_text="Set to override the journal's price for one issue.",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
        help_text="Set to override the journal's price for one article.",
    )
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code")
    amount_minor = models.PositiveIntegerField(help_text="Price in minor units: 5300 = 53.00")
    access_hours = models.PositiveIntegerField(help_text="48 for two days, 720 for 30 days")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["journal", "kind", "currency"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.currency} {self.amount_minor / 100:.2f}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.journal.touch()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.journal.touch()
        return result

    def clean(self) -> None:
        self.currency = (self.currency or "").upper()
        if pycountry.currencies.get(alpha_3=self.currency) is None:
            raise ValidationError({"currency": f"{self.currency!r} is not an ISO 4217 currency."})
        if self.article_id and self.issue_id:
            raise ValidationError("An offer overrides either an issue or an article, not both.")
        if self.kind == OfferKind.ISSUE and self.article_id:
            raise ValidationError("An issue offer cannot be attached to an article.")


from masthead.commerce.models_sales import *  # noqa: E402, F401, F403
from masthead.commerce.models_tax import *  # noqa: E402, F401, F403
