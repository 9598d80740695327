"""The jobs page of the back office: what runs, what failed and why, and retry buttons."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from masthead.access.redirects import same_site_path
from masthead.jobs import queue
from masthead.jobs.forms import ImportForm
from masthead.jobs.imports import UploadRefused, queue_upload
from masthead.jobs.models import Job
from masthead.jobs.panel import panel
from masthead.staff.services import staff_permission_required
from masthead.staff.signals import audited


@never_cache
@staff_permission_required("jobs.view_job")
def overview(request):
    return render(request, "jobs/overview.html", {"panel": panel(), "form": ImportForm()})


@require_POST
@staff_permission_required("catalog.add_article")
def upload_import(request):
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        journal = form.cleaned_data["journal"]
        try:
            job = queue_upload(form.cleaned_data["file"], journal.code if journal else None)
        except UploadRefused as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"{job.name}: queued; its result shows below.")
            return redirect("jobs:overview")
    context = {"panel": panel(), "form": form}
    return render(request, "jobs/overview.html", context, status=400)


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
