"""Citations on the article page: the count, the Cited-by tab, references that link out,
and the Altmetric badge only where the journal wants it."""

import re

import pytest
from lxml import html as lxml_html

from masthead.catalog.models import Reference
from masthead.citations.corpus import refresh_corpus
from masthead.citations.models import Citation
from masthead.citations.store import touch

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content.decode())


def crossref_citation(article, n, year):
    return Citation.objects.create(
        cited=article,
        citing_doi=f"10.1000/citing.{n}",
        title=f"Citing work {n} <script>alert(1)</script>",
        authors=["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"],
        container="Journal of Elsewhere",
        year=year,
        from_crossref=True,
    )


def test_count_and_cited_by_tab_newest_first(client, make_article):
    article = make_article()
    page = get(client, f"/doi/abs/{article.doi}")
    assert page.xpath("string(//li[contains(@class,'metric-citations')]//strong)") == "0"
    for n, year in enumerate([2019, 2024, 2021]):
        crossref_citation(article, n, year)
    touch([article.pk])
    page = get(client, f"/doi/abs/{article.doi}")  # the stamp changed: no stale page
    metric = page.xpath("//li[contains(@class,'metric-citations')]")[0]
    assert metric.xpath("string(.//strong)") == "3"
    assert "CrossRef citations to date" in metric.text_content()
    items = page.xpath("//section[@id='panel-cited-by']//li[@class='citing-work']")
    assert [i.xpath("string(.//cite)") for i in items] == ["Journal of Elsewhere"] * 3
    years = [re.search(r"\((\d{4})\)", i.text_content()).group(1) for i in items]
    assert years == ["2024", "2021", "2019"]
    first = items[0]
    assert "Citing work 1 <script>alert(1)</script>" in first.xpath(
        "string(.//a[@class='citing-title'])"
    )
    assert first.xpath("string(.//span[@class='citing-authors'])") == (
        "Ada Lovelace, Alan Turing, Grace Hopper et al."
    )
    link = first.xpath(".//a[@class='citing-title']")[0]
    assert link.get("href") == "https://doi.org/10.1000/citing.1"
    assert link.get("target") == "_blank" and link.xpath(".//img[@alt='Crossref']")


def test_tab_shows_five_and_the_cited_by_page_all(client, make_article):
    article = make_article()
    for n in range(7):
        crossref_citation(article, n, 2000 + n)
    touch([article.pk])
    page = get(client, f"/doi/abs/{article.doi}")
    assert len(page.xpath("//section[@id='panel-cited-by']//li[@class='citing-work']")) == 5
    more = page.xpath("//section[@id='panel-cited-by']//p[@class='more']/a")[0]
    assert more.text_content() == "All 7 citing works"
    full = get(client, more.get("href"))
    assert len(full.xpath("//li[@class='citing-work']")) == 7


def test_internal_citations_link_both_ways(client, make_article):
    cited = make_article(title="Cited here", first_page="100")
    citing = make_article(title="Citing here", first_page="200")
    Reference.objects.create(article=citing, position=0, doi=cited.doi, original_text="Cited.")
    Reference.objects.create(
        article=citing,
        position=1,
        original_text="Nobody N. A work with no identifier. Nowhere J. 1999;1:1.",
    )
    Reference.objects.create(
        article=citing, position=2, pmid="10704411", original_text="Curr Biol."
    )
    refresh_corpus()
    page = get(client, f"/doi/abs/{cited.doi}")
    item = page.xpath("//section[@id='panel-cited-by']//a[@class='citing-title']")[0]
    assert item.get("href") == f"/doi/abs/{citing.doi}" and item.get("target") is None
    refs = get(client, f"/doi/abs/{citing.doi}").xpath("//ol[@class='reference-list']/li")
    assert refs[0].xpath(".//a[@class='ref-hosted']/@href") == [f"/doi/abs/{cited.doi}"]
    assert refs[0].xpath(".//a[@class='ref-doi']/@href") == [f"https://doi.org/{cited.doi}"]
    find = refs[1].xpath(".//span[@class='ref-find']//a/@href")
    assert find[0].startswith("https://search.crossref.org/search/works?q=Nobody")
    assert find[1].startswith("https://pubmed.ncbi.nlm.nih.gov/?term=Nobody")
    assert refs[2].xpath(".//a[@class='ref-pubmed']/@href") == [
        "https://pubmed.ncbi.nlm.nih.gov/10704411/"
    ]


def test_altmetric_badge_only_when_the_journal_turns_it_on(client, make_article, journal):
    article = make_article()
    body = client.get(f"/doi/abs/{article.doi}").content.decode()
    assert "altmetric" not in body.lower()
    journal.altmetric_badge = True
    journal.save()
    page = get(client, f"/doi/abs/{article.doi}")
    badge = page.xpath("//ul[@class='metrics']//div[@class='altmetric-embed']")[0]
    assert badge.get("data-doi") == article.doi
    scripts = page.xpath("//script[contains(@src,'altmetric') or contains(@src,'embed.js')]")
    assert len(scripts) == 1


def test_cited_by_page_of_an_unknown_doi_is_not_found(client):
    assert client.get("/doi/citedby/10.5555/nothing").status_code == 404
