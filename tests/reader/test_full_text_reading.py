"""The full-text page of every eLife sample: contents, citations, notes, figures, files."""

import re

import lxml.html
import pytest

from masthead.catalog.demo.press import load_jats_directory
from masthead.catalog.models import Article
from masthead.catalog.services import ImportSummary
from masthead.jats import parse_jats
from masthead.reader.full_text import add_backlinks, enhance
from tests.conftest import ELIFE, needs_elife


@pytest.fixture
def elife(db):
    load_jats_directory(ELIFE, ImportSummary())
    return list(Article.objects.exclude(body_html="").order_by("doi"))


def _page(client, article):
    response = client.get(f"/doi/full/{article.doi}")
    assert response.status_code == 200, article.doi
    return response, lxml.html.fromstring(response.content.decode())


@needs_elife
def test_every_elife_full_text_reads_whole(client, elife):
    assert len(elife) >= 15
    for article in elife:
        response, page = _page(client, article)
        ids = set(page.xpath("//@id"))
        assert len(ids) == len(page.xpath("//@id")), f"duplicate ids in {article.doi}"
        body = page.xpath("//section[@class='article-body']")[0]

        # The contents list every titled section of the body, linked.
        sections = [
            s.get("id")
            for s in body.xpath(".//section[@id][h2|h3|h4]")
            if len(s.xpath("..//nav")) == 0
        ]
        top = body.xpath("./section[h2] | ./div[@class='back-matter']/section[h2]")
        toc_links = [a.get("href")[1:] for a in page.xpath("//nav[@class='toc']//a")]
        if top:
            assert {s.get("id") for s in top} <= set(toc_links), article.doi
        for target in toc_links:
            assert target in ids, (article.doi, target)
        assert set(sections) >= {t for t in toc_links if t != "references-heading"}

        # Every in-page link lands on something.
        for link in body.xpath(".//a[starts-with(@href, '#')]"):
            assert link.get("href")[1:] in ids, (article.doi, link.get("href"))

        # Citations land on a reference in the list.
        for link in body.xpath(".//a[contains(@class, 'xref-bibr')]"):
            target = page.get_element_by_id(link.get("href")[1:])
            assert target.xpath("ancestor::ol[@class='reference-list']"), (article.doi, target)

        # Footnote markers link to the note, and the note back to each marker.
        for link in body.xpath(
            ".//a[contains(@class, 'xref-fn') or contains(@class, 'xref-table-fn')]"
        ):
            note = page.get_element_by_id(link.get("href")[1:])
            assert link.get("id"), (article.doi, link.get("href"))
            backs = note.xpath(".//a[@class='fn-backlink']/@href")
            assert f"#{link.get('id')}" in backs, (article.doi, link.get("id"))

        # Nothing runs that we did not put there.
        for script in page.xpath("//script"):
            assert script.get("src", "").startswith("/static/") or (
                script.get("type") == "application/ld+json"
            ), article.doi
        assert not body.xpath(".//script | .//*[@*[starts-with(name(), 'on')]]")
        assert "citations.js" in response.content.decode()


@needs_elife
def test_kitchen_sink_shows_figures_tables_formulas_and_files(client, elife):
    article = Article.objects.get(doi="10.7554/eLife.00666")
    _, page = _page(client, article)
    body = page.xpath("//section[@class='article-body']")[0]
    figures = body.xpath(".//figure[contains(@class, 'fig')][@id]")
    assert len(figures) >= 5
    for figure in figures:
        assert figure.xpath("./figcaption//span[@class='label']")
        opener = figure.xpath(".//a[@class='figure-open']")[0]
        assert page.get_element_by_id(opener.get("href")[1:]).getparent() is figure
        # No image file was uploaded: no broken image, the caption stays.
        assert not figure.xpath(".//img")
    assert body.xpath(".//figure[contains(@class, 'table-wrap')]//table")
    assert len(body.xpath(".//math")) >= 5
    assert body.xpath(".//math//mfrac | .//math//msub")
    files = page.xpath("//section[@id='supplementary-files']//li")
    assert len(files) >= 5
    assert "fig3video1" in set(page.xpath("//@id"))  # a video inside a figure group
    assert "fig4scode1" in set(page.xpath("//@id"))  # source code inside a figure
    toc = [a.text_content() for a in page.xpath("//nav[@class='toc']/ol/li/a")]
    assert "Supplementary files" in toc and "References" in toc
    for link in page.xpath("//ol[@class='reference-list']//a[@class='ref-doi']"):
        assert link.get("href").startswith("https://doi.org/10.")


@needs_elife
def test_kitchen_sink_mathml_survives_the_sanitiser():
    source = (ELIFE / "elife-kitchen-sink.xml").read_bytes()
    record = parse_jats(source, "elife-kitchen-sink.xml")
    rendered = record.body_html + record.back_html
    assert rendered.count("<math") == source.count(b"<mml:math")
    assert "<script" not in rendered


def test_enhance_links_notes_both_ways_and_is_idempotent():
    body = (
        '<section id="s1"><h2>Results</h2>'
        '<p>A value<a href="#tfn1" class="xref xref-table-fn">*</a>'
        ' and again<a href="#tfn1" class="xref xref-table-fn">*</a>, see'
        ' <a href="#n1" class="xref xref-fn">1</a>.</p>'
        '<figure class="fig" id="fig1"><img src="f1.tif" data-jats-href="f1.tif" alt="">'
        "<figcaption><p>Figure 1.</p></figcaption></figure>"
        '<aside class="fn" id="tfn1"><p>Measured twice.</p></aside>'
        "<section><h3>Untitled id</h3><p>x</p></section></section>"
    )
    once = enhance(body, "", {"f1.jpg": "/doi/asset/f1.jpg?doi=10.5555/x"})
    twice = enhance(once.body, once.back, {"f1.jpg": "/doi/asset/f1.jpg?doi=10.5555/x"})
    assert (once.body, once.back) == (twice.body, twice.back)
    root = lxml.html.fragment_fromstring(once.body, create_parent="div")
    markers = root.xpath("//a[contains(@class, 'xref-table-fn')]/@id")
    assert markers == ["fnref-tfn1-1", "fnref-tfn1-2"]
    backs = root.xpath("//aside[@id='tfn1']//a[@class='fn-backlink']/@href")
    assert backs == ["#fnref-tfn1-1", "#fnref-tfn1-2"]
    assert once.backlinks == {"n1": ["fnref-n1-1"]}  # the note is in the front matter
    front = add_backlinks(
        '<ol class="note-list"><li id="n1"><p>A note.</p></li></ol>', once.backlinks
    )
    assert 'href="#fnref-n1-1"' in front
    assert root.xpath("//img/@src") == ["/doi/asset/f1.jpg?doi=10.5555/x"]
    assert root.xpath("//figure//a[@class='figure-image']/@href") == [
        "/doi/asset/f1.jpg?doi=10.5555/x"
    ]
    assert [e.id for e in once.toc] == ["s1"]
    assert once.toc[0].children[0].id == "section-1"
    assert once.toc[0].children[0].title == "Untitled id"


def test_enhance_escapes_what_it_copies():
    body = '<section id="a&quot;b"><h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2></section>'
    out = enhance(body, "", {})
    assert "<script" not in out.body
    assert out.toc[0].title == "<script>alert(1)</script>"  # text, escaped by the template


def test_full_text_page_escapes_toc_titles(client, make_article):
    article = make_article(
        is_open_access=True,
        body_html='<section id="s1"><h2>&lt;script&gt;x&lt;/script&gt; Methods</h2>'
        "<p>Text.</p></section>",
    )
    response = client.get(f"/doi/full/{article.doi}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#s1">&lt;script&gt;x&lt;/script&gt; Methods</a>' in html
    assert not re.search(r"<script>x", html)
