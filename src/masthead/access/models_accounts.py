"""Personal reader accounts: what Django's User does not hold (whether the e-mail is proven).

Imported into access/models.py, so these models belong to the access app.
"""

from django.conf import settings
from django.db import models

__all__ = ["ReaderProfile"]


class ReaderProfile(models.Model):
    """One per reader account; the login is the User's username (the lower-cased e-mail)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_profile"
    )
    email_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reader followed the verification link."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({'verified' if self.email_verified_at else 'unverified'})"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None
