"""/search as a reader meets it: the boxes on every page, results, bad input, escaping."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.catalog.models import Journal

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(make_article, django_capture_on_commit_callbacks):
    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return make


def page(client, **params):
    response = client.get("/search", params)
    assert response.status_code in (200, 400), response.status_code
    return response, response.content.decode()


def test_the_search_boxes_are_on_every_page_without_per_reader_state(client, write, journal):
    article = write(title="Permafrost thaw")
    for path in ("/", journal.get_absolute_url(), article.get_absolute_url()):
        html = client.get(path).content.decode()
        box = html.split('<form class="site-search" role="search"')[1].split("</form>")[0]
        assert 'method="get" action="/search"' in box
        assert '<label for="site-search-q"' in html
        assert "csrfmiddlewaretoken" not in box
    html = client.get(journal.get_absolute_url()).content.decode()
    box = html.split('class="journal-search"')[1].split("</form>")[0]
    assert f'name="journal" value="{journal.code}"' in box and "Search this journal" in box


def test_results(client, write, journal):
    write(title="Permafrost thaw", is_open_access=True, authors=4)
    write(title="Permafrost carbon", published_online=dt.date(2021, 3, 1))
    response, html = page(client, q="permafrost")
    assert response.status_code == 200
    assert "2 results for “permafrost”" in html
    assert "Given0 Surname0, Given1 Surname1, Given2 Surname2 et al." in html
    assert f'<a href="/journals/{journal.code}">Test Journal</a>, 2023' in html
    assert html.count('<span class="badge">Open access</span>') == 1
    assert "<mark>" not in html.split("<h1>")[0]  # nothing marked outside the results
    assert "Narrow to a journal" not in html  # one journal: nothing to narrow to
    response, html = page(client, q="permafrost", oa="on")
    assert "1 result for" in html and "Permafrost carbon" not in html
    response, html = page(client, q="permafrost", sort="date")
    assert html.index("Permafrost thaw") < html.index("Permafrost carbon")  # 2023 before 2021


def test_full_text_words_show_only_where_every_reader_may_read_them(client, write):
    body = "<p>The permafrost samples were sealed in glacial boreholes for a decade.</p>"
    write(title="Open ice", is_open_access=True, body_html=body)
    write(title="Paywalled ice", body_html=body)
    response, html = page(client, q="boreholes")
    assert "2 results for" in html  # both found: the full text is searched
    assert html.count("<mark>boreholes</mark>") == 1  # but quoted from the open one only
    assert html.count("sealed in glacial") == 1


def test_search_this_journal_and_narrowing(client, write, journal):
    other = Journal.objects.create(publisher=journal.publisher, code="ice", title="Ice Letters")
    write(title="Permafrost here")
    write(title="Permafrost there", journal=other, issue=None)
    _, html = page(client, q="permafrost")
    assert 'href="?q=permafrost&amp;journal=ice">Ice Letters</a>' in html  # narrow to a journal
    _, html = page(client, q="permafrost", journal="ice")
    assert "Search in Ice Letters" in html and "Permafrost here" not in html
    assert '<a href="?q=permafrost">Search all journals</a>' in html
    assert '<input type="hidden" name="journal" value="ice"' in html


def test_no_results_echoes_the_query_escaped(client, write):
    write(title="Permafrost thaw")
    response, html = page(client, q='<script>alert("x")</script> "tundra')
    assert response.status_code == 200
    assert "No results for “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;tundra”" in html
    assert "<script>alert" not in html


def test_hostile_titles_and_abstracts_are_escaped_in_results(client, write):
    write(
        title="<script>alert('title')</script> Toxic algae",
        abstracts=[{"type": "", "html": "<p>&lt;img src=x onerror=alert(1)&gt; toxic bloom</p>"}],
    )
    _, html = page(client, q="toxic")
    assert "<script>alert('title')" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Toxic algae" in html
    snippet = html.split('<p class="snippet">')[1].split("</p>")[0]
    assert "<mark>toxic</mark> bloom" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


BAD = [
    "cancer AND OR NOT",
    'NEAR("a" "b", 3)',
    "((unbalanced",
    "unbalanced))",
    "*",
    "gene*",
    "^title",
    "title:foo",
    '"',
    '""',
    "- -- ---",
    "'; DROP TABLE catalog_article; --",
    "1 OR 1=1",
    "蛋白质 折叠",
    "Москва",
    "العربية",
    "🧬🦠",
    "\u200b\u202e",
]


@pytest.mark.parametrize("query", BAD)
def test_bad_input_is_a_sensible_page(client, write, query):
    write(title="Permafrost thaw")
    response, html = page(client, q=query)
    assert response.status_code == 200
    assert 'id="search-q"' in html  # the form, to try again


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "x" * 10_000}, "limit is 500"),
        ({"q": " ".join(f"w{i}" for i in range(40))}, "limit is 32"),
        ({"q": "cell\x00biology"}, "Null characters are not allowed"),
        ({"q": "cells", "page": "abc"}, "Enter a whole number"),
        ({"q": "cells", "page": "60"}, "narrow the search"),
        ({"q": "cells", "year_from": "twenty"}, "Enter a whole number"),
        ({"q": "cells", "sort": "popular"}, "Select a valid choice"),
        ({"q": "-cells"}, "Add a word"),
        ({"doi": "10.5555"}, "is not a DOI"),
    ],
)
def test_bad_input_gets_a_message(client, params, message):
    response, html = page(client, **params)
    assert response.status_code == 400
    assert message in html and 'role="alert"' in html and 'id="search-q"' in html


def test_identifiers_go_straight_to_the_match(client, write, journal):
    article = write(title="Permafrost thaw")
    response = client.get("/search", {"q": f"https://doi.org/{article.doi.upper()}"})
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    response = client.get("/search", {"doi": article.doi})
    assert response["Location"] == article.get_absolute_url()
    response = client.get("/search", {"issn": journal.issn_print})
    assert response["Location"] == journal.get_absolute_url()
    _, html = page(client, doi="10.5555/nowhere")
    assert "No results" in html


def test_pages_and_a_constant_number_of_queries(client, write):
    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search", params)
        assert response.status_code == 200
        return len(captured)

    write(title="Krill swarm 0")
    queries(q="krill")  # the article types for the form are cached from here on
    few = queries(q="krill")
    for n in range(1, 45):
        write(title=f"Krill swarm {n}", authors=3, references=2)
    assert queries(q="krill") == few
    assert queries(q="krill", page=3) == few
    _, html = page(client, q="krill", page=2)
    assert "45 results for “krill”, page 2 of 3" in html
    assert '<span aria-current="page">2</span>' in html
    assert 'href="?q=krill" rel="prev"' in html and 'href="?q=krill&amp;page=3" rel="next"' in html


def test_only_content_i_can_access(client, write, university):
    write(title="Permafrost licensed")
    write(title="Permafrost open", is_open_access=True)
    _, html = page(client, q="permafrost", access="on")
    assert "Permafrost open" in html and "Permafrost licensed" not in html
    response = client.get("/search", {"q": "permafrost", "access": "on"}, REMOTE_ADDR="203.0.113.9")
    assert "Permafrost licensed" in response.content.decode()


def test_the_empty_form(client):
    response, html = page(client)
    assert response.status_code == 200 and 'id="search-q"' in html and "results" not in html


def test_searches_are_limited_per_address(client, write, monkeypatch):
    from masthead.access.accounts import Limit
    from masthead.discovery import search_views

    monkeypatch.setattr(search_views, "SEARCHES_PER_IP", Limit("search-ip", 3, 60))
    write(title="Permafrost thaw")
    for _ in range(3):
        assert client.get("/search", {"q": "permafrost"}).status_code == 200
    response = client.get("/search", {"q": "permafrost"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many searches" in response.content.decode()
    other = client.get("/search", {"q": "permafrost"}, REMOTE_ADDR="198.51.100.4")
    assert other.status_code == 200
