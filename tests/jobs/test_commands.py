"""What operators type: imports in the background, `masthead jobs`, `masthead worker --once`."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import TaskResultStatus as Status

from masthead.catalog.models import Article
from masthead.jobs.models import Job
from masthead.jobs.worker import Worker
from tests.catalog.test_import_pubmed import PUBMED

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_background_import_is_queued_then_imported_by_the_worker(tmp_path):
    path = tmp_path / "pubmed.xml"
    path.write_text(PUBMED)
    said = run("import_pubmed", str(path), "--mint-doi-prefix", "10.5555", "--background")
    job_id = said.split("queued job ")[1].strip()
    assert Article.objects.count() == 0  # nothing imported yet
    job = Worker().run_one()
    assert job.id == job_id and job.status == Status.SUCCESSFUL
    assert "2 imported" in job.output
    assert Article.objects.filter(doi__in=["10.1000/test.111", "10.5555/pmid.222"]).count() == 2
    assert job.args[-1] == "--quiet" and str(path) in job.args


def test_a_malformed_background_import_fails_clearly_and_imports_nothing(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<PubmedArticleSet><PubmedArticle>")
    run("import_pubmed", str(path), "--background")
    job = Job.objects.get()
    job.max_attempts = 1
    job.save()
    ran = Worker().run_one()
    assert ran.status == Status.FAILED and Article.objects.count() == 0
    assert "broken.xml" in ran.last_error


def test_a_background_import_of_a_missing_file_is_refused_at_once(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("import_pubmed", str(tmp_path / "missing.xml"), "--background")
    with pytest.raises(CommandError, match="no such file"):
        run("import_jats", str(tmp_path / "missing.xml"), "--background")
    assert not Job.objects.exists()


def test_jobs_lists_json_and_retries_a_failed_job():
    run("import_jats", "/dev/null", "--background")
    Job.objects.update(max_attempts=1)
    Worker().run_one()
    [row] = json.loads(run("jobs", "--json"))
    assert row["status"] == "FAILED" and row["attempts"] == 1 and row["error"]
    assert row["task"] == "masthead.jobs.tasks.run_command" and row["name"].startswith(
        "import_jats"
    )
    assert "queued again" in run("jobs", "--retry", row["id"])
    with pytest.raises(CommandError, match="no failed job"):
        run("jobs", "--retry", row["id"])
    assert "READY" in run("jobs")


def test_worker_once_runs_the_due_schedule_and_stops():
    said = run("worker", "--once", "--threads", "1")
    outcomes = {job.schedule_key.split("@")[0]: job.status for job in Job.objects.all()}
    assert f"{len(outcomes)} job(s) run" in said
    assert outcomes == {
        name: Status.SUCCESSFUL
        for name in ("usage", "pdfs", "related", "alerts", "orders", "citations", "search")
        + ("prune",)
    }


def test_recommendations_build_on_an_empty_catalogue_without_failing():
    # A fresh install runs this every minute before anything is imported.
    assert "Full rebuild" in run("build_related", "--daily-full")


def test_rerunning_an_interrupted_import_indexes_what_the_first_run_left_unindexed(tmp_path):
    from masthead.discovery.models import SearchDocument

    path = tmp_path / "pubmed.xml"
    path.write_text(PUBMED)
    run("import_pubmed", str(path), "--mint-doi-prefix", "10.5555")
    SearchDocument.objects.all().delete()  # as if the first run was killed before its batch ended
    assert "0 imported, 0 updated, 2 unchanged" in run(
        "import_pubmed", str(path), "--mint-doi-prefix", "10.5555"
    )
    assert SearchDocument.objects.count() == 2
