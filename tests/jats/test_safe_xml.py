"""Hostile or broken input is refused with a SourceError that says where and why."""

from __future__ import annotations

import pytest

from masthead.jats import SourceError, parse_jats, parse_pubmed, safe_xml

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<article><front><article-meta><title-group>
<article-title>&xxe;</article-title></title-group></article-meta></front></article>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE article [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<article><front><article-meta><title-group>
<article-title>&lol9;</article-title></title-group></article-meta></front></article>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<article/>"""


@pytest.mark.parametrize("data", [XXE, BILLION_LAUGHS, PARAMETER_ENTITY])
def test_entity_declarations_are_refused(data):
    with pytest.raises(SourceError) as caught:
        parse_jats(data, "evil.xml")
    assert caught.value.message == "entity declarations are not allowed"
    assert str(caught.value).startswith("evil.xml")


def test_entity_declarations_are_refused_in_pubmed_sets_too():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle>
</PubmedArticleSet>"""
    with pytest.raises(SourceError, match="entity declarations are not allowed"):
        list(parse_pubmed(data, "evil.xml"))


def test_external_dtd_in_doctype_is_not_fetched_and_character_references_work(make_jats):
    article = make_jats(title="Caf&#xe9; &#8220;society&#8221;")
    doctype = (
        b'<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange'
        b' DTD v1.1 20151215//EN" "http://127.0.0.1:9/JATS-archivearticle1.dtd">\n'
    )
    data = article.replace(b"?>\n", b"?>\n" + doctype, 1)
    record = parse_jats(data, "ok.xml")
    assert record.title == "Caf\u00e9 \u201csociety\u201d"


def test_undeclared_html_entity_is_read_as_its_character(make_jats):
    data = make_jats(title="Non&nbsp;breaking")
    data = data.replace(b"?>\n", b'?>\n<!DOCTYPE article SYSTEM "JATS-archivearticle1.dtd">\n', 1)
    assert parse_jats(data, "nbsp.xml").title == "Non\u00a0breaking"


def test_truncated_file_names_the_source_and_line(make_jats):
    data = make_jats(body="<sec><title>Intro</title><p>Some text</p></sec>")
    truncated = data[: data.index(b"<p>Some") + 6]
    with pytest.raises(SourceError) as caught:
        parse_jats(truncated, "cut.xml")
    error = caught.value
    assert error.source == "cut.xml"
    assert error.line == truncated.count(b"\n") + 1
    assert error.message.startswith("malformed XML: ")
    assert str(error).startswith(f"cut.xml:{error.line}: malformed XML")


def test_not_jats_is_refused_with_the_root_element():
    data = b"<html><head><title>x</title></head><body><p>hi</p></body></html>"
    with pytest.raises(SourceError) as caught:
        parse_jats(data, "page.html")
    assert caught.value.message == "not a JATS article (root element is <html>)"


def test_not_pubmed_is_refused_with_the_root_element(make_jats):
    with pytest.raises(
        SourceError, match=r"not a PubMed article set \(root element is <article>\)"
    ):
        list(parse_pubmed(make_jats(), "article.xml"))


def test_size_limit(monkeypatch, make_jats):
    data = make_jats()
    monkeypatch.setattr(safe_xml, "MAX_XML_BYTES", len(data) - 1)
    with pytest.raises(SourceError, match="file is too large"):
        parse_jats(data, "big.xml")


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_file(data):
    with pytest.raises(SourceError, match="empty"):
        parse_jats(data, "empty.xml")


def test_article_without_title_is_refused(make_jats):
    with pytest.raises(SourceError, match="no <article-title>"):
        parse_jats(make_jats(title=""), "untitled.xml")
