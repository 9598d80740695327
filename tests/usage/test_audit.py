"""The COUNTER audit scenario, end to end: readers on one campus use one article through the
real pages, the day is processed, and the librarian's SUSHI reports say what the Code of
Practice says they must (E.1, 7.2 double-clicks, 3.3.8 denials, 3.3.9 Access_Type).

Only the usage clock is set by the test (to place requests 10 or 45 seconds apart); the
access decisions, the event INSERTs, the processing and the SUSHI API are the real ones.
"""

import datetime as dt

import pytest
from django.utils import timezone

from masthead.access.models import ActiveReader, Institution, IPRange, Licence
from masthead.usage import processing
from masthead.usage.models import SushiCredential
from masthead.usage.sushi_auth import api_key_hash

pytestmark = pytest.mark.django_db
BODY = '<section id="s1"><h2>Results</h2><p>The licensed words.</p></section>'
CAMPUS = "203.0.113.5"
DAY = dt.date(2026, 10, 5)
MONTH = "2026-10"


class Clock:
    def __init__(self, start: dt.datetime):
        self.at = start

    def now(self) -> dt.datetime:
        return self.at

    def wait(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC))
    monkeypatch.setattr("masthead.usage.services.timezone", clock)
    return clock


@pytest.fixture(autouse=True)
def _proxy(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]


@pytest.fixture
def campus(journal):
    institution = Institution.objects.create(name="Audit University")
    IPRange.objects.create(institution=institution, text="203.0.113.0/24")
    Licence.objects.create(institution=institution, journal=journal, starts_on=dt.date(2000, 1, 1))
    SushiCredential.objects.create(
        name="Audit University", institution=institution, customer_id="audit-u",
        requestor_id="auditor", api_key_sha256=api_key_hash("audit-key"),
    )  # fmt: skip
    return institution


def read(client, article, user: str, page: str = "full"):
    """One reader (one browser on the campus network) opens a page of the article."""
    response = client.get(
        f"/doi/{page}/{article.doi}", HTTP_X_FORWARDED_FOR=CAMPUS, HTTP_USER_AGENT=user
    )
    assert response.status_code == 200
    return response.content.decode()


def sushi(client, report: str) -> dict:
    params = {"customer_id": "audit-u", "requestor_id": "auditor", "api_key": "audit-key",
              "begin_date": MONTH, "end_date": MONTH}  # fmt: skip
    response = client.get(f"/sushi/r51/reports/{report}", params)
    assert response.status_code == 200, response.content
    return response.json()


def metrics(report: dict) -> dict[tuple, int]:
    """{(item or title name, Access_Type or '', metric): count for the month}."""
    found = {}
    for entry in report["Report_Items"]:
        items = entry.get("Items", [entry])
        for item in items:
            name = item.get("Item") or item.get("Title") or entry.get("Title")
            for attrs in item["Attribute_Performance"]:
                for metric, months in attrs["Performance"].items():
                    key = (name, attrs.get("Access_Type", ""), metric)
                    found[key] = found.get(key, 0) + months[MONTH]
    return found


def test_the_counter_audit_scenario(client, clock, campus, make_article, journal):
    paywalled = make_article(title="The audited article", body_html=BODY)
    open_article = make_article(title="An open article", body_html=BODY, is_open_access=True)
    free = make_article(title="A free article", body_html=BODY, is_free_to_read=True)
    licence = campus.licences.get()
    user = iter(f"Mozilla/5.0 Auditor/{n}" for n in range(1000))  # a new session each time

    # 15 pairs inside 30 seconds (a double-click: counts once) ...
    for _ in range(15):
        reader = next(user)
        assert "The licensed words." in read(client, paywalled, reader)
        clock.wait(10)
        read(client, paywalled, reader)
        clock.wait(60)
    # ... and 15 pairs outside (count twice); exactly 30 seconds is still a double-click.
    for _ in range(15):
        reader = next(user)
        read(client, paywalled, reader)
        clock.wait(45)
        read(client, paywalled, reader)
        clock.wait(60)
    reader = next(user)
    read(client, paywalled, reader)
    clock.wait(30)
    read(client, paywalled, reader)  # one more request, not two
    clock.wait(60)

    # 50 forced No_License: the licence has lapsed.
    licence.ends_on = dt.date(2026, 1, 1)
    licence.save()
    for _ in range(50):
        assert "The licensed words." not in read(client, paywalled, next(user))
        clock.wait(40)
    # 50 forced Limit_Exceeded: one concurrent reader allowed, and someone else holds the seat.
    licence.ends_on = None
    licence.concurrent_users = 1
    licence.save()
    ActiveReader.objects.create(licence=licence, reader_key="s:elsewhere", last_seen=timezone.now())
    for _ in range(50):
        assert "The licensed words." not in read(client, paywalled, next(user))
        clock.wait(40)
    ActiveReader.objects.all().delete()
    licence.concurrent_users = None
    licence.save()

    # A mix of Access_Types: 10 readers of an open article, 5 of a free-to-read one.
    for article, readers in ((open_article, 10), (free, 5)):
        for _ in range(readers):
            read(client, article, next(user))
            clock.wait(40)
    # And a crawler, which must count nowhere.
    read(client, paywalled, "Googlebot/2.1 (+http://www.google.com/bot.html)")

    assert clock.at.date() == DAY
    processing.process_pending(now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))

    # TR_J3: usage by Access_Type. The audited article: 15 + 30 + 1 requests by 31 readers;
    # each denied reader was shown the abstract, an Investigation (3.3.8) by 100 more.
    tr_j3 = metrics(sushi(client, "tr_j3"))
    title = journal.title
    assert tr_j3[(title, "Controlled", "Total_Item_Requests")] == 46
    assert tr_j3[(title, "Controlled", "Unique_Item_Requests")] == 31
    assert tr_j3[(title, "Controlled", "Total_Item_Investigations")] == 146
    assert tr_j3[(title, "Controlled", "Unique_Item_Investigations")] == 131
    assert tr_j3[(title, "Open", "Total_Item_Requests")] == 10
    assert tr_j3[(title, "Free_To_Read", "Unique_Item_Requests")] == 5

    # TR_J2: the denials.
    tr_j2 = metrics(sushi(client, "tr_j2"))
    assert tr_j2[(title, "", "No_License")] == 50
    assert tr_j2[(title, "", "Limit_Exceeded")] == 50

    # IR: item by item, the same numbers.
    ir = metrics(sushi(client, "ir"))
    assert ir[("The audited article", "", "Total_Item_Requests")] == 46
    assert ir[("The audited article", "", "Unique_Item_Investigations")] == 131
    assert ir[("An open article", "", "Total_Item_Requests")] == 10
    assert ir[("A free article", "", "Total_Item_Requests")] == 5

    # TR (the master report): all of the journal, every Access_Type together.
    tr = metrics(sushi(client, "tr"))
    assert tr[(title, "", "Total_Item_Requests")] == 46 + 10 + 5
    assert tr[(title, "", "No_License")] == 50
