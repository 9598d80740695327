"""JATS body/back -> HTML, references, and hostile markup inside an article."""

from __future__ import annotations

from masthead.jats import parse_jats


def body_html(make_jats, body: str) -> str:
    return parse_jats(make_jats(body=body), "b.xml").body_html


def test_sections_nest_headings_by_depth(make_jats):
    html = body_html(
        make_jats,
        '<sec id="s1"><label>1.</label><title>Intro</title><p>One.</p>'
        '<sec id="s1-1"><title>Sub</title><p>Two.</p><sec><title>Deep</title><p>3</p></sec></sec>'
        "</sec>",
    )
    assert html == (
        '<section id="s1"><h2><span class="label">1.</span> Intro</h2><p>One.</p>'
        '<section id="s1-1"><h3>Sub</h3><p>Two.</p><section><h4>Deep</h4><p>3</p></section>'
        "</section></section>"
    )


def test_lists_and_inline_formatting(make_jats):
    html = body_html(
        make_jats,
        "<p><italic>i</italic> <bold>b</bold> x<sup>2</sup> H<sub>2</sub> <sc>sc</sc> "
        "<monospace>m</monospace> <underline>u</underline></p>"
        '<list list-type="order"><list-item><p>first</p></list-item></list>'
        '<list list-type="bullet"><list-item><p>dot</p></list-item></list>',
    )
    assert html == (
        '<p><i>i</i> <b>b</b> x<sup>2</sup> H<sub>2</sub> <span class="sc">sc</span> '
        "<code>m</code> <u>u</u></p>"
        "<ol><li><p>first</p></li></ol><ul><li><p>dot</p></li></ul>"
    )


def test_links(make_jats):
    html = body_html(
        make_jats,
        '<p>See <xref ref-type="bibr" rid="bib1">Smith 2001</xref>, '
        '<ext-link ext-link-type="uri" xlink:href="https://example.org/a?b=1&amp;c=2">'
        "site</ext-link>, "
        '<ext-link ext-link-type="doi" xlink:href="10.1000/xyz">doi</ext-link> and '
        "<email>me@example.org</email>.</p>",
    )
    assert html == (
        '<p>See <a href="#bib1" class="xref xref-bibr">Smith 2001</a>, '
        '<a class="ext-link" href="https://example.org/a?b=1&amp;c=2" rel="noopener">site</a>, '
        '<a class="ext-link" href="https://doi.org/10.1000/xyz" rel="noopener">doi</a> and '
        '<a class="ext-link" href="mailto:me@example.org">me@example.org</a>.</p>'
    )


def test_figure_with_graphic_and_caption_splits_its_paragraph(make_jats):
    html = body_html(
        make_jats,
        '<p>Before<fig id="f1"><label>Figure 1.</label><caption><title>Cells</title>'
        '<p>Detail.</p></caption><graphic xlink:href="fig1.tif"/></fig>after.</p>',
    )
    assert html == (
        '<p>Before</p><figure class="fig" id="f1">'
        '<img src="fig1.tif" data-jats-href="fig1.tif" alt="">'
        '<figcaption><p class="caption-title"><span class="label">Figure 1.</span> '
        '<span class="caption-title">Cells</span></p><p>Detail.</p></figcaption></figure>'
        "<p>after.</p>"
    )


def test_table_wrap_passes_the_table_through(make_jats):
    html = body_html(
        make_jats,
        '<table-wrap id="t1"><label>Table 1.</label><caption><p>Counts</p></caption>'
        '<table frame="hsides"><thead><tr><th colspan="2" style="color:red">Head</th></tr></thead>'
        '<tbody><tr><td align="center" onclick="x()">a</td><td>b<break/>c</td></tr></tbody></table>'
        "<table-wrap-foot><fn><p>Note.</p></fn></table-wrap-foot></table-wrap>",
    )
    assert html == (
        '<figure class="table-wrap" id="t1"><figcaption><p class="caption-title">'
        '<span class="label">Table 1.</span></p><p>Counts</p></figcaption>'
        '<table><thead><tr><th colspan="2">Head</th></tr></thead>'
        '<tbody><tr><td align="center">a</td><td>b<br>c</td></tr></tbody></table>'
        '<div class="table-foot"><aside class="fn"><p>Note.</p></aside></div></figure>'
    )


def test_formulas_keep_mathml(make_jats):
    html = body_html(
        make_jats,
        "<p>Inline <inline-formula><mml:math><mml:msup><mml:mi>x</mml:mi><mml:mn>2</mml:mn>"
        '</mml:msup></mml:math></inline-formula>.</p><disp-formula id="e1"><label>(1)</label>'
        '<mml:math display="block" onclick="x"><mml:mrow><mml:mi mathvariant="bold">E</mml:mi>'
        "<mml:mo>=</mml:mo><mml:mi>m</mml:mi></mml:mrow></mml:math></disp-formula>",
    )
    assert html == (
        '<p>Inline <span class="inline-formula"><math><msup><mi>x</mi><mn>2</mn></msup></math>'
        '</span>.</p><div class="disp-formula" id="e1"><math display="block"><mrow>'
        '<mi mathvariant="bold">E</mi><mo>=</mo><mi>m</mi></mrow></math>'
        '<span class="label">(1)</span></div>'
    )


def test_quote_box_and_supplementary_material(make_jats):
    html = body_html(
        make_jats,
        "<disp-quote><p>Words.</p><attrib>Someone</attrib></disp-quote>"
        '<boxed-text id="box1"><caption><title>Box 1</title></caption><p>Boxed.</p></boxed-text>'
        '<supplementary-material id="sd1"><label>Data 1.</label><caption><p>Raw.</p></caption>'
        '<media xlink:href="files/data1.csv"/></supplementary-material>',
    )
    assert html == (
        "<blockquote><p>Words.</p><footer>Someone</footer></blockquote>"
        '<aside class="boxed-text" id="box1"><p class="caption-title">'
        '<span class="caption-title">Box 1</span></p><p>Boxed.</p></aside>'
        '<div class="supplementary-material" id="sd1"><p class="caption-title">'
        '<span class="label">Data 1.</span></p><p>Raw.</p><p><a class="download" '
        'href="files/data1.csv" data-jats-href="files/data1.csv">data1.csv</a></p></div>'
    )


def test_back_matter_keeps_ack_and_appendix_but_not_refs_or_notes(make_jats):
    back = (
        "<ack><p>Thanks.</p></ack>"
        '<app-group><app id="app1"><title>Appendix 1</title><p>More.</p></app></app-group>'
        '<fn-group><fn id="n1"><p>A note.</p></fn></fn-group>'
        '<ref-list><ref id="r1"><mixed-citation>X.</mixed-citation></ref></ref-list>'
    )
    record = parse_jats(make_jats(back=back), "b.xml")
    assert record.back_html == (
        '<section class="ack"><h2>Acknowledgements</h2><p>Thanks.</p></section>'
        '<section class="app-group"><section class="app" id="app1"><h2>Appendix 1</h2>'
        "<p>More.</p></section></section>"
    )
    assert [n.html for n in record.notes] == ["<p>A note.</p>"]


def test_mixed_and_element_citations(make_jats):
    back = """<ref-list><title>References</title>
    <ref id="r1"><label>1</label><mixed-citation publication-type="journal"><person-group
      person-group-type="author"><name><surname>Smith</surname> <given-names>J</given-names></name>,
      <name><surname>Li</surname> <given-names>W</given-names></name></person-group>
      (<year>2001</year>) <article-title>A study</article-title>. <source>Nature</source>
      <volume>410</volume>(<issue>2</issue>):<fpage>703</fpage>&#x2013;<lpage>717</lpage>.
      doi:10.1038/35065000</mixed-citation></ref>
    <ref id="r2"><element-citation publication-type="book"><person-group person-group-type="editor">
      <name><surname>Ed</surname><given-names>E</given-names></name></person-group>
      <person-group person-group-type="author"><collab>WHO</collab></person-group>
      <chapter-title>Chapter</chapter-title><source>Big Book</source><year>1999</year>
      <publisher-name>Press</publisher-name><elocation-id>e5</elocation-id>
      <pub-id pub-id-type="pmid">123</pub-id>
      <ext-link ext-link-type="uri" xlink:href="https://who.int/book">link</ext-link>
    </element-citation></ref></ref-list>"""
    first, second = parse_jats(make_jats(back=back), "r.xml").references
    assert (first.label, first.ref_id, first.publication_type) == ("1", "r1", "journal")
    assert [(a.surname, a.given_names) for a in first.authors] == [("Smith", "J"), ("Li", "W")]
    assert (first.article_title, first.source, first.year) == ("A study", "Nature", "2001")
    assert (first.volume, first.issue, first.first_page, first.last_page) == (
        "410",
        "2",
        "703",
        "717",
    )
    assert first.doi == "10.1038/35065000"
    assert first.original_text == (
        "Smith J, Li W (2001) A study. Nature 410(2):703\u2013717. doi:10.1038/35065000"
    )
    assert second.authors == [] and second.collab == "WHO"
    assert (second.article_title, second.source, second.publisher) == (
        "Chapter",
        "Big Book",
        "Press",
    )
    assert (second.pmid, second.url, second.elocation_id) == ("123", "https://who.int/book", "e5")


def test_escaped_script_in_title_stays_text(make_jats):
    record = parse_jats(make_jats(title="&lt;script&gt;alert(1)&lt;/script&gt; Title"), "x.xml")
    assert record.title == "<script>alert(1)</script> Title"  # plain text; templates escape it
    assert record.title_html == "&lt;script&gt;alert(1)&lt;/script&gt; Title"


def test_script_and_img_elements_smuggled_into_title_and_body_are_removed(make_jats):
    hostile = (
        '<script>alert(1)</script><img src="x" onerror="alert(2)"/>'
        '<italic onmouseover="alert(3)">Safe</italic>'
        '<ext-link xlink:href="javascript:alert(4)">click</ext-link>'
        '<xref ref-type="bibr" rid="&quot; onclick=&quot;alert(5)">ref</xref>'
        '<iframe src="https://evil.example"/><object data="x"/>'
    )
    record = parse_jats(make_jats(title="Title " + hostile, body=f"<p>{hostile}</p>"), "x.xml")
    assert record.title == "Title Safeclick"  # an xref in a title is a footnote marker: dropped
    assert record.title_html == "Title <i>Safe</i>click"
    html = record.body_html
    for needle in (
        "alert(1)",
        "alert(2)",
        "alert(3)",
        "javascript:",
        "<img",
        "<script",
        "<iframe",
        "<object",
        "onclick=",
        "onmouseover",
        "onerror",
    ):
        assert needle not in html
    assert "<i>Safe</i>" in html


def test_html_namespaced_elements_do_not_pass_through(make_jats):
    body = (
        '<p xmlns:h="http://www.w3.org/1999/xhtml">x<h:script>alert(1)</h:script>'
        '<h:a href="javascript:alert(2)">y</h:a></p>'
    )
    assert body_html(make_jats, body) == "<p>xy</p>"


def test_graphic_and_link_with_script_urls_lose_them(make_jats):
    html = body_html(
        make_jats,
        '<p><inline-graphic xlink:href="javascript:alert(1)"/>'
        '<ext-link xlink:href=" javascript:alert(2)">a</ext-link>'
        '<uri xlink:href="vbscript:msgbox(3)">b</uri>'
        '<ext-link xlink:href="data:text/html,x">c</ext-link></p>',
    )
    assert "script:" not in html and "data:" not in html
    assert html == (
        '<p><img class="inline-graphic" alt=""><a class="ext-link" rel="noopener">a</a>'
        '<a class="ext-link" rel="noopener">b</a><a class="ext-link" rel="noopener">c</a></p>'
    )


def test_figure_keeps_its_source_files_and_group_keeps_its_video(make_jats):
    html = body_html(
        make_jats,
        '<sec id="s1"><title>R</title><fig-group><fig id="f3"><label>Figure 3.</label>'
        '<graphic xlink:href="f3.tif"/></fig>'
        '<media id="f3video1" mimetype="video" xlink:href="f3-video1.mp4">'
        "<label>Figure 3—Video 1.</label></media></fig-group>"
        '<fig id="f4"><label>Figure 4.</label><graphic xlink:href="f4.tif"/>'
        '<p><supplementary-material id="f4scode1"><label>Figure 4—Source code 1.</label>'
        '<media xlink:href="f4-code1.xlsx"/></supplementary-material></p></fig></sec>',
    )
    assert 'id="f3video1"' in html and "f3-video1.mp4" in html
    assert 'id="f4scode1"' in html and 'href="f4-code1.xlsx"' in html
    figure4 = html[html.index('id="f4"') :]
    assert figure4.index("Figure 4.") < figure4.index("f4scode1") < figure4.index("</figure>")
