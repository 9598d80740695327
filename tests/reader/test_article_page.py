"""The article page: every element of the seed page, in a fixed number of queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def page(client, article, kind="abs"):
    response = client.get(f"/doi/{kind}/{article.doi}")
    assert response.status_code == 200
    return response.content.decode()


def test_subscription_article_shows_the_seed_elements_in_order(client, make_article, journal):
    journal.altmetric_badge = True  # the seed page shows Altmetric's badge
    journal.save()
    article = make_article(authors=1, references=3)
    html = page(client, article)
    in_order = [
        "0</strong> Views",
        "0</strong> CrossRef citations to date",
        "Altmetric",
        "Research Article",
        "Test article",
        "Given0 Surname0",
        "Test Journal",
        "Volume 31, Issue 4",
        "Pages 703-717",
        "Published online: 05 Oct 2023",
        "https://doi.org/10.5555/test.",
        "ABSTRACT",
        "An abstract.",
        "Disclosure statement",
        "No potential conflict",
        "Notes",
        "A note.",
        "Additional information",
        "Funding",
        "A Funder (X-1)",
        "Notes on contributors",
        "Bio of author 0.",
        "References",
        "Cited work 0",
        "Access options",
        "PDF download + Online access",
        "48 hours access to article PDF &amp; online version",
        "USD 53.00",
        "Issue Purchase",
        "30 days online access to complete issue",
        "USD 577.00",
        "* Local tax will be added as applicable",
        "Related Research",
        "People also read",
        "Recommended articles",
        "Cited by",
    ]
    cursor = html.index("<main")
    for text in in_order:  # each element appears after the one before it
        found = html.find(text, cursor)
        assert found >= 0, f"{text!r} missing or out of order"
        cursor = found


def test_related_research_explains_each_tab(client, make_article):
    html = page(client, make_article())
    assert "People also read lists articles that other readers of this article have read." in html
    assert "powered by our AI driven recommendation engine" in html
    assert "Cited by lists all citing articles based on Crossref citations." in html
    assert html.count('role="tab"') == 3 and html.count('role="tabpanel"') == 3


def test_open_access_article_shows_licence_not_prices(client, make_article):
    article = make_article(
        is_open_access=True, license_url="http://creativecommons.org/licenses/by/4.0/"
    )
    html = page(client, article)
    assert "Open access" in html
    assert "USD 53.00" not in html and "Add to cart" not in html


def test_query_count_does_not_grow_with_authors_and_references(client, make_article):
    small = make_article(authors=1, references=1)
    large = make_article(authors=50, references=200)
    counts = []
    for article in (small, large):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/doi/abs/{article.doi}")
        counts.append(len(queries))
    # lookup, IP range, the usage event's INSERT, article, contributors, references, offers,
    # where the references lead (citations), the Cited-by tab, the two other Related
    # Research tabs (one query: both tabs' stored ranks with their cards' fields),
    # and the Views count (one query: rollups and the worker's live views)
    assert counts[0] == counts[1] == 11
    with CaptureQueriesContext(connection) as warm:
        html = page(client, large)
    # the narrow lookup, the IP range and the usage event; the page (related lists
    # included: their change time is in the lookup's stamp) and Views are cached
    assert len(warm) == 3
    assert [q["sql"].split()[0] for q in warm.captured_queries][-1] == "INSERT"
    assert html.count('name="citation_author"') == 50
    assert html.count('name="citation_reference"') == 200


def test_edit_shows_on_the_next_request(client, make_article):
    article = make_article()
    page(client, article)
    article.title = "A corrected title"
    article.save()
    assert "A corrected title" in page(client, article)


def test_price_and_journal_changes_show_on_the_next_request(client, make_article, journal):
    article = make_article()
    assert "USD 53.00" in page(client, article)
    offer = journal.offers.get(kind="article")
    offer.amount_minor = 4900
    offer.save()
    assert "USD 49.00" in page(client, article)
    journal.title = "Renamed Journal"
    journal.save()
    assert "Renamed Journal" in page(client, article)
    assert '<meta name="citation_journal_title" content="Renamed Journal">' in page(client, article)


def test_signed_in_readers_get_a_fresh_page(client, make_article, django_user_model):
    article = make_article()
    page(client, article)
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    with CaptureQueriesContext(connection) as queries:
        page(client, article)
    assert len(queries) > 1


def test_hostile_strings_are_text(client, make_article):
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    article = make_article(title=payload, section=payload, keywords=[payload])
    html = page(client, article)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in ld
    assert json.loads(ld)["name"] == payload


def test_head_tags_for_indexers(client, make_article):
    article = make_article(authors=2, references=4, keywords=["Belarus", "Russia"])
    html = page(client, article)
    for tag in (
        f'<meta name="citation_doi" content="{article.doi}">',
        '<meta name="citation_title" content="Test article',
        '<meta name="citation_author" content="Given1 Surname1">',
        '<meta name="citation_author_institution" content="University 0">',
        '<meta name="citation_journal_title" content="Test Journal">',
        '<meta name="citation_issn" content="5555-0010">',
        '<meta name="citation_volume" content="31">',
        '<meta name="citation_issue" content="4">',
        '<meta name="citation_firstpage" content="703">',
        '<meta name="citation_lastpage" content="717">',
        '<meta name="citation_publication_date" content="2023/10/05">',
        '<meta name="dc.identifier" content="doi:10.5555/test.',
        '<meta property="og:title" content="Test article',
        '<link rel="canonical" href="http://127.0.0.1:8000/doi/abs/10.5555/test.',
    ):
        assert tag in html, tag
    ld = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "ScholarlyArticle"
    assert [a["name"] for a in ld["author"]] == ["Given0 Surname0", "Given1 Surname1"]
    assert ld["isPartOf"]["isPartOf"]["volumeNumber"] == "31"
    assert "citation_pdf_url" not in html  # no full text, no PDF


def test_pdf_url_for_indexers_is_on_the_articles_own_host(client, make_article):
    article = make_article(body_html="<p>Body.</p>")
    html = page(client, article)
    base = "http://127.0.0.1:8000"
    assert f'<meta name="citation_pdf_url" content="{base}/doi/pdf/{article.doi}">' in html
    assert f'<meta name="citation_fulltext_html_url" content="{base}/doi/full/{article.doi}">' in (
        html
    )


def test_doi_urls(client, make_article, journal):
    article = make_article()
    response = client.get(f"/doi/{article.doi}")
    assert response.status_code == 301 and response["Location"] == f"/doi/abs/{article.doi}"
    upper = client.get(f"/doi/abs/{article.doi.upper()}")
    assert upper.status_code == 301 and upper["Location"] == f"/doi/abs/{article.doi}"
    assert client.get("/doi/abs/10.5555/no-such-article").status_code == 404
    hidden = make_article(is_published=False)
    assert client.get(f"/doi/abs/{hidden.doi}").status_code == 404


def test_full_text_goes_through_the_access_decision(client, make_article):
    body = '<section id="s1"><h2>Introduction</h2><p>Full text words.</p></section>'
    open_article = make_article(is_open_access=True, body_html=body)
    closed = make_article(body_html=body)
    assert "Full text words." in page(client, open_article, "full")
    html = page(client, closed, "full")
    assert "Full text words." not in html
    assert "You do not have access to the full text" in html and "USD 53.00" in html
    no_body = make_article()
    assert client.get(f"/doi/full/{no_body.doi}")["Location"] == f"/doi/abs/{no_body.doi}"
