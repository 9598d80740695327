"""Every eLife sample in /work/shared parses; several are checked field by field.

The expected values below were read off the XML files themselves.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache

import pytest

from masthead.jats import ArticleRecord, parse_jats
from tests.conftest import ELIFE

# tests/jats/test_elife.py -> parents[2] is the project root (/work/main); data is beside it.
ELIFE_DIR = ELIFE
ELIFE_FILES = sorted(ELIFE_DIR.glob("*.xml")) if ELIFE_DIR.is_dir() else []

pytestmark = pytest.mark.skipif(not ELIFE_FILES, reason=f"no eLife samples in {ELIFE_DIR}")


@cache
def parsed(name: str) -> ArticleRecord:
    return parse_jats((ELIFE_DIR / name).read_bytes(), name)


def authors(record: ArticleRecord):
    return [c for c in record.contributors if c.role == "author"]


@pytest.mark.parametrize("path", ELIFE_FILES, ids=lambda p: p.name)
def test_every_sample_parses(path):
    record = parsed(path.name)
    assert record.source_format == "jats"
    assert record.journal.title == "eLife"
    assert record.journal.issn_electronic == "2050-084X"
    assert record.journal.publisher_name == "eLife Sciences Publications, Ltd"
    assert record.doi.startswith("10.7554/eLife.")
    assert record.title and "<" not in record.title
    assert authors(record)
    assert record.license_url.startswith("http://creativecommons.org/")
    assert record.is_open_access
    for html in (record.body_html, record.back_html, record.title_html, record.disclosure_html):
        assert "<script" not in html and "javascript:" not in html
    assert "<ref-list" not in record.back_html
    assert record.source_xml.lstrip().startswith("<!DOCTYPE article")


def test_sample_count():
    assert len(ELIFE_FILES) == 23


def test_kitchen_sink_front_matter():
    record = parsed("elife-kitchen-sink.xml")
    assert record.title == (
        "Bacterial regulation of colony development in the closest living relatives of animals"
    )
    assert record.doi == "10.7554/eLife.00013"
    assert record.publisher_id == "00013"
    assert record.article_type == "research-article"
    assert record.section == "Research article"
    assert record.subjects == [
        "Research article",
        "Cell biology",
        "Computational and systems biology",
    ]
    assert (record.volume, record.elocation_id) == ("3", "e00013")
    assert record.published_online == date(2014, 2, 28)
    assert record.issue_date == date(2014, 1, 1)  # collection: year only
    assert (record.received, record.accepted) == (date(2012, 6, 22), date(2012, 7, 18))
    assert record.keywords == [
        "Salpingoeca rosetta",
        "Algoriphagus",
        "bacterial sulfonolipid",
        "multicellular development",
        "Mouse",
        "C. elegans",
        "Other",
    ]
    assert record.copyright_statement == "\u00a9 2012, Alegado et al"
    assert record.license_url == "http://creativecommons.org/licenses/by/4.0/"
    assert "Creative Commons Attribution License</a>" in record.license_html


def test_kitchen_sink_contributors():
    record = parsed("elife-kitchen-sink.xml")
    byline = authors(record)
    assert [c.display_name for c in byline] == [
        "Rosanna A Alegado Jnr",
        "Laura W Brown",
        "Shugeng Cao",
        "Renee Kathryn Dermenjian",
        "Richard Zuzow",
        "Stephen R Fairclough",
        "Jon Clardy",
        "Nicole King",
        "NISC Comparative Sequencing Program",
        "eLife staff group",
    ]
    roles = Counter(c.role for c in record.contributors)
    assert roles == {"author": 10, "editor": 1, "author non-byline": 7}
    alegado, brown = byline[0], byline[1]
    assert alegado.name.suffix == "Jnr" and alegado.equal_contrib and brown.equal_contrib
    assert brown.orcid == "0000-0002-7361-560X"
    assert [a.text for a in alegado.affiliations] == [
        "Department of Molecular and Cell Biology, University of California, Berkeley, "
        "Berkeley, United States",
        "Department of Biological Chemistry and Molecular Pharmacology, Harvard Medical School, "
        "Boston, United States",
    ]
    first = alegado.affiliations[0]
    assert (first.institution, first.country) == (
        "University of California, Berkeley",
        "United States",
    )
    clardy, king, nisc = byline[6], byline[7], byline[8]
    assert clardy.corresponding and clardy.email == "jon_clardy@hms.harvard.edu"
    assert king.corresponding and king.email == "nking@berkeley.edu"
    assert nisc.name is None and nisc.collab == "NISC Comparative Sequencing Program"
    assert nisc.corresponding and nisc.email == "mharrison@elifesciences.org"
    editor = next(c for c in record.contributors if c.role == "editor")
    assert editor.display_name == "Christopher Sneden"
    assert editor.affiliations[0].text == "Pediatric Dengue Vaccine Initiative, United States"


def test_kitchen_sink_abstracts_funding_notes_references():
    record = parsed("elife-kitchen-sink.xml")
    main, digest = record.abstracts
    assert (main.abstract_type, main.title) == ("", "")
    assert main.html.startswith("<p>Bacterially-produced small molecules")
    assert "<i>Salpingoeca rosetta</i>" in main.html and "10.7554/eLife.00013.001</a>" in main.html
    assert (digest.abstract_type, digest.title) == ("executive-summary", "eLife digest")
    assert "C<sub>32</sub>H<sub>64</sub>NO<sub>7</sub>S" in digest.html

    assert [(f.funder_name, f.funder_id, f.award_ids) for f in record.funding] == [
        ("Howard Hughes Medical Institute", "10.13039/100000011", []),
        ("National Institutes of Health", "10.13039/100000002", ["F32 GM086054"]),
        ("National Institutes of Health", "10.13039/100000002", ["F32 GM089018"]),
        ("National Institutes of Health", "10.13039/100000002", ["R01 GM086258"]),
        ("National Institutes of Health", "10.13039/100000002", ["R01 GM099533"]),
        ("National Institutes of Health", "10.13039/100000002", ["T32 HG00047"]),
        ("Laura and John Arnold Foundation", "", []),
    ]
    assert record.funding_statement_html.startswith("<p>The funders had no role in study design")

    assert record.disclosure_html == (
        "<p>JC: Reviewing editor, <i>eLife</i>.</p>"
        "<p>The other authors declare that no competing interests exist.</p>"
    )
    note_ids = [n.note_id for n in record.notes]
    assert "conf1" not in note_ids and "conf2" not in note_ids
    assert note_ids[:6] == ["equal-contrib", "equal-contrib2", "pa1", "pa2", "pa3", "fn1"]
    assert record.notes[0].label == "\u2020"
    assert record.notes[0].html == "<p>These authors contributed equally to this work</p>"

    assert len(record.references) == 103
    bib2 = record.references[1]
    assert bib2.ref_id == "bib2" and bib2.publication_type == "journal"
    assert [a.surname for a in bib2.authors] == ["Ahmed", "Yokota", "Fujiwara"]
    assert bib2.source == "International journal of systematic and evolutionary microbiology"
    assert (bib2.year, bib2.volume, bib2.first_page, bib2.last_page) == ("2007", "57", "986", "92")
    assert bib2.doi == "10.1099/ijs.0.64728-0"
    assert bib2.original_text.startswith("Ahmed I Yokota A Fujiwara T 2007 Chimaereicella")
    book = record.references[0]
    assert (book.publication_type, book.publisher) == ("book", "Scientific American Library")


def test_kitchen_sink_body_and_back():
    record = parsed("elife-kitchen-sink.xml")
    body = record.body_html
    assert body.startswith('<section id="s1"><h2>Introduction</h2><p>Eukaryotes evolved')
    assert '<a href="#bib67" class="xref xref-bibr">Mazmanian et al., 2005</a>' in body
    assert '<figure class="fig" id="fig1"><img src="elife00013f001"' in body
    assert 'data-jats-href="elife00013f001"' in body
    assert '<span class="label">Figure 1.</span>' in body
    assert '<figure class="table-wrap" id="tbl1">' in body and "<th>Species</th>" in body
    assert '<div class="disp-formula" id="equ1"><math' in body
    assert '<a class="download" href="elife00013s001.xlsx"' in body
    assert '<aside class="boxed-text"' in body
    assert record.back_html.startswith('<section class="ack" id="ack"><h2>Acknowledgements</h2>')
    assert "<h2>Additional files</h2>" in record.back_html
    assert "Appendix 1" in record.back_html
    assert "Competing interests" not in record.back_html  # shown as disclosure_html instead
    assert "RAA, Conception and design" not in record.back_html  # a note, not back matter


def test_00666_new_style_kitchen_sink():
    record = parsed("elife-00666.xml")
    assert record.title == "The eLife research article"
    assert record.published_online == date(2016, 4, 25)  # not the date-type="update" one
    assert (record.received, record.accepted) == (date(2016, 3, 1), date(2016, 4, 1))
    assert len(record.references) == 54
    harrison, gilbert, production, technology = authors(record)
    assert harrison.orcid == "0000-0003-3523-4408"
    assert harrison.email == "m.harrison@elifesciences.org"
    assert harrison.corresponding and harrison.equal_contrib
    assert production.collab == "eLife Editorial Production Group"
    assert technology.collab == "eLife Technology Group" and technology.email == ""
    assert technology.orcid == ""  # the ORCID inside the group belongs to a member
    assert record.disclosure_html == (
        "<p>Chair of JATS4R</p><p>No competing interests declared</p>"
        "<p>Graham Nott is not an eLife employee</p>"
    )
    assert not any("JATS4R" in note.html for note in record.notes)
    assert record.keywords == ["XML", "Housestyle", "eLife", "formatting", "Human", "Machine"]
    assert '<span class="sc">small caps</span>' in record.abstracts[0].html
    assert "<math><mrow><munder>" in record.abstracts[0].html
    assert '<ol type="i"><li><p>Research article</p></li>' in record.body_html


def test_00013_research_article():
    record = parsed("elife00013.xml")
    assert record.title.startswith("A bacterial sulfonolipid triggers multicellular development")
    assert len(authors(record)) == 8
    assert len(record.references) == 105
    assert record.published_online == date(2012, 10, 15)
    assert (record.received, record.accepted) == (date(2012, 5, 22), date(2012, 7, 18))
    assert record.license_url == "http://creativecommons.org/licenses/by/3.0/"
    assert record.funding[0].funder_name == (
        "Gordon and Betty Moore Foundation Marine Microbiology Initiative"
    )
    assert [f.award_ids[0] for f in record.funding[1:]] == [
        "F32 GM086054",
        "F32 GM089018",
        "R01 GM086258",
        "R01 GM099533",
        "T32 HG00047",
    ]
    assert {c.display_name for c in authors(record) if c.corresponding} == {
        "Jon Clardy",
        "Nicole King",
    }


def test_14093_orcids_and_display_channel_after_headings():
    record = parsed("elife-14093-v1.xml")
    assert record.section == "Research Article"
    assert [(c.name.surname, c.orcid) for c in authors(record) if c.orcid] == [
        ("Vernoux", "0000-0002-8257-4088"),
        ("Godin", "0000-0002-1202-8460"),
    ]
    assert authors(record)[-1].email == "Christophe.Godin@inria.fr"
    assert len(record.references) == 68


def test_02935_consortium_paper():
    record = parsed("elife02935.xml")
    roles = Counter(c.role for c in record.contributors)
    assert roles["author"] == 53 and roles["author non-byline"] == 127
    assert ("Wellcome Trust", "10.13039/100004440") in [
        (f.funder_name, f.funder_id) for f in record.funding
    ]


def test_poa_article_without_body_or_dates():
    record = parsed("elife_poa_e06828.xml")
    assert record.title_html.startswith("<i>Cis</i> and <i>trans</i> RET signaling")
    assert record.title.startswith("Cis and trans RET signaling")
    assert record.body_html == ""
    assert record.published_online is None
    assert (record.received, record.accepted) == (date(2015, 2, 3), date(2015, 4, 1))
    luo = authors(record)[-1]
    assert luo.display_name == "Wenqin Luo" and luo.corresponding
    assert luo.email == "luow@mail.med.upenn.edu"
    assert luo.affiliations[0].text == (
        "Department of Neuroscience, Perelman School of Medicine, University of Pennsylvania, "
        "Philadelphia, United States"
    )
    assert record.disclosure_html == "<p>The authors declare that no competing interests exist.</p>"
    assert len(authors(record)) == 7


def test_editorial_without_references():
    record = parsed("elife00270.xml")
    assert (record.title, record.article_type, record.section) == (
        "Launching eLife, Part 1",
        "editorial",
        "Editorial",
    )
    assert [c.display_name for c in authors(record)] == [
        "Randy Schekman",
        "Mark Patterson",
        "Fiona Watt",
        "Detlef Weigel",
    ]
    assert record.references == []
    assert record.license_url == "http://creativecommons.org/licenses/by/3.0/"
