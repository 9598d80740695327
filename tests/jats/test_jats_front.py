"""JATS front and back matter written the ways other publishers write it."""

from __future__ import annotations

from datetime import date

from masthead.jats import parse_jats


def test_article_without_doi_parses_with_empty_doi(make_jats):
    record = parse_jats(make_jats(), "nodoi.xml")
    assert record.doi == ""
    assert record.title == "A title"
    assert record.journal.title == "J Test"


def test_ids_journal_meta_and_language(make_jats):
    journal_meta = (
        '<journal-id journal-id-type="nlm-ta">J Exp Biol</journal-id>'
        "<journal-title-group><journal-title>Journal of Experiments</journal-title>"
        "</journal-title-group>"
        '<issn pub-type="ppub">1234-5678</issn><issn pub-type="epub">8765-4321</issn>'
        "<publisher><publisher-name>Example Press</publisher-name></publisher>"
    )
    meta = (
        '<article-id pub-id-type="doi">https://doi.org/10.1234/ABC.5</article-id>'
        '<article-id pub-id-type="pmid">31234567</article-id>'
        '<article-id pub-id-type="pmc">6543210</article-id>'
        '<article-id pub-id-type="publisher-id">e12</article-id>'
    )
    record = parse_jats(
        make_jats(meta, journal_meta=journal_meta, attributes='xml:lang="fr-CA"'), "ids.xml"
    )
    assert (record.doi, record.pmid, record.pmcid, record.publisher_id) == (
        "10.1234/ABC.5",
        "31234567",
        "PMC6543210",
        "e12",
    )
    assert record.language == "fr"
    journal = record.journal
    assert (journal.title, journal.abbreviation) == ("Journal of Experiments", "J Exp Biol")
    assert (journal.issn_print, journal.issn_electronic) == ("1234-5678", "8765-4321")
    assert journal.publisher_name == "Example Press"


def test_section_falls_back_to_heading_then_first_subject(make_jats):
    heading = (
        '<article-categories><subj-group subj-group-type="Discipline"><subject>Biology</subject>'
        '</subj-group><subj-group subj-group-type="heading"><subject>Forum</subject></subj-group>'
        "</article-categories>"
    )
    record = parse_jats(make_jats(heading), "h.xml")
    assert (record.section, record.subjects) == ("Forum", ["Biology", "Forum"])
    plain = (
        "<article-categories><subj-group><subject>Letters</subject></subj-group>"
        "</article-categories>"
    )
    assert parse_jats(make_jats(plain), "p.xml").section == "Letters"


def test_title_html_keeps_italics_and_subtitle(make_jats):
    data = make_jats(
        title="Genes of <italic>E. coli</italic><sup>2</sup><xref ref-type='fn' rid='f'>*</xref>"
    )
    data = data.replace(b"</article-title>", b"</article-title><subtitle>A  study</subtitle>")
    record = parse_jats(data, "t.xml")
    assert record.title == "Genes of E. coli2"
    assert record.title_html == "Genes of <i>E. coli</i><sup>2</sup>"
    assert record.subtitle == "A study"


def test_publication_dates_by_pub_type_and_iso_attribute(make_jats):
    meta = (
        '<pub-date pub-type="ppub"><month>Mar</month><year>2020</year></pub-date>'
        '<pub-date pub-type="epub"><day>5</day><month>1</month><year>2020</year></pub-date>'
        '<history><date date-type="received" iso-8601-date="2019-07-14"><year>2019</year></date>'
        '<date date-type="accepted"><season>Winter</season><year>2019</year></date></history>'
        "<volume>12</volume><issue>3</issue><fpage>101</fpage><lpage>110</lpage>"
    )
    record = parse_jats(make_jats(meta), "d.xml")
    assert record.published_online == date(2020, 1, 5)
    assert record.issue_date == date(2020, 3, 1)  # missing day -> 1
    assert record.received == date(2019, 7, 14)
    assert record.accepted == date(2019, 12, 1)
    assert (record.volume, record.issue, record.first_page, record.last_page) == (
        "12",
        "3",
        "101",
        "110",
    )


def test_print_pub_date_by_publication_format(make_jats):
    meta = (
        '<pub-date date-type="pub" publication-format="print"><year>2021</year></pub-date>'
        '<pub-date date-type="pub" publication-format="electronic" iso-8601-date="2020-11-30">'
        "<year>2020</year></pub-date>"
    )
    record = parse_jats(make_jats(meta), "d.xml")
    assert (record.published_online, record.issue_date) == (date(2020, 11, 30), date(2021, 1, 1))


def test_contributors_affiliations_and_identifiers(make_jats):
    meta = """
    <contrib-group>
      <contrib contrib-type="author">
        <name><surname>Ng</surname><given-names>Ann</given-names></name>
        <contrib-id contrib-id-type="orcid">https://orcid.org/0000-0001-2345-678x</contrib-id>
        <xref ref-type="aff" rid="a1 a2"><sup>1,2</sup></xref>
        <xref ref-type="fn" rid="c1">*</xref>
        <bio><p>Ann works on <italic>yeast</italic>.</p></bio>
      </contrib>
      <contrib contrib-type="author">
        <string-name>Bo Li</string-name><email>bo@example.org</email>
        <xref ref-type="fn" rid="eq"/>
      </contrib>
      <contrib><collab>The Consortium</collab></contrib>
    </contrib-group>
    <aff id="a1"><label>1</label><institution-wrap>
      <institution-id institution-id-type="ror">https://ror.org/02abcde12</institution-id>
      <institution content-type="dept">Dept of Biology</institution>
      <institution>Uni A</institution></institution-wrap>, Paris, <country>France</country></aff>
    <aff id="a2"><sup>2</sup>Institute B, Oslo, Norway</aff>
    <author-notes>
      <fn fn-type="corresp" id="c1"><p>Email: <email>ann@example.org</email></p></fn>
      <fn fn-type="equal" id="eq"><p>Equal.</p></fn>
    </author-notes>
    """
    ann, bo, group = parse_jats(make_jats(meta), "c.xml").contributors
    assert ann.orcid == "0000-0001-2345-678X"
    assert ann.corresponding and ann.email == "ann@example.org"
    assert [a.text for a in ann.affiliations] == [
        "Dept of Biology, Uni A, Paris, France",
        "Institute B, Oslo, Norway",
    ]
    assert ann.affiliations[0].institution == "Uni A"
    assert ann.affiliations[0].country == "France"
    assert ann.affiliations[0].ror == "https://ror.org/02abcde12"
    assert ann.bio_html == "<p>Ann works on <i>yeast</i>.</p>"
    assert (bo.name.surname, bo.email, bo.equal_contrib, bo.corresponding) == (
        "Bo Li",
        "bo@example.org",
        True,
        False,
    )
    assert group.name is None and group.collab == "The Consortium" and group.role == "author"


def test_unreferenced_group_affiliation_applies_to_everyone(make_jats):
    meta = (
        "<contrib-group><contrib><name><surname>A</surname></name></contrib>"
        "<contrib><name><surname>B</surname></name></contrib>"
        "<aff>Only University, Lima, Peru</aff></contrib-group>"
    )
    contributors = parse_jats(make_jats(meta), "a.xml").contributors
    assert [[a.text for a in c.affiliations] for c in contributors] == [
        ["Only University, Lima, Peru"],
        ["Only University, Lima, Peru"],
    ]


def test_structured_abstract_and_keywords(make_jats):
    meta = """
    <abstract><title>Abstract</title>
      <sec><title>Background</title><p>Why.</p></sec>
      <sec><title>Results</title><p>What.</p></sec></abstract>
    <trans-abstract xml:lang="fr"><p>Pourquoi.</p></trans-abstract>
    <kwd-group><title>Keywords</title><kwd>alpha</kwd><kwd><italic>beta</italic></kwd></kwd-group>
    <kwd-group kwd-group-type="MeSH"><kwd>alpha</kwd><kwd>gamma</kwd></kwd-group>
    """
    record = parse_jats(make_jats(meta), "a.xml")
    main, translated = record.abstracts
    assert main.title == "Abstract"
    assert main.html == (
        "<section><h3>Background</h3><p>Why.</p></section>"
        "<section><h3>Results</h3><p>What.</p></section>"
    )
    assert translated.html == "<p>Pourquoi.</p>"
    assert record.keywords == ["alpha", "beta", "gamma"]


def test_licence_by_ali_reference_and_license_type(make_jats):
    meta = """
    <permissions><copyright-statement>(c) 2020 The Authors</copyright-statement>
      <license license-type="open-access">
        <ali:license_ref>https://creativecommons.org/licenses/by-nc/4.0/</ali:license_ref>
        <license-p>Use it <bold>freely</bold>.</license-p></license></permissions>
    """
    record = parse_jats(make_jats(meta), "l.xml")
    assert record.license_url == "https://creativecommons.org/licenses/by-nc/4.0/"
    assert record.license_html == "<p>Use it <b>freely</b>.</p>"
    assert record.copyright_statement == "(c) 2020 The Authors"
    assert record.is_open_access


def test_closed_licence_is_not_open_access(make_jats):
    meta = (
        '<permissions><license xlink:href="https://example.org/terms">'
        "<license-p>All rights reserved.</license-p></license></permissions>"
    )
    record = parse_jats(make_jats(meta), "l.xml")
    assert record.license_url == "https://example.org/terms"
    assert not record.is_open_access


def test_funding_variants(make_jats):
    meta = """
    <funding-group>
      <award-group><funding-source>
        <institution-wrap><institution>National Science Foundation</institution>
        <institution-id institution-id-type="doi">http://dx.doi.org/10.13039/100000001</institution-id>
        </institution-wrap></funding-source>
        <award-id>DEB-1</award-id><award-id>DEB-2</award-id></award-group>
      <award-group><funding-source xlink:href="https://doi.org/10.13039/501100000780"
        >European Commission</funding-source></award-group>
      <award-group><funding-source>Small Trust
        <institution-id institution-id-type="FundRef">100012345</institution-id>
      </funding-source></award-group>
      <funding-statement>Funded by <ext-link xlink:href="https://nsf.gov">NSF</ext-link>.</funding-statement>
    </funding-group>
    """
    record = parse_jats(make_jats(meta), "f.xml")
    assert [(f.funder_name, f.funder_id, f.award_ids) for f in record.funding] == [
        ("National Science Foundation", "10.13039/100000001", ["DEB-1", "DEB-2"]),
        ("European Commission", "10.13039/501100000780", []),
        ("Small Trust", "10.13039/100012345", []),
    ]
    assert record.funding_statement_html == (
        '<p>Funded by <a class="ext-link" href="https://nsf.gov" rel="noopener">NSF</a>.</p>'
    )


def test_competing_interests_in_every_form_go_to_disclosure_not_notes(make_jats):
    meta = (
        "<author-notes>"
        '<fn fn-type="COI-statement" id="coi1"><p>A consults for X.</p></fn>'
        '<fn fn-type="present-address" id="pa"><label>a</label><p>Now in Oslo.</p></fn>'
        "</author-notes>"
    )
    back = (
        '<fn-group content-type="competing-interest"><fn id="c2"><p>B owns Y.</p></fn></fn-group>'
        '<fn-group><fn fn-type="conflict" id="c3"><p>C has none.</p></fn>'
        '<fn id="n1"><label>1</label><p>A plain note.</p></fn></fn-group>'
        '<sec sec-type="COI-statement"><title>Competing interests</title>'
        "<p>D is an editor.</p></sec>"
        "<sec><title>Data availability</title><p>On request.</p></sec>"
    )
    record = parse_jats(make_jats(meta, back=back), "coi.xml")
    assert record.disclosure_html == (
        "<p>A consults for X.</p><p>B owns Y.</p><p>C has none.</p><p>D is an editor.</p>"
    )
    assert [(n.label, n.note_id, n.html) for n in record.notes] == [
        ("a", "pa", "<p>Now in Oslo.</p>"),
        ("1", "n1", "<p>A plain note.</p>"),
    ]
    assert record.back_html == ("<section><h2>Data availability</h2><p>On request.</p></section>")
