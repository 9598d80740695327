"""Which hosted article does a reference cite? By DOI, PMID, or journal + year + volume + page.

Pure Python (no Django): the "Cited by" job builds one `ReferenceIndex` of every hosted
article and then asks `match` for every reference of every hosted article. Each rule
prefers no match to a wrong one:

1. Identifiers (``use_ids``): the DOI (the field, else the first DOI printed in the text)
   decides alone. A DOI we host is a match ("doi"); any other DOI names some other work,
   so the answer is None and metadata is not tried. Without a DOI, the PMID decides the
   same way ("pmid").
2. Metadata ("metadata"), when the reference has no identifier or ``use_ids`` is False.
   Journal, year, volume and first page (or e-location id) must all be known and agree:
   - journal: `journal_key` of the cited journal against every name a hosted journal
     answers to: title, title without a trailing place or year in brackets, without a
     MEDLINE subtitle (" : official journal of ...") or parallel title (" = ..."),
     abbreviation (ISO or MEDLINE: "J Biol Chem" = "J. Biol. Chem."), and ISSNs;
   - volume: compared without "Vol." and spaces; an empty volume matches nothing, so an
     ahead-of-print citation ("J Anesth. 2020. doi:...") is left to its DOI;
   - first page: the start of the range, case-folded, letters kept: "e195" is not "195"
     (British Journal of Dermatology 184 has an article on page 195 and another on e195),
     "S12" is not "12";
   - year: at most one apart (online in one year, in print the next: cited either way);
     the volume and page already pin the article down.
   Then each candidate is weighed (`_evidence`): issues that are both plain numbers and
   differ, a different first author (unless the titles agree closely) or titles sharing
   at most a third of their words (unless the first author agrees) drop it. Page 1 needs
   more: the author or the title must agree, because in journals paginated per article
   (and online-first ones) every article starts on page 1. One candidate left is the
   match; none or several (a letter and its reply on one page) is None.
3. A reference stored without structured fields is read from its printed text
   (`parse_citation`): NLM/Vancouver and PubMed ("J Biol Chem. 2000 Jul 7;275(27):
   20588-96"), Harvard ("(2001) Title. Journal 12(3):34-56"), APA ("Journal, 12(3),
   34-56"), Nature ("Journal 12, 34-56 (2001)"), chemistry ("Journal 2001, 12, 34").
   The journal is the run of words before the numbers, back to the end of the title or
   author list. An abbreviated word ("Mol.", "J.", "U.S.A.") never ends that run, so
   "Mol. Cell" is not read as "Cell"; a capitalised word with a full stop that may end a
   title or abbreviate ("China.", "Front.") gives two readings, and a match through
   either counts (two different articles through the two is ambiguous: None).

The index is dicts keyed by what is compared ((journal, volume, page), DOI, PMID), so a
reference costs a few regular expressions and dict lookups, however many articles there
are; most references stop at the first lookup of (volume, page).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .citation_text import (
    MAX_TEXT,
    PARTICLES,
    CitedReference,
    clean_text,
    locate,
    parse_citation,
    read,
    year_of,
)
from .doi import find_doi, normalize_doi

__all__ = [
    "CitedReference",
    "HostedArticle",
    "Match",
    "ReferenceIndex",
    "journal_key",
    "parse_citation",
]


@dataclass(frozen=True)
class HostedArticle:
    """One article hosted here, as the matcher compares it."""

    pk: int
    doi: str
    pmid: str = ""
    journal_names: tuple[str, ...] = ()  # title, abbreviation (ISO / MEDLINE)
    issns: tuple[str, ...] = ()
    year: int | None = None
    volume: str = ""
    first_page: str = ""
    elocation_id: str = ""
    title: str = ""
    first_author: str = ""  # surname
    issue: str = ""


@dataclass(frozen=True)
class Match:
    article_pk: int
    method: str  # "doi", "pmid" or "metadata"


# --- comparing names, volumes, pages -------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})
_NOT_ALNUM = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    """Lower case without diacritics: "Gómez-Łukasz" -> "gomez-lukasz"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)


def journal_key(name: str) -> str:
    """The compared form of a journal name: "The Journal of Biological Chemistry" ->
    "journalofbiologicalchemistry", "J. Biol. Chem." -> "jbiolchem", "1083-351X" -> "1083351x".

    Case, diacritics, punctuation and spaces go, "&" reads "and", a leading "The" goes.
    """
    words = _NOT_ALNUM.sub(" ", _fold(name).replace("&", " and ")).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return "".join(words)


_TRAILING_PLACE = re.compile(r"\s*\([^()]*\)\s*$")  # "Aging (Albany NY)", "(1982)"
_TRAILING_USA = re.compile(r"\s+U\.?\s?S\.?\s?A\.?$")  # "Proc Natl Acad Sci U S A"


def _journal_keys(names: Iterable[str], issns: Iterable[str]) -> set[str]:
    """Every key a hosted journal answers to: each name, without its trailing place or
    year in brackets, without a MEDLINE subtitle (" : the official journal of ...") or
    parallel title (" = Biomedecine & ..."), and its ISSNs."""
    keys = set()
    for name in names:
        variants = {name, _TRAILING_PLACE.sub("", name)}
        for variant in list(variants):
            for separator in (" = ", " : "):
                variants.update(part for part in variant.split(separator))
        for variant in list(variants):
            variants.add(_TRAILING_USA.sub("", _TRAILING_PLACE.sub("", variant)))
        keys.update(journal_key(variant) for variant in variants)
    keys.update(journal_key(issn) for issn in issns)
    keys.discard("")
    return keys


_VOLUME_PREFIX = re.compile(r"^\s*vol(?:ume)?\b\.?", re.IGNORECASE)


def _volume_key(volume: str) -> str:
    if not volume:
        return ""
    return _NOT_ALNUM.sub("", _fold(_VOLUME_PREFIX.sub("", volume)))


_FIRST_PAGE = re.compile(r"(?:pp?\.\s*)?([^\W_]+)")


def _page_key(page: str) -> str:
    """ "1655-63" -> "1655", "E13264" -> "e13264", "RC75" -> "rc75", "pp. 12-14" -> "12"."""
    found = _FIRST_PAGE.search(_fold(page)) if page else None
    if not found:
        return ""
    return found.group(1)


def _pmid(value: str) -> str:
    digits = re.sub(r"^\s*pmid\s*:?\s*", "", value or "", flags=re.IGNORECASE).strip()
    return digits.lstrip("0") if digits.isdigit() else ""


# --- weighing a candidate: author, title, issue ------------------------------------------

_STOPWORDS = {
    "the", "and", "for", "with", "from", "into", "its", "their", "between", "among", "after",
    "during", "via", "using", "are", "was", "were", "not", "but", "who", "what", "how", "why",
    "does", "can", "this", "that", "than", "over", "under", "within", "without", "through",
}  # fmt: skip


def _name_tokens(name: str) -> set[str]:
    tokens = set()
    for token in re.split(r"[\W_]+", _fold(name)):
        if len(token) > 1 and token not in PARTICLES:
            tokens.add(token)
    # "Müller" is also cited as "Mueller"
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        if umlaut in name.lower():
            tokens.update(_name_tokens(name.lower().replace(umlaut, spelled)))
    return tokens


def _title_words(title: str) -> set[str]:
    return {w for w in re.split(r"[\W_]+", _fold(title)) if len(w) > 2 and w not in _STOPWORDS}


_AGREE, _UNKNOWN, _DISAGREE = 1, 0, -1


def _evidence(ref: CitedReference, article: HostedArticle) -> int:
    """Do the first author, title and issue say ``ref`` names ``article``?

    Disagree on a clear sign of another work: issues that are both numbers and share
    none; a different first author, unless the titles agree closely (names are
    transliterated and reordered: "Raja Ram NK" is cited as "Kumar N"); titles that share
    at most a third of their words, unless the first author agrees (a reference may
    garble its title, but hardly the journal, volume, page and author together).
    Agree when the first author or the title agrees; unknown when neither can be compared.
    """
    if _issues_differ(ref.issue, article.issue):
        return _DISAGREE
    author = None
    if ref.first_author and article.first_author:
        cited, hosted = _name_tokens(ref.first_author), _name_tokens(article.first_author)
        if cited and hosted:
            author = bool(cited & hosted)
    title = None
    # PubMed brackets titles it translated into English: the citation may use the original.
    if ref.article_title and article.title and not article.title.startswith("["):
        cited, hosted = _title_words(ref.article_title), _title_words(article.title)
        if len(cited) >= 3 and len(hosted) >= 3:
            title = len(cited & hosted) / min(len(cited), len(hosted))
    if author is False and (title is None or title < 0.8):
        return _DISAGREE
    if title is not None and title <= 1 / 3 and author is not True:
        return _DISAGREE
    return _AGREE if author or (title is not None and title >= 0.8) else _UNKNOWN


def _issues_differ(cited: str, hosted: str) -> bool:
    """ "3" and "4" differ; "3" and "3-4", "Suppl 1" and "S1", or an empty one do not."""
    cited, hosted = cited or "", hosted or ""
    numbers = [set(re.findall(r"\d+", issue)) for issue in (cited, hosted)]
    plain = all(re.fullmatch(r"\s*\d+(?:\s*[-/,]\s*\d+)*\s*", i) for i in (cited, hosted))
    return plain and not numbers[0] & numbers[1]


# --- the index -------------------------------------------------------------------------


class ReferenceIndex:
    """Every hosted article, keyed by what a reference can name it by."""

    def __init__(self, articles: Iterable[HostedArticle]):
        self._articles: dict[int, HostedArticle] = {}
        self._by_doi: dict[str, int | None] = {}  # None: two hosted articles share it
        self._by_pmid: dict[str, int | None] = {}
        self._by_place: dict[tuple[str, str, str], list[int]] = {}  # (journal, volume, page)
        self._places: set[tuple[str, str]] = set()  # (volume, page): the cheap first test
        for article in articles:
            self._add(article)

    def __len__(self) -> int:
        return len(self._articles)

    def _add(self, article: HostedArticle) -> None:
        self._articles[article.pk] = article
        for table, key in (
            (self._by_doi, normalize_doi(article.doi)),
            (self._by_pmid, _pmid(article.pmid)),
        ):
            if key:
                table[key] = article.pk if table.get(key, article.pk) == article.pk else None
        volume = _volume_key(article.volume)
        if not volume or article.year is None:
            return
        pages = {_page_key(article.first_page), _page_key(article.elocation_id)} - {""}
        for journal in _journal_keys(article.journal_names, article.issns):
            for page in pages:
                self._by_place.setdefault((journal, volume, page), []).append(article.pk)
                self._places.add((volume, page))

    def match(self, ref: CitedReference, use_ids: bool = True) -> Match | None:
        """The hosted article ``ref`` cites, or None (not hosted, or not sure which)."""
        if use_ids:
            doi = normalize_doi(ref.doi) or find_doi((ref.text or "")[:MAX_TEXT])
            if doi:
                pk = self._by_doi.get(doi)
                return Match(pk, "doi") if pk is not None else None
            pmid = _pmid(ref.pmid)
            if pmid:
                pk = self._by_pmid.get(pmid)
                return Match(pk, "pmid") if pk is not None else None
        pk = self._match_metadata(ref)
        return Match(pk, "metadata") if pk is not None else None

    def _match_metadata(self, ref: CitedReference) -> int | None:
        sources = [ref.source]
        if not (ref.source and ref.volume and (ref.first_page or ref.elocation_id)) and ref.text:
            clean = clean_text(ref.text)
            locator = locate(clean)
            volume = _volume_key(locator.volume) if locator else ""
            if not volume or (volume, _page_key(locator.page)) not in self._places:
                return None  # the common case: no hosted article has this volume and page
            parsed, sources = read(clean, locator)
            ref = replace(
                parsed,
                issue=ref.issue or parsed.issue,
                first_author=ref.first_author or parsed.first_author,
                article_title=ref.article_title or parsed.article_title,
            )
        volume = _volume_key(ref.volume)
        year = year_of(ref.year)
        if not (volume and year):
            return None
        pages = {_page_key(ref.first_page), _page_key(ref.elocation_id)} - {""}
        candidates: set[int] = set()
        for journal in {journal_key(source) for source in sources if source} - {""}:
            for page in pages:
                candidates.update(self._by_place.get((journal, volume, page), ()))
        # Page 1 is where every article of some journals starts (online-only, or
        # paginated per article: "Exp Mol Med 50, 1-9"): there the author or title must agree.
        needed = _AGREE if pages == {"1"} else _UNKNOWN
        found = [
            pk
            for pk in candidates
            if abs(self._articles[pk].year - year) <= 1  # type: ignore[operator]
            and _evidence(ref, self._articles[pk]) >= needed
        ]
        return found[0] if len(found) == 1 else None
