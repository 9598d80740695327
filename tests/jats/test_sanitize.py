"""sanitize_html / sanitize_inline: what survives and what does not."""

from __future__ import annotations

import pytest

from masthead.jats import sanitize_html, sanitize_inline

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="evil.swf"></object>',
    '<p style="position:fixed" onclick="alert(1)">x</p>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)" href="javascript:alert(1)">x</mi></math>',
]


@pytest.mark.parametrize("html", HOSTILE)
@pytest.mark.parametrize("sanitize", [sanitize_html, sanitize_inline])
def test_hostile_markup_is_neutralised(sanitize, html):
    cleaned = sanitize(html).lower()
    for needle in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "style=",
        "<iframe",
        "<object",
        "data:text",
        "alert(1)</",
    ):
        assert needle not in cleaned


def test_block_html_keeps_structure_links_and_mathml():
    html = (
        '<section id="s1"><h2>Results</h2><p>See <a href="#fig1" class="xref xref-fig">Fig 1</a>'
        ' and <a href="https://example.org/x" rel="noopener">this</a> or'
        ' <a href="mailto:a@b.org">mail</a>.</p>'
        '<figure class="fig" id="fig1"><img src="f1.tif" data-jats-href="f1.tif" alt="">'
        "<figcaption>Cap</figcaption></figure>"
        '<math display="block"><mrow><mi mathvariant="bold">x</mi><mo>=</mo>'
        "<mfrac><mn>1</mn><mn>2</mn></mfrac></mrow></math>"
        '<table><tbody><tr><td colspan="2">a</td></tr></tbody></table></section>'
    )
    assert sanitize_html(html) == html


def test_unknown_classes_and_attributes_are_dropped():
    cleaned = sanitize_html('<p><span class="sc evil" title="x">A</span><a class="btn">b</a></p>')
    assert cleaned == '<p><span class="sc">A</span><a>b</a></p>'


def test_inline_keeps_character_formatting_only():
    cleaned = sanitize_inline(
        "<p>The <i>C. elegans</i> <b>gene</b> x<sup>2</sup>H<sub>2</sub>O "
        '<a href="https://x.org">link</a> <sc>Dna</sc> <img src="x"></p>'
    )
    assert cleaned == (
        "The <i>C. elegans</i> <b>gene</b> x<sup>2</sup>H<sub>2</sub>O link "
        '<span class="sc">Dna</span>'
    )


def test_escaped_text_stays_text():
    assert sanitize_inline("&lt;script&gt;alert(1)&lt;/script&gt;") == (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_empty_input():
    assert sanitize_html("") == ""
    assert sanitize_inline("") == ""
