"""The checkout form: who buys, where they live (the place of supply), a VAT id if any."""

from functools import cache

import pycountry
from django import forms


@cache
def country_choices() -> list[tuple[str, str]]:
    countries = sorted(pycountry.countries, key=lambda c: getattr(c, "common_name", c.name))
    return [("", "Choose your country")] + [
        (c.alpha_2, getattr(c, "common_name", c.name)) for c in countries
    ]


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", help_text="Your receipt goes here; the purchase is kept in your account."
    )
    name = forms.CharField(label="Name on the invoice", max_length=255, required=False)
    country = forms.ChoiceField(label="Billing country", choices=country_choices)
    vat_id = forms.CharField(
        label="VAT number (businesses in the EU)", max_length=32, required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
