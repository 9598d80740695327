"""Smoke test of the production stack through real HTTP: gunicorn with several workers, the
job worker, PostgreSQL and Redis, with the demo loaded (see conftest.py and bench/_stack.py).

Then the worker is killed in the middle of an import job and a new one started: the job
completes once, on its second attempt, and every record of the file is there exactly once.
"""

import datetime as dt
import gzip
import html
import os
import re
import signal
import time

import requests
from bench import _stack
from lxml import etree

SEED_DOI = "10.5555/jeea.2023.2265001"
SEED_TITLE = "From strategic partner to co-aggressor"
CAMPUS_READER = "203.0.113.5"  # inside the demo's CAMPUS_RANGE (load_demo)
OUTSIDE_READER = "198.51.100.7"  # a documentation address on no campus
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def get(stack, path, reader=OUTSIDE_READER, session=None, **kwargs):
    client = session or requests
    headers = {"User-Agent": BROWSER, "X-Forwarded-For": reader, **kwargs.pop("headers", {})}
    return client.get(stack.url + path, headers=headers, timeout=120, **kwargs)


def text(response) -> str:
    return html.unescape(response.text)


def test_home_and_journal_pages(stack):
    home = get(stack, "/")
    assert home.status_code == 200
    assert "Journal of Eastern European Affairs" in text(home)
    journal = get(stack, "/journals/jeea")
    assert journal.status_code == 200
    assert "Journal of Eastern European Affairs" in text(journal)


def test_seed_article_page(stack):
    page = get(stack, f"/doi/abs/{SEED_DOI}")
    assert page.status_code == 200
    assert SEED_TITLE in text(page)
    assert f'content="{SEED_DOI}"' in page.text  # the citation_doi meta tag


def test_full_text_for_the_campus_and_not_for_others(stack):
    path = f"/doi/full/{_stack.PAYWALLED_DOI}"
    campus = get(stack, path, reader=CAMPUS_READER)
    assert campus.status_code == 200
    assert _stack.PAYWALLED_SENTENCE in text(campus)
    outside = get(stack, path, reader=OUTSIDE_READER)
    assert _stack.PAYWALLED_SENTENCE not in text(outside)
    assert "Access options" in text(outside)


def test_search_finds_the_article(stack):
    found = get(stack, "/search", params={"q": "Belarusian railways logistics offensive"})
    assert found.status_code == 200
    assert _stack.PAYWALLED_DOI in found.text
    seed = get(stack, "/search", params={"q": "strategic partner co-aggressor"})
    assert SEED_DOI in seed.text


def test_pdf_downloads_for_the_campus(stack):
    pdf = get(stack, f"/doi/pdf/{_stack.PAYWALLED_DOI}", reader=CAMPUS_READER)
    assert pdf.status_code == 200, pdf.text[:500]
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def _form_fields(page_html: str, form_start: str) -> dict[str, str]:
    """The named inputs of the first form whose opening tag contains `form_start`."""
    form = page_html[page_html.index(form_start) :]
    form = form[: form.index("</form>")]
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    return {name: html.unescape(value) for name, value in fields}


def test_purchase_with_the_demo_provider_opens_the_full_text(stack):
    reader = requests.Session()
    reader.headers.update({"User-Agent": BROWSER, "X-Forwarded-For": OUTSIDE_READER})
    article_path = f"/doi/abs/{_stack.PAYWALLED_DOI}"
    full_path = f"/doi/full/{_stack.PAYWALLED_DOI}"
    assert _stack.PAYWALLED_SENTENCE not in text(get(stack, full_path, session=reader))

    page = get(stack, article_path, session=reader)
    offer = _form_fields(page.text, 'action="/cart/add"')  # the first offer: the article, 48 h
    cart = reader.post(stack.url + "/cart/add", data=offer, timeout=60)
    assert cart.status_code == 200 and "Cart (1)" in cart.text

    checkout = reader.get(stack.url + "/checkout?country=DE", timeout=60)
    form = _form_fields(checkout.text, 'class="checkout-form"')
    email = f"buyer-{time.time_ns()}@example.org"
    form.update(email=email, name="A Buyer", country="DE", vat_id="")
    pay_page = reader.post(stack.url + "/checkout", data=form, timeout=60)
    assert pay_page.status_code == 200 and "/pay/demo/" in pay_page.url, pay_page.text[:2000]
    assert "Demo payment" in pay_page.text

    paid = reader.post(
        pay_page.url,
        data={
            **_form_fields(pay_page.text, '<form method="post">'),
            "card": "4242 4242 4242 4242",
            "action": "pay",
        },
        timeout=60,
    )
    assert paid.url == stack.url + article_path
    assert "You have purchased access to this article." in text(paid)

    full = get(stack, full_path, session=reader)
    assert full.status_code == 200
    assert _stack.PAYWALLED_SENTENCE in text(full)
    paid_orders = stack.sql("SELECT status FROM commerce_order WHERE email = %s", [email])
    assert paid_orders == [("paid",)]


def test_sushi_report(stack):
    today = dt.date.today()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    params = {
        "customer_id": "demo-university",
        "requestor_id": "demo-library",
        "api_key": "demo-university-key",
        "begin_date": f"{last_month.year - 1}-{last_month.month:02d}",
        "end_date": f"{last_month:%Y-%m}",
    }
    report = get(stack, "/sushi/r51/reports/tr_j1", params=params)
    assert report.status_code == 200, report.text[:500]
    body = report.json()
    assert body["Report_Header"]["Report_ID"] == "TR_J1"
    assert body["Report_Header"]["Institution_Name"] == "Demo University"
    assert body["Report_Items"], "the demo's year of usage shows in the report"
    wrong = get(stack, "/sushi/r51/reports/tr_j1", params={**params, "api_key": "wrong"})
    assert wrong.status_code == 401


def test_readyz_and_metrics_from_loopback_only(stack):
    ready = requests.get(stack.url + "/readyz", timeout=30)
    assert ready.status_code == 200 and ready.json()["ready"] is True
    metrics = requests.get(stack.url + "/metrics", timeout=30)
    assert metrics.status_code == 200
    assert "# TYPE" in metrics.text
    relayed = get(stack, "/metrics", reader=OUTSIDE_READER)  # a reader seen through the proxy
    assert relayed.status_code == 404


# --- the worker killed in the middle of a job -------------------------------------------

IMPORT_RECORDS = 1000  # 10-40 s of import on PostgreSQL, with the periodic jobs beside it


def _write_pubmed_subset(path, skip: int, count: int) -> set[str]:
    """Write `count` records of the baseline that have a DOI, after the first `skip` (which
    the demo loaded), as a PubmedArticleSet; returns their PMIDs."""
    pmids: set[str] = set()
    dois: set[str] = set()
    with gzip.open(_stack.pubmed_baseline(), "rb") as source, gzip.open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        seen = 0
        for _, element in etree.iterparse(source, tag="PubmedArticle"):
            seen += 1
            if seen > skip:
                pmid = element.findtext("MedlineCitation/PMID")
                doi = element.findtext("PubmedData/ArticleIdList/ArticleId[@IdType='doi']")
                if pmid and doi and pmid not in pmids and doi.lower() not in dois:
                    pmids.add(pmid)
                    dois.add(doi.lower())
                    out.write(etree.tostring(element) + b"\n")
            element.clear()
            if len(pmids) >= count:
                break
        out.write(b"</PubmedArticleSet>\n")
    return pmids


def _job(stack, job_id: str) -> dict:
    return next(j for j in stack.jobs() if str(j["id"]) == job_id)


def _wait_for(stack, job_id: str, status: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    job = _job(stack, job_id)
    while job["status"] != status and time.monotonic() < deadline:
        assert job["status"] != "FAILED", job
        time.sleep(0.5)
        job = _job(stack, job_id)
    assert job["status"] == status, (job, stack.log_tail())
    return job


def test_worker_killed_mid_import_the_job_completes_once(stack):
    path = stack.home / "pubmed-subset.xml.gz"
    pmids = _write_pubmed_subset(path, skip=stack.pubmed_limit + 200, count=IMPORT_RECORDS)
    queued = stack.masthead("import_pubmed", str(path), "--background").stdout
    job_id = re.search(r"queued job (\S+)", queued).group(1)

    running = _wait_for(stack, job_id, "RUNNING", timeout=60)
    worker_pid = int(running["worker_id"].split(":")[1])
    assert worker_pid in stack.worker_pids()
    time.sleep(2)  # well into the import's transaction
    os.kill(worker_pid, signal.SIGKILL)
    time.sleep(1)
    assert worker_pid not in stack.worker_pids()
    assert _job(stack, job_id)["status"] == "RUNNING"  # nobody finished it

    stack.spawn("worker", name="worker-2", env={"MASTHEAD_JOB_LEASE_SECONDS": "5"})
    done = _wait_for(stack, job_id, "SUCCESSFUL", timeout=300)
    assert done["attempts"] == 2

    rows = stack.sql(
        "SELECT pmid, COUNT(*) FROM catalog_article WHERE pmid = ANY(%s) GROUP BY pmid",
        [list(pmids)],
    )
    counts = dict(rows)
    assert len(counts) == len(pmids), f"{len(pmids) - len(counts)} records missing"
    assert set(counts.values()) == {1}, "a record imported twice"
    jobs = stack.jobs()
    assert [j["id"] for j in jobs if j["task"] == done["task"] and j["args"] == done["args"]] == [
        done["id"]
    ]
    # Periodic jobs the killed worker had in hand are run again too: no job failed.
    assert [j for j in jobs if j["status"] == "FAILED"] == []
