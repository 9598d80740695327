"""Storing Related Research lists: curated on the way in, rewritten only where they differ,
and the page's change time moved only when what the page shows changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.catalog.models import Contributor
from masthead.related import store
from masthead.related.models import Curation, Neighbour, RelatedArticle
from masthead.related.store import Built, save_lists, save_many
from masthead.related.suggestion import ALSO_READ, KEEP, RECOMMENDED, Suggestion
from tests.related.helpers import suggest

pytestmark = pytest.mark.django_db


def stored(article, tab=RECOMMENDED) -> list[tuple[int, str]]:
    rows = Neighbour.objects.filter(article=article, tab=tab).order_by("rank")
    assert list(rows.values_list("rank", flat=True)) == list(range(rows.count()))
    return list(rows.values_list("other_id", "reason"))


def state(article) -> RelatedArticle:
    return RelatedArticle.objects.get(article=article)


def test_lists_are_stored_in_rank_order_without_the_article_itself_or_repeats(make_article):
    article, a, b = make_article(), make_article(), make_article()
    lists = {
        RECOMMENDED: [
            Suggestion(a.pk, 0.9, "Similar abstract"),
            Suggestion(article.pk, 0.8, "Itself"),
            Suggestion(b.pk, 0.7, "Shares 2 references"),
            Suggestion(a.pk, 0.6, "Again"),
        ],
        ALSO_READ: suggest(b, a, reason="Read together 4 times"),
    }
    save_lists(article.pk, lists, built_version=3, also_read_filled=False)
    assert stored(article) == [(a.pk, "Similar abstract"), (b.pk, "Shares 2 references")]
    assert stored(article, ALSO_READ) == [(b.pk, "Read together 4 times")] + [
        (a.pk, "Read together 4 times")
    ]
    saved = state(article)
    assert saved.built_version == 3 and saved.built_at and saved.changed_at


def test_at_most_keep_per_tab(make_article, journal):
    article = make_article()
    others = [make_article() for _ in range(KEEP + 5)]
    save_lists(article.pk, {RECOMMENDED: suggest(*others)}, built_version=1, also_read_filled=False)
    assert [pk for pk, _ in stored(article)] == [o.pk for o in others[:KEEP]]


def test_blocked_are_on_no_tab_and_pins_come_first_in_recommended(make_article, django_user_model):
    article, a, b, c, pinned_first, pinned_second = (make_article() for _ in range(6))
    Curation.objects.create(article=article, other=b, action=Curation.BLOCK)
    Curation.objects.create(article=article, other=pinned_second, action=Curation.PIN, position=2)
    Curation.objects.create(article=article, other=pinned_first, action=Curation.PIN, position=1)
    lists = {
        RECOMMENDED: suggest(a, b, pinned_second, c),
        ALSO_READ: suggest(b, c, reason="Read together"),
    }
    save_lists(article.pk, lists, built_version=1, also_read_filled=False)
    editors = store.PINNED_REASON
    assert stored(article) == [
        (pinned_first.pk, editors),
        (pinned_second.pk, editors),  # once, as the editors' pick
        (a.pk, "Shares 3 references"),
        (c.pk, "Shares 3 references"),
    ]
    assert stored(article, ALSO_READ) == [(c.pk, "Read together")]


def test_an_unchanged_rebuild_leaves_the_page_alone(make_article):
    article, a, b = make_article(), make_article(), make_article()
    lists = {RECOMMENDED: suggest(a, b), ALSO_READ: suggest(b)}
    save_lists(article.pk, lists, built_version=1, also_read_filled=False)
    first = state(article)
    assert save_many([Built(article.pk, lists, 2, False)]) == 0
    again = state(article)
    assert again.changed_at == first.changed_at
    assert again.built_version == 2 and again.built_at > first.built_at


def test_new_scores_are_stored_without_moving_the_page(make_article):
    article, a, b = make_article(), make_article(), make_article()
    save_lists(article.pk, {RECOMMENDED: suggest(a, b)}, built_version=1, also_read_filled=False)
    changed_at = state(article).changed_at
    rescored = [
        Suggestion(a.pk, 0.5, "Shares 3 references"),
        Suggestion(b.pk, 0.4, "Shares 3 references"),
    ]
    save_lists(article.pk, {RECOMMENDED: rescored}, built_version=2, also_read_filled=False)
    scores = (
        Neighbour.objects.filter(article=article).order_by("rank").values_list("score", flat=True)
    )
    assert list(scores) == [0.5, 0.4]
    assert state(article).changed_at == changed_at


@pytest.mark.parametrize(
    "change",
    ["order", "reason", "shorter", "longer", "filled"],
)
def test_what_a_reader_would_see_moves_the_page(make_article, change):
    article, a, b, c = make_article(), make_article(), make_article(), make_article()
    save_lists(article.pk, {ALSO_READ: suggest(a, b)}, built_version=1, also_read_filled=False)
    changed_at = state(article).changed_at
    lists, filled = {
        "order": ({ALSO_READ: suggest(b, a)}, False),
        "reason": ({ALSO_READ: suggest(a, b, reason="Read together 9 times")}, False),
        "shorter": ({ALSO_READ: suggest(a)}, False),
        "longer": ({ALSO_READ: suggest(a, b, c)}, False),
        "filled": ({ALSO_READ: suggest(a, b)}, True),
    }[change]
    save_lists(article.pk, lists, built_version=2, also_read_filled=filled)
    assert state(article).changed_at > changed_at
    expected = [(s.other_id, s.reason) for s in lists[ALSO_READ]]
    assert stored(article, ALSO_READ) == expected
    assert state(article).also_read_filled is filled


def test_only_the_tabs_given_are_replaced(make_article):
    article, a, b = make_article(), make_article(), make_article()
    save_lists(
        article.pk,
        {RECOMMENDED: suggest(a), ALSO_READ: suggest(b)},
        built_version=1,
        also_read_filled=False,
    )
    save_lists(article.pk, {ALSO_READ: suggest(a)}, built_version=2, also_read_filled=False)
    assert [pk for pk, _ in stored(article)] == [a.pk]
    assert [pk for pk, _ in stored(article, ALSO_READ)] == [a.pk]


def test_an_unknown_tab_is_refused(make_article):
    article = make_article()
    with pytest.raises(ValueError, match="cited_by"):
        save_lists(article.pk, {"cited_by": []}, built_version=1, also_read_filled=False)


def test_many_articles_cost_the_same_queries_per_chunk(make_article):
    articles = [make_article(authors=2) for _ in range(7)]
    others = [make_article() for _ in range(3)]
    Curation.objects.create(article=articles[0], other=others[2], action=Curation.BLOCK)
    built = [
        Built(a.pk, {RECOMMENDED: suggest(*others), ALSO_READ: suggest(*others)}, 1, False)
        for a in articles
    ]
    with CaptureQueriesContext(connection) as one:
        save_many(built[:1], chunk=5)
    with CaptureQueriesContext(connection) as full:
        save_many(built[1:6], chunk=5)  # five articles, one chunk
    assert len(full) == len(one)
    assert [pk for pk, _ in stored(articles[0])] == [others[0].pk, others[1].pk]
    assert [pk for pk, _ in stored(articles[5])] == [o.pk for o in others]
    assert save_many(built, chunk=3) == 1  # three chunks; only the seventh was new
    assert stored(articles[6]) == stored(articles[5])


def test_the_byline_comes_from_the_authors_unless_given(make_article):
    article, four, group = make_article(), make_article(authors=4), make_article(authors=0)
    Contributor.objects.create(article=group, collab="The Consortium", position=0)
    Contributor.objects.create(article=four, role="editor", surname="Editor", position=9)
    save_many(
        [
            Built(four.pk, {}, 1, False),
            Built(group.pk, {}, 1, False),
            Built(article.pk, {}, 1, False, authors="Given by the job"),
        ]
    )
    assert state(four).authors == "Given0 Surname0, Given1 Surname1, Given2 Surname2 et al."
    assert state(group).authors == "The Consortium"
    assert state(article).authors == "Given by the job"
    assert store.bylines([four.pk, make_article(authors=0).pk])[four.pk].endswith(" et al.")


def test_scope_is_the_articles_own_else_its_journals(make_article, journal):
    default, own = make_article(), make_article()
    RelatedArticle.objects.create(article=own, scope="journal")
    assert store.scopes([default.pk, own.pk]) == {default.pk: "platform", own.pk: "journal"}
    journal.related_scope = "journal"
    journal.save()
    RelatedArticle.objects.filter(article=own).update(scope="platform")
    assert store.scopes([default.pk, own.pk]) == {default.pk: "journal", own.pk: "platform"}


def test_curations_for_the_engine(make_article):
    article, a, b, c = make_article(), make_article(), make_article(), make_article()
    Curation.objects.create(article=article, other=a, action=Curation.PIN, position=1)
    Curation.objects.create(article=article, other=c, action=Curation.PIN, position=0)
    Curation.objects.create(article=article, other=b, action=Curation.BLOCK)
    rules = store.curations([article.pk, a.pk])
    assert rules == {article.pk: store.Curated(pins=(c.pk, a.pk), blocks=frozenset({b.pk}))}


def test_mark_due_asks_for_a_rebuild_and_moves_the_page(make_article):
    article, never_built, a = make_article(), make_article(), make_article()
    save_lists(article.pk, {RECOMMENDED: suggest(a)}, built_version=4, also_read_filled=False)
    before = state(article).changed_at
    store.mark_due(article.pk)
    store.mark_due(never_built.pk)
    assert state(article).built_version == 0 and state(article).changed_at > before
    assert state(never_built).built_version == 0 and state(never_built).changed_at
    assert stored(article) == [(a.pk, "Shares 3 references")]  # shown until rebuilt


def test_apply_curation_shows_a_block_or_pin_at_once(make_article):
    article, a, b, c = make_article(), make_article(), make_article(), make_article()
    save_lists(
        article.pk,
        {RECOMMENDED: suggest(a, b), ALSO_READ: suggest(b, a)},
        built_version=4,
        also_read_filled=True,
    )
    pin = Curation.objects.create(article=article, other=c, action=Curation.PIN)
    Curation.objects.create(article=article, other=b, action=Curation.BLOCK)
    store.apply_curation(article.pk)
    assert stored(article) == [(c.pk, store.PINNED_REASON), (a.pk, "Shares 3 references")]
    assert [pk for pk, _ in stored(article, ALSO_READ)] == [a.pk]
    assert state(article).built_version == 0 and state(article).also_read_filled
    pin.delete()
    store.apply_curation(article.pk)
    assert stored(article) == [(a.pk, "Shares 3 references")]  # the unpinned one goes


def test_a_pin_shows_before_the_first_build(make_article):
    article, a = make_article(), make_article()
    Curation.objects.create(article=article, other=a, action=Curation.PIN)
    store.apply_curation(article.pk)
    assert stored(article) == [(a.pk, store.PINNED_REASON)]
    assert state(article).authors == "Given0 Surname0"


def test_a_journal_scope_change_makes_its_articles_due(make_article, journal):
    article, a = make_article(), make_article()
    save_lists(article.pk, {RECOMMENDED: suggest(a)}, built_version=4, also_read_filled=False)
    assert store.mark_journal_due(journal.pk) == 1
    assert state(article).built_version == 0
