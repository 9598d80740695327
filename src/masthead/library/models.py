"""Who administers an institution (its librarians), and the changes they ask for.

A librarian sees their institution's licences, IP ranges, identity providers, SUSHI
credentials and usage on the library portal; what they may not edit themselves (ranges,
SAML settings) they ask the publisher to change with a ChangeRequest.
"""

from django.conf import settings
from django.db import models

from masthead.access.models import Institution


class InstitutionAdministrator(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="administered"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="administrators"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="one_row_per_librarian")
        ]
        ordering = ["institution", "user"]
        verbose_name = "institution administrator"

    def __str__(self) -> str:
        return f"{self.user} administers {self.institution}"


class ChangeRequest(models.Model):
    """A librarian's request to change their institution's IP ranges or SAML settings."""

    class Kind(models.TextChoices):
        IP_RANGES = "ip_ranges", "IP ranges"
        SAML = "saml", "SAML settings"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        REJECTED = "rejected", "Rejected"

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="change_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField("what should change")
    proposed_range = models.CharField(
        max_length=100, blank=True, help_text="Normalised; checked when it was asked for."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField("publisher's answer", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["institution", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.institution}: {self.get_kind_display()} ({self.get_status_display()})"
