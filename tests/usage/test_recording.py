"""Every content route appends its COUNTER event, and the article page shows its Views."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from masthead.access.models import ActiveReader
from masthead.usage import live
from masthead.usage.models import Event

pytestmark = pytest.mark.django_db
BODY = '<section id="s1"><h2>Results</h2><p>The licensed words.</p></section>'
CAMPUS = "203.0.113.5"


@pytest.fixture(autouse=True)
def _proxy(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]


@pytest.fixture
def paywalled(make_article):
    return make_article(body_html=BODY)


def events():
    return list(Event.objects.order_by("id").values_list("kind", "denial_reason", "url"))


def test_abstract_page_records_one_abstract_event_and_shows_views(client, paywalled, journal):
    response = client.get(f"/doi/abs/{paywalled.doi}", HTTP_USER_AGENT="Firefox/128")
    event = Event.objects.get()
    assert (event.kind, event.item_id, event.title_id, event.yop) == (
        "abstract",
        paywalled.pk,
        journal.pk,
        2023,
    )
    assert event.access_type == "Controlled" and event.access_method == "Regular"
    assert event.url == f"/doi/abs/{paywalled.doi}" and event.user_agent == "Firefox/128"
    assert "127.0.0.1" not in event.session_id  # the address is hashed, never stored
    assert not event.tracked_session and event.institution_ids == ""
    assert "<strong>0</strong> Views" in response.content.decode()  # not a minute yet


def test_views_on_the_page_a_minute_later_exclude_robots_and_double_clicks(client, paywalled):
    client.get(f"/doi/abs/{paywalled.doi}", HTTP_USER_AGENT="Firefox/128")
    client.get(f"/doi/abs/{paywalled.doi}", HTTP_USER_AGENT="Firefox/128")  # a double-click
    client.get(f"/doi/abs/{paywalled.doi}", HTTP_USER_AGENT="Googlebot/2.1")
    client.get(f"/doi/abs/{paywalled.doi}", HTTP_USER_AGENT="Safari/17")
    cache.clear()
    live.fold(now=timezone.now() + datetime.timedelta(minutes=1))  # the worker, a minute on
    html = client.get(f"/doi/abs/{paywalled.doi}", HTTP_USER_AGENT="Edge/120").content.decode()
    assert len(events()) == 5  # everything is kept raw, to reprocess
    assert "<strong>2</strong> Views" in html  # Firefox once, Safari once; Edge not yet


def test_campus_full_text_is_a_request_attributed_to_the_institution(client, paywalled, university):
    client.get(f"/doi/full/{paywalled.doi}", HTTP_X_FORWARDED_FOR=CAMPUS)
    event = Event.objects.get()
    assert event.kind == "full_text" and event.institution_ids == str(university.pk)


def test_denied_full_text_is_a_no_license_denial_and_an_abstract_view(client, paywalled):
    response = client.get(f"/doi/full/{paywalled.doi}")
    assert "The licensed words." not in response.content.decode()
    url = f"/doi/full/{paywalled.doi}"
    assert events() == [("denied", "no_license", url), ("abstract", "", url)]


def test_a_full_concurrent_licence_is_a_limit_exceeded_denial(client, paywalled, university):
    licence = university.licences.get()
    licence.concurrent_users = 1
    licence.save()
    ActiveReader.objects.create(licence=licence, reader_key="s:other", last_seen=timezone.now())
    client.get(f"/doi/full/{paywalled.doi}", HTTP_X_FORWARDED_FOR=CAMPUS)
    assert [e[:2] for e in events()] == [("denied", "limit_exceeded"), ("abstract", "")]
    assert set(Event.objects.values_list("institution_ids", flat=True)) == {str(university.pk)}


def test_citation_export_is_an_event_and_the_cite_dialog_is_not(client, paywalled):
    client.get(f"/doi/cite/{paywalled.doi}")
    assert events() == []
    client.get(f"/doi/cite/{paywalled.doi}?format=ris")
    assert events() == [("citation_export", "", f"/doi/cite/{paywalled.doi}?format=ris")]


@pytest.mark.parametrize(
    ("fields", "access_type"),
    [({"is_open_access": True}, "Open"), ({"is_free_to_read": True}, "Free_To_Read")],
)
def test_access_type_follows_the_article(client, make_article, fields, access_type):
    article = make_article(body_html=BODY, **fields)
    client.get(f"/doi/full/{article.doi}")
    assert Event.objects.get().access_type == access_type


def test_staff_previews_of_unpublished_articles_are_not_usage(client, make_article):
    draft = make_article(is_published=False)
    staff = get_user_model().objects.create_user("editor", password="x" * 16, is_staff=True)
    client.force_login(staff)
    assert client.get(f"/doi/abs/{draft.doi}").status_code == 200
    assert events() == []


def test_a_signed_in_session_is_a_tracked_session(client, paywalled):
    user = get_user_model().objects.create_user("reader", password="x" * 16)
    client.force_login(user)
    client.get(f"/doi/abs/{paywalled.doi}")
    assert Event.objects.get().tracked_session


def test_the_jats_xml_end_point_is_text_and_data_mining(client, make_article):
    article = make_article(
        is_open_access=True, source_format="jats", source_xml="<article><front/></article>"
    )
    assert client.get(f"/doi/xml/{article.doi}").status_code == 200
    event = Event.objects.get()
    assert (event.kind, event.access_method) == ("full_text", "TDM")
