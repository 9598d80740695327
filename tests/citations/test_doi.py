"""DOIs in their compared form, and the first DOI of a printed reference."""

import pytest

from masthead.citations.doi import find_doi, normalize_doi


@pytest.mark.parametrize(
    "text",
    [
        "10.1000/xyz123",
        "  10.1000/XYZ123\n",
        "https://doi.org/10.1000/xyz123",
        "HTTPS://DOI.ORG/10.1000/xyz123",
        "https://www.doi.org/10.1000/xyz123",
        "http://dx.doi.org/10.1000/xyz123",
        "https://dx.doi.org/10.1000/xyz123",
        "doi.org/10.1000/xyz123",
        "doi:10.1000/xyz123",
        "doi: 10.1000/xyz123",
        "DOI:10.1000/xyz123",
        "DOI 10.1000/xyz123",
        "doi: https://doi.org/10.1000/xyz123",
        "https://doi.org/10.1000%2Fxyz123",
        "10.1000/xyz123.",
        "10.1000/xyz123,",
        "10.1000/xyz123;",
        "10.1000/xyz123:",
        "10.1000/xyz123).",
        "10.1000/xyz123]",
    ],
)
def test_every_written_form_gives_one_compared_form(text):
    assert normalize_doi(text) == "10.1000/xyz123"


def test_brackets_that_belong_to_the_doi_stay():
    assert normalize_doi("10.1016/S0140-6736(20)32656-8") == "10.1016/s0140-6736(20)32656-8"
    assert normalize_doi("(10.1016/S0140-6736(20)32656-8)") == ""  # an opening bracket first
    assert normalize_doi("10.1016/S0140-6736(20)32656-8).") == "10.1016/s0140-6736(20)32656-8"
    sici = "10.1002/(SICI)1097-4636(199901)44:1<1::AID-JBM1>3.0.CO;2-Q"
    assert normalize_doi(sici) == sici.lower()
    assert normalize_doi("10.1000/a[1]") == "10.1000/a[1]"
    assert normalize_doi("10.1000/a[1]]") == "10.1000/a[1]"


def test_only_ascii_letters_are_folded():
    # The DOI handbook: case-insensitive for ASCII letters only.
    assert normalize_doi("10.1000/ÄBC") == "10.1000/Äbc"
    assert normalize_doi("10.7554/eLife.00365") == normalize_doi("10.7554/ELIFE.00365")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not a doi",
        "10.1000",
        "10.1000/",
        "10.1000/.",
        "doi:",
        "https://doi.org/",
        "11.1000/xyz",
        "10.abc/xyz",
        "10./xyz",
        "10.1000/with space",
        "urn:isbn:0451450523",
        "PMID: 10781614",
    ],
)
def test_text_without_a_doi_gives_empty(text):
    assert normalize_doi(text) == ""


def test_find_doi_in_printed_references():
    assert find_doi("Smith J. A title. Nature. 2019. doi:10.1000/xyz123.") == "10.1000/xyz123"
    assert (
        find_doi(
            "Huang C, Wang Y, Li X, et al. 6-month consequences of COVID-19 in patients "
            "discharged from hospital: a cohort study. Lancet. 2021. "
            "https://doi.org/10.1016/S0140-6736(20)32656-8 (Epub ahead of print. PMID: 33428867)."
        )
        == "10.1016/s0140-6736(20)32656-8"
    )
    assert (
        find_doi(
            "Stössel S, Neu MA, et al. Physical activity behaviour in children. Sport Sci "
            "Health. 2020;16(2):347–53. https://doi.org/10.1007/s11332-019-00612-7 ."
        )
        == "10.1007/s11332-019-00612-7"
    )
    # A publisher's own URL, and a mistyped resolver ("https://10.1002/...")
    assert (
        find_doi("Colorectal Dis 2020; 22: 2199-203. https://onlinelibrary.wiley.com/doi/abs/10.1111/codi.15305")
        == "10.1111/codi.15305"
    )  # fmt: skip
    assert find_doi("Angew. Chem. 2021, 60, https://10.1002/anie.202100231;") == (
        "10.1002/anie.202100231"
    )
    assert find_doi("https://doi.org/10.1000%2Fxyz123") == "10.1000/xyz123"


def test_find_doi_takes_the_first_and_needs_a_registrant_code():
    assert find_doi("doi:10.1000/first and doi:10.1000/second") == "10.1000/first"
    assert find_doi("J Biol Chem. 2000 Jul 7;275(27):20588-96") == ""
    assert find_doi("Table 10.1/2 and page 110.1000/x") == ""  # no DOI starts inside a number
    assert find_doi("") == ""


def test_hostile_text():
    assert find_doi("10." * 5000) == ""
    assert find_doi("x" * 10_000 + " doi:10.1000/end") == "10.1000/end"
    assert normalize_doi("10.1000/" + "a" * 10_000) == "10.1000/" + "a" * 10_000
    assert (
        find_doi("\u202e\u0000\U0001f600 10.1000/\u00e9t\u00e9 \u200b") == "10.1000/\u00e9t\u00e9"
    )
    assert normalize_doi("\ufeff10.1000/x\u200b") == "10.1000/x"
