"""What the engines hand to the store: one suggested article for one tab of one article.

Plain data, shared by the pure engines (content-based and co-readership) and the Django
side that stores and shows their lists.
"""

from dataclasses import dataclass

ALSO_READ = "also_read"  # People also read: co-readership in usage sessions
RECOMMENDED = "recommended"  # Recommended articles: the hybrid content engine
TABS = (ALSO_READ, RECOMMENDED)
KEEP = 50  # neighbours stored per article and tab


@dataclass(frozen=True)
class Suggestion:
    other_id: int  # catalog.Article pk
    score: float  # higher first; comparable only within one list
    reason: str  # what a reader can check: "Shares 6 references", "Cites this article"
