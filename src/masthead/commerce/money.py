"""Money as integer minor units with an ISO 4217 currency."""

# Currencies whose minor unit is not the cent (ISO 4217 exponent).
_EXPONENT = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3}


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency.upper(), 2)


def format_money(amount_minor: int, currency: str) -> str:
    """'USD 53.00', the way publisher sites print a price."""
    digits = exponent(currency)
    if digits == 0:
        return f"{currency} {amount_minor:,}"
    major, minor = divmod(amount_minor, 10**digits)
    return f"{currency} {major:,}.{minor:0{digits}d}"
