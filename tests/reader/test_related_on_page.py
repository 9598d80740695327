"""Related Research on the article page: People also read and Recommended articles, as a
reader sees them, and the More page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html as lxml_html

from masthead.reader.lookup import find_article
from masthead.related.store import save_lists
from masthead.related.suggestion import ALSO_READ, RECOMMENDED, Suggestion
from tests.related.helpers import suggest

pytestmark = pytest.mark.django_db

FILLED = (
    "Too few readers yet: the list is completed with recommendations based on the "
    "article's content."
)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content.decode())


def panel(page, tab):
    panel_id = {ALSO_READ: "panel-people-also-read", RECOMMENDED: "panel-recommended"}[tab]
    return page.xpath(f"//section[@id='{panel_id}']")[0]


def cards(page_or_panel):
    return [
        {
            "title": li.xpath("string(.//a[@class='related-title'])"),
            "href": li.xpath("string(.//a[@class='related-title']/@href)"),
            "authors": li.xpath("string(.//span[@class='related-authors'])"),
            "source": li.xpath("normalize-space(.//span[@class='related-source'])"),
            "journal": li.xpath("string(.//cite)"),
            "reason": li.xpath("string(.//span[@class='reason'])"),
        }
        for li in page_or_panel.xpath(".//ul[@class='related-list']/li")
    ]


def store(article, also_read=(), recommended=(), filled=False):
    save_lists(
        article.pk,
        {ALSO_READ: list(also_read), RECOMMENDED: list(recommended)},
        built_version=article.version,
        also_read_filled=filled,
    )


def test_each_tab_shows_title_authors_journal_year_and_why(client, make_article):
    article = make_article()
    read = make_article(title="Read by the same people", authors=4)
    similar = make_article(title="On a similar subject", authors=2)
    for other in (read, similar):  # their own builds store their bylines
        store(other)
    store(
        article,
        also_read=suggest(read, reason="Read together 12 times"),
        recommended=suggest(similar, reason="Shares 4 references"),
    )
    page = get(client, f"/doi/abs/{article.doi}")
    assert cards(panel(page, ALSO_READ)) == [
        {
            "title": "Read by the same people",
            "href": f"/doi/abs/{read.doi}",
            "authors": "Given0 Surname0, Given1 Surname1, Given2 Surname2 et al.",
            "source": "Test Journal (2023)",
            "journal": "Test Journal",
            "reason": "Read together 12 times",
        }
    ]
    (card,) = cards(panel(page, RECOMMENDED))
    assert card["title"] == "On a similar subject" and card["reason"] == "Shares 4 references"
    assert card["authors"] == "Given0 Surname0, Given1 Surname1"
    assert FILLED not in page.text_content()


def test_five_in_a_tab_then_more_on_their_own_page(client, make_article):
    article = make_article()
    others = [make_article(title=f"Neighbour {n}") for n in range(50)]
    store(article, recommended=suggest(*others), also_read=suggest(*others[:5]))
    page = get(client, f"/doi/abs/{article.doi}")
    assert [c["title"] for c in cards(panel(page, RECOMMENDED))] == [
        f"Neighbour {n}" for n in range(5)
    ]
    assert len(cards(panel(page, ALSO_READ))) == 5
    assert not panel(page, ALSO_READ).xpath(".//p[@class='more']")  # five stored: no more
    more = panel(page, RECOMMENDED).xpath(".//p[@class='more']/a")[0]
    assert more.text_content() == "More recommended articles"
    assert more.get("href") == f"/doi/related/{article.doi}?tab=recommended"
    full = get(client, more.get("href"))
    assert full.xpath("string(//h1)") == "Recommended articles"
    assert [c["title"] for c in cards(full)] == [f"Neighbour {n}" for n in range(50)]


def test_unpublished_and_embargoed_articles_are_not_shown(client, make_article):
    article = make_article()
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    withdrawn = make_article(title="Withdrawn", is_published=False)
    embargoed = make_article(title="Embargoed", published_online=tomorrow)
    visible = make_article(title="Visible")
    store(article, also_read=suggest(withdrawn, embargoed, visible))
    page = get(client, f"/doi/abs/{article.doi}")
    assert [c["title"] for c in cards(panel(page, ALSO_READ))] == ["Visible"]
    full = get(client, f"/doi/related/{article.doi}?tab=also_read")
    assert [c["title"] for c in cards(full)] == ["Visible"]


def test_a_tab_filled_from_content_says_so(client, make_article):
    article, other = make_article(), make_article()
    store(article, also_read=suggest(other, reason="Similar abstract"), filled=True)
    page = get(client, f"/doi/abs/{article.doi}")
    assert FILLED in panel(page, ALSO_READ).text_content()
    assert FILLED not in panel(page, RECOMMENDED).text_content()
    full = get(client, f"/doi/related/{article.doi}?tab=also_read")
    assert FILLED in full.text_content()


def test_empty_tabs_say_so(client, make_article):
    page = get(client, f"/doi/abs/{make_article().doi}")
    for tab in (ALSO_READ, RECOMMENDED):
        assert panel(page, tab).xpath("string(.//p[@class='empty'])") == "No articles to show yet."


def test_new_lists_show_on_a_cached_page_and_the_same_lists_keep_it(client, make_article):
    article, first, second = (
        make_article(),
        make_article(title="First"),
        make_article(title="Second"),
    )
    store(article, recommended=suggest(first))
    url = f"/doi/abs/{article.doi}"
    assert [c["title"] for c in cards(panel(get(client, url), RECOMMENDED))] == ["First"]
    stamp = find_article(article.doi).stamp
    store(article, recommended=suggest(first))  # tonight's rebuild finds the same
    assert find_article(article.doi).stamp == stamp  # the cached page stays valid
    store(article, recommended=suggest(second, first))
    assert find_article(article.doi).stamp != stamp
    assert [c["title"] for c in cards(panel(get(client, url), RECOMMENDED))] == [
        "Second",
        "First",
    ]


def test_the_tabs_cost_one_query_cold_and_none_warm(client, make_article):
    article = make_article()
    others = [make_article() for _ in range(50)]
    store(article, recommended=suggest(*others), also_read=suggest(*reversed(others)))
    url = f"/doi/abs/{article.doi}"

    def related_queries(queries):
        return [q["sql"] for q in queries.captured_queries if "related_neighbour" in q["sql"]]

    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(related_queries(cold)) == 1  # both tabs, whatever the number stored
    assert related_queries(warm) == [] and len(warm) == 3  # lookup, IP range, usage event


def test_the_more_page_is_three_queries(client, make_article, django_assert_num_queries):
    article = make_article()
    store(article, also_read=suggest(*(make_article() for _ in range(20))))
    with django_assert_num_queries(3):  # the lookup, the list, the article for its title
        response = client.get(f"/doi/related/{article.doi}?tab=also_read")
    assert response.status_code == 200


def test_hostile_titles_and_reasons_are_text(client, make_article):
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    article, hostile = make_article(), make_article(title=payload)
    save_lists(
        article.pk,
        {RECOMMENDED: [Suggestion(hostile.pk, 1.0, payload)]},
        built_version=1,
        also_read_filled=False,
    )
    for url in (f"/doi/abs/{article.doi}", f"/doi/related/{article.doi}?tab=recommended"):
        html = client.get(url).content.decode()
        related = html[html.index('class="related-list"') :]
        assert "<script>alert" not in related and "<img src=x" not in related
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in related


@pytest.mark.parametrize("tab", ["cited_by", "<script>", ""])
def test_an_unknown_tab_is_a_bad_request(client, make_article, tab):
    response = client.get(f"/doi/related/{make_article().doi}", {"tab": tab})
    assert response.status_code == 400


def test_the_more_page_of_an_unknown_or_unpublished_article_is_not_found(client, make_article):
    assert client.get("/doi/related/10.5555/nothing?tab=also_read").status_code == 404
    hidden = make_article(is_published=False)
    assert client.get(f"/doi/related/{hidden.doi}?tab=also_read").status_code == 404


def test_the_more_page_answers_under_the_registered_doi(client, make_article):
    article = make_article(doi="10.5555/Mixed.Case")
    response = client.get("/doi/related/10.5555/mixed.case?tab=also_read")
    assert response.status_code == 301
    assert response["Location"] == "/doi/related/10.5555/Mixed.Case?tab=also_read"
    assert article.doi == "10.5555/Mixed.Case"
