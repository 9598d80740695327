"""The background build: from the catalog and the usage sessions to stored lists."""

import datetime as dt

import pytest
from django.test import Client

from masthead.catalog.models import Journal
from masthead.related import build
from masthead.related.coreadership import REASON
from masthead.related.models import ArticleEmbedding, Curation, Neighbour, RelatedArticle
from masthead.related.suggestion import ALSO_READ, RECOMMENDED

pytestmark = pytest.mark.django_db

TOPICS = {
    "bees": [
        "Honey bees forage for nectar and pollen in spring meadows",
        "The waggle dance of honey bees tells the hive where pollen grows",
        "Bees lose their way home after foraging on sprayed nectar",
    ],
    "whales": [
        "Humpback whales sing long songs in the ocean",
        "Songs of humpback whales change from season to season",
        "Ocean noise from ships masks the songs whales sing",
    ],
    "rust": [
        "Wheat stem rust fungus spreads by wind borne spores",
        "Spores of the rust fungus survive the winter on wheat stubble",
        "Resistant wheat keeps stem rust fungus out of farm fields",
    ],
}


def abstract(text: str) -> list[dict]:
    return [{"type": "", "title": "Abstract", "html": f"<p>{text}</p>"}]


@pytest.fixture
def library(make_article):
    """Three topics, three articles each, and filler."""
    made = {}
    for topic, texts in TOPICS.items():
        for n, text in enumerate(texts):
            made[f"{topic}{n}"] = make_article(
                title=f"{topic.title()} study {n}", abstracts=abstract(text)
            )
    return made


def listed(article, tab=RECOMMENDED) -> list[int]:
    rows = Neighbour.objects.filter(article=article, tab=tab).order_by("rank")
    return list(rows.values_list("other_id", flat=True))


def test_every_published_article_gets_its_topic_first(library, make_article):
    hidden = make_article(title="Bees unpublished", abstracts=abstract(TOPICS["bees"][0]))
    hidden.is_published = False
    hidden.save()
    future = make_article(
        title="Bees embargoed",
        abstracts=abstract(TOPICS["bees"][0]),
        published_online=dt.date.today() + dt.timedelta(days=30),
    )
    stats = build.rebuild()
    assert stats.built == 9
    bees = listed(library["bees0"])
    assert set(bees[:2]) == {library["bees1"].pk, library["bees2"].pk}
    assert hidden.pk not in bees and future.pk not in bees
    assert not Neighbour.objects.filter(article__in=[hidden, future]).exists()
    reason = Neighbour.objects.get(article=library["bees0"], tab=RECOMMENDED, rank=0).reason
    assert reason.startswith("Similar topic: ")


def test_a_new_article_is_built_alone_and_soon(library, make_article):
    build.rebuild()
    assert build.due_ids() == []
    new = make_article(title="Whales sing", abstracts=abstract(TOPICS["whales"][1] + " at dawn"))
    assert build.due_ids() == [new.pk]
    stats = build.update_due()
    assert stats.built == 1
    assert set(listed(new)[:3]) == {library[f"whales{n}"].pk for n in range(3)}
    assert build.due_ids() == []


def test_embeddings_are_cached_per_text(library):
    first = build.rebuild()
    assert first.embedded == 9 and ArticleEmbedding.objects.count() == 9
    assert build.rebuild().embedded == 0
    edited = library["rust0"]
    edited.title = "Rust fungus on barley"
    edited.save()
    assert build.rebuild().embedded == 1


def test_without_the_embedding_model_the_lists_still_come(library, monkeypatch):
    monkeypatch.setattr(build, "load_embedder", lambda: None)
    build.rebuild()
    assert set(listed(library["rust1"])[:2]) == {library["rust0"].pk, library["rust2"].pk}
    assert not ArticleEmbedding.objects.exists()


def test_journal_scope_and_blocks_shape_the_lists(library, journal, make_article):
    other = Journal.objects.create(publisher=journal.publisher, code="oj", title="Other J")
    outside = make_article(
        journal=other, title="Bees abroad", abstracts=abstract(TOPICS["bees"][0])
    )
    build.rebuild()
    assert outside.pk in listed(library["bees0"])
    journal.related_scope = "journal"
    journal.save()
    Curation.objects.create(article=library["bees0"], other=library["bees1"], action="block")
    RelatedArticle.objects.filter(article=library["bees0"]).update(built_version=0)
    build.update_due()
    bees = listed(library["bees0"])
    assert outside.pk not in bees and library["bees1"].pk not in bees
    assert library["bees2"].pk in bees


def reader(n: int) -> Client:
    return Client(REMOTE_ADDR=f"192.0.2.{n}", HTTP_USER_AGENT=f"Mozilla/5.0 Firefox/{100 + n}")


def test_people_also_read_comes_from_readers_sessions(library):
    bees, rust, whales = library["bees0"], library["rust2"], library["whales1"]
    for n in range(3):
        client = reader(n)
        for article in (bees, rust, whales) if n else (bees, rust):
            assert client.get(article.get_absolute_url()).status_code == 200
        client.get(library["bees2"].get_absolute_url())
    build.rebuild()
    assert not RelatedArticle.objects.get(article=bees).also_read_filled
    also_read = Neighbour.objects.filter(article=bees, tab=ALSO_READ).order_by("rank")
    shown = [(n.other_id, n.reason) for n in also_read]
    assert set(shown[:2]) == {(rust.pk, REASON), (library["bees2"].pk, REASON)}  # 3 readers
    assert shown[2] == (whales.pk, REASON)  # 2 readers
    # Nobody read this one: its tab is filled from the content engine, and says so.
    unread = library["whales0"]
    assert RelatedArticle.objects.get(article=unread).also_read_filled
    assert listed(unread, ALSO_READ)


def test_people_also_read_follows_new_sessions_without_a_rebuild(library):
    build.rebuild()
    bees, whales = library["bees0"], library["whales2"]
    assert RelatedArticle.objects.get(article=bees).also_read_filled
    for n in range(3):
        client = reader(n)
        for article in (bees, whales, library["rust0"], library["rust1"]):
            client.get(article.get_absolute_url())
    stats = build.refresh_people_also_read()
    assert stats.changed >= 4
    assert not RelatedArticle.objects.get(article=bees).also_read_filled
    first = Neighbour.objects.filter(article=bees, tab=ALSO_READ, rank__lt=3)
    assert {n.other_id for n in first} == {whales.pk, library["rust0"].pk, library["rust1"].pk}
    assert build.refresh_people_also_read().changed == 0  # nothing new: pages stay cached


def test_the_command_builds_what_is_due_then_nothing(library):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("build_related", stdout=out)
    assert "9 of 9 articles built" in out.getvalue()
    out = StringIO()
    call_command("build_related", stdout=out)
    assert "0 of 0 articles built" in out.getvalue()
    call_command("build_related", "--people-also-read", stdout=out)
    assert "People also read:" in out.getvalue()
