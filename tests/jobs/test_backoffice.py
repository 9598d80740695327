"""The jobs page and the dashboard's panel: failures with their reasons, and retry buttons."""

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus as Status
from lxml import html as lxml_html

from masthead.jobs.models import Job
from masthead.jobs.services import enqueue_command
from masthead.jobs.worker import Worker
from masthead.staff.models import AuditEntry

pytestmark = pytest.mark.django_db
PAGE = "/back-office/jobs/"


@pytest.fixture
def failed(tmp_path):
    """An import of a malformed file that failed on its only attempt."""
    path = tmp_path / "<img src=x onerror=alert(1)>.xml"
    path.write_text("<PubmedArticleSet><PubmedArticle>")
    job = enqueue_command("import_pubmed", str(path), "--quiet", max_attempts=1)
    assert Worker().run_one().status == Status.FAILED
    return Job.objects.get(pk=job.pk)


def retry_forms(page: bytes) -> list[str]:
    return lxml_html.fromstring(page).xpath('//form[button[text()="Retry"]]/@action')


def test_the_production_editor_sees_the_failure_and_its_reason_and_retries_it(login_as, failed):
    client = login_as("Production editor")
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "import_pubmed" in text and "Failed in the last 7 days" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert retry_forms(page.content) == [f"/back-office/jobs/{failed.pk}/retry"]

    response = client.post(f"/back-office/jobs/{failed.pk}/retry", {"next": "/back-office/"})
    assert response.status_code == 302 and response["Location"] == "/back-office/"
    job = Job.objects.get(pk=failed.pk)
    assert job.status == Status.READY and job.attempts == 0
    entry = AuditEntry.objects.get(object_id=failed.pk)
    assert entry.username == "staff-production-editor"
    assert entry.before["status"] == "FAILED" and entry.after["status"] == "READY"
    assert retry_forms(client.get(PAGE).content) == []  # no longer failed


def test_the_dashboard_panel_shows_the_queue_imports_and_failures(login_as, failed):
    enqueue_command("render_pdfs")
    page = login_as("Platform admin").get("/back-office/")
    text = page.content.decode()
    assert "Background jobs" in text and "1 waiting" in text
    assert retry_forms(page.content) == [f"/back-office/jobs/{failed.pk}/retry"]
    assert "ValueError" in text or "JobFailed" in text or "Error" in text


def test_other_roles_neither_see_nor_retry_jobs(login_as, failed, client):
    sales = login_as("Sales manager")
    assert sales.get(PAGE).status_code == 403
    assert sales.post(f"/back-office/jobs/{failed.pk}/retry").status_code == 403
    assert "Background jobs" not in sales.get("/back-office/").content.decode()
    client.logout()
    assert client.post(f"/back-office/jobs/{failed.pk}/retry").status_code == 302  # to login
    assert Job.objects.get(pk=failed.pk).status == Status.FAILED


def test_a_retry_of_a_job_that_is_not_failed_changes_nothing(login_as, failed):
    Job.objects.filter(pk=failed.pk).update(status=Status.SUCCESSFUL, finished_at=timezone.now())
    client = login_as("Platform admin")
    response = client.post(f"/back-office/jobs/{failed.pk}/retry", follow=True)
    assert "not retried" in response.content.decode()
    assert Job.objects.get(pk=failed.pk).status == Status.SUCCESSFUL


def test_a_retry_never_redirects_off_site(login_as, failed):
    response = login_as("Platform admin").post(
        f"/back-office/jobs/{failed.pk}/retry", {"next": "//evil.example/"}
    )
    assert response["Location"] == PAGE


def test_the_schedule_shows_each_periodic_jobs_last_run(login_as, django_assert_max_num_queries):
    Worker().run_one()  # nothing queued: nothing ran
    from masthead.jobs.services import enqueue_due

    enqueue_due()
    for _ in range(12):
        Worker(schedule=False).run_one()
    client = login_as("Platform admin")
    with django_assert_max_num_queries(12):
        page = client.get(PAGE)
    rows = lxml_html.fromstring(page.content).xpath('//h2[@id="schedule-heading"]/..//tbody/tr')
    by_job = {
        r.xpath("th")[0].text_content().strip(): r.xpath("td")[2].text_content() for r in rows
    }
    assert by_job["process_usage"] != "never"
    assert by_job["build_related --people-also-read"] == "never"  # not yet: one at a time
