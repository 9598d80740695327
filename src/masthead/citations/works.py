"""A work that cites one of ours, as every source of citations describes it.

Crossref's cited-by service, its REST API and our own corpus all give citing works in
this one shape; the citations app stores it and the Cited-by tab shows it. Pure Python.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CitingWork:
    """One citing work. `doi` is in its compared form (`citations.doi.normalize_doi`)."""

    doi: str
    title: str = ""
    authors: tuple[str, ...] = field(default=())  # display names, "Given Surname", in order
    journal: str = ""  # the journal, book, proceedings or repository it appeared in
    year: int | None = None
    volume: str = ""
    issue: str = ""
    first_page: str = ""
    kind: str = "journal_article"  # journal_article, book, conference_paper, posted_content, ...
