"""VAT ids as buyers type them, checked offline (format and check digits)."""

import pytest

from masthead.commerce.tax import InvalidVatId
from masthead.commerce.vat_number import check_vat_id


# Published numbers that pass python-stdnum's checks (its documentation's examples,
# and well-known companies' registrations).
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("DE136695976", ("DE", "DE136695976")),
        ("de 136.695.976", ("DE", "DE136695976")),
        ("FR 40 303 265 045", ("FR", "FR40303265045")),
        ("NL004495445B01", ("NL", "NL004495445B01")),
        ("ATU13585627", ("AT", "ATU13585627")),
        ("BE 0403.019.261", ("BE", "BE0403019261")),
        ("IE6433435F", ("IE", "IE6433435F")),
        ("IT00743110157", ("IT", "IT00743110157")),
        ("ES-A78304516", ("ES", "ESA78304516")),
        ("EL094259216", ("GR", "EL094259216")),
        ("GR094259216", ("GR", "EL094259216")),
        ("GB980780684", ("GB", "GB980780684")),
        ("gb 980 7806 84", ("GB", "GB980780684")),
        ("XI980780684", ("GB", "XI980780684")),
    ],
)
def test_valid_numbers(typed, expected):
    assert check_vat_id(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("DE136695978", "DE136695978 is not a valid VAT number: check the digits."),
        ("de 123", "DE123 is not a valid VAT number: check the digits."),
        ("GB980780685", "GB980780685 is not a valid VAT number: check the digits."),
        ("136695976", "136695976 has no country code"),
        ("CHE-116.281.710", "CHE116281710 is not an EU or UK VAT number"),
        ("EU372022452", "EU372022452 is not an EU or UK VAT number"),  # an OSS registration
        ("  ", "Enter your VAT number"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(typed, message):
    with pytest.raises(InvalidVatId) as refused:
        check_vat_id(typed)
    assert str(refused.value).startswith(message)
