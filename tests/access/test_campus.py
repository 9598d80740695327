"""Institutional access by IP range, and the paywall attacks that must fail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.access.decision import Action
from masthead.access.models import Grant, Institution, IPRange, Licence
from masthead.access.services import decide_for_request
from masthead.reader.lookup import find_article

pytestmark = pytest.mark.django_db
BODY = '<section id="s1"><h2>Results</h2><p>The licensed words.</p></section>'
SOURCE = "<article><front><article-meta><title-group><article-title>T</article-title>"


@pytest.fixture(autouse=True)
def _proxy(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]


@pytest.fixture
def paywalled(make_article):
    return make_article(body_html=BODY, source_format="jats", source_xml=SOURCE)


def full_text(client, article, **headers):
    return client.get(f"/doi/full/{article.doi}", **headers).content.decode()


def test_campus_reader_behind_the_trusted_proxy(client, university, paywalled):
    html = full_text(client, paywalled, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert "The licensed words." in html
    abstract = client.get(f"/doi/abs/{paywalled.doi}", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert "Access provided by <strong>Demo University</strong>" in abstract.content.decode()
    assert "USD 53.00" not in abstract.content.decode()


@pytest.mark.parametrize("peer", ["203.0.113.77", "::ffff:203.0.113.77", "2001:db8:5:1::9"])
def test_campus_reader_seen_directly(client, university, paywalled, peer):
    assert "The licensed words." in full_text(client, paywalled, REMOTE_ADDR=peer)


def test_spoofed_forwarded_for_from_an_untrusted_peer(client, university, paywalled):
    html = full_text(
        client, paywalled, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert "The licensed words." not in html and "USD 53.00" in html


def test_off_campus_and_cached_pages_do_not_mix(client, university, paywalled):
    full_text(client, paywalled, HTTP_X_FORWARDED_FOR="203.0.113.5")
    html = full_text(client, paywalled, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert "The licensed words." not in html and "Access provided by" not in html


def test_every_content_url_refuses_without_entitlement(client, paywalled):
    for url in (f"/doi/full/{paywalled.doi}", f"/doi/xml/{paywalled.doi}"):
        html = client.get(url).content.decode()
        assert "The licensed words." not in html and "<article-meta>" not in html, url
        assert "You do not have access" in html


def test_jats_xml_for_the_entitled(client, university, paywalled):
    response = client.get(f"/doi/xml/{paywalled.doi}", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response["Content-Type"].startswith("application/xml")
    assert response["Cache-Control"] == "private"
    assert response.content.decode() == SOURCE


def test_unpublished_article_is_404_everywhere(client, university, make_article):
    hidden = make_article(is_published=False, body_html=BODY, source_xml=SOURCE)
    for kind in ("abs", "full", "xml", "cite"):
        response = client.get(f"/doi/{kind}/{hidden.doi}", HTTP_X_FORWARDED_FOR="203.0.113.5")
        assert response.status_code == 404, kind


def test_embargoed_article_is_404_until_its_date(client, make_article):
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    embargoed = make_article(published_online=tomorrow, is_open_access=True, body_html=BODY)
    assert client.get(f"/doi/abs/{embargoed.doi}").status_code == 404
    assert client.get(f"/doi/full/{embargoed.doi}").status_code == 404
    embargoed.published_online = timezone.now().date()
    embargoed.save()
    assert client.get(f"/doi/full/{embargoed.doi}").status_code == 200


def test_staff_preview_unpublished_and_embargoed(client, make_article, django_user_model):
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    hidden = make_article(is_published=False, body_html=BODY)
    embargoed = make_article(published_online=tomorrow, body_html=BODY)
    editor = django_user_model.objects.create_user("editor", password="x" * 12, is_staff=True)
    client.force_login(editor)
    for article in (hidden, embargoed):
        page = client.get(f"/doi/abs/{article.doi}").content.decode()
        assert "Staff preview" in page
        assert "The licensed words." in full_text(client, article)
    client.logout()
    assert client.get(f"/doi/full/{hidden.doi}").status_code == 404


def test_grants_are_personal_and_end_on_time(client, paywalled, django_user_model):
    owner = django_user_model.objects.create_user("owner", password="x" * 12)
    other = django_user_model.objects.create_user("other", password="x" * 12)
    now = timezone.now()
    Grant.objects.create(
        user=owner,
        article=paywalled,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=47),
    )
    client.force_login(other)
    assert "The licensed words." not in full_text(client, paywalled)
    client.force_login(owner)
    assert "The licensed words." in full_text(client, paywalled)
    Grant.objects.filter(user=owner).update(ends_at=now - datetime.timedelta(seconds=1))
    assert "The licensed words." not in full_text(client, paywalled)


def test_campus_decision_costs_two_queries(rf, university, paywalled):
    ref = find_article(paywalled.doi)
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.5")
    with CaptureQueriesContext(connection) as queries:
        decision = decide_for_request(request, ref, Action.FULL_TEXT)
    assert decision.institution_name == "Demo University" and len(queries) <= 2


def test_concurrent_user_limit_is_shared(client, university, paywalled):
    Licence.objects.filter(institution=university).update(concurrent_users=1)
    first = full_text(client, paywalled, HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = full_text(client, paywalled, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert "The licensed words." in first
    assert "The licensed words." not in second and "concurrent-user places" in second
    again = full_text(client, paywalled, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert "The licensed words." in again  # the seat holder keeps reading
    from masthead.access.models import ActiveReader

    ActiveReader.objects.update(last_seen=timezone.now() - datetime.timedelta(minutes=11))
    assert "The licensed words." in full_text(client, paywalled, HTTP_X_FORWARDED_FOR="203.0.113.6")


@pytest.mark.parametrize(
    "text, demo, problem",
    [
        ("10.1.0.0/16", False, "not a public range"),
        ("127.0.0.0/8", False, "not a public range"),
        ("169.254.0.0/16", False, "not a public range"),
        ("fe80::/10", False, "not a public range"),
        ("203.0.113.0/24", False, "demo mode"),
        ("203.0.113.0/24", True, ""),
        ("8.8.8.0/24", False, ""),
        ("8.8.8.10-8.8.8.1", False, "ends before it starts"),
        ("not an address", False, "not an IP range"),
    ],
)
def test_ranges_staff_may_save(settings, journal, text, demo, problem):
    settings.MASTHEAD_DEMO = demo
    institution = Institution.objects.create(name="Customer")
    candidate = IPRange(institution=institution, text=text)
    if problem:
        with pytest.raises(ValidationError, match=problem):
            candidate.full_clean()
    else:
        candidate.full_clean()


def test_ranges_never_overlap(settings):
    a = Institution.objects.create(name="A")
    b = Institution.objects.create(name="B")
    IPRange.objects.create(institution=a, text="8.8.8.0/24")
    with pytest.raises(ValidationError, match="overlaps 8.8.8.0/24 of A"):
        IPRange(institution=b, text="8.8.8.128-8.8.9.5").full_clean()
    IPRange(institution=b, text="8.8.9.0/24").full_clean()


def test_two_campuses_each_see_their_own_name(client, journal, university, paywalled):
    other = Institution.objects.create(name="Other College")
    IPRange.objects.create(institution=other, text="198.51.100.0/24")
    Licence.objects.create(institution=other, journal=journal, starts_on=datetime.date(2000, 1, 1))
    for address, name in [
        ("203.0.113.5", "Demo University"),
        ("198.51.100.5", "Other College"),
        ("203.0.113.6", "Demo University"),
    ]:
        page = client.get(f"/doi/abs/{paywalled.doi}", HTTP_X_FORWARDED_FOR=address)
        html = page.content.decode()
        assert f"Access provided by <strong>{name}</strong>" in html
        assert html.count("Access provided by") == 1
