"""A cart priced for one buyer: the place of supply, the tax on each line, the totals.

Tax is computed per line on its net price (integer minor units) by the seller's tax
strategy (tax.py) over the rate table; the order freezes exactly what this shows.
"""

from dataclasses import dataclass
from datetime import date

from masthead.commerce import tax
from masthead.commerce.cart import CartLine
from masthead.commerce.models import Seller
from masthead.commerce.money import format_money
from masthead.commerce.tax_rates import rates_for
from masthead.commerce.vat_number import check_vat_id


class NotForSale(ValueError):
    """The publisher has no seller details yet, so nothing of theirs can be invoiced."""


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    tax_minor: int

    @property
    def total_minor(self) -> int:
        return self.line.net_minor + self.tax_minor


@dataclass(frozen=True)
class PricedCart:
    lines: tuple[PricedLine, ...]
    quote: tax.TaxQuote
    currency: str

    @property
    def subtotal_minor(self) -> int:
        return sum(p.line.net_minor for p in self.lines)

    @property
    def tax_minor(self) -> int:
        return sum(p.tax_minor for p in self.lines)

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor + self.tax_minor

    @property
    def subtotal(self) -> str:
        return format_money(self.subtotal_minor, self.currency)

    @property
    def tax(self) -> str:
        return format_money(self.tax_minor, self.currency)

    @property
    def total(self) -> str:
        return format_money(self.total_minor, self.currency)


def seller_for(lines: list[CartLine]) -> Seller:
    publisher_id = lines[0].publisher_id
    seller = Seller.objects.filter(publisher_id=publisher_id).first()
    if seller is None:
        raise NotForSale("This publisher does not sell online yet.")
    return seller


def price(lines: list[CartLine], seller: Seller, evidence: tax.Evidence, day: date) -> PricedCart:
    """Raises tax.TaxError (a conflict of evidence, an invalid VAT id) for the buyer to fix."""
    terms = tax.SellerTerms(country=seller.country, strategy=seller.tax_strategy)
    countries = {seller.country, evidence.billing_country.upper()}
    if evidence.vat_id.strip():
        try:
            countries.add(check_vat_id(evidence.vat_id)[0])
        except tax.InvalidVatId:
            pass  # quote() says so, with the reason
    rates = [rate for country in sorted(countries) if country for rate in rates_for(country, day)]
    quote = tax.quote(terms, evidence, day, rates)
    priced = tuple(PricedLine(line, quote.tax_on(line.net_minor)) for line in lines)
    return PricedCart(lines=priced, quote=quote, currency=lines[0].currency)
