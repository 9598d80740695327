"""Commerce benchmark: checkouts per second with the demo provider, and what a cart in the
session costs the article page.

    .venv/bin/python bench/commerce.py [--readers 200] [--blocks 10 --per-block 200]
        [--postgres [URL]] [--json]

For each backend (SQLite in a temporary MASTHEAD_HOME; with --postgres, or when
DATABASE_URL names a PostgreSQL server, also PostgreSQL: database masthead_commerce_bench
on that server, created and dropped, skipped with a note when unreachable) it migrates,
seeds _seed.py's article (article offer USD 53.00 / 48 h, issue offer USD 577.00 / 30 days),
makes its publisher a seller (established in GB, VAT by the buyer's country) and runs this
script again in process (--inprocess) with Django's test Client:

1. Checkouts end to end with the demo provider, for --readers distinct guest readers
   (a new client each, buying from Germany: VAT 7 %): add to cart, GET checkout, POST
   checkout (an account for the e-mail, the order, the demo payment page), POST the demo
   payment page with the test card (the signed notification through the webhook's entry
   point: payment, grant, invoice number, receipt), GET the return (to the article) and
   the article page it sends to. Every step's answer is checked (a broken flow fails the
   run instead of scoring). The baseline: as many plain article page GETs, by as many new
   anonymous readers, in blocks alternating with the checkouts so both see the same
   machine. Reported: checkouts/s, ms per checkout, pages/s, and a checkout in page GETs;
   each step's mean time and SQL queries.
2. The article page for an anonymous reader (fragments cached) with no session, with a
   session holding no cart, and with a cart of 2 items (the header's "Cart (2)", filled by
   commerce/middleware.py), in alternating blocks; mean / p50 ms and SQL queries each.

Timings are printed, never asserted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import article_page as ap  # noqa: E402

BENCH = ap.BENCH
ROOT = ap.ROOT
PG_DATABASE = "masthead_commerce_bench"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
TEST_CARD = "4242 4242 4242 4242"
STEPS = ("add to cart", "GET checkout", "POST checkout", "POST pay", "GET return", "GET article")
SESSIONS = ("no session", "session, no cart", "cart of 2")


# --------------------------------------------------------------------------- in process


def ms(values: list[float], q: int | None = None) -> float:
    if q is None:
        return statistics.fmean(values) * 1000
    return statistics.quantiles(values, n=100)[q - 1] * 1000


class Shop:
    """The seeded article, its offers and the flows, through Django's test Client."""

    def __init__(self, doi: str):
        from masthead.catalog.models import Article
        from masthead.commerce.models import Seller
        from masthead.commerce.pricing import offers_for_article

        self.article = Article.objects.select_related("journal").get(doi=doi)
        self.path = self.article.get_absolute_url()
        self.offers = {o.kind: o.offer_id for o in offers_for_article(self.article)}
        ap.expect(set(self.offers) == {"article", "issue"}, f"offers: {self.offers}")
        Seller.objects.get_or_create(
            publisher=self.article.journal.publisher,
            defaults={
                "legal_name": "Bench Society Press Ltd",
                "address": "1 Bench Street\nOxford",
                "country": "GB",
                "vat_number": "GB980780684",
                "email": "sales@example.org",
                "invoice_prefix": "BSP-",
            },
        )

    @staticmethod
    def client():
        from django.test import Client

        return Client(HTTP_USER_AGENT=USER_AGENT, HTTP_HOST="127.0.0.1")

    def page(self, client) -> str:
        response = client.get(self.path)
        ap.expect(response.status_code == 200, f"{self.path}: HTTP {response.status_code}")
        return response.content.decode()

    def add(self, client, kind: str):
        data = {"offer": self.offers[kind], "article": self.article.pk}
        response = client.post("/cart/add", data)
        ap.expect(response.status_code == 302, f"cart/add: HTTP {response.status_code}")
        return response

    def checkout(self, client, n: int, timed: dict[str, list[float]], after_step=None) -> None:
        """One guest's purchase, step by step, each step timed and checked; after_step(name)
        is called as each step ends."""
        import re

        def step(name, call):
            started = time.perf_counter()
            response = call()
            timed[name].append(time.perf_counter() - started)
            if after_step is not None:
                after_step(name)
            return response

        step("add to cart", lambda: self.add(client, "article"))
        form = step("GET checkout", lambda: client.get("/checkout?country=DE"))
        ap.expect(form.status_code == 200, f"GET checkout: HTTP {form.status_code}")
        key = re.search(rb'name="idempotency_key" value="([^"]+)"', form.content).group(1)
        data = {
            "email": f"reader{n}@example.org",
            "name": f"Reader {n}",
            "country": "DE",
            "vat_id": "",
            "idempotency_key": key.decode(),
        }
        placed = step("POST checkout", lambda: client.post("/checkout", data))
        ap.expect(
            placed.status_code == 302 and "/pay/demo/" in placed.get("Location", ""),
            f"POST checkout: HTTP {placed.status_code} {placed.content[:300]!r}",
        )
        paid = step(
            "POST pay",
            lambda: client.post(placed["Location"], {"card": TEST_CARD, "action": "pay"}),
        )
        ap.expect(
            paid.status_code == 302 and "/return" in paid["Location"],
            f"POST pay: HTTP {paid.status_code}",
        )
        back = step("GET return", lambda: client.get(paid["Location"]))
        ap.expect(
            back.status_code == 302 and back["Location"] == self.path,
            f"GET return: HTTP {back.status_code} to {back.get('Location')}",
        )
        landing = step("GET article", lambda: client.get(back["Location"]))
        text = landing.content.decode()
        ap.expect(
            landing.status_code == 200 and "You have purchased access" in text,
            f"reader {n}: the article page does not show the purchase",
        )


def checkouts(shop: Shop, readers: int, block: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.commerce.models import Order

    # Warm-up (not timed): templates, the GeoIP database, the tax table; the last one's
    # SQL is counted per step.
    steps_sql: dict[str, int] = {}
    for n in range(3):
        client = shop.client()
        shop.page(client)
        scratch = {name: [] for name in STEPS}
        marks: list[tuple[str, int]] = []
        with CaptureQueriesContext(connection) as queries:
            counted = StepQueries(marks, queries)
            shop.checkout(client, -1 - n, scratch, counted.after_step)
        previous = 0
        for name, count in marks:
            steps_sql[name] = count - previous
            previous = count

    timed = {name: [] for name in STEPS}
    checkout_seconds, page_seconds = [], []
    done = 0
    while done < readers:
        size = min(block, readers - done)
        for _ in range(size):  # the baseline: a new anonymous reader's article page
            client = shop.client()
            started = time.perf_counter()
            shop.page(client)
            page_seconds.append(time.perf_counter() - started)
        for n in range(done, done + size):  # as many new readers buying
            client = shop.client()
            started = time.perf_counter()
            shop.checkout(client, n, timed)
            checkout_seconds.append(time.perf_counter() - started)
        done += size

    paid = Order.objects.filter(status="paid").count()
    ap.expect(paid == readers + 3, f"{paid} paid orders for {readers + 3} checkouts")
    total = sum(checkout_seconds)
    return {
        "readers": readers,
        "checkouts_per_s": readers / total,
        "ms_per_checkout": ms(checkout_seconds),
        "p50_ms_per_checkout": ms(checkout_seconds, 50),
        "pages_per_s": len(page_seconds) / sum(page_seconds),
        "ms_per_page": ms(page_seconds),
        "checkout_in_pages": ms(checkout_seconds) / ms(page_seconds),
        "steps": {
            name: {
                "mean_ms": ms(timed[name]),
                "p50_ms": ms(timed[name], 50),
                "sql": steps_sql[name],
            }
            for name in STEPS
        },  # fmt: skip
    }


class StepQueries:
    """Notes, as each checkout step ends, how many queries were captured so far."""

    def __init__(self, marks: list, captured):
        self.marks, self.captured = marks, captured

    def after_step(self, name: str) -> None:
        self.marks.append((name, len(self.captured)))


def cart_cost(shop: Shop, blocks: int, per_block: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = {}
    clients["no session"] = shop.client()
    plain = shop.client()
    session = plain.session  # a stored session and its cookie, no cart in it
    session["bench"] = "a session without a cart"
    session.save()
    clients["session, no cart"] = plain
    carrying = shop.client()
    shop.add(carrying, "article")
    shop.add(carrying, "issue")
    clients["cart of 2"] = carrying

    queries, sql = {}, {}
    for name, client in clients.items():
        text = shop.page(client)  # warm; and the cart's "added" messages are shown once
        text = shop.page(client)
        ap.expect("USD 53.00" in text, f"{name}: no offer on the page")
        badge = "Cart (2)" in text
        ap.expect(badge == (name == "cart of 2"), f"{name}: cart badge is {badge}")
        with CaptureQueriesContext(connection) as captured:
            shop.page(client)
        queries[name] = len(captured)
        sql[name] = [q["sql"][:160] for q in captured.captured_queries]

    timings: dict[str, list[float]] = {name: [] for name in SESSIONS}
    for _ in range(blocks):
        for name in SESSIONS:
            client = clients[name]
            for _ in range(per_block):
                started = time.perf_counter()
                response = client.get(shop.path)
                timings[name].append(time.perf_counter() - started)
                ap.expect(response.status_code == 200, f"{name}: HTTP {response.status_code}")
    base = ms(timings["no session"])
    return {
        name: {
            "requests": len(timings[name]),
            "mean_ms": ms(timings[name]),
            "p50_ms": ms(timings[name], 50),
            "added_ms": ms(timings[name]) - base,
            "sql": queries[name],
            "queries": sql[name],
        }
        for name in SESSIONS
    }


def inprocess(args) -> None:
    import warnings

    warnings.filterwarnings("ignore", "No directory at")  # whitenoise: no collectstatic here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    shop = Shop(args.doi)
    result = {"backend": connection.vendor}
    print(f"  {connection.vendor}: {args.readers} checkouts ...", flush=True)
    result["checkouts"] = checkouts(shop, args.readers, args.block)
    print(f"  {connection.vendor}: the article page with and without a cart ...", flush=True)
    result["cart"] = cart_cost(shop, args.blocks, args.per_block)
    Path(args.out).write_text(json.dumps(result, indent=1))


# --------------------------------------------------------------------------- one backend


def run_backend(name: str, database_url: str, pg_url: str, home: Path, args) -> dict:
    script = [__file__, "--inprocess", "--readers", str(args.readers),
              "--block", str(args.block), "--blocks", str(args.blocks),
              "--per-block", str(args.per_block)]  # fmt: skip
    extra_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # built, not sent
        "MASTHEAD_PAYMENT_PROVIDER": "demo",
        "MASTHEAD_DEBUG": "",
    }
    return ap.run_on_fresh_database(
        name, database_url, pg_url, PG_DATABASE, home, script, extra_env, timeout=3600
    )


def table(results: list[dict]) -> str:
    lines = [
        "| backend | checkouts | checkouts/s | ms per checkout (mean / p50) "
        "| article GETs/s (baseline) | ms per article GET | 1 checkout = page GETs |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c = r["checkouts"]
        lines.append(
            f"| {r['backend']} | {c['readers']} | {c['checkouts_per_s']:.1f} "
            f"| {c['ms_per_checkout']:.1f} / {c['p50_ms_per_checkout']:.1f} "
            f"| {c['pages_per_s']:.0f} | {c['ms_per_page']:.2f} | {c['checkout_in_pages']:.1f} |"
        )
    lines += ["", "| backend | step | mean ms | p50 ms | SQL queries |", "|---|---|---|---|---|"]
    for r in results:
        for step, s in r["checkouts"]["steps"].items():
            lines.append(
                f"| {r['backend']} | {step} | {s['mean_ms']:.2f} | {s['p50_ms']:.2f} | {s['sql']} |"
            )
    lines += [
        "",
        "| backend | article page, anonymous | requests | mean ms | p50 ms | added ms "
        "| SQL queries |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for name, s in r["cart"].items():
            lines.append(
                f"| {r['backend']} | {name} | {s['requests']} | {s['mean_ms']:.3f} "
                f"| {s['p50_ms']:.3f} | {s['added_ms']:+.3f} | {s['sql']} |"
            )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=200, help="checkouts, one reader each")
    parser.add_argument("--block", type=int, default=20, help="checkouts between page blocks")
    parser.add_argument("--blocks", type=int, default=10, help="cart cost: blocks per case")
    parser.add_argument("--per-block", type=int, default=200, help="cart cost: requests each")
    parser.add_argument(
        "--postgres", nargs="?", const=ap.PG_DEFAULT, default="", metavar="URL",
        help=f"also PostgreSQL at this server (default {ap.PG_DEFAULT}); "
        "a postgresql:// DATABASE_URL does the same",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--inprocess", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--doi", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inprocess:
        inprocess(args)
        return 0

    backends = [("sqlite", "")]
    pg_url = ap.postgres_server(args.postgres)
    if pg_url:
        backends.append(("postgresql", pg_url))
    results = []
    print(f"commit {ap.git_commit()}")
    with tempfile.TemporaryDirectory(prefix="masthead-commerce-bench-") as tmp:
        for name, server in backends:
            home = Path(tmp) / name
            home.mkdir()
            url = ap.throwaway_database(name, server, home, PG_DATABASE)
            if url is None:
                continue
            print(f"{name}:", flush=True)
            results.append(run_backend(name, url, server, home, args))
    print(table(results))
    for r in results:
        cart = r["cart"]
        extra = [q for q in cart["cart of 2"]["queries"] if q not in cart["no session"]["queries"]]
        if extra:
            print(f"\n{r['backend']}: SQL the cart of 2 adds to the page (vs. no session):")
            for q in extra:
                print(f"  {q}")
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
