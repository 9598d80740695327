"""Tax on a sale of e-publications: the place of supply, the rate in force, what to print.

Pure Python. The rate table comes in as `Rate` rows (tax_rates.py reads them from the
database); VAT ids are checked offline by vat_number.py.

EU rules (One-Stop Shop): a consumer is taxed where they live, shown by two pieces of
evidence that agree (billing country, IP country); a business in another member state
accounts for the VAT itself (reverse charge). A zero rate prints its table name alone
("Zero-rated (UK e-publications)"); other rates print "VAT 19% (DE)".
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pycountry

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
REVERSE_CHARGE_NOTE = (
    "Reverse charge: VAT to be accounted for by the recipient "
    "(Article 196, Council Directive 2006/112/EC)."
)


@dataclass(frozen=True)
class Rate:
    country: str
    category: str
    rate_bp: int
    valid_from: date
    valid_to: date | None = None
    name: str = "VAT"


@dataclass(frozen=True)
class Evidence:
    billing_country: str
    ip_country: str = ""
    vat_id: str = ""  # as typed by the buyer


@dataclass(frozen=True)
class SellerTerms:
    country: str
    strategy: str = "eu_vat"


@dataclass(frozen=True)
class TaxQuote:
    country: str  # place of supply
    rate_bp: int
    label: str
    reverse_charge: bool
    evidence: dict = field(default_factory=dict)
    note: str = ""

    def tax_on(self, net_minor: int) -> int:
        """Tax in minor units, rounded half up (away from zero for a negative net)."""
        sign = -1 if net_minor < 0 else 1
        return sign * ((abs(net_minor) * self.rate_bp + 5000) // 10000)


class TaxError(ValueError):
    """The buyer must fix something; the message says what."""


class EvidenceConflict(TaxError):
    pass


class InvalidVatId(TaxError):
    pass


def select_rate(rates: Iterable[Rate], country: str, category: str, day: date) -> Rate | None:
    """The row in force on `day`; if periods overlap, the one that started last."""
    in_force = [
        r
        for r in rates
        if r.country == country.upper()
        and r.category == category
        and r.valid_from <= day
        and (r.valid_to is None or day <= r.valid_to)
    ]
    return max(in_force, key=lambda r: r.valid_from, default=None)


def percent(rate_bp: int) -> str:
    """1900 → "19", 550 → "5.5", 210 → "2.1"."""
    whole, hundredths = divmod(rate_bp, 100)
    return f"{whole}.{hundredths:02d}".rstrip("0") if hundredths else str(whole)


def label_for(rate: Rate, country: str) -> str:
    if rate.rate_bp == 0:
        return rate.name
    return f"{rate.name} {percent(rate.rate_bp)}% ({country})"


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if _is_code(code) else None
    return getattr(country, "common_name", None) or getattr(country, "name", code)


def quote(
    seller: SellerTerms,
    evidence: Evidence,
    day: date,
    rates: Iterable[Rate],
    category: str = "e-publication",
) -> TaxQuote:
    """Raises TaxError (EvidenceConflict, InvalidVatId) with a message for the buyer."""
    billing = evidence.billing_country.strip().upper()
    if seller.strategy == "none":
        kept = {"billing_country": billing, "rule": "seller charges no tax"}
        return TaxQuote(billing, 0, "No tax", False, kept)
    if seller.strategy != "eu_vat":
        raise ValueError(f"Unknown tax strategy {seller.strategy!r}")
    if not _is_country(billing):
        if not billing:
            raise TaxError("Choose your billing country.")
        raise TaxError(f"“{billing}” is not a country we know: choose your billing country.")
    ip = evidence.ip_country.strip().upper()
    ip = ip if _is_country(ip) else ""
    kept = {"billing_country": billing, "ip_country": ip, "vat_id": "", "vat_country": ""}

    if evidence.vat_id.strip():
        from masthead.commerce.vat_number import check_vat_id  # it raises our InvalidVatId

        vat_country, vat_id = check_vat_id(evidence.vat_id)
        # A business's staff travel: the VAT id, not billing or IP, says where it belongs.
        kept.update(vat_id=vat_id, vat_country=vat_country, basis="customer's VAT id")
        if vat_country in EU_COUNTRIES and vat_country != seller.country.upper():
            kept.update(place_of_supply=vat_country, rule="reverse charge")
            return TaxQuote(vat_country, 0, "Reverse charge", True, kept, REVERSE_CHARGE_NOTE)
        return _from_table(vat_country, rates, category, day, kept)

    if ip and ip != billing:
        raise EvidenceConflict(
            f"Your billing country ({country_name(billing)}) and the country your connection "
            f"comes from ({country_name(ip)}) differ; choose the country where you live, "
            "or give your VAT number if you buy for a business."
        )
    if ip:
        kept["basis"] = "billing and IP country agree"
    else:
        kept["basis"] = "billing country only"
        kept["note"] = "IP country unknown: one piece of evidence (the billing country)"
    return _from_table(billing, rates, category, day, kept)


def _from_table(
    country: str, rates: Iterable[Rate], category: str, day: date, kept: dict
) -> TaxQuote:
    rate = select_rate(rates, country, category, day)
    kept = {**kept, "place_of_supply": country}
    if rate is None and country in EU_COUNTRIES:  # a gap in the table must not sell VAT-free
        raise TaxError(
            f"No VAT rate for {country_name(country)} is on record, so we cannot sell there "
            "yet; please contact the publisher."
        )
    if rate is None:
        return TaxQuote(country, 0, "No tax", False, {**kept, "rule": "no rate for country"})
    kept.update(rule="rate table", rate_valid_from=rate.valid_from.isoformat())
    return TaxQuote(country, rate.rate_bp, label_for(rate, country), False, kept)


def _is_code(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha()


def _is_country(code: str) -> bool:
    return _is_code(code) and pycountry.countries.get(alpha_2=code) is not None
