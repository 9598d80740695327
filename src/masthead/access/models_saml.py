"""What SAML login must remember across processes: the messages already consumed."""

from django.db import IntegrityError, models, transaction
from django.utils import timezone

__all__ = ["ConsumedSamlMessage"]


class ConsumedSamlMessage(models.Model):
    """A SAML Response or Assertion ID seen once, kept until the message would expire anyway.

    A second POST of the same response (a replay) finds its ID here and is refused.
    """

    message_id = models.CharField(max_length=255, unique=True)
    issuer = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "consumed SAML message"

    def __str__(self) -> str:
        return f"{self.message_id} (until {self.expires_at:%Y-%m-%d %H:%M} UTC)"

    @classmethod
    def consume(cls, message_ids: list[str], issuer: str, expires_at) -> bool:
        """Record the IDs as used; False if any of them was used before (a replay)."""
        now = timezone.now()
        cls.objects.filter(expires_at__lt=now).delete()
        try:
            with transaction.atomic():
                for message_id in message_ids:
                    cls.objects.create(message_id=message_id, issuer=issuer, expires_at=expires_at)
        except IntegrityError:
            return False
        return True
