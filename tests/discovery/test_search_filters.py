"""Filters, sorts, what readers may find, and "only content I can access"."""

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from masthead.access.decision import Action
from masthead.access.models import Grant, Institution, IPRange, Licence
from masthead.access.services import decide_for_request
from masthead.access.sessions import SESSION_KEY
from masthead.catalog.models import Article, Issue, Journal
from masthead.discovery.search import SearchParams, search
from masthead.discovery.search_access import scope_for_request
from masthead.reader.lookup import find_article

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
CAMPUS = "203.0.113.7"


@pytest.fixture
def write(make_article, django_capture_on_commit_callbacks):
    """make_article, indexed as a commit would index it."""

    def make(**fields) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return make


def found(scope=None, **params) -> list[str]:
    return [hit.title for hit in search(SearchParams(**params), scope).hits]


def test_only_what_readers_may_find(write, journal):
    write(title="Graphene membranes")
    write(title="Graphene draft", is_published=False)
    embargoed = write(title="Graphene embargoed", published_online=TODAY + dt.timedelta(days=3))
    assert found(q="graphene") == ["Graphene membranes"]
    assert found(journal=journal.code) == ["Graphene membranes"]  # browsing, no words
    # The embargo ends (no re-indexing needed: visibility is decided when searching).
    Article.objects.filter(pk=embargoed.pk).update(published_online=TODAY)
    assert sorted(found(q="graphene")) == ["Graphene embargoed", "Graphene membranes"]


def test_filters(write, journal, issue):
    other = Journal.objects.create(
        publisher=journal.publisher, code="oa", title="Open Journal", is_open_access=True
    )
    old = Issue.objects.create(journal=journal, volume="12", year=2010)
    write(title="Soil carbon, current", article_type="research-article")
    write(title="Soil carbon, old", issue=old, article_type="review-article")
    write(title="Soil carbon, no issue", issue=None, published_online=dt.date(2016, 5, 1))
    write(
        title="Soil carbon, open", journal=other, issue=None, published_online=dt.date(2018, 1, 1)
    )
    write(title="Soil carbon, open article", is_open_access=True)

    def titles(**params):
        return sorted(found(q="soil carbon", **params))

    assert len(titles()) == 5
    assert titles(journal="oa") == ["Soil carbon, open"]
    # The year is the issue's, else the online date's (as the access decision counts it).
    assert titles(year_from=2011, year_to=2017) == ["Soil carbon, no issue"]
    assert titles(year_to=2010) == ["Soil carbon, old"]
    assert titles(article_type="review-article") == ["Soil carbon, old"]
    assert titles(open_access=True) == ["Soil carbon, open", "Soil carbon, open article"]
    assert titles(issn=journal.issn_online) == [
        "Soil carbon, current",
        "Soil carbon, no issue",
        "Soil carbon, old",
        "Soil carbon, open article",
    ]
    hits = search(SearchParams(q="soil carbon", open_access=True)).hits
    assert all(h.is_open_access for h in hits)
    assert {h.year for h in search(SearchParams(q="soil carbon")).hits} == {2023, 2010, 2016, 2018}


def test_sorts_and_tie_breaks(write):
    same = {"issue": None, "abstracts": [{"type": "", "html": "<p>Quantum dots.</p>"}]}
    first = write(title="Quantum dots", published_online=dt.date(2020, 1, 1), **same)
    newer = write(title="Quantum dots", published_online=dt.date(2022, 1, 1), **same)
    twin = write(title="Quantum dots", published_online=dt.date(2022, 1, 1), **same)
    better = write(title="Quantum dots in quantum wells", published_online=dt.date(2019, 1, 1))
    by_relevance = [h.article_id for h in search(SearchParams(q="quantum dots")).hits]
    # The same text scores the same: newest first, then by id.
    assert by_relevance.index(newer.pk) < by_relevance.index(twin.pk) < by_relevance.index(first.pk)
    by_date = [h.article_id for h in search(SearchParams(q="quantum", sort="date")).hits]
    assert by_date == [newer.pk, twin.pk, first.pk, better.pk]


def test_a_title_counts_more_than_an_abstract(write):
    write(title="Notes on rivers", abstracts=[{"type": "", "html": "<p>About estuaries.</p>"}])
    write(title="Estuaries", abstracts=[{"type": "", "html": "<p>Notes on rivers.</p>"}])
    assert found(q="estuaries") == ["Estuaries", "Notes on rivers"]


def test_pages(write):
    for n in range(25):
        write(title=f"Plankton survey {n}", issue=None, published_online=dt.date(2000 + n, 1, 1))
    first = search(SearchParams(q="plankton", sort="date", page_size=10))
    third = search(SearchParams(q="plankton", sort="date", page_size=10, page=3))
    assert (first.total, first.pages, len(first.hits)) == (25, 3, 10)
    assert first.hits[0].title == "Plankton survey 24"
    assert [h.title for h in third.hits] == [f"Plankton survey {n}" for n in range(4, -1, -1)]
    beyond = search(SearchParams(q="plankton", page_size=10, page=9))
    assert (beyond.total, beyond.hits) == (25, [])


# --- "only content I can access" ----------------------------------------------------


def reader(ip: str = "192.0.2.1", user=None):
    request = RequestFactory().get("/search", REMOTE_ADDR=ip)
    request.user = user or AnonymousUser()
    return request


@pytest.fixture
def shelf(write, journal, issue):
    """Articles of every kind of access, in a journal Demo University licenses for
    2015-2020 only, and in another journal nobody licenses."""
    other = Journal.objects.create(publisher=journal.publisher, code="other", title="Other")
    old = Issue.objects.create(journal=journal, volume="12", year=2016)
    articles = {
        "open": write(title="Algae open", is_open_access=True),
        "free": write(title="Algae free", is_free_to_read=True),
        "licensed": write(title="Algae licensed", issue=old),
        "out of range": write(title="Algae recent"),  # 2023: outside the licence's years
        "elsewhere": write(title="Algae elsewhere", journal=other, issue=None),
    }
    university = Institution.objects.create(name="Demo University")
    IPRange.objects.create(institution=university, text="203.0.113.0/24")
    Licence.objects.create(
        institution=university,
        journal=journal,
        starts_on=dt.date(2000, 1, 1),
        first_year=2015,
        last_year=2020,
    )
    return articles


def accessible(request) -> list[str]:
    params = SearchParams(q="algae", accessible_only=True)
    return sorted(found(scope_for_request(request), **params.__dict__))


def test_access_filter_follows_licences_and_purchases(shelf, django_user_model):
    assert accessible(reader()) == ["Algae free", "Algae open"]
    assert accessible(reader(CAMPUS)) == ["Algae free", "Algae licensed", "Algae open"]
    buyer = django_user_model.objects.create_user("buyer", "buyer@example.org", "x" * 12)
    now = timezone.now()
    Grant.objects.create(
        user=buyer,
        article=shelf["elsewhere"],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=47),
    )
    assert accessible(reader(user=buyer)) == ["Algae elsewhere", "Algae free", "Algae open"]
    # Without a scope the filter is not applied (the caller knows no reader).
    assert len(found(q="algae", accessible_only=True)) == 5


def test_access_filter_agrees_with_the_access_decision(shelf, journal, django_user_model):
    """For every article and several readers: found by the filter exactly when the one
    access decision would let the reader read the full text."""
    buyer = django_user_model.objects.create_user("buyer", "buyer@example.org", "x" * 12)
    now = timezone.now()
    later = Issue.objects.create(journal=journal, volume="40", year=2019)
    shelf["volume 40"] = Article.objects.create(
        journal=journal, issue=later, doi="10.5555/v40", title="Algae volume 40"
    )
    Grant.objects.create(user=buyer, issue=later, starts_at=now, ends_at=now + dt.timedelta(1))
    Grant.objects.create(  # expired: grants nothing
        user=buyer, article=shelf["out of range"], starts_at=now - dt.timedelta(9), ends_at=now
    )
    ended = Institution.objects.create(name="Ended College")
    IPRange.objects.create(institution=ended, text="198.51.100.0/24")
    Licence.objects.create(  # ended, but the years 2000-2016 stay readable
        institution=ended,
        journal=journal,
        starts_on=dt.date(2001, 1, 1),
        ends_on=dt.date(2010, 1, 1),
        perpetual_first_year=2000,
        perpetual_last_year=2016,
    )
    Licence.objects.create(  # current, for volumes 30 to 35 only
        institution=ended,
        journal=journal,
        starts_on=dt.date(2001, 1, 1),
        first_volume=30,
        last_volume=35,
    )
    from masthead.discovery import search_index

    search_index.index_articles([shelf["volume 40"].pk])
    member = reader()  # off campus, signed in to Ended College's identity provider
    member.session = import_module(settings.SESSION_ENGINE).SessionStore()
    member.session[SESSION_KEY] = [ended.pk]
    member.session.save()
    readers = (reader(), reader(CAMPUS), reader("198.51.100.9"), member, reader(user=buyer))
    for request in readers:
        allowed = sorted(
            a.title
            for a in Article.objects.filter(title__startswith="Algae")
            if decide_for_request(
                request, find_article(a.doi), Action.FULL_TEXT, serving=False
            ).allowed
        )
        assert accessible(request) == allowed
        assert request is not member or allowed == accessible(reader("198.51.100.9"))
