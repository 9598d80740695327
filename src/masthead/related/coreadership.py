"""People also read: articles read in the same reading sessions, from usage, no Django.

Input is plain `Read(session, item, at)` tuples: one article investigation in one
reading session (sessions.py builds them from usage.Event as COUNTER 7.3 does: robots,
denials and TDM left out, a user-session is one hour, or one day when signed in).

The scores, for article i and another article j:

* A session counts once, however often it read an article (COUNTER's Unique_Item_*
  idea), and it is weighted by its age: ``0.5 ** (age_days / half_life_days)``, so what
  readers do now outweighs what they did years ago.
* ``co(i, j)``: the summed weights of the sessions that read both; ``pop(i)``: of the
  sessions that read i (the diagonal of the same product, so ``co <= pop``).
* ``score(i -> j) = co(i, j) / (pop(i) ** (1 - damping) * pop(j) ** damping)``, the
  "asymmetric cosine" of item-to-item collaborative filtering (Aiolli 2013). Within one
  article's list pop(i) is constant, so the ranking is that of ``co(i, j) / pop(j) **
  damping``: a blockbuster read alongside everything is divided by its large popularity
  and ranks below a niche article read with i again and again. ``damping = 0`` is
  P(j | i), the share of i's sessions that also read j, where the blockbuster wins every
  list; ``damping = 1`` is P(i | j), where any one-off pairing with an obscure article
  wins; the default 0.5 is the plain cosine (Amazon's item-to-item measure, Linden et
  al. 2003), between the two, with a score in [0, 1] a person can read.
* Support: the number of distinct sessions (unweighted) that read both. Fewer than
  `min_support` (default 2) and j is not suggested at all: one reader's path is an
  anecdote, and shown on a page it would say what that one reader read.

Sessions with a single article say nothing about pairs and are dropped. Sessions with
more than `MAX_SESSION_ITEMS` distinct articles are dropped too: no person reads 50
articles in an hour, such a session is a crawler the robots list missed, and its
50 * 49 pairs would otherwise outweigh a thousand real readers.

The pair counting is one sparse matrix product (sessions x items, scipy.sparse), so a
million reads over 200,000 sessions and 20,000 articles take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import sparse

from masthead.related.suggestion import KEEP, Suggestion

REASON = "Readers of this article also read this"
HALF_LIFE_DAYS = 180.0  # math.inf: no decay
MIN_SUPPORT = 2  # distinct sessions that read both articles
DAMPING = 0.5  # 0.5: cosine
MAX_SESSION_ITEMS = 50  # more distinct articles in one session: a crawler, skipped
# Fewer co-read suggestions than this and the tab is filled from the content engine
# (and says so): two suggestions are not a list worth a tab.
ENOUGH = 3
DAY_SECONDS = 86_400.0


class Read(NamedTuple):
    """One article read in one reading session.

    ``at``: seconds since the epoch (UTC), or a timezone-aware datetime.
    """

    session: str
    item: int
    at: float | dt.datetime


class HitRate(NamedTuple):
    hits: int
    trials: int
    rate: float  # hits / trials, 0.0 without trials


def _seconds(at: float | dt.datetime) -> float:
    return at.timestamp() if isinstance(at, dt.datetime) else float(at)


# --- the sessions x items matrix -----------------------------------------------------------
class _Incidence(NamedTuple):
    matrix: sparse.csr_matrix  # kept sessions x items, 1 where the session read the item
    weights: np.ndarray  # per kept session: 0.5 ** (age / half-life)
    items: np.ndarray  # column -> item id


def _incidence(reads: Iterable[Read], now: float, half_life_days: float) -> _Incidence:
    """Distinct (session, item) pairs of the sessions worth counting (2..MAX items)."""
    session_codes: dict[str, int] = {}
    code = session_codes.setdefault
    sessions: list[int] = []
    items: list[int] = []
    times: list[float] = []
    for session, item, at in reads:
        sessions.append(code(session, len(session_codes)))
        items.append(item)
        times.append(at.timestamp() if isinstance(at, dt.datetime) else at)
    empty = _Incidence(sparse.csr_matrix((0, 0)), np.zeros(0), np.zeros(0, dtype=np.int64))
    if not sessions:
        return empty
    s = np.asarray(sessions, dtype=np.int64)
    item_ids, col = np.unique(np.asarray(items, dtype=np.int64), return_inverse=True)
    last = np.full(len(session_codes), -np.inf)
    np.maximum.at(last, s, np.asarray(times, dtype=np.float64))  # a session's age: its last read
    pairs = np.unique(s * len(item_ids) + col)  # a session reads an article once
    s, col = pairs // len(item_ids), pairs % len(item_ids)
    size = np.bincount(s, minlength=len(session_codes))
    kept = (size >= 2) & (size <= MAX_SESSION_ITEMS)
    keep = kept[s]
    s, col = s[keep], col[keep]
    if not len(s):
        return empty
    row = np.cumsum(kept) - 1  # old session code -> row among the kept sessions
    age_days = np.maximum(now - last[kept], 0.0) / DAY_SECONDS
    # Floored so a centuries-old session stays a stored entry of the product, not a zero.
    weights = np.maximum(0.5 ** (age_days / half_life_days), np.finfo(np.float64).tiny)
    ones = np.ones(len(s), dtype=np.int64)
    shape = (int(kept.sum()), len(item_ids))
    return _Incidence(sparse.csr_matrix((ones, (row[s], col)), shape=shape), weights, item_ids)


# --- People also read ----------------------------------------------------------------------
def co_readership(
    reads: Iterable[Read],
    now: float | dt.datetime,
    *,
    half_life_days: float = HALF_LIFE_DAYS,
    min_support: int = MIN_SUPPORT,
    damping: float = DAMPING,
    keep: int = KEEP,
) -> dict[int, list[Suggestion]]:
    """Each article's co-read articles, best first, at most `keep`; articles without any
    suggestion meeting `min_support` are absent. Ties: the lower article id first."""
    incidence = _incidence(reads, _seconds(now), half_life_days)
    x = incidence.matrix
    if x.shape[0] == 0:
        return {}
    xt = x.T.tocsr()
    support = _canonical(xt @ x)  # distinct sessions reading both
    weighted = x.copy()
    weighted.data = np.repeat(incidence.weights, np.diff(x.indptr))
    co = _canonical(xt @ weighted)  # decayed co-reading sessions: same pattern, weights > 0
    if not (
        np.array_equal(co.indptr, support.indptr) and np.array_equal(co.indices, support.indices)
    ):
        raise AssertionError("co-reading and support matrices differ in pattern")
    pop = co.diagonal()
    i = np.repeat(np.arange(co.shape[0]), np.diff(co.indptr))
    j, n = co.indices, support.data
    mask = (i != j) & (n >= min_support)  # an article never suggests itself
    i, j = i[mask], j[mask]
    score = co.data[mask] / (pop[i] ** (1.0 - damping) * pop[j] ** damping)
    order = np.lexsort((j, -score, i))  # by article, then best first, then lower id
    i, j, score = i[order], j[order], score[order]
    starts = np.searchsorted(i, i, side="left")
    ranked = np.arange(len(i)) - starts < keep
    item_ids = incidence.items.tolist()
    lists: dict[int, list[Suggestion]] = {}
    for a, b, value in zip(
        i[ranked].tolist(), j[ranked].tolist(), score[ranked].tolist(), strict=True
    ):
        lists.setdefault(item_ids[a], []).append(Suggestion(item_ids[b], value, REASON))
    return lists


def _canonical(matrix) -> sparse.csr_matrix:
    """CSR with each row's columns sorted, so two products of one pattern line up."""
    matrix = matrix.tocsr()
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def has_enough(coread: Sequence[Suggestion]) -> bool:
    """Enough readership for a People also read list of its own."""
    return len(coread) >= ENOUGH


def fill(
    coread: Sequence[Suggestion], content: Sequence[Suggestion], want: int
) -> tuple[list[Suggestion], bool]:
    """The tab's list and whether it was filled from the content engine.

    With enough co-reading (`has_enough`) the list is the co-read one alone, even when
    shorter than `want`: the tab then says only what readers did. Otherwise the few
    co-read articles come first and content suggestions not already listed follow, each
    keeping its own reason, up to `want` (and `KEEP`); `filled` is true when any was added.
    """
    want = min(want, KEEP)
    merged = list(coread[:want])
    if has_enough(coread):
        return merged, False
    seen = {s.other_id for s in merged}
    added = False
    for suggestion in content:
        if len(merged) >= want:
            break
        if suggestion.other_id not in seen:
            seen.add(suggestion.other_id)
            merged.append(suggestion)
            added = True
    return merged, added


# --- offline evaluation: predicting the next article -----------------------------------------
def split_by_time(reads: Iterable[Read], at: float | dt.datetime) -> tuple[list[Read], list[Read]]:
    """(training, test): the reads of sessions begun before `at`, and of the others.

    A session is never cut in two: it goes whole to the side of its first read, so the
    test never holds the second half of a visit whose first half was learnt from.
    """
    cut = _seconds(at)
    reads = list(reads)
    began: dict[str, float] = {}
    for read in reads:
        t = _seconds(read.at)
        if t < began.get(read.session, np.inf):
            began[read.session] = t
    train = [r for r in reads if began[r.session] < cut]
    test = [r for r in reads if began[r.session] >= cut]
    return train, test


def ordered_sessions(reads: Iterable[Read]) -> list[list[int]]:
    """Each session's articles in the order they were read, sessions by their first read."""
    by_session: dict[str, list[tuple[float, int]]] = {}
    for session, item, at in reads:
        by_session.setdefault(session, []).append((_seconds(at), item))
    visits = [sorted(reads, key=lambda read: read[0]) for reads in by_session.values()]
    visits.sort(key=lambda visit: visit[0][0])
    return [[item for _, item in visit] for visit in visits]


def _next_article_pairs(
    test_sessions: Iterable[Sequence[int]], seen: set[int]
) -> Iterable[tuple[int, int]]:
    """Consecutive (a, b) of each session, over first reads only (going back to an article
    already read is navigation, not a next article), for every `a` read in training."""
    for session in test_sessions:
        firsts = list(dict.fromkeys(session))
        for a, b in zip(firsts, firsts[1:], strict=False):
            if a in seen:
                yield a, b


def _hit_rate(pairs: Iterable[tuple[int, int]], top_k) -> HitRate:
    hits = trials = 0
    for a, b in pairs:
        trials += 1
        hits += b in top_k(a)
    return HitRate(hits, trials, hits / trials if trials else 0.0)


def next_article_hit_rate(
    train_reads: Iterable[Read],
    test_sessions_ordered: Iterable[Sequence[int]],
    k: int = 10,
    *,
    now: float | dt.datetime | None = None,
    **params,
) -> HitRate:
    """How often the article read next is in the current article's People also read top k.

    Trained on `train_reads` (`params` go to `co_readership`; `now` defaults to the last
    training read). Every pair whose first article was read in training is a trial, with
    or without neighbours: an article with no list is a miss, as on the page.
    """
    train = list(train_reads)
    if now is None:
        now = max((_seconds(r.at) for r in train), default=0.0)
    params.setdefault("keep", k)
    lists = co_readership(train, now, **params)
    top = {a: {s.other_id for s in suggestions[:k]} for a, suggestions in lists.items()}
    seen = {r.item for r in train}
    return _hit_rate(_next_article_pairs(test_sessions_ordered, seen), lambda a: top.get(a, ()))


def popular_hit_rate(
    train_reads: Iterable[Read], test_sessions_ordered: Iterable[Sequence[int]], k: int = 10
) -> HitRate:
    """The baseline: the k articles read in most training sessions, less the current one,
    over the same trials as `next_article_hit_rate`."""
    train = list(train_reads)
    readers = Counter(item for _, item in {(r.session, r.item) for r in train})
    ranking = [item for item, _ in sorted(readers.items(), key=lambda kv: (-kv[1], kv[0]))]
    top, head = set(ranking[:k]), set(ranking[: k + 1])  # one spare for the current one

    def top_k(a: int) -> set[int]:
        return head - {a} if a in top else top

    return _hit_rate(_next_article_pairs(test_sessions_ordered, set(readers)), top_k)
