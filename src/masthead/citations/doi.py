"""DOIs in their compared form, and the first DOI in a printed reference. Pure Python.

A DOI is compared in one form everywhere (the importer, reference matching, cited-by):
no resolver prefix, URL-decoded, no trailing punctuation, ASCII lower case (the DOI
handbook makes DOIs case-insensitive for ASCII letters only). Text that holds no DOI
gives "" rather than an error, so callers can write ``normalize_doi(x) or ...``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["clean_doi", "find_doi", "normalize_doi"]

# Resolver and label prefixes, any case: https://doi.org/, http://dx.doi.org/,
# https://www.doi.org/, doi.org/, doi:, "DOI ", info:doi/, urn:doi:.
_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:www\.|dx\.)?doi\.org/|doi\s*:\s*|doi\s+|info:doi/|urn:doi:)",
    re.IGNORECASE,
)
_VALID = re.compile(r"10\.\d+(?:\.\d+)*/\S+")
# In free text: a registrant code of 4 to 9 digits ("10.1000"), then "/" (or %2F in a URL),
# up to whitespace or a character that cannot end a DOI in running text.
_IN_TEXT = re.compile(r"(?<![\w.])10\.\d{4,9}(?:\.\d+)*(?:/|%2[Ff])[^\s\"<>{}|\\^`]+")
_TRAILING = ".,;:"
_PARTNERS = {")": "(", "]": "["}
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"  # a byte order mark, zero-width spaces
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def clean_doi(text: str) -> str:
    """The DOI in ``text`` as registered (its case kept), or "" if it holds none: no
    resolver or label prefix, URL-decoded, no trailing punctuation. Deposits send this form.

    >>> clean_doi("https://doi.org/10.1000/ABC%2Fdef).")
    '10.1000/ABC/def'
    """
    value = (text or "").strip().strip(_INVISIBLE).strip()
    for _ in range(3):  # "doi: https://doi.org/10..." has two prefixes
        stripped = _PREFIX.sub("", value, count=1).strip()
        if stripped == value:
            break
        value = stripped
    if "%" in value:
        value = unquote(value).strip()
    value = _strip_trailing(value.strip(_INVISIBLE))
    return value if _VALID.fullmatch(value) else ""


def normalize_doi(text: str) -> str:
    """The compared form of the DOI in ``text`` ("10.1000/xyz"), or "" if it holds none.

    >>> normalize_doi("https://doi.org/10.1000/ABC%2Fdef).")
    '10.1000/abc/def'
    """
    return clean_doi(text).translate(_ASCII_LOWER)


def find_doi(text: str) -> str:
    """The first DOI in a printed reference ("... 2019. doi:10.1000/xyz123."), normalised.

    Finds bare DOIs and DOIs inside doi.org URLs (also URL-encoded ones); "" if none.
    """
    if not text or "10." not in text:
        return ""
    for found in _IN_TEXT.finditer(text):
        doi = normalize_doi(found.group())
        if doi:
            return doi
    return ""


def _strip_trailing(value: str) -> str:
    """Drop trailing ``.,;:`` and a closing bracket whose opening partner is not in the DOI."""
    while value:
        last = value[-1]
        if last in _TRAILING:
            value = value[:-1]
        elif last in _PARTNERS and value.count(_PARTNERS[last]) < value.count(last):
            value = value[:-1]
        else:
            break
    return value.rstrip()
