"""What the content engine knows of an article: plain data, built from the catalog or a file.

References are keys ("doi:10.1000/x", "pmid:123") so that two articles citing the same
work share a key whichever way they wrote it; `cites` are the hosted articles an article
cites (the citations issue's matches), for direct citation and co-citation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    abstract: str = ""  # plain text
    keywords: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # reference keys, see reference_key
    cites: tuple[int, ...] = ()  # ids of hosted documents it cites
    journal_id: int = 0
    family: str = ""  # versions and re-publications of one work share a family

    @property
    def text(self) -> str:
        """Title (twice: it is the densest statement of the topic), abstract, keywords."""
        return " ".join((self.title, self.title, self.abstract, " ".join(self.keywords)))


def plain_text(markup: str) -> str:
    """Inline or block HTML as one line of text."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup or ""))).strip()


def reference_key(doi: str = "", pmid: str = "") -> str:
    """One key per cited work: its DOI (lowercased) if known, else its PMID, else ""."""
    doi = (doi or "").strip().lower()
    if doi:
        return f"doi:{doi}"
    pmid = (pmid or "").strip()
    return f"pmid:{pmid}" if pmid.isdigit() else ""
