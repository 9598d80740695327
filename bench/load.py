"""Load test of the production stack: concurrent readers with a realistic mix, then the Views.

    .venv/bin/python bench/load.py                          # 60 s at 64 readers
    .venv/bin/python bench/load.py --seconds 10 --readers 8 # a quick try

Starts the production stack of bench/_stack.py (PostgreSQL, Redis, gunicorn with 3 workers
and the job worker, the demo loaded) on 127.0.0.1, the only address it sends traffic to.
Each simulated reader is one thread with a keep-alive connection (a new one every 10 to
30 requests, as a browser's idles out), its own address in X-Forwarded-For (a third on
the demo campus, the others in 198.18.0.0/15, the range set aside for benchmarks) and its
own browser user agent, so COUNTER sees different readers.
Closed loop, no think time: at most `--readers` requests are in flight at any moment.

First a baseline, `/healthz` (the cheapest route) at the same concurrency; then the mix:
article pages, full text (open access, and the paywalled article for campus readers),
search, PDF downloads and SUSHI reports. A reader never asks for the same URL again within
`REPEAT_GAP` seconds, except for deliberate double-clicks (a page asked for twice at once),
which COUNTER counts once (7.2); so the Views each article should gain are known exactly.
After the run it waits for the worker to fold the new events into the Views count, then
reads every article's Views from the API and compares them with the requests made.
Exit status 1 on any error or any difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import resource
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _stack  # noqa: E402 - beside this script

KINDS = ("abstract", "full_text", "search", "pdf", "sushi")
MIX = {"abstract": 50, "full_text": 20, "search": 15, "pdf": 10, "sushi": 5}
VIEW_KINDS = {"abstract", "full_text", "pdf"}  # Total_Item_Investigations, Regular
REPEAT_GAP = 45.0  # beyond the 30-second double-click window, with room for latency
DOUBLE_CLICK_SHARE = 0.02  # of article pages, asked for twice in a row
ABSTRACT_POOL = 400  # articles whose pages readers visit (the Views of each are checked)
# Requests a reader makes on one connection before opening another (as a browser does when
# its keep-alive connection idles out): spreads the readers over gunicorn's workers, which
# would otherwise keep whichever connections each happened to accept first.
RECONNECT_AFTER = (10, 30)
CAMPUS_SHARE = 3  # every third reader is on the demo campus
UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.{n}.0 Safari/537.36"
)
SUSHI_CUSTOMERS = [  # the demo's credentials (usage/demo.py): a library, and The World
    dict(zip(("customer_id", "requestor_id", "api_key"), credential, strict=True))
    for credential in (
        ("demo-university", "demo-library", "demo-university-key"),
        ("0000000000000000", "demo-publisher", "demo-world-key"),
    )
]


@dataclass
class Article:
    pk: int
    doi: str
    title: str
    full_text: bool
    open_to_all: bool  # open access or free to read: anyone may read the full text


def article_path(route: str, doi: str) -> str:
    return f"/doi/{route}/{quote(doi, safe='/')}"


@dataclass
class Site:
    articles: list[Article]
    searches: list[str]
    sushi: list[str]
    pools: dict[tuple[str, bool], list[str]] = field(default_factory=dict)

    def __post_init__(self):
        for campus in (False, True):
            readable = [a for a in self.articles if a.full_text and (a.open_to_all or campus)]
            self.pools["abstract", campus] = [article_path("abs", a.doi) for a in self.articles]
            self.pools["full_text", campus] = [article_path("full", a.doi) for a in readable]
            self.pools["pdf", campus] = [article_path("pdf", a.doi) for a in readable]
            self.pools["search", campus] = self.searches
            self.pools["sushi", campus] = self.sushi

    def pool(self, kind: str, campus: bool) -> list[str]:
        return self.pools[kind, campus]

    def doi_of(self) -> dict[str, str]:
        """The article each article URL is about."""
        return {
            article_path(route, a.doi): a.doi
            for a in self.articles
            for route in ("abs", "full", "pdf")
        }


@dataclass
class Reader:
    number: int
    address: str
    agent: str
    campus: bool
    last_asked: dict[str, float] = field(default_factory=dict)


@dataclass
class Sample:
    kind: str
    path: str
    reader: int
    status: int
    seconds: float
    at: float  # time.time() when the request was sent
    error: str = ""


def readers(count: int) -> list[Reader]:
    made = []
    for n in range(count):
        campus = n % CAMPUS_SHARE == 0
        address = f"203.0.113.{10 + n % 240}" if campus else f"198.18.{n // 250}.{1 + n % 250}"
        made.append(Reader(n, address, UA.format(n=1000 + n), campus))
    return made


def discover(stack, rng: random.Random) -> Site:
    """What there is to read: articles (SQL on the stack's database, before the run)."""
    rows = stack.sql(
        """SELECT a.id, a.doi, a.title, a.body_html <> '',
                  a.is_open_access OR j.is_open_access OR a.is_free_to_read
           FROM catalog_article a JOIN catalog_journal j ON j.id = a.journal_id
           WHERE a.is_published AND (a.published_online IS NULL OR a.published_online <= %s)
           ORDER BY a.id""",
        [dt.date.today()],
    )
    articles = [Article(*row) for row in rows]
    with_text = [a for a in articles if a.full_text]
    rest = [a for a in articles if not a.full_text]
    chosen = with_text + rng.sample(rest, min(len(rest), max(0, ABSTRACT_POOL - len(with_text))))
    searches = []
    for article in rng.sample(chosen, min(len(chosen), 200)):
        words = [w for w in article.title.split() if w.isalpha() and len(w) > 3][:3]
        if words:
            searches.append("/search?" + urlencode({"q": " ".join(words)}))
    today = dt.date.today().replace(day=1)
    sushi = []
    for months in (1, 3, 12):
        end = today - dt.timedelta(days=1)
        begin = (end - dt.timedelta(days=31 * (months - 1))).replace(day=1)
        for customer in SUSHI_CUSTOMERS:
            params = {**customer, "begin_date": f"{begin:%Y-%m}", "end_date": f"{end:%Y-%m}"}
            sushi.append("/sushi/r51/reports/tr_j1?" + urlencode(params))
    return Site(chosen, searches, sushi)


class Client:
    """One reader's keep-alive connection."""

    def __init__(self, port: int, reader: Reader):
        self.port = port
        self.reader = reader
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, int]:
        """(status, body bytes); a keep-alive connection the server closed meanwhile is
        opened again once, as browsers do."""
        headers = {"User-Agent": self.reader.agent, "X-Forwarded-For": self.reader.address}
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(_stack.HOST, self.port, timeout=120)
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused and attempt == 1:
                    continue
                raise
            if response.will_close:
                self.close()
            return response.status, len(body)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def pick(site: Site, reader: Reader, rng: random.Random, now: float) -> tuple[str, str]:
    """The next request of this reader: a kind by the mix, a URL it has not asked for in
    REPEAT_GAP seconds (else an article page it has not)."""
    kinds = list(MIX)
    kind = rng.choices(kinds, weights=[MIX[k] for k in kinds])[0]
    for candidate_kind in (kind, "abstract"):
        pool = site.pool(candidate_kind, reader.campus)
        for _ in range(8):
            path = rng.choice(pool)
            if now - reader.last_asked.get(path, -1e9) > REPEAT_GAP:
                return candidate_kind, path
    raise RuntimeError("no URL left that this reader has not asked for lately")


def run_load(port, site, reader_list, seconds, kinds_for=None, seed=1) -> list[Sample]:
    """Each reader asks, waits for the answer, asks again, for `seconds`."""
    samples: list[Sample] = []
    lock = threading.Lock()
    stop_at = [0.0]  # set when every reader is ready, so all run the same `seconds`

    def go() -> None:
        stop_at[0] = time.monotonic() + seconds

    start = threading.Barrier(len(reader_list) + 1, action=go)

    def one(reader: Reader) -> None:
        rng = random.Random(seed * 1000 + reader.number)
        client = Client(port, reader)
        mine: list[Sample] = []
        asked, reconnect_every = 0, rng.randint(*RECONNECT_AFTER)
        start.wait()
        try:
            while time.monotonic() < stop_at[0]:
                now = time.time()
                kind, path = kinds_for(reader) if kinds_for else pick(site, reader, rng, now)
                repeat = kind == "abstract" and not kinds_for and rng.random() < DOUBLE_CLICK_SHARE
                for _ in range(2 if repeat else 1):
                    mine.append(ask(client, kind, path, reader))
                reader.last_asked[path] = mine[-1].at
                asked += 1
                if asked % reconnect_every == 0:  # a browser's connection idles out
                    client.close()
                    reconnect_every = rng.randint(*RECONNECT_AFTER)
        finally:
            client.close()
            with lock:
                samples.extend(mine)

    threads = [threading.Thread(target=one, args=(r,), daemon=True) for r in reader_list]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    return samples


def ask(client: Client, kind: str, path: str, reader: Reader) -> Sample:
    at, started = time.time(), time.perf_counter()
    try:
        status, size = client.get(path)
        error = "" if status == 200 and size else f"HTTP {status}"
    except (OSError, http.client.HTTPException) as exc:
        client.close()
        status, error = 0, f"{type(exc).__name__}: {exc}"
    return Sample(kind, path, reader.number, status, time.perf_counter() - started, at, error)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def table(rows: list[tuple[str, list[Sample]]], seconds: float) -> str:
    lines = [
        f"{'':<22}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}",
    ]
    for name, samples in rows:
        times = [s.seconds * 1000 for s in samples]
        errors = sum(1 for s in samples if s.error)
        lines.append(
            f"{name:<22}{len(samples):>9,}{len(samples) / seconds:>9.1f}"
            f"{percentile(times, 50):>9.1f}{percentile(times, 99):>9.1f}{errors:>8}"
        )
    return "\n".join(lines)


def expected_views(samples: list[Sample], doi_of: dict[str, str]) -> Counter:
    """The Views the requests made should add, per article path: Investigations of
    successful article pages, full texts and PDFs, a reader's repeat of the same URL within
    30 seconds counted once (COUNTER 7.2: the later one is kept)."""
    clicks = defaultdict(list)
    for s in samples:
        if s.kind in VIEW_KINDS and not s.error:
            clicks[(s.reader, s.path)].append(s.at)
    views: Counter = Counter()
    for (_reader, path), times in clicks.items():
        times.sort()
        kept = sum(1 for a, b in zip(times, times[1:] + [float("inf")], strict=True) if b - a > 30)
        views[doi_of[path]] += kept
    return views


def site_views(stack, dois: list[str]) -> dict[str, int]:
    """Each article's Views as the API shows them (one address per request: the API's rate
    limit is per address)."""
    shown = {}
    for n, doi in enumerate(dois):
        address = f"198.19.{n // 250}.{1 + n % 250}"
        status, body = stack.get(
            f"/api/v1/articles/{quote(doi, safe='/')}/metrics", headers={"X-Forwarded-For": address}
        )
        if status != 200:
            raise _stack.StackFailed(f"metrics of {doi}: HTTP {status} {body[:200]!r}")
        shown[doi] = json.loads(body)["views"]
    return shown


def wait_for_fold(stack, until: dt.datetime, timeout: float = 180) -> float:
    """Wait until the worker has folded every event before `until` into the Views count,
    and the cached counts (15 s) have expired; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        rows = stack.sql("SELECT at FROM usage_watermark WHERE name = 'live-views'")
        if rows and rows[0][0] >= until:
            time.sleep(16)  # views_count.CACHE_SECONDS, and a second
            return time.monotonic() - started
        time.sleep(2)
    raise _stack.StackFailed(f"the Views count did not catch up within {timeout:.0f} s")


def wait_for_pdfs(stack, timeout: float = 600) -> str:
    """Let the worker render the PDFs of the full-text articles (as after any import), so
    the run measures downloads, not first renders; a line saying how it went."""
    started = time.monotonic()
    left = -1
    while time.monotonic() - started < timeout:
        left = stack.sql(
            """SELECT COUNT(*) FROM catalog_article a WHERE a.body_html <> '' AND NOT EXISTS
               (SELECT 1 FROM pdf_articlepdf p WHERE p.article_id = a.id AND p.file <> '')"""
        )[0][0]
        if not left:
            return f"PDFs rendered by the worker before the run: {time.monotonic() - started:.0f} s"
        time.sleep(2)
    return f"{left} PDFs still not rendered after {timeout:.0f} s: the run renders them"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--pubmed-limit", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the stack's home (logs)")
    args = parser.parse_args(argv)
    if not 1 <= args.readers <= 512 or not 0 < args.seconds <= 3600:
        parser.error("--readers is 1..512 and --seconds 0..3600: the load stays bounded")
    reason = _stack.unavailable()
    if reason:
        print(f"load: skipped, {reason}")
        return 0
    rng = random.Random(args.seed)
    with _stack.running(
        pubmed_limit=args.pubmed_limit,
        workers=args.workers,
        database="masthead_load",
        keep_home=args.keep,
    ) as stack:
        _stack.add_paywalled_article(stack)
        print(wait_for_pdfs(stack))
        site = discover(stack, rng)
        dois = [a.doi for a in site.articles]
        before = site_views(stack, dois)
        print(
            f"{len(site.articles)} articles ({sum(a.full_text for a in site.articles)} with full "
            f"text), {len(site.searches)} searches, {len(site.sushi)} SUSHI reports; "
            f"{args.readers} readers, {args.readers // CAMPUS_SHARE + 1} on campus"
        )
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        baseline = run_load(
            stack.port,
            site,
            readers(args.readers),
            args.baseline_seconds,
            kinds_for=lambda reader: ("healthz", "/healthz"),
        )
        mix = run_load(stack.port, site, readers(args.readers), args.seconds, seed=args.seed)
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        run_end = dt.datetime.now(dt.UTC)
        rows = [("baseline /healthz", baseline)]
        rows += [(kind, [s for s in mix if s.kind == kind]) for kind in KINDS]
        print(table(rows[:1], args.baseline_seconds))
        print("\n".join(table(rows[1:] + [("all (mix)", mix)], args.seconds).splitlines()[1:]))
        client_cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
        wall = args.seconds + args.baseline_seconds
        print(f"load generator CPU: {client_cpu:.0f} s over {wall:.0f} s")
        errors = [s for s in baseline + mix if s.error]
        for s in errors[:10]:
            print(f"error: {s.kind} {s.path}: {s.error}")

        waited = wait_for_fold(stack, run_end)
        after = site_views(stack, dois)
        expected = expected_views(mix, site.doi_of())
        gained = {doi: after[doi] - before[doi] for doi in dois}
        made = sum(1 for s in mix if s.kind in VIEW_KINDS and not s.error)
        wrong = {
            d: (expected.get(d, 0), gained[d]) for d in dois if expected.get(d, 0) != gained[d]
        }
        print(
            f"Views: {made:,} article requests, {sum(expected.values()):,} count as Views "
            f"(double-clicks once); the site shows {sum(gained.values()):,} more Views over "
            f"{len(dois)} articles, {waited:.0f} s after the run"
        )
        for doi, (want, shown) in list(wrong.items())[:10]:
            print(f"  {doi}: expected +{want}, the site shows +{shown}")
        print(f"errors: {len(errors)}; Views {'match' if not wrong else 'DIFFER'}")
        return 1 if errors or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
