"""What the article page reads of Related Research: one query for both tabs."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from masthead.catalog.models import Journal
from masthead.related.page import RelatedItem, lists_sql, related_lists
from masthead.related.store import save_lists
from masthead.related.suggestion import ALSO_READ, RECOMMENDED, TABS
from masthead.sql import explain
from tests.related.helpers import suggest

pytestmark = pytest.mark.django_db


def test_both_tabs_in_one_query_with_what_the_cards_show(
    make_article, journal, django_assert_num_queries
):
    article = make_article()
    other_journal = Journal.objects.create(publisher=journal.publisher, code="oj", title="Other J")
    read = make_article(title="Read too", authors=4)
    online_only = make_article(
        title="Online only",
        journal=other_journal,
        issue=None,
        published_online=datetime.date(2021, 3, 1),
    )
    save_lists(read.pk, {}, built_version=1, also_read_filled=False)  # its byline
    save_lists(
        article.pk,
        {
            ALSO_READ: suggest(read, reason="Read together 7 times"),
            RECOMMENDED: suggest(online_only),
        },
        built_version=1,
        also_read_filled=True,
    )
    with django_assert_num_queries(1):
        lists = related_lists(article.pk)
    assert lists.also_read == (
        RelatedItem(
            title="Read too",
            authors="Given0 Surname0, Given1 Surname1, Given2 Surname2 et al.",
            journal="Test Journal",
            year=2023,  # the issue's
            doi=read.doi,
            url=f"/doi/abs/{read.doi}",
            reason="Read together 7 times",
        ),
    )
    (item,) = lists.recommended
    assert (item.title, item.journal, item.year) == ("Online only", "Other J", 2021)
    assert item.authors == ""  # not built yet: no byline stored
    assert lists.also_read_filled and not lists.more_also_read and not lists.more_recommended


def test_hidden_articles_are_skipped_and_later_ones_fill_their_places(make_article):
    article = make_article()
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    hidden = [make_article(is_published=False), make_article(published_online=tomorrow)]
    shown = [make_article() for _ in range(6)]
    save_lists(
        article.pk, {RECOMMENDED: suggest(*hidden, *shown)}, built_version=1, also_read_filled=False
    )
    lists = related_lists(article.pk)
    assert [i.doi for i in lists.recommended] == [a.doi for a in shown[:5]]
    assert lists.more_recommended and lists.also_read == ()
    everything = related_lists(article.pk, limit=None, tab=RECOMMENDED)
    assert [i.doi for i in everything.recommended] == [a.doi for a in shown]
    assert not everything.more_recommended


def test_five_stored_are_five_shown_and_no_more(make_article):
    article = make_article()
    others = [make_article() for _ in range(5)]
    save_lists(article.pk, {ALSO_READ: suggest(*others)}, built_version=1, also_read_filled=False)
    lists = related_lists(article.pk)
    assert len(lists.also_read) == 5 and not lists.more_also_read


def test_one_tab_alone(make_article):
    article, a, b = make_article(), make_article(), make_article()
    save_lists(
        article.pk,
        {ALSO_READ: suggest(a), RECOMMENDED: suggest(b)},
        built_version=1,
        also_read_filled=False,
    )
    lists = related_lists(article.pk, tab=ALSO_READ)
    assert [i.doi for i in lists.of(ALSO_READ)] == [a.doi] and lists.recommended == ()


def test_nothing_stored_yet(make_article, django_assert_num_queries):
    article = make_article()
    with django_assert_num_queries(1):
        lists = related_lists(article.pk)
    assert lists.also_read == lists.recommended == () and not lists.also_read_filled


def test_an_unknown_tab_is_refused(make_article):
    with pytest.raises(ValueError):
        related_lists(make_article().pk, tab="cited_by")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan wording")
def test_the_index_serves_article_tab_and_rank(make_article):
    plan = explain(lists_sql(list(TABS)), [*TABS, 10, make_article().pk])
    assert "related_neighbour_1 (article_id=? AND tab=? AND rank<?)" in plan
