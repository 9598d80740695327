"""Reading a printed reference: journal, year, volume, issue, first page, author, title.

Pure Python. `parse_citation` reads the styles references come in: NLM/Vancouver and
PubMed ("J Biol Chem. 2000 Jul 7;275(27):20588-96"), Harvard ("(2001) Title. Journal
12(3):34-56"), APA ("Journal, 12(3), 34-56"), Nature ("Journal 12, 34-56 (2001)") and
chemistry ("Journal 2001, 12, 34"). `citations.matching` uses the steps apart (`locate`
first, which is cheap, and `read` only when a hosted article has that volume and page).
What cannot be read stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .doi import find_doi


@dataclass(frozen=True)
class CitedReference:
    """One entry of a reference list, as stored (fields may be empty)."""

    doi: str = ""
    pmid: str = ""
    source: str = ""  # the journal
    year: str = ""
    volume: str = ""
    first_page: str = ""
    elocation_id: str = ""
    article_title: str = ""
    first_author: str = ""  # surname
    text: str = ""  # the reference as printed
    issue: str = ""


PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "dos", "du", "la", "le"}


def year_of(value: str | int | None) -> int | None:
    """The four-digit year in ``value`` (1600-2099), or None."""
    if isinstance(value, int):
        return value
    found = re.search(r"(?<!\d)(1[6-9]|20)\d{2}(?!\d)", value or "")
    return int(found.group()) if found else None


_NOISE = re.compile(
    r"(?:https?://|www\.)\S+|\bdoi\s*:?\s*10\.\S+|(?<![\w.])10\.\d{4,9}/\S+"
    r"|\bPMC?ID\s*:?\s*(?:PMC)?\d+|\[(?:PubMed|Google Scholar|CrossRef|PMC free article)\]",
    re.IGNORECASE,
)
_DASHES = re.compile("[\u2010-\u2014\u2212]")  # hyphens, en and em dashes, minus
MAX_TEXT = 2000  # a longer "reference" is not one; parsing stays linear and cheap

_YEAR = r"(?P<year>(?:1[6-9]|20)\d{2})[a-z]?"
_DATE = (
    r"(?:\s+[A-Z][a-z]{2,8}\.?(?:\s*-\s*[A-Z][a-z]{2,8}\.?)?"
    r"(?:\s+\d{1,2}(?:\s*-\s*\d{1,2})?)?)?"
)
# "23", "23A"; a supplement or part after it belongs to the issue: "23 Suppl 1", "124 Pt 3"
_VOL = r"(?P<volume>\d{1,5}[A-Za-z]?)(?:\s+(?:Suppl(?:ement)?|Pt|Part)\.?(?:\s*\d+)?)?"
_ISSUE = r"(?:\s*\((?P<issue>[^()]{0,40})\))?"
_PAGE = r"(?:pp?\.\s*)?(?P<page>[A-Za-z]{0,3}\d+)(?![\d])"
_PAGE_END = r"(?:\s*-\s*[A-Za-z]{0,3}\d+)?(?:\.?\s?e\d+)?"  # "-313", "-1902.e21", "-416 e411"
_AFTER_WORD = r"[^\d\s]\s"  # the volume follows the journal's last word and a space

_LOCATORS = (
    # NLM/Vancouver/PubMed, chemistry: "2000 Jul 7;275(27):20588", "2021 May 3;:100742",
    # "2015,23(4):769", "2017, 29, 1603730", "2012. 109: 2485"
    re.compile(_YEAR + _DATE + r"\s*[;,.]\s*(?:" + _VOL + ")?" + _ISSUE + r"\s*[:,]\s*" + _PAGE),
    # Nature, Science, and the like: "Nat. Microbiol. 5, 304-313 (2020)", "Cell 116, 281-297."
    # APA: "Current Diabetes Reports, 16(1), 9."
    re.compile(
        _AFTER_WORD
        + _VOL
        + _ISSUE
        + r"\s*,\s*"
        + _PAGE
        + _PAGE_END
        + r"(?:\s*\("
        + _YEAR
        + r"\))?(?=\s*(?:[.;,]|$))"
    ),
    # Harvard/Springer after "(2001)": "Trends Plant Sci 12:514-521", "Rev 81: e00002-17"
    re.compile(_AFTER_WORD + _VOL + _ISSUE + r"\s*:\s*" + _PAGE),
)
_NEEDS = ("", ",", ":")  # a character each pattern cannot match without
_PAREN_YEAR = re.compile(r"\(" + _YEAR + r"\)")
_LOOSE_YEAR = re.compile(r"(?<![\w/.-])" + _YEAR + r"(?![\w/-])")
_TOKEN = re.compile(r"\S+")
_MAX_JOURNAL_WORDS = 15

# Abbreviated words of journal titles (ISO 4): "Mol." before "Cell." does not end a
# sentence. Only stems that are not English words a title could end on.
_ABBREVIATIONS = frozenset(
    """acad adolesc adv aesthet agric altern am anal anaesth anat anesth angew anim ann
    annu antimicrob appl arch assoc atheroscler aust autoimmun bacteriol behav biochem
    biochim bioinform biol biomater biomed biomol biophys biotechnol br bras bull can
    carcinog cardiol cardiovasc chem chemother chim chin chir circ clin cogn comp
    comput contemp crit curr cytol dermatol dev diabetol diagn dis disord ecol econ educ
    electrophysiol emerg endocrinol eng engl environ epidemiol ergon esp eur evol exp fam
    fr funct gastroenterol gen genet geriatr gerontol gynecol haematol hematol hepatol hosp
    hum hyg immunol ind infect inorg int intern invest ital jpn lett magn manag mater
    math mech med metab microbiol mol morphol nanotechnol nat natl nephrol neurobiol
    neurol neurosci neurosurg nucl nutr obstet occup oncol ophthalmol opin org orthop
    otolaryngol paediatr parasitol pathol pediatr perspect pharm pharmacol phys physiol pol
    polym proc prog psychiatr psychol pract prev publ radiol rehabil rep reprod res respir
    rev rheumatol sci scand semin soc stud surg syst technol ther thromb toxicol transl
    trop urol vasc vet virol zool front transduct struct microvasc digit inform dig""".split()
)
_PARTICLE_WORDS = PARTICLES | {"van", "ter", "ten", "st"}
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}\.?,?$|^[A-Z]{1,3},?$")


def clean_text(text: str) -> str:
    """The text without DOIs, URLs and PubMed ids, dashes as "-", spaces single."""
    text = text[:MAX_TEXT]
    if not text.isascii():
        text = _DASHES.sub("-", text)
    lower = text.lower()
    if (
        "10." in lower
        or "www." in lower
        or "://" in lower
        or "pmid" in lower
        or "pmcid" in lower
        or "[" in lower
    ):
        text = _NOISE.sub(" ", text)
    return " ".join(text.split())


def _boundary(token: str) -> str:
    """What ``token`` is, walking back from the journal's last word:

    "hard": it ends what comes before the journal (a title, an author list): "mice.",
    "2020.", "Smith,", "(2001)"; "word": it may be part of the journal: "Biol", "J.",
    "Mol.", "U.S.A."; "soft": a capitalised word with a full stop, "China." or "Front.",
    which may end a title or be an abbreviation the list does not know. The journal can
    start after it or run on through it, and `ReferenceIndex` tries both.
    """
    token = token.rstrip("'\"\u2019\u201d")
    if not token or token[-1] in ",;:)]?!":
        return "hard"
    if token[-1] != ".":
        return "word"
    word = token.rstrip(".").lstrip("([")
    if not word or not word[0].isupper():
        return "hard"
    if "." in word or (len(word) == 1 and word.isalpha()) or word.lower() in _ABBREVIATIONS:
        return "word"
    return "soft" if word.isalpha() and len(word) <= 12 else "hard"


def _journal_starts(before: str) -> list[int]:
    """Where the journal may start in the text before its numbers, longest reading first."""
    tokens = list(_TOKEN.finditer(before))
    starts: list[int] = []
    first = len(tokens) - 1  # the word next to the numbers is the journal's, whatever it ends on
    while first >= 0 and len(tokens) - first <= _MAX_JOURNAL_WORDS:
        kind = _boundary(tokens[first - 1].group()) if first else "hard"
        if kind != "word":
            starts.append(tokens[first].start())
        if kind == "hard":
            break
        first -= 1
    return starts[::-1]


def _first_author(prefix: str) -> str:
    """The first author's surname at the start of a reference: "Feig DI, ..." -> "Feig",
    "J. Wang, Y. Li" -> "Wang", "Hagger, V., ..." -> "Hagger"; "" if it does not look like one."""
    zone = re.split(r"[,;(]|\bet\.? al\b|\s&\s", prefix, maxsplit=1)[0]
    words: list[str] = []
    for token in zone.split()[:8]:
        if _INITIALS.match(token):
            if words:
                break
            continue
        bare = token.strip(".")
        if not bare or not (bare[0].isupper() or bare.lower() in _PARTICLE_WORDS):
            return ""
        words.append(bare)
    return " ".join(words) if 0 < len(words) <= 4 else ""


def _title(prefix: str) -> str:
    """The article title: after "(2001)" (Harvard, APA), else the last sentence before the
    journal (Vancouver, Nature). Needs three lower-case words to count as one."""
    found = _last(_PAREN_YEAR, prefix)
    if found:
        title = prefix[found.end() :]
    else:
        pieces = re.split(r"(?<=[.?!])\s+(?=[A-Z0-9\u00c0-\u024f])", prefix.strip())
        title = pieces[-1] if pieces else ""
    title = title.strip(" .,;:")
    lower = sum(1 for w in title.split() if w[:1].islower())
    return title if lower >= 3 else ""


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


@dataclass(frozen=True)
class Locator:
    volume: str
    issue: str
    page: str
    year: str
    end: int  # where the text before the numbers (the journal, title, authors) ends


def locate(text: str) -> Locator | None:
    """The volume, first page and year of a cleaned printed reference: the last match of
    the first pattern that matches (titles rarely hold "2003;42:247")."""
    for number, pattern in enumerate(_LOCATORS):
        if _NEEDS[number] not in text:
            continue
        found = _last(pattern, text)
        if not found:
            continue
        year = found.group("year") if number < 2 else None
        if not year:
            year_found = _PAREN_YEAR.search(text) or _LOOSE_YEAR.search(text, 0, found.start())
            year = year_found.group("year") if year_found else ""
        end = found.start("year" if number == 0 else "volume")
        volume, issue = found.group("volume") or "", found.group("issue") or ""
        return Locator(volume, issue, found.group("page"), year, end)
    return None


def read(clean: str, locator: Locator) -> tuple[CitedReference, list[str]]:
    """The reference read from cleaned text, and every reading of its journal."""
    before = clean[: locator.end]
    starts = _journal_starts(before)
    sources = [before[start:].strip(" .,;:") for start in starts]
    prefix = before[: starts[-1]] if starts else ""
    reference = CitedReference(
        source=sources[-1] if sources else "",
        year=locator.year,
        volume=locator.volume,
        issue=locator.issue,
        first_page=locator.page,
        first_author=_first_author(prefix) if prefix else "",
        article_title=_title(prefix) if prefix else "",
    )
    return reference, sources


def parse_citation(text: str) -> CitedReference:
    """Journal, year, volume, first page, first author and title read from a printed
    reference; what it cannot read stays empty. ``text`` is kept as given, ``doi`` is
    `find_doi`'s. The journal is the shortest reading (see `_boundary`)."""
    text = text or ""
    doi = find_doi(text[:MAX_TEXT])
    clean = clean_text(text)
    locator = locate(clean)
    if locator is None:
        year = year_of(clean)
        return CitedReference(doi=doi, year=str(year) if year else "", text=text)
    return replace(read(clean, locator)[0], doi=doi, text=text)
