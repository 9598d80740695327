"""/api/v1/search: the site search as JSON, paged like every other list."""

import pytest

from masthead.discovery import search_index
from tests.api.conftest import walk

pytestmark = pytest.mark.django_db
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def indexed(make_article):
    def make(**fields):
        article = make_article(**fields)
        search_index.index_articles([article.pk])
        return article

    return make


def test_finds_by_relevance_with_snippets_and_links(api, indexed):
    best = indexed(title="Polycomb silencing", keywords=["polycomb"])
    other = indexed(
        title="Chromatin", abstracts=[{"type": "", "title": "", "html": "<p>polycomb</p>"}]
    )
    indexed(title="Unrelated")
    response = api.get("/api/v1/search?q=polycomb")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and body["next"] is None and body["previous"] is None
    assert [h["doi"] for h in body["results"]] == [best.doi, other.doi]
    hit = body["results"][1]
    assert "<mark>polycomb</mark>" in hit["snippet_html"]
    assert hit["journal"] == {"code": "tj", "title": "Test Journal"}
    assert hit["authors"] == "Given0 Surname0"
    assert hit["links"]["self"] == f"{BASE}/api/v1/articles/{other.doi}"
    assert hit["links"]["article_page"] == f"{BASE}/doi/abs/{other.doi}"
    assert response["Cache-Control"] == "public, max-age=60"


def test_pages_walk_with_the_cursor(api, indexed):
    made = [indexed(title=f"Zebrafish study {n}").doi for n in range(5)]
    first = api.get("/api/v1/search?q=zebrafish&sort=date&page_size=2").json()
    assert first["total"] == 5 and first["next"].startswith(f"{BASE}/api/v1/search?")
    found = [h["doi"] for h in walk(api, "/api/v1/search?q=zebrafish&sort=date&page_size=2")]
    assert sorted(found) == sorted(made) and len(found) == 5
    second = api.get(first["next"]).json()
    assert api.get(second["previous"]).json()["results"] == first["results"]


def test_only_what_readers_may_find_even_for_staff(api, staff_api, indexed):
    indexed(title="Hidden axolotl", is_published=False)
    shown = indexed(title="Shown axolotl")
    for client in (api, staff_api):
        assert [h["doi"] for h in client.get("/api/v1/search?q=axolotl").json()["results"]] == [
            shown.doi
        ]


def test_filters_reach_the_search(api, indexed):
    indexed(title="Tardigrade review", article_type="review-article")
    research = indexed(title="Tardigrade research", article_type="research-article")
    results = api.get("/api/v1/search?q=tardigrade&type=research-article").json()["results"]
    assert [h["doi"] for h in results] == [research.doi]
    assert api.get("/api/v1/search?q=tardigrade&journal=other").json()["total"] == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ("q=" + "x" * 501, "q"),
        ("q=-alone", "excluded words"),
        ("year_from=2020&year_to=2010", "first year"),
        ("doi=not-a-doi", "not a DOI"),
        ("page_size=101", "page_size"),
        ("sort=random", "sort"),
        ("q=a%00b", "q"),
    ],
)
def test_searches_that_cannot_run_are_a_400_that_says_why(api, query, message):
    response = api.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_a_cursor_not_made_here_is_a_404(api):
    for cursor in ("nonsense!", "cGFnZT0w", "eD0x"):  # page=0, x=1
        assert api.get(f"/api/v1/search?q=x&cursor={cursor}").status_code == 404


def test_no_question_no_answer(api, indexed):
    indexed()
    assert api.get("/api/v1/search").json() == {
        "total": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_the_described_length_is_the_length_sent(client):
    """The description says 500 characters at most: 500 and a space is refused, as any
    client generated from the description expects; spaces around words still search."""
    assert client.get("/api/v1/search", {"author": "a" * 500 + " "}).status_code == 400
    assert client.get("/api/v1/search", {"author": " Surname0 "}).status_code == 200
