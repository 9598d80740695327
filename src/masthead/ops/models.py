"""What operations need to know about the background workers: when each last worked."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per kind of worker (`worker`: `masthead worker`), touched every 30 seconds.

    Readiness and `masthead check` read it: a worker whose beat is old has stopped, and
    the jobs it runs (usage counts, PDFs, alerts) silently pile up.
    """

    name = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    beat_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} on {self.host} ({self.beat_at:%Y-%m-%d %H:%M:%S})"
