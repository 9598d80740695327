"""robots.txt and the XML sitemaps, as a crawler reads them."""

import datetime as dt

import pytest
from lxml import etree

from masthead.discovery import sitemaps
from masthead.discovery.sitemap_xml import NAMESPACE, Location, urlset, w3c_datetime

pytestmark = pytest.mark.django_db
NS = {"s": NAMESPACE}


def locs(response) -> list[str]:
    assert response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    return root.xpath("//s:loc/text()", namespaces=NS)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /cart" in lines
    assert "Disallow: /search" in lines  # result pages are endless; the sitemaps list articles
    assert not any(line.startswith(("Disallow: /doi", "Disallow: /journals")) for line in lines)
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines


def test_the_index_lists_each_journals_sitemap_with_its_last_change(client, make_article):
    make_article()
    index = client.get("/sitemap.xml")
    assert locs(index) == ["http://127.0.0.1:8000/sitemaps/tj-1.xml"]
    lastmod = etree.fromstring(index.content).xpath("//s:lastmod/text()", namespaces=NS)[0]
    assert dt.datetime.fromisoformat(lastmod).tzinfo is not None


def test_a_journal_sitemap_lists_what_readers_may_find(
    client, make_article, django_assert_max_num_queries
):
    shown = make_article()
    hidden = make_article()
    hidden.is_published = False
    hidden.save()
    future = make_article(published_online=dt.date.today() + dt.timedelta(days=9))
    with django_assert_max_num_queries(4):
        response = client.get("/sitemaps/tj-1.xml")
    urls = locs(response)
    assert urls[0] == "http://127.0.0.1:8000/journals/tj"
    assert "http://127.0.0.1:8000/toc/tj/31/4" in urls
    assert f"http://127.0.0.1:8000/doi/abs/{shown.doi}" in urls
    assert not any(hidden.doi in u or future.doi in u for u in urls)
    assert client.get("/sitemaps/tj-2.xml").status_code == 404
    assert client.get("/sitemaps/nope-1.xml").status_code == 404


def test_a_big_journal_is_split_at_fifty_thousand(monkeypatch, journal, make_article):
    monkeypatch.setattr(sitemaps, "MAX_URLS", 2)
    for _ in range(3):
        make_article()
    assert [loc.loc.rsplit("/", 1)[1] for loc in sitemaps.index_locations()] == [
        "tj-1.xml",
        "tj-2.xml",
        "tj-3.xml",
    ]
    pages = [sitemaps.journal_locations(journal, n) for n in (1, 2, 3, 4)]
    assert [len(p) for p in pages[:3]] == [2, 2, 1]  # journal, issue, 3 articles
    assert pages[3] is None


def test_hostile_urls_are_escaped_and_dates_are_w3c():
    body = urlset([Location("http://x/doi/abs/10.5555/a&b<c>", dt.date(2024, 1, 2))])
    root = etree.fromstring(body)
    assert root.xpath("//s:loc/text()", namespaces=NS) == ["http://x/doi/abs/10.5555/a&b<c>"]
    moment = dt.datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=dt.UTC)
    assert w3c_datetime(moment) == "2024-01-02T03:04:05+00:00"
    assert w3c_datetime(dt.date(2024, 1, 2)) == "2024-01-02"
