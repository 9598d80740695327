"""The periodic jobs and how often each runs: plain data and pure rules.

Every worker process reads the same schedule. A periodic job is enqueued with a key made of
its name and its time slot (`process_usage@176...`), unique in the table, so several workers
enqueue each slot once; and it is not enqueued while the previous run is still waiting or
running, so a slow run never piles up copies of itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    command: str
    args: tuple[str, ...] = ()
    why: str = ""

    def slot_key(self, now: dt.datetime) -> str:
        return f"{self.name}@{int(now.timestamp() // self.every.total_seconds())}"


_S, _M, _H = dt.timedelta(seconds=1), dt.timedelta(minutes=1), dt.timedelta(hours=1)
SCHEDULE = (
    Periodic("usage", 10 * _S, "process_usage", why="COUNTER rollups and the Views counts"),
    Periodic("pdfs", _M, "render_pdfs", why="PDFs of new and changed full texts"),
    Periodic(
        "related",
        _M,
        "build_related",
        ("--daily-full",),
        why="Recommended articles of new articles; everything once a day",
    ),
    Periodic(
        "people_also_read",
        10 * _M,
        "build_related",
        ("--people-also-read",),
        why="People also read, from the latest reading sessions",
    ),
    Periodic("alerts", _M, "send_alerts", why="new-issue and citation e-mails"),
    Periodic("orders", 5 * _M, "reconcile_orders", why="payments whose notice was lost or late"),
    Periodic(
        "citations",
        5 * _M,
        "refresh_citations",
        ("--no-crossref",),
        why="who cites our articles, from our own corpus",
    ),
    Periodic(
        "crossref", 6 * _H, "refresh_citations", why="Crossref cited-by links, deposit results"
    ),
    Periodic("search", 5 * _M, "search_index", why="index what a crash left unindexed"),
    Periodic("prune", _H, "prune_jobs", why="forget old finished jobs"),
)
