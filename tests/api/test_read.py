"""The public, read-only API as a library system or reference manager reads it."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.utils import timezone

from masthead.catalog.models import Article, Issue, Journal, Publisher
from masthead.citations.models import CitationSummary
from masthead.pdf.models import ArticlePdf
from masthead.usage.models import DailyUsage, LiveViews, ProcessedDay
from tests.api.conftest import walk

pytestmark = pytest.mark.django_db
BASE = "http://127.0.0.1:8000"


def article_url(doi: str, tail: str = "") -> str:
    return f"/api/v1/articles/{quote(doi, safe='/')}{tail}"


def test_journals_with_issns_publisher_and_links(api, journal):
    Journal.objects.create(
        publisher=journal.publisher, code="oa", title="Open J", is_open_access=True
    )
    response = api.get("/api/v1/journals")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert [j["code"] for j in body["results"]] == ["oa", "tj"]
    assert body["next"] is None
    tj = body["results"][1]
    assert tj["title"] == "Test Journal"
    assert tj["abbreviation"] == "Test J"
    assert (tj["issn_print"], tj["issn_electronic"]) == ("5555-0010", "5555-0029")
    assert tj["publisher"] == {"name": "Test Press", "url": None}
    assert tj["open_access"] is False and body["results"][0]["open_access"] is True
    assert tj["links"]["web"] == f"{BASE}/journals/tj"
    assert tj["links"]["issues"] == f"{BASE}/api/v1/journals/tj/issues"
    assert tj["links"]["articles"] == f"{BASE}/api/v1/articles?journal=tj"
    assert tj["links"]["feeds"]["latest_atom"] == f"{BASE}/journals/tj/feed/latest.atom"
    assert tj["links"]["sitemap"] == f"{BASE}/sitemaps/tj-1.xml"
    assert api.get("/api/v1/journals/tj").json() == tj
    # The links lead somewhere.
    assert api.get(tj["links"]["issues"]).status_code == 200
    assert api.get(tj["links"]["feeds"]["latest_atom"].removeprefix(BASE)).status_code == 200


def test_unknown_journal_or_issue_is_a_json_404(api, journal):
    for path in (
        "/api/v1/journals/nope",
        "/api/v1/journals/n%20o<pe>",
        "/api/v1/journals/nope/issues",
        "/api/v1/issues/999",
        "/api/v1/issues/abc",
        "/api/v1/issues/99999999999999999999999",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_issues_count_only_what_readers_may_find(api, journal, issue, make_article):
    make_article()
    make_article(is_published=False)
    make_article(published_online=timezone.now().date() + dt.timedelta(days=3))
    empty = Issue.objects.create(
        journal=journal, volume="32", number="1", year=2024, title="Special"
    )
    issues = api.get("/api/v1/journals/tj/issues").json()["results"]
    assert [(i["volume"], i["number"], i["article_count"]) for i in issues] == [
        ("31", "4", 1),
        ("32", "1", 0),
    ]
    one = api.get(f"/api/v1/issues/{empty.pk}").json()
    assert one["title"] == "Special" and one["year"] == 2024 and one["journal"] == "tj"
    assert one["links"]["web"] == f"{BASE}/toc/tj/32/1"
    assert one["links"]["articles"] == f"{BASE}/api/v1/articles?issue={empty.pk}"


def test_an_article_s_metadata(api, make_article):
    article = make_article(
        authors=2,
        title="A <i>title</i> & more",
        title_html="A <i>title</i> &amp; more",
        subtitle="Sub",
        article_type="research-article",
        keywords=["alpha", "beta"],
        subjects=["Ecology"],
        license_url="https://creativecommons.org/licenses/by/4.0/",
        license_html="<p>Open under <b>CC BY</b>.</p>",
        is_open_access=True,
        pmid="123",
        body_html="<p>Body.</p>",
        abstracts=[
            {"type": "", "title": "Abstract", "html": "<p>Main &amp; <i>only</i>.</p>"},
            {"type": "executive-summary", "title": "eLife digest", "html": "<p>Digest.</p>"},
        ],
    )
    response = api.get(article_url(article.doi))
    assert response.status_code == 200
    body = response.json()
    assert body["doi"] == article.doi and body["pmid"] == "123" and body["pmcid"] is None
    assert body["title"] == "A <i>title</i> & more"
    assert body["title_html"] == "A <i>title</i> &amp; more"
    assert body["subtitle"] == "Sub" and body["article_type"] == "research-article"
    first = body["authors"][0]
    assert first["name"] == "Given0 Surname0"
    assert first["orcid"] == "https://orcid.org/0000-0002-1825-0097"
    assert first["affiliations"][0]["text"] == "University 0"
    assert body["authors"][1]["orcid"] is None
    assert body["abstract"] == {
        "type": None,
        "title": "Abstract",
        "html": "<p>Main &amp; <i>only</i>.</p>",
        "text": "Main & only.",
    }
    assert body["other_abstracts"][0]["title"] == "eLife digest"
    assert body["keywords"] == ["alpha", "beta"] and body["subjects"] == ["Ecology"]
    assert (body["volume"], body["issue"], body["year"], body["pages"]) == (
        "31",
        "4",
        2023,
        "703-717",
    )
    assert body["published_online"] == "2023-10-05"
    assert body["journal"]["code"] == "tj" and body["journal"]["publisher"] == "Test Press"
    assert body["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert body["license"]["text"] == "Open under CC BY."
    assert body["open_access"] is True and body["published"] is True
    links = body["links"]
    assert links["article_page"] == f"{BASE}/doi/abs/{article.doi}"
    assert links["full_text"] == f"{BASE}/doi/full/{article.doi}"
    assert links["pdf"] == f"{BASE}/doi/pdf/{article.doi}"
    assert links["doi"] == f"https://doi.org/{article.doi}"
    assert links["issue"] == f"{BASE}/api/v1/issues/{article.issue_id}"
    # Metadata only: the full text never comes through the API.
    assert "Body." not in response.content.decode()


def test_no_full_text_means_no_full_text_link_but_an_uploaded_pdf_is_linked(api, make_article):
    bare = make_article()
    links = api.get(article_url(bare.doi)).json()["links"]
    assert links["full_text"] is None and links["pdf"] is None
    ArticlePdf.objects.create(article=bare, source=ArticlePdf.UPLOADED, file="pdf/x.pdf")
    links = api.get(article_url(bare.doi)).json()["links"]
    assert links["full_text"] is None and links["pdf"] == f"{BASE}/doi/pdf/{bare.doi}"


def test_an_open_access_journal_makes_its_articles_open_access(api, journal, make_article):
    article = make_article()
    Journal.objects.filter(pk=journal.pk).update(is_open_access=True)
    assert api.get(article_url(article.doi)).json()["open_access"] is True


@pytest.mark.parametrize(
    "doi",
    [
        "10.5555/a/b/c",
        "10.5555/(SICI)1097-4636<1:X>2.0.CO;2-#",
        "10.5555/odd?x=1&y=2%3",
        "10.5555/space here/ünï",
        "10.5555/references.1",
    ],
)
def test_dois_with_slashes_and_odd_characters(api, make_article, doi):
    article = make_article(doi=doi)
    body = api.get(article_url(doi)).json()
    assert body["doi"] == doi
    # DOIs are case-insensitive.
    assert api.get(article_url(doi.upper())).json()["doi"] == doi
    # The API's own links can be followed back, whatever the characters.
    for name in ("self", "references", "metrics"):
        assert api.get(body["links"][name].removeprefix(BASE)).status_code == 200, name
    assert api.get(article_url(doi, "/references")).status_code == 200
    assert article.pk


def test_unknown_unpublished_and_embargoed_articles_are_404_for_readers(api, make_article):
    hidden = make_article(is_published=False)
    future = make_article(published_online=timezone.now().date() + dt.timedelta(days=9))
    for doi in ("10.5555/nope", hidden.doi, future.doi, "10.5555/\x00x", "x" * 300):
        for tail in ("", "/references", "/metrics"):
            response = api.get(article_url(doi, tail))
            assert response.status_code == 404, (doi, tail)
            assert response.json() == {"detail": "No article with this DOI."}
    dois = [a["doi"] for a in api.get("/api/v1/articles").json()["results"]]
    assert hidden.doi not in dois and future.doi not in dois


def test_staff_tokens_see_unpublished_articles(staff_api, make_article):
    hidden = make_article(is_published=False)
    body = staff_api.get(article_url(hidden.doi)).json()
    assert body["published"] is False
    assert hidden.doi in [a["doi"] for a in staff_api.get("/api/v1/articles").json()["results"]]


def test_a_reader_token_sees_what_everyone_sees(reader_api, make_article):
    hidden = make_article(is_published=False)
    assert reader_api.get(article_url(hidden.doi)).status_code == 404


def test_article_filters(api, journal, issue, make_article):
    other_issue = Issue.objects.create(journal=journal, volume="30", number="1", year=2022)
    other = Journal.objects.create(publisher=journal.publisher, code="oj", title="Other")
    a = make_article(article_type="research-article")
    b = make_article(issue=other_issue, article_type="editorial", is_open_access=True)
    c = make_article(journal=other, issue=None, published_online=dt.date(2021, 5, 1))
    Article.objects.filter(pk=a.pk).update(updated_at=timezone.now() - dt.timedelta(days=30))

    def dois(query: str) -> list[str]:
        response = api.get(f"/api/v1/articles?{query}")
        assert response.status_code == 200, response.content
        return [r["doi"] for r in response.json()["results"]]

    assert dois("") == [a.doi, b.doi, c.doi]
    assert dois("journal=tj") == [a.doi, b.doi]
    assert dois(f"issue={other_issue.pk}") == [b.doi]
    assert dois("year=2023") == [a.doi]
    assert dois("year=2022") == [b.doi]
    assert dois("year=2021") == [c.doi]  # no issue: the online date's year
    assert dois("type=editorial") == [b.doi]
    assert dois("open_access=true") == [b.doi]
    assert dois("open_access=false") == [a.doi, c.doi]
    since = (timezone.now() - dt.timedelta(days=1)).date().isoformat()
    assert dois(f"updated_since={since}") == [b.doi, c.doi]
    assert dois(f"updated_since={quote(timezone.now().isoformat())}") == []
    assert dois("journal=tj&type=research-article") == [a.doi]


@pytest.mark.parametrize(
    "query, field",
    [
        ("year=abc", "year"),
        ("year=0", "year"),
        ("issue=-1", "issue"),
        ("open_access=maybe", "open_access"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2024-13-01", "updated_since"),
        ("journal=" + "x" * 65, "journal"),
    ],
)
def test_bad_filters_are_a_400_that_names_the_filter(api, make_article, query, field):
    response = api.get(f"/api/v1/articles?{query}")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"].startswith(field)


def test_cursor_pagination_walks_every_article_once(api, make_article):
    made = [make_article().doi for _ in range(7)]
    first = api.get("/api/v1/articles?page_size=3").json()
    assert len(first["results"]) == 3 and first["previous"] is None
    assert first["next"].startswith(f"{BASE}/api/v1/articles?")
    assert [r["doi"] for r in walk(api, "/api/v1/articles?page_size=3")] == made
    # An article added during a walk neither repeats nor hides one already listed.
    second = api.get(first["next"]).json()
    late = make_article().doi
    rest = walk(api, second["next"])
    seen = [r["doi"] for r in first["results"] + second["results"] + rest]
    assert seen == [*made, late]
    # previous leads back.
    back = api.get(second["previous"]).json()
    assert [r["doi"] for r in back["results"]] == made[:3]


def test_page_size_is_bounded_and_filters_carry_through_pages(api, make_article):
    for _ in range(4):
        make_article(article_type="editorial")
    make_article(article_type="research-article")
    assert len(api.get("/api/v1/articles?page_size=100").json()["results"]) == 5
    for bad in ("0", "101", "-1", "abc", "2&page_size=3"):
        response = api.get(f"/api/v1/articles?page_size={bad}")
        assert response.status_code == 400, bad
        assert response.json()["detail"].startswith("page_size: ")
    editorials = walk(api, "/api/v1/articles?type=editorial&page_size=1")
    assert len(editorials) == 4


def test_a_cursor_not_made_here_is_a_404(api, make_article):
    make_article()
    for cursor in ("nonsense", "cD1hYmM%3D", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5"):  # p=abc, p=huge
        response = api.get(f"/api/v1/articles?cursor={cursor}")
        assert response.status_code == 404, cursor
        assert response.json()["detail"] == "Invalid cursor"


def test_journals_and_issues_walk_all_pages(api, journal):
    for n in range(5):
        Journal.objects.create(publisher=journal.publisher, code=f"j{n}", title=f"J{n}")
        Issue.objects.create(journal=journal, volume=str(n), number="1")
    codes = [j["code"] for j in walk(api, "/api/v1/journals?page_size=2")]
    assert codes == ["j0", "j1", "j2", "j3", "j4", "tj"]
    volumes = [i["volume"] for i in walk(api, "/api/v1/journals/tj/issues?page_size=2")]
    assert volumes == ["0", "1", "2", "3", "4"]


def test_references_in_their_order_across_pages(api, make_article):
    article = make_article(references=5)
    refs = walk(api, article_url(article.doi, "/references?page_size=2"))
    assert [r["position"] for r in refs] == [0, 1, 2, 3, 4]
    first = refs[0]
    assert first["authors"] == [{"surname": "Smith", "given_names": "J"}]
    assert first["article_title"] == "Cited work 0" and first["source"] == "Cited Journal"
    assert first["doi"] == "10.5555/cited.0" and first["year"] == "2001"
    assert first["text"].startswith("Smith J. Cited work 0.")
    assert first["pmid"] is None


def test_metrics_are_the_counter_totals_and_the_citation_count(api, make_article):
    article = make_article()
    day = dt.date(2024, 3, 1)
    ProcessedDay.objects.create(day=day, events=10, robots_version="x")
    common = {"title_id": article.journal_id, "item_id": article.pk, "access_method": "Regular"}
    DailyUsage.objects.bulk_create(
        [
            DailyUsage(day=day, metric_type="Total_Item_Investigations", count=7, **common),
            DailyUsage(day=day, metric_type="Total_Item_Requests", count=3, **common),
            DailyUsage(day=day, metric_type="Unique_Item_Requests", count=2, **common),
            # An institution's share is already in the all-usage row; TDM is not a reader.
            DailyUsage(
                day=day,
                metric_type="Total_Item_Requests",
                count=3,
                institution_id=5,
                **common,
            ),
            DailyUsage(
                day=day,
                metric_type="Total_Item_Requests",
                count=9,
                **{**common, "access_method": "TDM"},
            ),
        ]
    )
    LiveViews.objects.create(item_id=article.pk, day=day + dt.timedelta(days=1), views=2)
    CitationSummary.objects.create(article=article, cited_by=4)
    body = api.get(article_url(article.doi, "/metrics")).json()
    assert body == {
        "doi": article.doi,
        "views": 9,
        "downloads": 3,
        "usage_processed_through": "2024-03-01",
        "citations": 4,
    }


def test_metrics_of_an_article_nobody_read_yet(api, make_article):
    article = make_article()
    body = api.get(article_url(article.doi, "/metrics")).json()
    assert body["views"] == 0 and body["downloads"] == 0 and body["citations"] == 0
    assert body["usage_processed_through"] is None


def test_list_pages_cost_the_same_queries_for_few_or_many(
    api, journal, make_article, django_assert_num_queries
):
    def count(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        return len(queries)

    make_article(authors=1, references=1)
    for n in range(3):
        Journal.objects.create(publisher=journal.publisher, code=f"j{n}", title=f"J{n}")
    small = {
        p: count(p) for p in ("/api/v1/articles", "/api/v1/journals", "/api/v1/journals/tj/issues")
    }
    many = make_article(authors=12, references=30)
    for _ in range(20):
        make_article(authors=8)
    for n in range(3, 20):
        Journal.objects.create(publisher=journal.publisher, code=f"j{n}", title=f"J{n}")
        Issue.objects.create(journal=journal, volume=str(n))
    for path, queries in small.items():
        assert count(path) == queries, path
    assert small["/api/v1/articles"] <= 2
    refs = article_url(many.doi, "/references")
    with django_assert_num_queries(2):
        assert len(api.get(refs).json()["results"]) == 25


def test_anonymous_reads_are_public_and_cacheable_token_reads_are_private(
    api, staff_api, make_article
):
    article = make_article()
    response = api.get(article_url(article.doi))
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Vary"]
    missing = api.get(article_url("10.5555/none"))
    assert missing["Cache-Control"] == "no-store"
    private = staff_api.get(article_url(article.doi))
    assert private["Cache-Control"] == "private, no-store"
    assert "Access-Control-Allow-Origin" not in private


def test_hostile_strings_come_back_as_json_strings(api, make_article):
    article = make_article(title='</script><script>alert("x")</script>', keywords=["<b>k</b>"])
    response = api.get(article_url(article.doi))
    assert response["Content-Type"] == "application/json"
    assert response.json()["title"] == '</script><script>alert("x")</script>'
    assert response.json()["keywords"] == ["<b>k</b>"]


def test_the_publisher_url_and_blank_values_are_null_not_empty(api, journal):
    Publisher.objects.filter(pk=journal.publisher_id).update(url="https://press.example.org")
    Journal.objects.filter(pk=journal.pk).update(abbreviation="", issn_print="")
    body = api.get("/api/v1/journals/tj").json()
    assert body["publisher"]["url"] == "https://press.example.org"
    assert body["abbreviation"] is None and body["issn_print"] is None


def test_the_entitlements_end_point_beside_the_api_still_answers(api, make_article):
    article = make_article(is_open_access=True)
    response = api.get(f"/api/v1/entitlements?doi={quote(article.doi)}")
    assert response.status_code == 200 and response.json()["has_access"] is True
