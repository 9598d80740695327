"""A year of believable usage for the demo press, so that Views counts, charts and SUSHI
reports have something to show on a fresh install.

The history is written as raw events, exactly as the web would have recorded them, and
then processed like any other day: the demo exercises the real pipeline. Deterministic
(a fixed seed), and written only once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from masthead.usage import counter
from masthead.usage.models import Event, SushiCredential
from masthead.usage.sushi_auth import api_key_hash

DAYS = 365
# customer_id, requestor_id, api_key. 0000000000000000 is "The World" (8.2).
WORLD_CREDENTIALS = ("0000000000000000", "demo-publisher", "demo-world-key")
UNIVERSITY_CREDENTIALS = ("demo-university", "demo-library", "demo-university-key")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120"
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def _session(n: int) -> str:
    return hashlib.blake2b(f"demo-reader-{n}".encode(), digest_size=16).hexdigest()


def demo_history(articles, institution_id: int, today: dt.date, seed: int = 2023) -> list[Event]:
    """Raw events over the `DAYS` days before `today` for `articles` (ArticleRef-likes:
    pk, doi, journal_id, year, is_open_access, is_free_to_read).

    About a third of readers are on the institution's campus; a crawler visits too (and
    must not count); readers without a licence are denied the full text of controlled
    articles.
    """
    from masthead.usage.services import access_type

    rng = random.Random(seed)
    events: list[Event] = []
    start = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=DAYS)
    for rank, article in enumerate(articles):
        popularity = max(2, int(180 / (1 + rank)))
        kind_of_access = access_type(article)
        for visit in range(popularity):
            at = start + dt.timedelta(seconds=rng.randrange(DAYS * 86400))
            member = rng.random() < 0.35
            reader = rng.randrange(10_000)
            base = dict(
                item_id=article.pk,
                title_id=article.journal_id,
                yop=article.year,
                access_type=kind_of_access,
                session_id=_session(reader),
                user_agent=CRAWLER if visit % 23 == 0 else BROWSER,
                institution_ids=str(institution_id) if member else "",
            )
            path = f"/doi/abs/{article.doi}"
            events.append(Event(occurred_at=at, kind=counter.ABSTRACT, url=path, **base))
            if rng.random() < 0.5:
                at += dt.timedelta(seconds=rng.randrange(40, 600))
                full = f"/doi/full/{article.doi}"
                if member or kind_of_access != "Controlled":
                    events.append(Event(occurred_at=at, kind=counter.FULL_TEXT, url=full, **base))
                else:
                    denial = dict(kind=counter.DENIED, denial_reason="no_license", url=full)
                    events.append(Event(occurred_at=at, **denial, **base))
            if rng.random() < 0.08:
                at += dt.timedelta(seconds=rng.randrange(40, 300))
                cite = f"/doi/cite/{article.doi}?format=ris"
                events.append(Event(occurred_at=at, kind=counter.CITATION_EXPORT, url=cite, **base))
    return events


def load_demo_usage(articles, institution_id: int, today: dt.date) -> int:
    """Write the demo history unless these articles already have usage; returns events."""
    articles = list(articles)
    if Event.objects.filter(item_id__in=[a.pk for a in articles]).exists():
        return 0
    events = demo_history(articles, institution_id, today)
    Event.objects.bulk_create(events, batch_size=5000)
    return len(events)


def demo_sushi_credentials(institution) -> None:
    """The publisher's global credential and Demo University's library's (README)."""
    for name, owner, (customer_id, requestor_id, api_key) in (
        ("Masthead Demo Press (The World)", None, WORLD_CREDENTIALS),
        (f"{institution.name} library", institution, UNIVERSITY_CREDENTIALS),
    ):
        SushiCredential.objects.update_or_create(
            customer_id=customer_id,
            defaults={
                "name": name,
                "institution": owner,
                "requestor_id": requestor_id,
                "api_key_sha256": api_key_hash(api_key),
                "is_active": True,
            },
        )
