"""Crossref's cited-by links, replayed from recorded answers, merged with our corpus."""

import datetime as dt

import pytest
from django.test import Client
from lxml import html as lxml_html

from masthead.catalog.models import Reference
from masthead.citations.cited_by import refresh_cited_by
from masthead.citations.corpus import refresh_corpus
from masthead.citations.models import Citation
from tests.citations.conftest import EMPTY_FORWARD_LINKS
from tests.citations.replay import Reply, recorded

pytestmark = pytest.mark.django_db
DEMO_DOI = "10.5555/demo.2023.0001"
XML = "text/xml"
DAY = dt.date(2026, 11, 20)


@pytest.fixture
def cited(make_article):
    return make_article(doi=DEMO_DOI, title="The demo article")


@pytest.fixture
def citing_both(make_article, cited):
    """Hosted here and known to Crossref: Nature's "Metrics: A profusion of measures"."""
    article = make_article(doi="10.1038/465864a", title="Metrics: A profusion of measures")
    Reference.objects.create(article=article, doi=DEMO_DOI.upper(), original_text="The demo.")
    return article


@pytest.fixture
def citing_here(make_article, cited):
    """Hosted here, unknown to Crossref."""
    article = make_article(doi="10.5555/test.here", title="Only we know this one")
    Reference.objects.create(article=article, doi=f"https://doi.org/{DEMO_DOI}")
    return article


def answer_every_doi(crossref):
    crossref.reply(
        "GET",
        "/servlet/getForwardLinks",
        recorded("getForwardLinks_doi.xml"),
        query={"doi": DEMO_DOI},
        content_type=XML,
    )
    crossref.reply("GET", "/servlet/getForwardLinks", EMPTY_FORWARD_LINKS, content_type=XML)


def test_recorded_cited_by_merges_with_internal_citations(
    crossref_api, crossref, member, cited, citing_both, citing_here
):
    answer_every_doi(crossref)
    refresh_corpus()
    stats = refresh_cited_by(crossref_api, today=DAY)
    assert stats.errors == []
    rows = {c.citing_doi: c for c in Citation.objects.filter(cited=cited)}
    # Crossref: 10.1038/465864a and 10.1016/j.wneu.2011.01.015; ours: 10.1038/465864a and
    # 10.5555/test.here. The work both know is one row.
    assert set(rows) == {"10.1038/465864a", "10.1016/j.wneu.2011.01.015", "10.5555/test.here"}
    both = rows["10.1038/465864a"]
    assert both.from_corpus and both.from_crossref and both.citing_article == citing_both
    wneu = rows["10.1016/j.wneu.2011.01.015"]
    assert (wneu.from_crossref, wneu.from_corpus) == (True, False)
    assert wneu.container == "World Neurosurgery" and wneu.year == 2011
    assert wneu.authors == ["Thomas Jones", "Sarah Huggett", "Judith Kamalski"]
    # every DOI of the publisher's prefix (its journal's: 10.5555) was asked about once,
    # with the member's login; Nature's DOI is not the member's to ask about
    asked = crossref.received("/servlet/getForwardLinks")
    assert {r.query["doi"] for r in asked} == {DEMO_DOI, citing_here.doi}
    assert all(r.query["usr"] == "testpress/role" for r in asked)
    assert all("startDate" not in r.query for r in asked)


def test_the_page_shows_the_merged_count_and_list(
    crossref_api, crossref, member, cited, citing_both, citing_here
):
    answer_every_doi(crossref)
    refresh_corpus()
    refresh_cited_by(crossref_api, today=DAY)
    page = lxml_html.fromstring(Client().get(f"/doi/abs/{DEMO_DOI}").content)
    count = page.xpath("string(//li[contains(@class,'metric-citations')]//strong)")
    assert count == "3"
    items = page.xpath("//section[@id='panel-cited-by']//li[@class='citing-work']")
    titles = [i.xpath("string(.//a[@class='citing-title'])").strip() for i in items]
    # newest first: our two hosted copies (2023), then Crossref's World Neurosurgery (2011)
    assert sorted(titles[:2]) == ["Metrics: A profusion of measures", "Only we know this one"]
    assert titles[2] == "Finding a Way Through the Scientific Literature: Indexes and Measures"
    hrefs = [i.xpath(".//a[@class='citing-title']/@href")[0] for i in items]
    assert sorted(hrefs[:2]) == ["/doi/abs/10.1038/465864a", "/doi/abs/10.5555/test.here"]
    assert hrefs[2] == "https://doi.org/10.1016/j.wneu.2011.01.015"


def test_later_runs_ask_only_for_the_new_date_window(crossref_api, crossref, member, cited):
    answer_every_doi(crossref)
    refresh_cited_by(crossref_api, today=DAY)
    member.refresh_from_db()
    assert member.cited_by_checked_until == DAY - dt.timedelta(days=1)
    crossref.requests.clear()
    crossref.routes.clear()
    crossref.reply(
        "GET",
        "/servlet/getForwardLinks",
        recorded("getForwardLinks_prefix_window.xml"),
        query={"doi": "10.5555"},
        content_type=XML,
    )
    stats = refresh_cited_by(crossref_api, today=DAY + dt.timedelta(days=3))
    assert stats.errors == []
    [asked] = crossref.received("/servlet/getForwardLinks")  # one query for the prefix
    assert (asked.query["startDate"], asked.query["endDate"]) == ("2026-11-20", "2026-11-22")
    citing = set(Citation.objects.filter(cited=cited).values_list("citing_doi", flat=True))
    assert {"10.3758/s13423-011-0070-4", "10.1016/j.neuroscience.2009.08.040"} <= citing
    assert "10.1007/s11205-010-9690-8" not in citing  # cites 10.5555/demo.2023.0002: not ours
    assert len(citing) == 4
    # the same window again adds nothing
    member.cited_by_checked_until = DAY - dt.timedelta(days=1)
    member.save()
    refresh_cited_by(crossref_api, today=DAY + dt.timedelta(days=3))
    assert Citation.objects.filter(cited=cited).count() == 4


def test_crossref_down_leaves_the_window_for_the_next_run(crossref_api, crossref, member, cited):
    crossref.reply("GET", "/servlet/getForwardLinks", Reply(503))
    stats = refresh_cited_by(crossref_api, today=DAY)
    assert stats.errors and "s3cret" not in stats.errors[0]
    member.refresh_from_db()
    assert member.cited_by_checked_until is None
    assert not Citation.objects.exists()


def test_a_citing_work_given_without_a_title_is_completed_from_the_rest_api(
    crossref_api, crossref, member, cited
):
    bare_link = f"""<?xml version="1.0" encoding="UTF-8"?>
<crossref_result version="3.0" xmlns="http://www.crossref.org/qrschema/3.0">
 <query_result><head><doi_batch_id>none</doi_batch_id></head><body>
  <forward_link doi="{DEMO_DOI}"><postedcontent_cite fl_count="1">
   <doi type="posted_content">10.5555/12345678</doi></postedcontent_cite></forward_link>
 </body></query_result></crossref_result>""".encode()
    crossref.reply("GET", "/servlet/getForwardLinks", bare_link, content_type=XML)
    crossref.reply(
        "GET",
        "/works/10.5555/12345678",
        recorded("works_10.5555_12345678.json"),
        content_type="application/json",
    )
    refresh_cited_by(crossref_api, today=DAY)
    citation = Citation.objects.get(cited=cited)
    assert citation.title.startswith("Toward a Unified Theory of High-Energy Metaphysics")
    assert citation.container == "Journal of Psychoceramics" and citation.year == 2008
    assert citation.authors == ["Josiah Carberry"]
