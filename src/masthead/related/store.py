"""Write the Related Research lists: the one way in, for the build job, the admin and tests.

Every write applies the article's curation (blocked articles off both tabs, pinned ones
first in Recommended articles, never the article itself), so the page reads stored rows
and does no more work. `RelatedArticle.changed_at`, which the page's cache key holds,
moves only when what the page shows changes: a nightly rebuild that finds the same lists
leaves every cached page valid.

The nightly job writes some 20,000 articles, two tabs of up to 50 each: `save_many`
takes them a few hundred at a time, with one read each of the stored lists, the
curation and the state per chunk, and rewrites only the lists that differ. Rows are
changed in place rank by rank (an UPDATE keeps the row and its unique key; only the ranks
that differ are written), as plain tuples through prepared statements (`executemany`):
building two million model instances and Django's multi-row INSERTs cost ten times more
than the database's own work. The SQL names Django's default table name; change both
together.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from masthead.catalog.models import Article, Contributor
from masthead.citations.page import byline
from masthead.related.models import Curation, RelatedArticle
from masthead.related.suggestion import KEEP, RECOMMENDED, TABS, Suggestion
from masthead.sql import fetch_all

# Articles per chunk: their ids in one `IN (...)` stay under SQLite's 999 parameters.
CHUNK = 300
PINNED_REASON = "Recommended by the editors"
_STATE_FIELDS = ["authors", "built_version", "built_at", "changed_at", "also_read_filled"]

Lists = Mapping[str, Sequence[Suggestion]]
Entry = tuple[int, float, str]  # a stored list's row: other article, score, reason

_STORED_SQL = """
SELECT article_id, tab, other_id, score, reason FROM related_neighbour
WHERE article_id IN ({ids}) ORDER BY article_id, tab, rank
"""
_CUT_SQL = "DELETE FROM related_neighbour WHERE article_id = %s AND tab = %s AND rank >= %s"
_UPDATE_SQL = """
UPDATE related_neighbour SET other_id = %s, score = %s, reason = %s
WHERE article_id = %s AND tab = %s AND rank = %s
"""
_INSERT_SQL = """
INSERT INTO related_neighbour (article_id, tab, rank, other_id, score, reason)
VALUES (%s, %s, %s, %s, %s, %s)
"""


@dataclass(frozen=True)
class Built:
    """One article's freshly computed lists, as `save_many` takes them."""

    article_id: int
    lists: Lists  # only the tabs given are replaced
    built_version: int  # the Article.version they were computed from
    also_read_filled: bool  # People also read was filled from the content engine
    authors: str | None = None  # its byline on other pages; None: from its contributors


@dataclass(frozen=True)
class Curated:
    """The editors' say over one article's lists."""

    pins: tuple[int, ...] = ()  # first in Recommended articles, in this order
    blocks: frozenset[int] = frozenset()  # on neither tab


@dataclass(frozen=True)
class _Write:
    article_id: int
    lists: Lists | None  # None: re-curate what is stored
    built_version: int
    also_read_filled: bool | None = None  # None: keep
    authors: str | None = None
    touch: bool = False  # mark the page changed whatever the lists


def save_lists(
    article_id: int,
    lists: Lists,
    *,
    built_version: int,
    also_read_filled: bool,
    authors: str | None = None,
) -> None:
    """Replace the article's lists of the tabs given, curated, in one transaction."""
    save_many([Built(article_id, lists, built_version, also_read_filled, authors)])


def save_many(built: Iterable[Built], chunk: int = CHUNK) -> int:
    """Store many articles' lists, a transaction per chunk; how many pages changed."""
    changed = 0
    for part in _chunks(built, chunk):
        writes = [
            _Write(b.article_id, b.lists, b.built_version, b.also_read_filled, b.authors)
            for b in part
        ]
        changed += _save_chunk(writes)
    return changed


def apply_curation(article_id: int) -> None:
    """Show the article's current pins and blocks at once, and have its lists rebuilt.

    The stored lists are re-curated (a blocked article leaves a gap that the rebuild,
    due within a minute, fills; an unpinned one goes until then).
    """
    _save_chunk([_Write(article_id, None, built_version=0, touch=True)])


def mark_due(article_id: int) -> None:
    """Have the incremental job rebuild the article's lists (its scope changed, say)."""
    RelatedArticle.objects.bulk_create(
        [RelatedArticle(article_id=article_id, built_version=0, changed_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["built_version", "changed_at"],
    )


def mark_journal_due(journal_id: int) -> int:
    """Have every built article of the journal rebuilt (its default scope changed)."""
    return RelatedArticle.objects.filter(article__journal_id=journal_id).update(built_version=0)


def _curate(article_id: int, tab: str, entries: Iterable[Entry], rules: Curated) -> list[Entry]:
    """The list as the page must show it: pins first (Recommended only), no blocked
    article, no article twice, never the article itself, at most KEEP."""
    seen = {article_id, *rules.blocks}
    # A pin stored before is dropped here: the current rules say whether it stays.
    computed = [e for e in entries if e[2] != PINNED_REASON]
    top = max((e[1] for e in computed), default=1.0)  # keeps scores falling with rank
    pinned = [(pk, top, PINNED_REASON) for pk in rules.pins] if tab == RECOMMENDED else []
    curated = []
    for entry in (*pinned, *computed):
        if entry[0] not in seen:
            seen.add(entry[0])
            curated.append(entry)
    return curated[:KEEP]


def curations(article_ids: Iterable[int]) -> dict[int, Curated]:
    """The pins and blocks of those articles that have any (a query per chunk)."""
    pins: dict[int, list[int]] = {}
    blocks: dict[int, set[int]] = {}
    for ids in _chunks(set(article_ids), CHUNK):
        rows = (
            Curation.objects.filter(article_id__in=ids)
            .order_by("article_id", "position", "pk")
            .values_list("article_id", "other_id", "action")
        )
        for pk, other, action in rows:
            if action == Curation.PIN:
                pins.setdefault(pk, []).append(other)
            else:
                blocks.setdefault(pk, set()).add(other)
    return {
        pk: Curated(tuple(pins.get(pk, ())), frozenset(blocks.get(pk, ())))
        for pk in pins.keys() | blocks.keys()
    }


def scopes(article_ids: Iterable[int]) -> dict[int, str]:
    """Where each article's neighbours may come from: "journal" or "platform" (its own
    setting, else its journal's)."""
    found = {}
    for ids in _chunks(set(article_ids), CHUNK):
        rows = Article.objects.filter(pk__in=ids).values_list(
            "pk", "related_state__scope", "journal__related_scope"
        )
        found.update((pk, own or journal) for pk, own, journal in rows)
    return found


def bylines(article_ids: Iterable[int]) -> dict[int, str]:
    """Each article's byline as other pages show it: "A, B, C et al." ("" for none)."""
    names: dict[int, list[str]] = {}
    for ids in _chunks(set(article_ids), CHUNK):
        names.update((pk, []) for pk in ids)
        authors = (
            Contributor.objects.filter(article_id__in=ids, role="author")
            .order_by("article_id", "position", "pk")
            .only("article_id", "given_names", "surname", "suffix", "collab")
        )
        for person in authors:
            names[person.article_id].append(person.display_name)
    return {pk: byline(people)[:300] for pk, people in names.items()}


def _save_chunk(writes: list[_Write]) -> int:
    """Write one chunk in one transaction: a read each of curation, stored lists, state
    and bylines; then the ranks that differ, and one upsert of the articles' states."""
    writes_by_id = {w.article_id: w for w in writes}  # the last write of an article wins
    ids = list(writes_by_id)
    now = timezone.now()
    with transaction.atomic():
        # Locked first (PostgreSQL; SQLite writes one transaction at a time): an editor's
        # pin and the nightly job must not both diff against the same stored rows.
        locked = RelatedArticle.objects.select_for_update().filter(article_id__in=ids)
        states = {state.article_id: state for state in locked.order_by("article_id")}
        rules = curations(ids)
        stored = _stored_lists(ids)
        names = bylines(
            pk
            for pk, write in writes_by_id.items()
            if write.authors is None and (write.lists is not None or not _byline(states, pk))
        )
        rows, changed = _RowChanges(), 0
        for pk, write in writes_by_id.items():
            before = stored.get(pk, {})
            after = _curated_lists(pk, write, before, rules.get(pk, Curated()))
            for tab, entries in after.items():
                rows.add(pk, tab, before.get(tab, []), entries)
            state = states.setdefault(pk, RelatedArticle(article_id=pk))
            filled = write.also_read_filled
            shown = write.touch or (filled is not None and filled != state.also_read_filled)
            shown = shown or any(_shown(e) != _shown(before.get(t, [])) for t, e in after.items())
            changed += shown
            _update(state, write, names.get(pk), now, shown)
        rows.write()
        RelatedArticle.objects.bulk_create(
            states.values(),
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=_STATE_FIELDS,
        )
    return changed


def _curated_lists(pk: int, write: _Write, before: dict, rules: Curated) -> dict[str, list]:
    """The lists to store: the tabs given, or every stored tab re-curated."""
    if write.lists is None:
        given = {tab: before.get(tab, []) for tab in TABS}
    else:
        unknown = set(write.lists) - set(TABS)
        if unknown:
            raise ValueError(f"Unknown related-research tabs: {sorted(unknown)}")
        given = {
            tab: [(int(s.other_id), float(s.score), s.reason[:200]) for s in suggestions]
            for tab, suggestions in write.lists.items()
        }
    return {tab: _curate(pk, tab, entries, rules) for tab, entries in given.items()}


def _update(state: RelatedArticle, write: _Write, byline: str | None, now, shown: bool) -> None:
    """The article's state after the write; `shown`: its page shows something new."""
    if write.authors is not None or byline is not None:
        state.authors = (write.authors if write.authors is not None else byline)[:300]
    state.built_version = write.built_version
    if write.also_read_filled is not None:
        state.also_read_filled = write.also_read_filled
    if write.lists is not None:
        state.built_at = now
    if shown:
        state.changed_at = now


def _byline(states: dict[int, RelatedArticle], pk: int) -> str:
    state = states.get(pk)
    return state.authors if state else ""


def stored_lists(article_ids: Iterable[int]) -> dict[int, dict[str, list[Suggestion]]]:
    """The lists stored for those articles, as the page would show them (a query per chunk)."""
    found = {}
    for ids in _chunks(set(article_ids), CHUNK):
        for pk, lists in _stored_lists(ids).items():
            found[pk] = {tab: [Suggestion(*entry) for entry in e] for tab, e in lists.items()}
    return found


def _stored_lists(ids: list[int]) -> dict[int, dict[str, list[Entry]]]:
    lists: dict[int, dict[str, list[Entry]]] = {}
    rows = fetch_all(_STORED_SQL.format(ids=_placeholders(ids)), ids)
    for pk, tab, other, score, reason in rows:
        lists.setdefault(pk, {}).setdefault(tab, []).append((other, score, reason))
    return lists


@dataclass
class _RowChanges:
    """The row writes that turn stored lists into new ones, rank by rank."""

    cuts: list[tuple] = field(default_factory=list)  # ranks from here on go
    updates: list[tuple] = field(default_factory=list)
    inserts: list[tuple] = field(default_factory=list)

    def add(self, pk: int, tab: str, before: list[Entry], after: list[Entry]) -> None:
        for rank, entry in enumerate(after):
            if rank >= len(before):
                self.inserts.append((pk, tab, rank, *entry))
            elif entry != before[rank]:
                self.updates.append((*entry, pk, tab, rank))
        if len(after) < len(before):
            self.cuts.append((pk, tab, len(after)))

    def write(self) -> None:
        with connection.cursor() as cursor:
            for sql, rows in (
                (_CUT_SQL, self.cuts),
                (_UPDATE_SQL, self.updates),
                (_INSERT_SQL, self.inserts),
            ):
                if rows:
                    cursor.executemany(sql, rows)


def _shown(entries: Sequence[Entry]) -> list[tuple[int, str]]:
    """What a reader sees of a list: which articles, in which order, and why."""
    return [(other, reason) for other, _, reason in entries]


def _placeholders(ids: list) -> str:
    return ", ".join(["%s"] * len(ids))


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    part = []
    for item in items:
        part.append(item)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part
