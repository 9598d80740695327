"""In Chromium: a librarian uses the library portal (holdings, a change request, a COUNTER
report), and a production editor retries a failed import from the back office."""

import json
import shutil

import pytest
from django.contrib.auth.models import Group

from masthead.access import accounts
from masthead.jobs.services import enqueue_command
from masthead.jobs.worker import Worker
from masthead.library.models import InstitutionAdministrator

PASSWORD = "correct horse battery staple 9"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def librarian(transactional_db, university):
    user = accounts.create_reader("librarian@demo-uni.example", PASSWORD)
    accounts.mark_email_verified(user)
    InstitutionAdministrator.objects.create(user=user, institution=university)
    return user


def test_a_librarian_reads_holdings_asks_for_a_range_and_downloads_a_report(
    live_server, librarian, university, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill("librarian@demo-uni.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/my-access")
    page.get_by_role("link", name="Library portal").click()
    page.wait_for_url(f"**/library/{university.pk}/")
    assert university.name in page.locator("h1").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your holdings as a KBART file").click()
    kbart = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert kbart[0].startswith("publication_title\t") and len(kbart) >= 2

    page.get_by_role("link", name="Request a change to your IP ranges").click()
    page.get_by_label("What should change, and why").fill("Add our new library building.")
    page.get_by_label("Proposed IP range (optional)").fill("not a range")
    page.get_by_role("button", name="Send the request").click()
    assert page.locator(".errorlist, .field-error, [role=alert]").count() >= 1
    assert page.get_by_label("What should change, and why").input_value().startswith("Add our")
    page.get_by_label("Proposed IP range (optional)").fill("130.225.0.0/16")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(f"**/library/{university.pk}/")
    assert "Add our new library building." in page.locator("#requests").inner_text()
    assert "Open" in page.locator("#requests").inner_text()

    page.get_by_role("link", name="Usage statistics and COUNTER reports").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="JSON").click()
    report = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert report["Report_Header"]["Institution_Name"] == university.name


@pytest.fixture
def failed_import(transactional_db, tmp_path, django_user_model):
    from masthead.staff.services import sync_roles

    sync_roles()
    editor = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Production editor"))
    broken = tmp_path / "issue-12.xml"
    broken.write_text("<PubmedArticleSet><PubmedArticle>")
    job = enqueue_command("import_pubmed", str(broken), "--quiet", max_attempts=1)
    Worker().run_one()
    return job


def test_a_production_editor_sees_a_failed_import_and_retries_it(
    live_server, failed_import, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/back-office/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/back-office/")
    panel = page.locator(".jobs-panel")
    assert "import_pubmed" in panel.inner_text()
    panel.get_by_role("button", name="Retry").click()
    page.wait_for_url("**/back-office/")
    assert "queued again" in page.locator("main").inner_text()
    assert page.locator(".jobs-panel").get_by_role("button", name="Retry").count() == 0
