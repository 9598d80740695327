"""Tax rates, as data staff can edit: one row per country, category and period.

Loaded from commerce/data/tax_rates.csv by `masthead load_tax_rates` (and migration).
"""

from django.core.exceptions import ValidationError
from django.db import models

__all__ = ["TaxRate"]


class TaxRate(models.Model):
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    category = models.CharField(max_length=32, default="e-publication")
    rate_bp = models.PositiveIntegerField("rate (basis points)", help_text="1900 = 19%")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Blank: still in force.")
    name = models.CharField(max_length=64, default="VAT", help_text="VAT, GST, sales tax")
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["country", "category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "category", "valid_from"], name="one_rate_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.category} {self.rate_bp / 100:g}% from {self.valid_from}"

    def clean(self) -> None:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError("A rate must end on or after its start.")
