"""The Crossref client against recorded answers replayed by a real HTTP server on loopback.

Waits are recorded through the client's `sleep` (and `clock`) hooks; nothing here sleeps for
seconds or asserts on elapsed time.
"""

import datetime as dt
import logging
import socket

import pytest

from masthead.citations.crossref import (
    CrossrefAccount,
    CrossrefAuthError,
    CrossrefClient,
    CrossrefError,
    CrossrefUnavailable,
)
from masthead.citations.works import CitingWork
from tests.citations.replay import ReplayServer, Reply, recorded

ACCOUNT = CrossrefAccount("demo/demo", "s3cr&t pass/wörd")
OUR_DOI = "10.5555/demo.2023.0001"
XML = "text/xml;charset=UTF-8"
HTML = "text/html;charset=ISO-8859-1"
JSON = "application/json"
FORWARD = "/servlet/getForwardLinks"
DEPOSIT = "/servlet/deposit"
LOG = "/servlet/submissionDownload"


class Waits:
    """The client's clock and sleep: sleeping records the wait and moves the clock on."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def crossref():
    with ReplayServer() as server:
        yield server


@pytest.fixture
def waits():
    return Waits()


@pytest.fixture
def make_client(crossref, waits):
    def make(**options) -> CrossrefClient:
        settings = dict(
            api_base=crossref.url + "/api",
            service_base=crossref.url,
            mailto="crossref@demo.example",
            timeout=5.0,
            retries=2,
            backoff=1.0,
            min_interval=0.0,
            sleep=waits.sleep,
            clock=waits.clock,
        )
        settings.update(options)
        return CrossrefClient(**settings)

    return make


def assert_no_password(text: str) -> None:
    for form in (ACCOUNT.password, "s3cr%26t", "s3cr&t", "w%C3%B6rd"):
        assert form not in text


# --- cited-by -----------------------------------------------------------------------------------


def test_cited_by_for_one_doi(crossref, make_client):
    crossref.reply(
        "GET",
        FORWARD,
        recorded("getForwardLinks_doi.xml"),
        query={"doi": OUR_DOI},
        content_type=XML,
    )

    links = make_client().forward_links(ACCOUNT, OUR_DOI)

    assert [link.work.doi for link in links] == ["10.1038/465864a", "10.1016/j.wneu.2011.01.015"]
    [request] = crossref.requests
    assert request.query == {
        "usr": "demo/demo",
        "pwd": ACCOUNT.password,
        "doi": OUR_DOI,
        "include_postedcontent": "true",
    }
    agent = request.headers["user-agent"]
    assert agent.startswith("Masthead/") and "mailto:crossref@demo.example" in agent


def test_cited_by_for_a_prefix_in_a_date_window(crossref, make_client):
    crossref.reply(
        "GET",
        FORWARD,
        recorded("getForwardLinks_prefix_window.xml"),
        query={"doi": "10.5555", "startDate": "2026-11-01", "endDate": "2026-11-26"},
        content_type=XML,
    )

    links = make_client().forward_links(
        ACCOUNT, "10.5555", dt.date(2026, 11, 1), dt.date(2026, 11, 26)
    )

    assert {link.cited_doi for link in links} == {
        "10.5555/demo.2023.0001",
        "10.5555/demo.2023.0002",
        "10.5555/demo.2024.0007",
    }
    assert crossref.requests[0].query["include_postedcontent"] == "true"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 11, 1), None),
        (None, dt.date(2026, 11, 1)),
        (dt.date(2026, 11, 2), dt.date(2026, 11, 1)),
    ],
)
def test_a_window_needs_both_ends_in_order(crossref, make_client, start, end):
    with pytest.raises(ValueError):
        make_client().forward_links(ACCOUNT, "10.5555", start, end)
    assert crossref.requests == []


def test_hostile_cited_by_answers(crossref, make_client):
    entities = (
        b'<?xml version="1.0"?><!DOCTYPE crossref_result [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<crossref_result><query_result><body/></query_result></crossref_result>"
    )
    script = recorded("getForwardLinks_doi.xml").replace(
        b"Metrics: A profusion of measures", b"&lt;script&gt;alert(1)&lt;/script&gt;Metrics"
    )
    crossref.reply("GET", FORWARD, entities, query={"doi": "10.5555/a"}, content_type=XML)
    crossref.reply("GET", FORWARD, script, query={"doi": "10.5555/b"}, content_type=XML)
    client = make_client()

    with pytest.raises(CrossrefError, match="entities"):
        client.forward_links(ACCOUNT, "10.5555/a")
    links = client.forward_links(ACCOUNT, "10.5555/b")
    assert links[0].work.title == "<script>alert(1)</script>Metrics"


# --- deposits -----------------------------------------------------------------------------------


def test_a_deposit_is_a_multipart_upload(crossref, make_client):
    crossref.reply("POST", DEPOSIT, recorded("deposit_success.html"), content_type=HTML)
    xml = b'<?xml version="1.0"?><doi_batch version="5.3.1">\xc3\xa9</doi_batch>'

    receipt = make_client().submit_deposit(ACCOUNT, xml, "masthead-20261127-1.xml")

    assert receipt.accepted
    assert receipt.message == "Your batch submission was successfully received."
    [request] = crossref.requests
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.query == {}  # the credentials travel in the body, not in the URL
    assert request.form() == {
        "operation": (None, b"doMDUpload"),
        "login_id": (None, b"demo/demo"),
        "login_passwd": (None, ACCOUNT.password.encode()),
        "fname": ("masthead-20261127-1.xml", xml),
    }


def test_a_refused_deposit(crossref, make_client):
    page = (
        b"<html><head><title>FAILURE</title></head><body><h2>FAILURE</h2>"
        b"<p>The submitted file is empty</p></body></html>"
    )
    crossref.reply("POST", DEPOSIT, page, content_type=HTML)

    receipt = make_client().submit_deposit(ACCOUNT, b"", "empty.xml")

    assert not receipt.accepted
    assert receipt.message == "The submitted file is empty"


def test_a_login_failure_page_on_deposit_is_an_auth_error(crossref, make_client):
    crossref.reply("POST", DEPOSIT, recorded("deposit_failure_constructed.html"), content_type=HTML)
    with pytest.raises(CrossrefAuthError, match="Login failed"):
        make_client().submit_deposit(ACCOUNT, b"<doi_batch/>", "b.xml")


def test_the_pending_submissions_limit_is_waited_out(crossref, make_client, waits):
    crossref.reply(
        "POST",
        DEPOSIT,
        Reply(429, b"Too many pending submissions", {"Retry-After": "60"}),
        Reply(200, recorded("deposit_success.html"), {"Content-Type": HTML}),
    )
    receipt = make_client().submit_deposit(ACCOUNT, b"<doi_batch/>", "b.xml")
    assert receipt.accepted
    assert waits.slept == [60.0]
    assert len(crossref.requests) == 2


def test_a_submission_log_by_batch_id(crossref, make_client):
    crossref.reply(
        "GET",
        LOG,
        recorded("submissionDownload_failure.xml"),
        query={"doi_batch_id": "314668373.xml", "type": "result"},
        content_type=XML,
    )

    result = make_client().submission_result(ACCOUNT, "314668373.xml")

    assert result.finished and result.failure_count == 1
    assert crossref.requests[0].query == {
        "usr": "demo/demo",
        "pwd": ACCOUNT.password,
        "type": "result",
        "doi_batch_id": "314668373.xml",
    }


def test_a_submission_log_by_file_name(crossref, make_client):
    crossref.reply(
        "GET",
        LOG,
        recorded("submissionDownload_success.xml"),
        query={"file_name": "FINAL_001.xml", "type": "result"},
        content_type=XML,
    )
    result = make_client().submission_result(ACCOUNT, file_name="FINAL_001.xml")
    assert result.batch_id == "FINAL_001"
    assert "doi_batch_id" not in crossref.requests[0].query
    with pytest.raises(ValueError):
        make_client().submission_result(ACCOUNT)


# --- the REST API -------------------------------------------------------------------------------


def test_a_work_from_the_rest_api(crossref, make_client):
    crossref.reply(
        "GET",
        "/api/works/10.5555/12345678",
        recorded("works_10.5555_12345678.json"),
        content_type=JSON,
    )

    work = make_client().work("10.5555/12345678")

    assert isinstance(work, CitingWork)
    assert work.title.startswith("Toward a Unified Theory")
    [request] = crossref.requests
    assert request.query == {"mailto": "crossref@demo.example"}
    assert "mailto:crossref@demo.example" in request.headers["user-agent"]


def test_an_unknown_work_is_none(crossref, make_client):
    crossref.reply(
        "GET",
        "/api/works/10.5555/11111111",
        recorded("works_404.txt"),
        status=404,
        content_type="text/plain",
    )
    assert make_client().work("10.5555/11111111") is None
    assert len(crossref.requests) == 1


def test_a_work_that_is_not_json(crossref, make_client):
    crossref.reply("GET", "/api/works/10.5555/1", b"<html>maintenance</html>", content_type=HTML)
    with pytest.raises(CrossrefError, match="expected JSON"):
        make_client().work("10.5555/1")


# --- retries, waits and limits -------------------------------------------------------------------


def test_overloaded_twice_then_fine(crossref, make_client, waits):
    crossref.reply(
        "GET",
        "/api/works/10.5555/12345678",
        Reply(503, b"Service Unavailable"),
        Reply(502, b"Bad Gateway"),
        Reply(200, recorded("works_10.5555_12345678.json"), {"Content-Type": JSON}),
    )
    work = make_client().work("10.5555/12345678")
    assert work is not None and work.doi == "10.5555/12345678"
    assert waits.slept == [1.0, 2.0]  # backoff, doubled
    assert len(crossref.requests) == 3


def test_retry_after_is_honoured_when_longer_than_the_backoff(crossref, make_client, waits):
    crossref.reply(
        "GET",
        FORWARD,
        Reply(503, b"busy", {"Retry-After": "7"}),
        Reply(429, b"slow down", {"Retry-After": "0"}),
        Reply(200, recorded("getForwardLinks_doi.xml"), {"Content-Type": XML}),
    )
    make_client().forward_links(ACCOUNT, OUR_DOI)
    assert waits.slept == [7.0, 2.0]


def test_a_retry_after_beyond_the_limit_is_not_slept_through(crossref, make_client, waits):
    crossref.reply(
        "GET", FORWARD, Reply(503, b"maintenance", {"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"})
    )
    with pytest.raises(CrossrefUnavailable, match="asks to wait"):
        make_client(max_retry_after=300).forward_links(ACCOUNT, OUR_DOI)
    assert waits.slept == []
    assert len(crossref.requests) == 1


def test_giving_up_after_the_retries(crossref, make_client, waits):
    crossref.reply("GET", FORWARD, Reply(500, b"Internal Server Error"))
    with pytest.raises(CrossrefUnavailable, match="gave up after 4 tries") as caught:
        make_client(retries=3).forward_links(ACCOUNT, OUR_DOI)
    assert "HTTP 500" in str(caught.value)
    assert len(crossref.requests) == 4
    assert waits.slept == [1.0, 2.0, 4.0]


def test_refused_credentials(crossref, make_client):
    crossref.reply("GET", LOG, Reply(401, b"<html><body>Unauthorized</body></html>"))
    with pytest.raises(CrossrefAuthError, match="refused the account 'demo/demo'"):
        make_client().submission_result(ACCOUNT, "b1")
    assert len(crossref.requests) == 1  # not retried


def test_another_client_error_is_not_retried(crossref, make_client):
    crossref.reply("GET", FORWARD, Reply(400, b"doi parameter missing"))
    with pytest.raises(CrossrefError, match="HTTP 400: doi parameter missing"):
        make_client().forward_links(ACCOUNT, OUR_DOI)
    assert len(crossref.requests) == 1


def test_a_server_that_does_not_answer_in_time(crossref, make_client, waits):
    crossref.reply("GET", FORWARD, Reply(hang=True))
    with pytest.raises(CrossrefUnavailable, match="no answer within 0.2 s") as caught:
        make_client(timeout=0.2, retries=1).forward_links(ACCOUNT, OUR_DOI)
    assert len(crossref.requests) == 2
    assert waits.slept == [1.0]
    assert_no_password(str(caught.value))


def test_a_server_that_is_not_there(make_client, waits):
    with socket.socket() as placeholder:  # a loopback port nobody listens on
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    client = make_client(service_base=f"http://127.0.0.1:{port}", retries=1)
    with pytest.raises(CrossrefUnavailable, match="connection failed") as caught:
        client.forward_links(ACCOUNT, OUR_DOI)
    assert waits.slept == [1.0]
    assert_no_password(str(caught.value))


def test_a_redirect_is_not_followed(crossref, make_client):
    crossref.reply("GET", FORWARD, Reply(302, b"", {"Location": crossref.url + "/elsewhere"}))
    with pytest.raises(CrossrefError, match="redirect"):
        make_client().forward_links(ACCOUNT, OUR_DOI)
    assert [r.path for r in crossref.requests] == [FORWARD]


def test_the_minimum_interval_between_calls(crossref, make_client, waits):
    crossref.reply("GET", FORWARD, recorded("getForwardLinks_doi.xml"), content_type=XML)
    client = make_client(min_interval=0.5)
    for _ in range(3):
        client.forward_links(ACCOUNT, OUR_DOI)
    assert waits.slept == [0.5, 0.5]

    waits.now += 10  # a call long after the previous one does not wait
    client.forward_links(ACCOUNT, OUR_DOI)
    assert waits.slept == [0.5, 0.5]


def test_the_rest_apis_rate_limit_headers_tighten_the_interval(crossref, make_client, waits):
    crossref.reply(
        "GET",
        "/api/works/10.5555/12345678",
        recorded("works_10.5555_12345678.json"),
        content_type=JSON,
        headers={"X-Rate-Limit-Limit": "4", "X-Rate-Limit-Interval": "1s"},
    )
    crossref.reply("GET", FORWARD, recorded("getForwardLinks_doi.xml"), content_type=XML)
    client = make_client(min_interval=0.1)

    client.work("10.5555/12345678")
    client.work("10.5555/12345678")
    assert waits.slept == [0.25]  # four a second, not ten

    client.forward_links(ACCOUNT, OUR_DOI)  # the member services keep their own pace
    client.forward_links(ACCOUNT, OUR_DOI)
    assert waits.slept == [0.25, 0.1]


@pytest.mark.parametrize("with_length", [True, False])
def test_an_oversized_answer_is_refused(crossref, make_client, with_length):
    big = recorded("getForwardLinks_prefix_window.xml")
    crossref.reply("GET", FORWARD, Reply(200, big, {"Content-Type": XML}, length=with_length))
    with pytest.raises(CrossrefError, match="bytes accepted"):
        make_client(max_bytes=1024).forward_links(ACCOUNT, OUR_DOI)
    assert len(crossref.requests) == 1  # not retried


# --- passwords stay secret -----------------------------------------------------------------------


def test_passwords_never_appear_in_errors_or_logs(crossref, make_client, caplog):
    def echo(status: int) -> Reply:  # an answer that quotes the request back, password and all
        return Reply(status, f"usr=demo/demo&pwd={ACCOUNT.password} refused".encode())

    crossref.reply("GET", FORWARD, echo(401), query={"doi": "10.5555/a"})
    crossref.reply("GET", FORWARD, echo(503), query={"doi": "10.5555/b"})
    crossref.reply("GET", FORWARD, echo(200), query={"doi": "10.5555/c"})
    crossref.reply("GET", FORWARD, echo(418), query={"doi": "10.5555/d"})
    crossref.reply("POST", DEPOSIT, echo(200))
    client = make_client(retries=1)
    caplog.set_level(logging.DEBUG)  # urllib3 logs every request line at DEBUG

    messages = []
    for doi in ("10.5555/a", "10.5555/b", "10.5555/c", "10.5555/d"):
        with pytest.raises(CrossrefError) as caught:
            client.forward_links(ACCOUNT, doi)
        messages.append(str(caught.value))
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    messages.append(client.submit_deposit(ACCOUNT, b"<doi_batch/>", "b.xml").message)

    assert all("***" in m for m in messages)
    assert "pwd=***" in caplog.text
    for text in [*messages, caplog.text, repr(ACCOUNT)]:
        assert_no_password(text)
