"""A buyer's VAT id, checked offline with python-stdnum.

The check is format and check digits only: VIES, the EU's register of VAT ids, is not
reachable from here, so a number that passes may still be unregistered. It catches typing
mistakes, which is what a buyer needs to hear about at checkout.
"""

from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.util import clean

from masthead.commerce.tax import EU_COUNTRIES, InvalidVatId

# VAT ids write Greece as EL; traders in Northern Ireland use XI, and for services they
# are inside UK VAT, so both GB and XI ids mean the United Kingdom.
_EU_PREFIXES = {"EL" if code == "GR" else code: code for code in EU_COUNTRIES}
_UK_PREFIXES = ("GB", "XI")


def check_vat_id(text: str) -> tuple[str, str]:
    """(ISO country, compact id with its prefix), e.g. ("DE", "DE136695976")."""
    number = clean(text, " -./,:").upper()
    if number.startswith("GR"):  # Greece's ISO code, as buyers sometimes type it
        number = "EL" + number[2:]
    prefix = number[:2]
    if not number:
        raise InvalidVatId("Enter your VAT number, or leave the field empty.")
    if prefix in _UK_PREFIXES:
        if gb_vat.is_valid(number):
            return "GB", prefix + gb_vat.compact(number)
    elif prefix in _EU_PREFIXES:
        if eu_vat.is_valid(number):
            return _EU_PREFIXES[prefix], eu_vat.compact(number)
    elif not prefix.isalpha():
        raise InvalidVatId(
            f"{number} has no country code: write your VAT number with the code of its "
            "country first, e.g. DE136695976."
        )
    else:
        raise InvalidVatId(
            f"{number} is not an EU or UK VAT number: leave the field empty if your "
            "business is registered elsewhere."
        )
    raise InvalidVatId(f"{number} is not a valid VAT number: check the digits.")
