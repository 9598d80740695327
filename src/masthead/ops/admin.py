from django.contrib import admin

from masthead.ops.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Which workers run, and when each last beat. Delete the row of a worker that was
    retired on purpose: readiness counts every worker it has seen as expected."""

    list_display = ["name", "host", "pid", "beat_at"]
    readonly_fields = ["name", "host", "pid", "beat_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
