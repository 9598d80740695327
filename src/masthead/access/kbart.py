"""KBART holdings files (NISO RP-9-2014, Phase II): what an institution's licences cover.

Pure: rows of plain data in, tab-separated text out. Libraries load this into their
knowledge base so their discovery tools link readers to what they may read.
"""

from dataclasses import dataclass
from datetime import date

FIELDS = (
    "publication_title",
    "print_identifier",
    "online_identifier",
    "date_first_issue_online",
    "num_first_vol_online",
    "num_first_issue_online",
    "date_last_issue_online",
    "num_last_vol_online",
    "num_last_issue_online",
    "title_url",
    "first_author",
    "title_id",
    "embargo_info",
    "coverage_depth",
    "notes",
    "publisher_name",
    "publication_type",
    "date_monograph_published_print",
    "date_monograph_published_online",
    "monograph_volume",
    "monograph_edition",
    "first_editor",
    "parent_publication_title_id",
    "preceding_publication_title_id",
    "access_type",
)


@dataclass(frozen=True)
class Holding:
    """One licensed coverage range of one journal."""

    title: str
    print_issn: str
    online_issn: str
    title_url: str
    title_id: str
    publisher: str
    first_date: date | None = None
    first_volume: str = ""
    first_issue: str = ""
    last_date: date | None = None  # None: coverage continues (current)
    last_volume: str = ""
    last_issue: str = ""
    notes: str = ""
    open_access: bool = False


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("\t", " ").split())  # tabs and newlines would break rows


def kbart(holdings: list[Holding]) -> str:
    lines = ["\t".join(FIELDS)]
    for h in holdings:
        row = {
            "publication_title": h.title,
            "print_identifier": h.print_issn,
            "online_identifier": h.online_issn,
            "date_first_issue_online": h.first_date.isoformat() if h.first_date else "",
            "num_first_vol_online": h.first_volume,
            "num_first_issue_online": h.first_issue,
            "date_last_issue_online": h.last_date.isoformat() if h.last_date else "",
            "num_last_vol_online": h.last_volume,
            "num_last_issue_online": h.last_issue,
            "title_url": h.title_url,
            "title_id": h.title_id,
            "coverage_depth": "fulltext",
            "notes": h.notes,
            "publisher_name": h.publisher,
            "publication_type": "serial",
            "access_type": "F" if h.open_access else "P",
        }
        lines.append("\t".join(_cell(row.get(name, "")) for name in FIELDS))
    return "\n".join(lines) + "\n"


def file_name(provider: str, region: str, package: str, on: date) -> str:
    """KBART's recommended name: [Provider]_[Region/Consortium]_[Package]_[YYYY-MM-DD].txt"""
    parts = [provider, region, package]
    clean = ["".join(ch for ch in p.title() if ch.isalnum()) or "All" for p in parts]
    return f"{'_'.join(clean)}_{on.isoformat()}.txt"
