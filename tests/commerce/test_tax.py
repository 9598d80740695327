"""What a buyer pays and an accountant files: place of supply, rate, label, evidence kept."""

import json
from datetime import date

import pytest

from masthead.commerce.tax import (
    REVERSE_CHARGE_NOTE,
    Evidence,
    EvidenceConflict,
    InvalidVatId,
    Rate,
    SellerTerms,
    TaxError,
    quote,
    select_rate,
)

DAY = date(2026, 3, 2)
EPUB = "e-publication"
ZERO_UK = "Zero-rated (UK e-publications)"
RATES = [
    Rate("DE", EPUB, 700, date(2019, 12, 18), date(2020, 6, 30)),
    Rate("DE", EPUB, 500, date(2020, 7, 1), date(2020, 12, 31)),
    Rate("DE", EPUB, 700, date(2021, 1, 1)),
    Rate("FR", EPUB, 550, date(2013, 1, 1)),
    Rate("AT", EPUB, 1000, date(2020, 1, 1)),
    Rate("GR", EPUB, 600, date(2021, 7, 1)),
    Rate("CH", EPUB, 260, date(2024, 1, 1)),
    Rate("GB", EPUB, 0, date(2020, 5, 1), name=ZERO_UK),
]
GERMAN_SELLER = SellerTerms("DE")
VALID_FR = "FR40303265045"
VALID_DE = "DE136695976"


def consumer(billing, ip=None, vat_id="", seller=GERMAN_SELLER, day=DAY, rates=RATES):
    evidence = Evidence(billing, billing if ip is None else ip, vat_id)
    return quote(seller, evidence, day, rates)


def test_german_consumer_pays_seven_percent():
    q = consumer("DE")
    assert (q.country, q.rate_bp, q.label, q.reverse_charge) == ("DE", 700, "VAT 7% (DE)", False)
    assert q.tax_on(5300) == 371
    assert q.evidence["basis"] == "billing and IP country agree"


def test_french_consumer_pays_five_and_a_half_percent_rounded_half_up():
    q = consumer("FR")
    assert (q.rate_bp, q.label) == (550, "VAT 5.5% (FR)")
    assert q.tax_on(1010) == 56  # 55.55
    assert q.tax_on(100) == 6  # 5.5 exactly: half goes up
    assert q.tax_on(1000) == 55
    assert q.tax_on(0) == 0


@pytest.mark.parametrize(("country", "label"), [("AT", "VAT 10% (AT)"), ("CH", "VAT 2.6% (CH)")])
def test_label_prints_the_percentage_as_people_write_it(country, label):
    assert consumer(country).label == label


@pytest.mark.parametrize("seller", ["DE", "GB"])
def test_french_business_reverse_charges(seller):
    q = consumer("FR", ip="DE", vat_id="fr 40 303 265 045", seller=SellerTerms(seller))
    assert (q.country, q.rate_bp, q.label, q.reverse_charge) == ("FR", 0, "Reverse charge", True)
    assert q.note == REVERSE_CHARGE_NOTE
    assert "Article 196, Council Directive 2006/112/EC" in q.note
    assert q.tax_on(5300) == 0
    # Billing and IP differ, but a business's staff travel: no conflict, both kept.
    assert q.evidence["vat_id"] == VALID_FR
    assert q.evidence["vat_country"] == "FR"
    assert (q.evidence["billing_country"], q.evidence["ip_country"]) == ("FR", "DE")
    assert q.evidence["rule"] == "reverse charge"


def test_business_in_the_sellers_own_country_pays_domestic_vat():
    q = consumer("DE", ip="US", vat_id="DE 136.695.976")
    assert (q.country, q.rate_bp, q.label, q.reverse_charge) == ("DE", 700, "VAT 7% (DE)", False)
    assert q.note == ""
    assert q.evidence["vat_id"] == VALID_DE


def test_greek_vat_id_means_greece():
    q = consumer("GR", vat_id="EL094259216", seller=SellerTerms("GR"))
    assert (q.country, q.rate_bp, q.label) == ("GR", 600, "VAT 6% (GR)")
    assert q.evidence["vat_country"] == "GR"


def test_invalid_vat_id_is_refused_with_a_clear_message():
    with pytest.raises(InvalidVatId) as refused:
        consumer("DE", vat_id="DE136695978")
    assert str(refused.value) == "DE136695978 is not a valid VAT number: check the digits."


def test_billing_and_ip_in_different_countries_conflict():
    with pytest.raises(EvidenceConflict) as conflict:
        consumer("DE", ip="FR")
    message = str(conflict.value)
    assert "Your billing country (Germany)" in message
    assert "the country your connection comes from (France)" in message
    assert "VAT number" in message


def test_unknown_ip_country_accepts_the_billing_country_and_says_so():
    q = consumer("fr", ip="")
    assert (q.country, q.rate_bp) == ("FR", 550)
    assert q.evidence["ip_country"] == ""
    assert q.evidence["basis"] == "billing country only"
    assert "one piece of evidence" in q.evidence["note"]
    json.dumps(q.evidence)  # stored on the order as JSON


def test_uk_consumer_is_zero_rated_by_the_table():
    q = consumer("GB")
    assert (q.country, q.rate_bp, q.label, q.reverse_charge) == ("GB", 0, ZERO_UK, False)
    assert q.evidence["rule"] == "rate table"
    without_gb_row = [r for r in RATES if r.country != "GB"]
    assert consumer("GB", rates=without_gb_row).label == "No tax"


def test_uk_business_is_zero_rated_not_reverse_charged():
    q = consumer("GB", vat_id="GB980780684")
    assert (q.country, q.rate_bp, q.label, q.reverse_charge) == ("GB", 0, ZERO_UK, False)
    assert q.evidence["vat_id"] == "GB980780684"


@pytest.mark.parametrize(
    ("day", "rate_bp"),
    [
        (date(2020, 6, 30), 700),
        (date(2020, 7, 1), 500),
        (date(2020, 12, 31), 500),
        (date(2021, 1, 1), 700),
    ],
)
def test_the_rate_in_force_on_the_day_applies(day, rate_bp):
    assert consumer("DE", day=day).rate_bp == rate_bp
    assert select_rate(RATES, "de", EPUB, day).rate_bp == rate_bp


def test_no_rate_before_the_first_row_or_for_another_category():
    assert select_rate(RATES, "DE", EPUB, date(2019, 12, 17)) is None
    assert select_rate(RATES, "DE", "audiobook", DAY) is None


def test_country_without_a_rate_pays_no_tax():
    q = consumer("US")
    assert (q.country, q.rate_bp, q.label, q.reverse_charge) == ("US", 0, "No tax", False)
    assert q.evidence["rule"] == "no rate for country"


def test_seller_without_tax_registration_charges_nothing():
    seller = SellerTerms("DE", strategy="none")
    q = consumer("de", ip="FR", vat_id="not a number", seller=seller)
    assert (q.rate_bp, q.label, q.reverse_charge) == (0, "No tax", False)
    assert q.evidence == {"billing_country": "DE", "rule": "seller charges no tax"}


@pytest.mark.parametrize("billing", ["", "XX", "UK", "Germany"])
def test_billing_country_must_be_a_country(billing):
    with pytest.raises(TaxError, match="billing country"):
        consumer(billing, ip="")


def test_an_eu_country_missing_from_the_table_is_refused_not_sold_vat_free():
    without_germany = [r for r in RATES if r.country != "DE"]
    with pytest.raises(TaxError, match="No VAT rate for Germany"):
        consumer("DE", rates=without_germany)
