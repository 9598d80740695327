"""Registering DOIs: what is due, the file, the submission and Crossref's result."""

import io

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from masthead.citations.crossref import CrossrefAuthError
from masthead.citations.deposit import deposit, due_articles
from masthead.citations.deposit_schema import schema_available, validate_deposit
from masthead.citations.models import DepositBatch, DepositItem
from tests.citations.replay import recorded

pytestmark = pytest.mark.django_db
CR = {"cr": "http://www.crossref.org/schema/5.3.1"}


def run(*args) -> str:
    out = io.StringIO()
    call_command("crossref_deposit", *args, stdout=out)
    return out.getvalue()


def test_output_writes_a_valid_file_and_is_not_a_deposit(make_article, tmp_path):
    first, second = make_article(), make_article()
    make_article(is_published=False)
    target = tmp_path / "deposit.xml"
    output = run("--output", str(target))
    assert "2 articles" in output and "written to a file" in output
    xml = target.read_bytes()
    if schema_available():
        assert validate_deposit(xml) == []
    tree = etree.fromstring(xml)
    dois = tree.xpath("//cr:journal_article/cr:doi_data/cr:doi/text()", namespaces=CR)
    assert sorted(dois) == sorted([first.doi, second.doi])
    resources = tree.xpath("//cr:doi_data/cr:resource/text()", namespaces=CR)
    assert all(r.startswith("http") and "/doi/abs/10.5555/test." in r for r in resources)
    assert len(due_articles()) == 2  # a file is not a registration


def test_submission_records_the_batch_and_the_result(make_article, crossref, crossref_api, member):
    first = make_article(doi="10.5555/second_conflict_003")
    second = make_article(doi="10.5555/11111")
    crossref.reply(
        "POST", "/servlet/deposit", recorded("deposit_success.html"), content_type="text/html"
    )
    [outcome] = deposit(due_articles(), client=crossref_api)
    batch = outcome.batch
    assert batch.status == DepositBatch.SUBMITTED
    [upload] = crossref.received("/servlet/deposit")
    form = upload.form()
    assert form["operation"][1] == b"doMDUpload"
    assert form["login_id"][1] == b"testpress/role"
    assert form["login_passwd"][1] == b"s3cret-password"
    assert form["fname"][0] == f"{batch.batch_id}.xml"
    assert b"<doi_batch_id>" + batch.batch_id.encode() in form["fname"][1]
    assert due_articles() == []  # submitted: not due again until something changes

    crossref.reply(
        "GET",
        "/servlet/submissionDownload",
        recorded("submissionDownload_failure.xml"),
        query={"file_name": f"{batch.batch_id}.xml", "type": "result"},
        content_type="text/xml",
    )
    assert run("--check").strip().endswith("1 failed")
    batch.refresh_from_db()
    assert batch.status == DepositBatch.FAILURES
    assert (batch.success_count, batch.failure_count) == (1, 1)
    items = {i.article_id: i for i in DepositItem.objects.filter(batch=batch)}
    assert items[first.pk].status == "success"
    assert items[second.pk].status == "failure"
    assert "less or equal to" in items[second.pk].message
    # the refused record is due again; the registered one is not, until it changes
    assert [a.pk for a in due_articles()] == [second.pk]
    first.title = "A corrected title"
    first.save()
    assert {a.pk for a in due_articles()} == {first.pk, second.pk}


def test_a_refused_upload_leaves_the_articles_due(make_article, crossref, crossref_api, member):
    make_article()
    crossref.reply(
        "POST",
        "/servlet/deposit",
        recorded("deposit_failure_constructed.html"),
        content_type="text/html",
    )
    with pytest.raises(CrossrefAuthError, match="Login failed") as error:
        deposit(due_articles(), client=crossref_api)
    assert "s3cret" not in str(error.value)
    batch = DepositBatch.objects.get()
    assert batch.status == DepositBatch.REFUSED and "Login failed" in batch.message
    assert len(due_articles()) == 1


def test_publishers_without_an_account_are_named_not_deposited(make_article, crossref_api):
    make_article()
    output = run()
    assert "Test Press: 1 articles not deposited (no Crossref member account" in output
    with pytest.raises(CommandError, match="Test Press: no Crossref member account"):
        run("--journal", "tj")
    assert not DepositBatch.objects.exists()


def test_unknown_and_unpublished_dois_are_named(make_article, member):
    hidden = make_article(is_published=False)
    with pytest.raises(CommandError) as error:
        run("--doi", hidden.doi, "--doi", "10.5555/none", "--output", "/dev/null")
    assert f"{hidden.doi} (not published)" in str(error.value)
    assert "10.5555/none (no such article)" in str(error.value)


def test_the_admin_button_deposits_what_is_due(
    make_article, crossref, crossref_api, member, admin_client
):
    make_article()
    crossref.reply(
        "POST", "/servlet/deposit", recorded("deposit_success.html"), content_type="text/html"
    )
    page = admin_client.get("/admin/citations/depositbatch/").content.decode()
    assert "Deposit 1 new or changed article with Crossref" in page
    response = admin_client.post("/admin/citations/depositbatch/deposit-due/", follow=True)
    assert "submitted, result pending" in response.content.decode()
    assert DepositBatch.objects.get().status == DepositBatch.SUBMITTED
    assert admin_client.get("/admin/citations/depositbatch/deposit-due/").status_code == 302
    assert DepositBatch.objects.count() == 1  # a GET deposits nothing


def test_the_article_list_action_deposits_and_the_article_shows_it(
    make_article, crossref, crossref_api, member, admin_client
):
    article = make_article()
    crossref.reply(
        "POST", "/servlet/deposit", recorded("deposit_success.html"), content_type="text/html"
    )
    change = f"/admin/catalog/article/{article.pk}/change/"
    assert "not deposited" in admin_client.get(change).content.decode()
    response = admin_client.post(
        "/admin/catalog/article/",
        {"action": "register_dois", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "submitted, result pending" in response.content.decode()
    batch = DepositBatch.objects.get()
    assert f"pending in {batch.batch_id}" in admin_client.get(change).content.decode()


def test_without_an_account_the_deposit_page_says_what_to_do(make_article, admin_client):
    make_article()
    page = admin_client.get("/admin/citations/depositbatch/").content.decode()
    assert "No Crossref member account yet" in page
    assert "/admin/citations/crossrefmember/add/" in page
    assert "Deposit 1" not in page
