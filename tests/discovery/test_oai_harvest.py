"""A real OAI-PMH harvester (Sickle) harvests /oai over HTTP, page by page."""

import datetime as dt

import pytest
from django.utils import timezone
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

from masthead.catalog.models import Article, Issue

pytestmark = pytest.mark.django_db(transaction=True)
REPO = "masthead.invalid"


def oai_id(article) -> str:
    return f"oai:{REPO}:{article.doi}"


def harvested(iterator) -> tuple[list, set[str]]:
    """Every item, and the cursors of the pages it came in."""
    items, cursors = [], set()
    for item in iterator:
        items.append(item)
        if iterator.resumption_token is not None:
            cursors.add(iterator.resumption_token.cursor)
    return items, cursors


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sickle_harvests_exactly_the_visible_articles(live_server, settings, make_article, method):
    settings.MASTHEAD_OAI_PAGE_SIZE = 3
    visible = [make_article(authors=2) for _ in range(8)]
    unpublished = make_article()
    unpublished.is_published = False
    unpublished.save()
    make_article(published_online=timezone.now().date() + dt.timedelta(days=10))  # embargoed
    sickle = Sickle(f"{live_server.url}/oai", http_method=method)

    records, cursors = harvested(sickle.ListRecords(metadataPrefix="oai_dc"))
    assert cursors == {"0", "3", "6"}  # three pages
    live = [r for r in records if not r.deleted]
    assert [r.header.identifier for r in live] == [oai_id(a) for a in visible]
    assert [r.header.identifier for r in records if r.deleted] == [oai_id(unpublished)]
    first = live[0].metadata
    assert first["title"] == [visible[0].title]
    assert first["creator"] == ["Surname0, Given0", "Surname1, Given1"]
    assert f"https://doi.org/{visible[0].doi}" in first["identifier"]

    jats, _ = harvested(sickle.ListRecords(metadataPrefix="jats", ignore_deleted=True))
    assert [r.header.identifier for r in jats] == [oai_id(a) for a in visible]
    assert '<article-id pub-id-type="doi">' in jats[0].raw

    sets = {s.setSpec: s.setName for s in sickle.ListSets()}
    assert sets == {"tj": "Test Journal", "tj:31_4": "Test Journal, Volume 31, Issue 4"}
    identify = sickle.Identify()
    assert identify.deletedRecord == "transient" and identify.granularity.endswith("ssZ")


def test_sickle_lists_identifiers_of_a_set_between_two_dates(
    live_server, settings, journal, make_article
):
    settings.MASTHEAD_OAI_PAGE_SIZE = 2
    other = Issue.objects.create(journal=journal, volume="32", number="1")
    in_issue = [make_article() for _ in range(5)]
    make_article(issue=other)
    for n, article in enumerate(in_issue):
        moment = dt.datetime(2024, 6, 1 + n, 9, 30, tzinfo=dt.UTC)
        Article.objects.filter(pk=article.pk).update(updated_at=moment)
    sickle = Sickle(f"{live_server.url}/oai")

    window = {"from": "2024-06-02", "until": "2024-06-04"}
    headers, cursors = harvested(
        sickle.ListIdentifiers(metadataPrefix="oai_dc", set="tj:31_4", **window)
    )
    assert [h.identifier for h in headers] == [oai_id(a) for a in in_issue[1:4]]
    assert cursors == {"0", "2"}
    assert all(h.setSpecs == ["tj", "tj:31_4"] for h in headers)
    assert [h.datestamp for h in headers] == [f"2024-06-0{n}T09:30:00Z" for n in (2, 3, 4)]

    window = {"from": "2024-06-02T09:30:00Z", "until": "2024-06-03T09:30:00Z"}
    headers, _ = harvested(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="tj:31_4", **window))
    assert [h.identifier for h in headers] == [oai_id(a) for a in in_issue[1:3]]
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="tj:32_1", until="2020-01-01"))
