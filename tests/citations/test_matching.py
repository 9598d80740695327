"""Reference matching for "Cited by": identifiers first, then journal + year + volume + page.

The references are real ones, from the PubMed 2021 baseline and eLife's JATS, and so are
the hosted articles' journals, numbers, authors and titles; the traps (the same page in
another journal, two articles on one page) are built on them.
"""

import pytest

from masthead.citations.matching import (
    CitedReference,
    HostedArticle,
    Match,
    ReferenceIndex,
    journal_key,
    parse_citation,
)


def hosted(pk, journal, year, volume, page="", *, doi="", **fields) -> HostedArticle:
    """A hosted article; DOIs under the example prefix 10.5555 unless the real one is given."""
    doi = doi or f"10.5555/test.{pk}"
    return HostedArticle(pk, doi, journal_names=journal, year=year, volume=volume, first_page=page,
                         **fields)  # fmt: skip


JBC = ("The Journal of biological chemistry", "J Biol Chem")
PSYCHOPHARMACOLOGY = ("Psychopharmacology", "Psychopharmacology (Berl)")
J_NEUROSCI = (
    "The Journal of neuroscience : the official journal of the Society for Neuroscience",
    "J Neurosci",
)
ELIFE = ("eLife", "Elife")
BJU = ("BJU international", "BJU Int")
APP = "Is there an app for that?"
PNAS = (
    "Proceedings of the National Academy of Sciences of the United States of America",
    "Proc Natl Acad Sci U S A",
)

ARTICLES = [
    hosted(1, JBC, 2000, "275", "20588", pmid="10781614", issns=("0021-9258", "1083-351X")),
    hosted(2, PSYCHOPHARMACOLOGY, 2000, "152", "343", issns=("0033-3158",)),
    hosted(3, J_NEUROSCI, 2000, "20", "RC75"),
    hosted(4, ("Nature neuroscience", "Nat Neurosci"), 1998, "1", "610"),
    hosted(5, ("Nature", "Nature"), 2001, "409", "860", doi="10.1038/35057062", pmid="11237011",
           first_author="Lander", title="Initial sequencing and analysis of the human genome"),
    hosted(6, ("Cell", "Cell"), 2006, "127", "199", pmid="17018286", issue="1",
           first_author="Rothenfluh", title="Distinct behavioral responses to ethanol are "
           "regulated by alternate RhoGAP18B isoforms"),
    hosted(7, ELIFE, 2012, "1", elocation_id="e00007", doi="10.7554/eLife.00007",
           first_author="Schuman", title="Herbivory-induced volatiles function as defenses "
           "increasing fitness of the native plant Nicotiana attenuata in nature"),
    hosted(8, ELIFE, 2013, "2", elocation_id="e00365", doi="10.7554/eLife.00365"),
    hosted(9, ("Oncology reports", "Oncol Rep"), 2021, "45", "619", doi="10.3892/or.2020.7894",
           issue="2", first_author="Xie", title="Long non-coding RNA AC245100.4 promotes "
           "prostate cancer tumorigenesis via the microRNA-145-5p/RBBP5 axis"),
    hosted(10, ("Colorectal disease", "Colorectal Dis"), 2020, "22", "2199",
           doi="10.1111/codi.15305", first_author="Raja Ram", title="A prospective evaluation "
           "of the outcome of submucosal ligation of fistula tract."),
    hosted(11, ("British journal of pharmacology", "Br J Pharmacol"), 2014, "171", "107",
           doi="10.1111/bph.12434", first_author="Vijayan", title="Methionine down-regulates "
           "TLR4/MyD88/NF-kB signalling in osteoclast precursors"),
    hosted(12, ("The British journal of dermatology", "Br J Dermatol"), 2021, "184", "e195",
           first_author="Hugo", title="Coexistence of palmoplantar pustulosis and ichthyosis "
           "vulgaris treated by risankizumab."),
    hosted(13, ("Nature microbiology", "Nat Microbiol"), 2020, "5", "304", pmid="31907407",
           first_author="Sequeira", title="Commensal Bacteroidetes protect against Klebsiella "
           "pneumoniae colonization and transmission through IL-36 signalling."),
    # a letter and the authors' reply on one page
    hosted(14, BJU, 2020, "126", "312", first_author="Jayaraajan", title=APP),
    hosted(15, BJU, 2020, "126", "312", first_author="Gao", title=f"Reply to: {APP}"),
    # every article of this journal starts on page 1
    hosted(16, ("Experimental & molecular medicine", "Exp Mol Med"), 2018, "50", "1",
           pmid="29884818", first_author="Lee", title="Cigarette smoke extract enhances "
           "neutrophil elastase-induced IL-8 production via proteinase-activated receptor-2 "
           "upregulation in human bronchial epithelial cells"),
    hosted(17, ("Frontiers in microbiology", "Front Microbiol"), 2020, "11", "658",
           first_author="Tse"),
    hosted(18, ("Lancet (London, England)", "Lancet"), 2020, "395", "497",
           doi="10.1016/S0140-6736(20)30183-5", first_author="Huang", title="Clinical features "
           "of patients infected with 2019 novel coronavirus in Wuhan, China."),
    hosted(19, PNAS, 2012, "109", "2485"),
    hosted(20, ("Molecular cell", "Mol Cell"), 2020, "80", "666", first_author="Rhine"),
    hosted(21, ("Advanced materials (Deerfield Beach, Fla.)", "Adv Mater"), 2017, "29", "1603730",
           first_author="Wang"),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> ReferenceIndex:
    return ReferenceIndex(ARTICLES)


def by_text(index: ReferenceIndex, text: str, use_ids: bool = False) -> int | None:
    found = index.match(CitedReference(text=text), use_ids=use_ids)
    return found.article_pk if found else None


# --- identifiers ----------------------------------------------------------------------


def test_a_hosted_doi_matches_whatever_its_form(index):
    assert index.match(CitedReference(doi="https://doi.org/10.1038/35057062")) == Match(5, "doi")
    assert index.match(CitedReference(doi="10.7554/ELIFE.00365")) == Match(8, "doi")
    found = index.match(CitedReference(text="Lander ES et al. Nature. 2001. doi:10.1038/35057062."))
    assert found == Match(5, "doi")


def test_a_doi_we_do_not_host_means_another_work(index):
    # Volume, page and journal name article 5, but the DOI says otherwise: trust the DOI.
    ref = CitedReference(doi="10.1000/elsewhere", pmid="11237011", text="Nature. 2001;409:860-921")
    assert index.match(ref) is None
    assert index.match(ref, use_ids=False) == Match(5, "metadata")


def test_the_pmid_decides_when_there_is_no_doi(index):
    assert index.match(CitedReference(pmid="10781614")) == Match(1, "pmid")
    assert index.match(CitedReference(pmid=" PMID: 010781614")) == Match(1, "pmid")
    assert index.match(CitedReference(pmid="99999999", text="Nature. 2001;409:860-921")) is None


def test_without_identifiers_metadata_decides(index):
    assert index.match(CitedReference(text="Nature. 2001 Feb 15;409(6822):860-921")) == Match(
        5, "metadata"
    )


def test_two_hosted_articles_with_one_doi_match_neither():
    twins = [HostedArticle(1, "10.1000/same"), HostedArticle(2, "10.1000/SAME")]
    assert ReferenceIndex(twins).match(CitedReference(doi="10.1000/same")) is None


# --- PubMed's own reference strings ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pk"),
    [
        ("J Biol Chem. 2000 Jul 7;275(27):20588-96", 1),
        ("Psychopharmacology (Berl). 2000 Oct;152(3):343-50", 2),
        ("J Neurosci. 2000 May 15;20(10):RC75", 3),
        ("Nat Neurosci. 1998 Nov;1(7):610-5", 4),
        ("Smith J, Lander ES. A title. Nature. 2001;409(6822):860-921.", None),  # Smith is first
        ("Lander ES, Linton LM, Birren B, et al. Initial sequencing and analysis of the human "
         "genome. Nature. 2001;409(6822):860-921. doi: 10.1038/35057062", 5),
        ("Cell. 2006 Oct 6;127(1):199-211", 6),
        ("Mol Cell. 2020 Nov 19;80(4):666-681.e8", 20),
    ],
)  # fmt: skip
def test_pubmed_strings(index, text, pk):
    assert by_text(index, text) == pk


def test_parse_pubmed_strings():
    ref = parse_citation("J Biol Chem. 2000 Jul 7;275(27):20588-96")
    assert (ref.source, ref.year, ref.volume, ref.issue, ref.first_page) == (
        "J Biol Chem",
        "2000",
        "275",
        "27",
        "20588",
    )
    assert parse_citation("Psychopharmacology (Berl). 2000 Oct;152(3):343-50").source == (
        "Psychopharmacology (Berl)"
    )
    assert parse_citation("J Neurosci. 2000 May 15;20(10):RC75").first_page == "RC75"
    ref = parse_citation("Nat Neurosci. 1998 Nov;1(7):610-5")
    assert (ref.source, ref.year, ref.volume, ref.first_page) == (
        "Nat Neurosci",
        "1998",
        "1",
        "610",
    )
    ref = parse_citation("Smith J, Jones K. A title. Nature. 2001;409(6822):860-921.")
    assert (ref.first_author, ref.source, ref.volume, ref.first_page) == (
        "Smith",
        "Nature",
        "409",
        "860",
    )
    ref = parse_citation("Soc Sci Med. 2020 Jul 7;:113169")  # ahead of print: no volume
    assert (ref.volume, ref.first_page, ref.year) == ("", "113169", "2020")
    ref = parse_citation("Neuroimage. 2004;23 Suppl 1:S69-84")
    assert (ref.volume, ref.first_page) == ("23", "S69")
    assert parse_citation("Cold Spring Harb Perspect Biol. 2012 Dec 01;4(12):").first_page == ""


def test_the_doi_after_a_reference_is_not_read_as_its_numbers():
    text = (
        "Feig DI, Johnson RJ. Hyperuricemia. Hypertension. 2003;42:247-52. "
        "doi: 10.1161/01.HYP.0000085858.66548.59"
    )
    ref = parse_citation(text)
    assert (ref.source, ref.year, ref.volume, ref.first_page) == (
        "Hypertension",
        "2003",
        "42",
        "247",
    )
    assert ref.doi == "10.1161/01.hyp.0000085858.66548.59"
    assert ref.text == text


# --- other printed styles --------------------------------------------------------------


def test_nature_style(index):
    text = (
        "Sequeira, R. P., McDonald, J. A., Marchesi, J. R. & Clarke, T. B. Commensal "
        "bacteroidetes protect against Klebsiella pneumoniae colonization and transmission "
        "through IL-36 signalling. Nat. Microbiol. 5, 304–313 (2020)."
    )
    ref = parse_citation(text)
    assert (ref.first_author, ref.source, ref.year, ref.volume, ref.first_page) == (
        "Sequeira",
        "Nat. Microbiol",
        "2020",
        "5",
        "304",
    )
    assert ref.article_title.startswith("Commensal bacteroidetes")
    assert by_text(index, text) == 13
    assert (
        by_text(index, "Rhine, K. et al. ALS/FTLD mutations. Mol. Cell 80, 666–681.e8 (2020).")
        == 20
    )


def test_harvard_apa_and_chemistry_styles():
    ref = parse_citation(
        "Castillon A, Shen H, Huq E (2007) Phytochrome interacting factors: central players in "
        "phytochrome-mediated light signaling networks. Trends Plant Sci 12:514–521"
    )
    assert (ref.first_author, ref.source, ref.year, ref.volume, ref.first_page) == (
        "Castillon",
        "Trends Plant Sci",
        "2007",
        "12",
        "514",
    )
    ref = parse_citation(
        "Hagger, V., Hendrieckx, C., Sturt, J., Skinner, T. C., & Speight, J. (2016). Diabetes "
        "distress among adolescents with type 1 diabetes: A systematic review. Current Diabetes "
        "Reports, 16(1), 9. https://doi.org/10.1007/s11892-015-0694-2"
    )
    assert (ref.first_author, ref.source, ref.year, ref.volume, ref.issue, ref.first_page) == (
        "Hagger",
        "Current Diabetes Reports",
        "2016",
        "16",
        "1",
        "9",
    )
    assert ref.doi == "10.1007/s11892-015-0694-2"
    ref = parse_citation("J. Wang, Y. Li, L. Deng, T. Wu, Adv. Mater. 2017, 29, 1603730.")
    assert (ref.first_author, ref.source, ref.year, ref.volume, ref.first_page) == (
        "Wang",
        "Adv. Mater",
        "2017",
        "29",
        "1603730",
    )
    ref = parse_citation(
        "Onodera T. Memory B cells. Proc. Natl. Acad. Sci. U.S.A. 2012. 109: 2485-2490."
    )
    assert (ref.source, ref.volume, ref.first_page) == (
        "Proc. Natl. Acad. Sci. U.S.A",
        "109",
        "2485",
    )


@pytest.mark.parametrize(
    ("text", "pk"),
    [
        ("J. Wang, Y. Li, L. Deng, T. Wu, Adv. Mater. 2017, 29, 1603730.", 21),
        ("Onodera T. Memory B cells in the lung. Proc. Natl. Acad. Sci. U.S.A. 2012. "
         "109: 2485-2490.", 19),
        ("Rabe, B. A. & Cepko, C. SARS-CoV-2 detection. Proc. Natl Acad. Sci. 109, "
         "2485–2490 (2012).", 19),
        ("Xie H, Zhao J. Long non-coding RNA AC245100.4 promotes prostate cancer tumorigenesis "
         "via the microRNA-145-5p/RBBP5 axis. Oncol Rep. 2020;45(2):619–29.", 9),
        ("Schuman M, Barthel K, Baldwin I (2012) Herbivory-induced volatiles function as "
         "defences increasing fitness of the native plant Nicotiana attenuata in nature. "
         "Elife 1:e00007", 7),
        ("Tse, L. V., Meganck, R. M. & Baric, R. S. The current and future state of vaccines. "
         "Front. Microbiol. 11, 658 (2020).", 17),
        # "China." may end the title or abbreviate a word of the journal: both are tried
        ("Huang C, Wang Y, Li X, et al. Clinical features of patients infected with 2019 novel "
         "coronavirus in Wuhan, China. Lancet. 2020;395(10223):497–506.", 18),
        ("Huang C, Wang Y, Li X et al (2020) Clinical features of patients infected with 2019 "
         "novel coronavirus in Wuhan, China. Lancet 395:497–506", 18),
    ],
)  # fmt: skip
def test_other_styles_match(index, text, pk):
    assert by_text(index, text) == pk


# --- JATS (eLife) references, stored with their fields ----------------------------------


def test_structured_elife_references(index):
    elife = CitedReference(source="eLife", year="2013", volume="2", elocation_id="e00365")
    assert index.match(elife) == Match(8, "metadata")
    assert index.match(
        CitedReference(source="eLife", year="2013", volume="2", first_page="e00365")
    ) == Match(8, "metadata")
    schuman = CitedReference(
        source="eLife",
        year="2012",
        volume="1",
        first_page="e00007",
        first_author="Schuman",
        article_title=ARTICLES[6].title,
    )
    assert index.match(schuman) == Match(7, "metadata")
    # eLife's own early references have no volume: the DOI must do it
    no_volume = CitedReference(source="eLife", year="2012", first_page="e00007")
    assert index.match(no_volume, use_ids=False) is None
    assert index.match(
        CitedReference(doi="10.7554/eLife.00007", source="eLife", year="2012", first_page="e00007")
    ) == Match(7, "doi")
    # another author is another work, though source, volume and page agree
    other = CitedReference(
        source="eLife", year="2012", volume="1", first_page="e00007", first_author="Kimmig"
    )
    assert index.match(other) is None


def test_a_structured_reference_with_only_text_is_read_from_the_text(index):
    ref = CitedReference(source="", year="2000", text="J Biol Chem. 2000 Jul 7;275(27):20588-96")
    assert index.match(ref) == Match(1, "metadata")


# --- journals ---------------------------------------------------------------------------


def test_journal_key():
    assert journal_key("The Journal of biological chemistry") == journal_key(
        "Journal of Biological Chemistry"
    )
    assert journal_key("J. Biol. Chem.") == journal_key("J Biol Chem") == "jbiolchem"
    assert journal_key("Genes & Development") == journal_key("Genes and development")
    assert journal_key("Revista Española de Cardiología") == journal_key(
        "Revista Espanola de Cardiologia"
    )
    assert journal_key("The Lancet") == journal_key("Lancet") == "lancet"
    assert journal_key("The") == "the"
    assert journal_key("1083-351X") == "1083351x"
    assert journal_key("") == journal_key("  .,; ") == ""


@pytest.mark.parametrize(
    "source",
    [
        "J Biol Chem",
        "J. Biol. Chem.",
        "Journal of Biological Chemistry",
        "The Journal of Biological Chemistry",
        "JOURNAL OF BIOLOGICAL CHEMISTRY",
        "0021-9258",
        "1083-351x",
    ],
)
def test_a_hosted_journal_answers_to_its_names_and_issns(index, source):
    ref = CitedReference(source=source, year="2000", volume="275", first_page="20588")
    assert index.match(ref) == Match(1, "metadata")


def test_names_without_place_subtitle_or_usa(index):
    for source, pk in [
        ("Psychopharmacology", 2),
        ("Journal of Neuroscience", 3),
        ("Lancet", 18),
        ("Proc Natl Acad Sci USA", 19),
        ("Proc Natl Acad Sci", 19),
        ("Advanced Materials", 21),
    ]:
        year, volume, page = {2: (2000, "152", "343"), 3: (2000, "20", "RC75"),
                              18: (2020, "395", "497"), 19: (2012, "109", "2485"),
                              21: (2017, "29", "1603730")}[pk]  # fmt: skip
        ref = CitedReference(source=source, year=str(year), volume=volume, first_page=page)
        assert index.match(ref) == Match(pk, "metadata"), source


# --- wrong matches it must not make ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mol Cell. 2006 Oct 6;127(1):199-211",
        "Mol. Cell 127, 199–211 (2006).",
        "Rothenfluh A. Distinct behavioral responses. Mol. Cell. 2006;127:199-211.",
        "Dev Cell. 2006;127(1):199-211",
        "Cancer Cell 2006;127:199-211",
        "Cell Rep. 2006;127:199-211",
        "J Cell Biol. 2006;127:199-211",
    ],
)
def test_the_same_first_page_in_another_journal_does_not_match(index, text):
    assert by_text(index, "Cell. 2006;127:199-211") == 6
    assert by_text(index, text) is None


def test_the_same_page_in_two_journals_goes_to_the_cited_one():
    molcell = HostedArticle(
        30, "10.1000/mc", "", ("Molecular cell", "Mol Cell"), (), 2006, "127", "199"
    )
    index = ReferenceIndex([*ARTICLES, molcell])
    assert by_text(index, "Cell. 2006 Oct 6;127(1):199-211") == 6
    assert by_text(index, "Mol Cell. 2006 Oct 6;127(1):199-211") == 30
    assert by_text(index, "Mol. Cell 127, 199–211 (2006).") == 30
    # After a sentence, "Cancer." may be a one-word title or part of the journal: the
    # journal reads "Cancer. Cell" or "Cell". With both hosted on that page: ambiguous.
    cancer_cell = HostedArticle(
        31, "10.1000/cc", "", ("Cancer cell", "Cancer Cell"), (), 2006, "127", "199"
    )
    index = ReferenceIndex([*ARTICLES, cancer_cell])
    assert (
        by_text(index, "Rothenfluh A. Ethanol responses in flies. Cancer. Cell. 2006;127:199-211.")
        is None
    )
    assert by_text(index, "Rothenfluh A. Ethanol responses in flies. Cell. 2006;127:199-211.") == 6
    assert (
        by_text(index, "Rothenfluh A. Ethanol responses in flies. Cancer Cell. 2006;127:199-211.")
        == 31
    )


def test_each_number_must_agree(index):
    assert by_text(index, "Cell. 2006;127:199-211") == 6
    assert by_text(index, "Cell. 2006;127:200-211") is None  # page
    assert by_text(index, "Cell. 2006;128:199-211") is None  # volume
    assert by_text(index, "Cell. 2008;127:199-211") is None  # year
    assert by_text(index, "Cell. 2006;(1):199-211") is None  # no volume
    assert by_text(index, "Cell. 127:199-211") is None  # no year
    assert by_text(index, "Cell. 2006;127(2):199-211") is None  # another issue


def test_a_year_apart_is_print_against_online(index):
    # Oncology Reports printed it in 2021; the citing authors used the online year.
    assert by_text(index, "Oncol Rep. 2020;45(2):619–29.") == 9
    assert by_text(index, "Oncol Rep. 2021;45(2):619–29.") == 9
    assert by_text(index, "Oncol Rep. 2022;45:619–29.") == 9
    assert by_text(index, "Oncol Rep. 2019;45:619–29.") is None


def test_e_pages_are_not_printed_pages(index):
    # British Journal of Dermatology 184 has an article on page 195 and another on e195.
    samimi = (
        "Samimi M, Becker J. There is still a place for tumour-targeted therapies in Merkel "
        "cell carcinoma in the era of immune checkpoint inhibitors. Br J Dermatol 2021; 184:195-7."
    )
    assert by_text(index, samimi) is None
    hugo = "Hugo J. Coexistence of palmoplantar pustulosis. Br J Dermatol 2021; 184:e195."
    assert by_text(index, hugo) == 12
    assert by_text(index, "Br J Dermatol. 2021;184(6):E195") == 12  # case


def test_two_articles_on_one_page_are_ambiguous_without_an_author(index):
    assert by_text(index, "BJU Int. 2020 Sep;126(3):312-313") is None
    letter = "Jayaraajan K, Anbarasan T, Gao C. Is there an app for that? BJU Int 2020; 126: 312-3"
    reply = "Gao C, Jayaraajan K. Reply to: Is there an app for that? BJU Int 2020; 126: 312-3"
    assert by_text(index, letter) == 14
    assert by_text(index, reply) == 15


def test_page_one_needs_the_author_or_title(index):
    # Experimental & Molecular Medicine starts every article on page 1.
    lee = (
        "Lee, K. H. et al. Cigarette smoke extract enhances neutrophil elastase-induced IL-8 "
        "production via proteinase-activated receptor-2 upregulation in human bronchial "
        "epithelial cells. Exp. Mol. Med. 50, 1–9 (2018)."
    )
    hwang = (
        "Hwang, B., Lee, J. H. & Bang, D. Single-cell RNA sequencing technologies and "
        "bioinformatics pipelines. Exp. Mol. Med. 50, 1–14 (2018)."
    )
    assert by_text(index, lee) == 16
    assert by_text(index, hwang) is None
    assert by_text(index, "Exp Mol Med. 2018 Jun 8;50(6):1-9") is None


def test_author_and_title_weigh_against_each_other(index):
    # The reference names "Kumar N" first; PubMed lists the same paper under "Raja Ram NK".
    kumar = (
        "Kumar N, Chan KK, Fareeda S, Sagap I. A prospective evaluation of the outcome of "
        "submucosal ligation of fistula tract. Colorectal Dis 2020; 22: 2199-203."
    )
    assert by_text(index, kumar) == 10
    other = (
        "Kumar N, Chan KK. Robotic surgery in older patients. Colorectal Dis 2020; 22: 2199-203."
    )
    assert by_text(index, other) is None
    # The citing authors garbled the title; author, journal, volume and page agree.
    vijayan = (
        "Vijayan, V., Khandelwal, M., Manglani, K., Gupta, S., & Surolia, A. (2014). "
        "Anti-resorptive effect of methionine. British Journal of Pharmacology, 171, 107-121."
    )
    assert by_text(index, vijayan) == 11
    untitled = "A different paper about something else entirely. Br J Pharmacol. 2014;171:107-21."
    assert by_text(index, untitled) is None


def test_names_compare_without_case_or_diacritics():
    index = ReferenceIndex(
        [
            hosted(1, ("Cellular microbiology", "Cell Microbiol"), 2021, "23", "e13264",
                   first_author="Paveljšek"),
            hosted(2, ("Der Nervenarzt", "Nervenarzt"), 2021, "92", "593", first_author="Müller"),
        ]
    )  # fmt: skip
    paveljsek = "PAVELJSEK D, Ivicak-Kocjan K. Probiotics. Cell Microbiol. 2021;23(1):e13264"
    assert by_text(index, paveljsek) == 1
    assert by_text(index, "Mueller A, Barlinn J. Telemedizin. Nervenarzt. 2021;92:593-601.") == 2
    assert by_text(index, "Muller A. Telemedizin. Nervenarzt. 2021;92:593-601.") == 2
    assert by_text(index, "Schmidt A. Telemedizin. Nervenarzt. 2021;92:593-601.") is None


def test_articles_without_volume_or_year_are_found_only_by_identifier():
    article = hosted(1, ("Journal of anesthesia", "J Anesth"), None, "",
                     doi="10.1007/s00540-020-02825-4", pmid="32803434")  # fmt: skip
    index = ReferenceIndex([article])
    assert len(index) == 1
    oda = "Oda Y. COVID-19: review of case reports. J Anesth. 2020"
    with_doi = CitedReference(text=f"{oda}. https://doi.org/10.1007/s00540-020-02825-4 .")
    assert index.match(with_doi) == Match(1, "doi")
    assert index.match(with_doi, use_ids=False) is None
    assert index.match(CitedReference(text=f"{oda};12:1–4."), use_ids=False) is None


# --- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "\U0001f600 \u202e\u0301\u0301 \ufeff",
        "2000;275:20588",
        ";:,.()[]" * 50,
        "1:1 " * 2500,
        "J Biol Chem. " * 800,
        "a" * 10_000,
        "Cell. 2006;127:199-211 " + "x" * 10_000,
        "(" * 5000 + "2006)" + ")" * 5000,
        "Nature " + "1, " * 3000 + "(2001)",
    ],
)
def test_hostile_text_gives_an_answer(index, text):
    assert index.match(CitedReference(text=text)) in (None, Match(6, "metadata"))
    assert index.match(CitedReference(text=text), use_ids=False) in (None, Match(6, "metadata"))
    assert parse_citation(text).text == text


def test_unicode_folds_to_ascii(index):
    assert by_text(index, "Ñàtürë. 2001;409:860") == 5
    assert by_text(index, "Nature\u00a0409, 860\u2013921 (2001)") == 5


def test_an_empty_reference_matches_nothing(index):
    assert index.match(CitedReference()) is None
    assert index.match(CitedReference(), use_ids=False) is None
    assert parse_citation("") == CitedReference()
    assert ReferenceIndex([]).match(CitedReference(text="Cell. 2006;127:199-211")) is None


def test_fields_a_caller_left_none_count_as_empty(index):
    ref = CitedReference(**dict.fromkeys(("doi", "pmid", "source", "year", "issue", "text")))
    assert index.match(ref) is None
    ref = CitedReference(doi=None, issue=None, text="Cell. 2006;127:199-211")  # type: ignore[arg-type]
    assert index.match(ref) == Match(6, "metadata")


def test_a_reference_read_in_its_first_2000_characters():
    long = "Cell. 2006;127:199-211 " + "x" * 10_000
    assert parse_citation(long).volume == "127"
    assert parse_citation("x" * 10_000 + " Cell. 2006;127:199-211").volume == ""
