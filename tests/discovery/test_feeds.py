"""RSS and Atom feeds of a journal, read as a feed reader reads them."""

import datetime as dt

import pytest
from lxml import etree

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_latest_articles_rss_newest_first_with_authors_and_abstracts(
    client, make_article, django_assert_max_num_queries
):
    older = make_article(authors=2, published_online=dt.date(2023, 1, 5))
    newer = make_article(title="A <b>bold</b> & new result", published_online=dt.date(2023, 6, 1))
    hidden = make_article()
    hidden.is_published = False
    hidden.save()
    make_article(title="Embargoed", published_online=dt.date.today() + dt.timedelta(days=3))
    with django_assert_max_num_queries(3):  # journal, articles, their authors
        response = client.get("/journals/tj/feed/latest.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = etree.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Test Journal: latest articles"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["A <b>bold</b> & new result", older.title]
    assert items[0].findtext("link") == f"http://127.0.0.1:8000/doi/abs/{newer.doi}"
    assert items[1].findtext("description") == "An abstract."
    assert items[1].findtext("guid") == f"https://doi.org/{older.doi}"


def test_current_issue_atom_lists_the_issue_in_order(client, make_article, journal, issue):
    second = make_article(position=2)
    first = make_article(position=1)
    response = client.get("/journals/tj/feed/current-issue.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = etree.fromstring(response.content)
    titles = root.xpath("//a:entry/a:title/text()", namespaces=ATOM)
    assert titles == [first.title, second.title]
    authors = root.xpath("//a:entry[1]/a:author/a:name/text()", namespaces=ATOM)
    assert authors == ["Given0 Surname0"]


def test_journal_page_advertises_its_feeds_and_unknown_journals_404(client, journal):
    page = client.get("/journals/tj").content.decode()
    assert 'type="application/atom+xml"' in page and "/journals/tj/feed/latest.rss" in page
    assert client.get("/journals/nope/feed/latest.rss").status_code == 404
    empty = client.get("/journals/tj/feed/current-issue.rss")
    assert empty.status_code == 200
