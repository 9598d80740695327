"""A production editor uploads a file to import; the worker imports it; the page tells how."""

import gzip
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import TaskResultStatus as Status

from masthead.catalog.models import Article
from masthead.jobs.models import Job
from masthead.jobs.worker import Worker
from tests.catalog.test_import_pubmed import PUBMED
from tests.conftest import ELIFE, needs_elife

pytestmark = pytest.mark.django_db
URL = "/back-office/jobs/import"


def upload(client, name: str, data: bytes, **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields})


def test_an_uploaded_pubmed_set_is_imported_by_the_worker(login_as, settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    client = login_as("Production editor")
    response = upload(client, "issue 12.xml.gz", gzip.compress(PUBMED.encode()))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.args[0] == "import_pubmed" and Path(job.args[1]).is_relative_to(tmp_path / "imports")
    Worker().run_one()
    assert Article.objects.filter(doi="10.1000/test.111").exists()
    page = client.get("/back-office/jobs/").content.decode()
    assert "1 imported" in page and "1 rejected" in page  # the record without a DOI


@needs_elife
def test_a_jats_article_goes_into_the_chosen_journal(login_as, journal, settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    source = sorted(ELIFE.glob("elife0*.xml"))[0]
    response = upload(
        login_as("Production editor"), source.name, source.read_bytes(), journal=journal.code
    )
    assert response.status_code == 302
    assert Job.objects.get().args[-2:] == ["--journal", journal.code]
    assert Worker().run_one().status == Status.SUCCESSFUL
    assert Article.objects.filter(journal=journal).count() == 1


def test_what_is_not_an_article_is_refused_and_nothing_is_queued(login_as, settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    client = login_as("Production editor")
    response = upload(client, "cover.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert response.status_code == 400
    assert "Neither JATS" in response.content.decode()
    response = upload(client, "fake.xml.gz", b"\x1f\x8b" + b"not gzip at all")
    assert response.status_code == 400 and "not" in response.content.decode()
    assert not Job.objects.exists() and not (tmp_path / "imports").exists()


def test_a_journal_is_refused_for_a_pubmed_set(login_as, journal, settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    response = upload(login_as("Production editor"), "s.xml", PUBMED.encode(), journal=journal.code)
    assert response.status_code == 400 and "JATS files only" in response.content.decode()
    assert not Job.objects.exists()


def test_a_hostile_file_name_stays_inside_the_imports_folder(login_as, settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    upload(login_as("Production editor"), "../../<script>x.xml", PUBMED.encode())
    saved = Path(Job.objects.get().args[1])
    assert saved.parent.parent == tmp_path / "imports" and "<" not in saved.name
    page = login_as("Platform admin").get("/back-office/jobs/").content.decode()
    assert "<script>" not in page


@pytest.mark.parametrize("role", ["Sales manager", "Customer manager", None])
def test_only_those_who_may_add_articles_may_import(login_as, role, settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    response = upload(login_as(role), "s.xml", PUBMED.encode())
    assert response.status_code == 403 and not Job.objects.exists()
