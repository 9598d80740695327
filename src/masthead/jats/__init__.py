"""Publisher XML (JATS articles, PubMed article sets) -> plain ArticleRecord data.

Pure Python on lxml and nh3; nothing here imports Django.
"""

from .model import (
    Abstract,
    Affiliation,
    ArticleRecord,
    Contributor,
    Funding,
    JournalRef,
    Note,
    PersonName,
    Reference,
    SourceError,
)
from .parse import parse_jats
from .pubmed import iter_pubmed_file, parse_pubmed
from .safe_xml import MAX_XML_BYTES
from .sanitize import sanitize_html, sanitize_inline

__all__ = [
    "MAX_XML_BYTES",
    "Abstract",
    "Affiliation",
    "ArticleRecord",
    "Contributor",
    "Funding",
    "JournalRef",
    "Note",
    "PersonName",
    "Reference",
    "SourceError",
    "iter_pubmed_file",
    "parse_jats",
    "parse_pubmed",
    "sanitize_html",
    "sanitize_inline",
]
