"""Journal home pages, issue tables of contents and the home page."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_featured_journals_first(client, journal, make_article):
    from masthead.catalog.models import Journal

    big = Journal.objects.create(publisher=journal.publisher, code="big", title="Big Journal")
    html = client.get("/").content.decode()
    assert 'href="/journals/tj"' in html and "Test Journal" in html
    journal.is_featured = True
    journal.save()
    html = client.get("/").content.decode()
    assert "Our journals" in html
    assert html.index("Test Journal") < html.index("More journals") < html.index(big.title)


def test_journal_home_shows_current_issue_and_latest(client, make_article, issue):
    make_article(title="Latest thing")
    html = client.get("/journals/tj").content.decode()
    assert "Current issue" in html and 'href="/toc/tj/31/4"' in html
    assert "Latest thing" in html and "Online ISSN 5555-0029" in html
    assert client.get("/journals/nope").status_code == 404


def test_toc_groups_articles_by_section_in_page_order(client, make_article):
    make_article(title="Second", first_page="20", position=20, section="Forum")
    make_article(title="First", first_page="1", position=1, section="Forum")
    make_article(title="A review", section="Book Review", position=30)
    html = client.get("/toc/tj/31/4").content.decode()
    assert html.index("First") < html.index("Second") < html.index("A review")
    assert "<h2>Forum</h2>" in html and "<h2>Book Review</h2>" in html
    assert client.get("/toc/tj/31/9").status_code == 404


def test_toc_query_count_is_fixed(client, make_article, django_assert_max_num_queries):
    for _ in range(20):
        make_article(authors=5)
    with django_assert_max_num_queries(3):
        client.get("/toc/tj/31/4")
