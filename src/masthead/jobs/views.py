"""The jobs page of the back office: what runs, what failed and why, and retry buttons."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from masthead.access.redirects import same_site_path
from masthead.jobs import queue
from masthead.jobs.models import Job
from masthead.jobs.panel import panel
from masthead.staff.services import staff_permission_required
from masthead.staff.signals import audited


@never_cache
@staff_permission_required("jobs.view_job")
def overview(request):
    return render(request, "jobs/overview.html", {"panel": panel()})


@require_POST
@staff_permission_required("jobs.retry_job")
def retry(request, job_id: str):
    job = get_object_or_404(Job, pk=job_id)
    with audited(job, "status", "attempts", "run_after"):  # retry_now updates without a save
        retried = queue.retry_now(job.pk)
    if retried:
        messages.success(request, f"{job.name}: queued again; the worker takes it within seconds.")
    else:
        messages.error(request, f"{job.name}: not retried, it is no longer failed.")
    return redirect(same_site_path(request, request.POST.get("next"), reverse("jobs:overview")))
