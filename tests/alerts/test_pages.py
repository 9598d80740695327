"""Subscribing and stopping alerts through the pages, as a reader does."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from masthead.alerts.models import Subscription
from tests.alerts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_anonymous_reader_logs_in_and_comes_back_to_subscribe(client, reader, journal):
    response = client.get("/alerts/subscribe?journal=tj")
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/login/?next=")
    page = client.get(login_url).content.decode()
    next_value = re.search(r'name="next" value="([^"]+)"', page).group(1)
    assert next_value == "/alerts/subscribe?journal=tj"
    response = client.post(
        "/login/", {"email": "reader@example.org", "password": PASSWORD, "next": next_value}
    )
    assert response["Location"] == "/alerts/subscribe?journal=tj"
    page = client.get(response["Location"]).content.decode()
    assert "Test Journal" in page and "Get new-issue alerts</button>" in page
    assert not Subscription.objects.exists()  # showing the form changes nothing
    response = client.post("/alerts/subscribe?journal=tj")
    assert response.status_code == 302 and response["Location"] == "/journals/tj"
    assert Subscription.objects.get().journal == journal
    page = client.get("/journals/tj").content.decode()
    assert "when a new issue of Test Journal is out" in page


def test_subscribe_post_needs_the_csrf_token(reader, journal):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post("/alerts/subscribe?journal=tj").status_code == 403
    assert not Subscription.objects.exists()
    page = client.get("/alerts/subscribe?journal=tj").content.decode()
    response = client.post(
        "/alerts/subscribe?journal=tj", {"csrfmiddlewaretoken": csrf_token(page)}
    )
    assert response.status_code == 302
    assert Subscription.objects.filter(user=reader, journal=journal).count() == 1


def test_article_citation_alert_and_subscribing_twice_is_one_alert(client, reader, make_article):
    article = make_article(title="Tidal <i>marshes</i> & salt")
    client.force_login(reader)
    page = client.get(f"/alerts/subscribe?article={article.doi.upper()}").content.decode()
    assert "Alert me when this article is cited</button>" in page
    assert "Tidal &lt;i&gt;marshes&lt;/i&gt; &amp; salt" in page
    url = f"/alerts/subscribe?article={article.doi}"
    assert client.post(url)["Location"] == f"/doi/abs/{article.doi}"
    client.post(url)
    assert Subscription.objects.filter(user=reader, article=article).count() == 1
    page = client.get(url).content.decode()
    assert "You already have this alert" in page
    assert "Alert me when this article is cited</button>" not in page


def test_pages_link_to_the_alert_confirmation(client, journal, make_article):
    article = make_article()
    journal_page = client.get("/journals/tj").content.decode()
    assert 'href="/alerts/subscribe?journal=tj"' in journal_page
    article_page = client.get(f"/doi/abs/{article.doi}").content.decode()
    assert (
        f'href="/alerts/subscribe?article={article.doi}">Alert me when this article is cited'
        in (article_page)
    )


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("", 400, "Which alert?"),
        ("?journal=tj&article=10.5555/x", 400, "Which alert?"),
        ("?journal=nope", 404, "No such journal"),
        ("?article=10.5555/none", 404, "No such article"),
        ("?journal=%3Cscript%3E", 404, "&lt;script&gt;"),
    ],
)
def test_bad_subscribe_requests_say_what_is_wrong(client, reader, journal, query, status, text):
    client.force_login(reader)
    response = client.get(f"/alerts/subscribe{query}")
    assert response.status_code == status
    assert text in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_unpublished_or_embargoed_articles_cannot_be_followed(client, reader, make_article):
    hidden = make_article(is_published=False)
    embargoed = make_article(published_online=datetime.date.today() + datetime.timedelta(days=9))
    client.force_login(reader)
    for article in (hidden, embargoed):
        assert client.get(f"/alerts/subscribe?article={article.doi}").status_code == 404
        assert client.post(f"/alerts/subscribe?article={article.doi}").status_code == 404
    assert not Subscription.objects.exists()


def test_my_alerts_lists_and_stops_the_readers_own_alerts(
    client, reader, make_reader, journal, make_article
):
    article = make_article(title="Followed article")
    mine = Subscription.objects.create(user=reader, journal=journal)
    Subscription.objects.create(user=reader, article=article)
    other = make_reader("other@example.org")
    theirs = Subscription.objects.create(user=other, journal=journal)
    client.force_login(reader)
    my_access = client.get("/my-access").content.decode()
    assert 'href="/alerts/"' in my_access
    page = client.get("/alerts/").content.decode()
    assert "New issues of" in page and "Test Journal" in page and "Followed article" in page
    assert page.count("Stop this alert") == 2
    # Someone else's alert cannot be stopped from here.
    client.post("/alerts/remove", {"subscription": theirs.pk})
    assert Subscription.objects.filter(pk=theirs.pk).exists()
    response = client.post("/alerts/remove", {"subscription": mine.pk})
    assert response["Location"] == "/alerts/"
    assert not Subscription.objects.filter(pk=mine.pk).exists()
    assert "Alert removed." in client.get("/alerts/").content.decode()
    assert client.post("/alerts/remove", {"subscription": "x"}).status_code == 400
    assert client.get("/alerts/remove").status_code == 405


def test_my_alerts_needs_login_and_says_when_the_address_is_unproven(client, make_reader):
    assert client.get("/alerts/")["Location"].startswith("/login/?next=/alerts/")
    client.force_login(make_reader(verified=False))
    page = client.get("/alerts/").content.decode()
    assert "only to verified addresses" in page and "You have no alerts" in page


def test_staff_see_subscriptions_in_the_admin_read_only(client, make_reader, journal, make_article):
    Subscription.objects.create(user=make_reader("follower@example.org"), journal=journal)
    Subscription.objects.create(user=make_reader("citer@example.org"), article=make_article())
    staff = get_user_model().objects.create_superuser("staff", "staff@example.org", "x")
    client.force_login(staff)
    page = client.get("/admin/alerts/subscription/").content.decode()
    assert "follower@example.org" in page and "citer@example.org" in page
    assert "/admin/alerts/subscription/add/" not in page
    sub = Subscription.objects.first()
    assert client.get(f"/admin/alerts/subscription/{sub.pk}/change/").status_code == 200
    response = client.post(f"/admin/alerts/subscription/{sub.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert client.get("/admin/alerts/delivery/").status_code == 200
