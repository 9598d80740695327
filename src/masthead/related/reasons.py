"""The short reason shown beside each recommendation, one a reader can check on the page."""

from __future__ import annotations

CITES = "Cites this article"
CITED = "Cited in this article"


def reason(
    cites_query: bool, cited_by_query: bool, shared: int, cocited: int, concepts: list[str]
) -> str:
    """The strongest evidence first: a direct citation, shared references, a shared topic."""
    if cites_query:
        return CITES
    if cited_by_query:
        return CITED
    if shared:
        return f"Shares {shared} reference{'s' if shared != 1 else ''}"
    if cocited:
        return f"Cited together with this article {cocited} time{'s' if cocited != 1 else ''}"
    if concepts:
        return "Similar topic: " + ", ".join(concepts)
    return "Similar topic"
