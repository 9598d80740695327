"""In-process access decisions for bench/access.py: run with the project's Python, migrated
database (DATABASE_URL, MASTHEAD_HOME) holding _seed.py's article.

    _access_decisions.py --doi DOI --requests N --out result.json

Creates 10 institutions with 50 IP ranges (the baseline), measures, then grows them to
--institutions / --ranges (default 10,000 / 50,000) and measures again. Each institution
has a licence to the article's journal. Writes the figures, the range lookup's query plan
and addresses for the HTTP part (a campus address, an outside one, many campus ones) to
--out as JSON; progress goes to stdout.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from masthead.access import iprange  # noqa: E402
from masthead.access.decision import Action, Reason  # noqa: E402
from masthead.access.models import Institution, IPRange, Licence  # noqa: E402
from masthead.access.services import decide_for_request, institution_for_ip  # noqa: E402
from masthead.reader.lookup import find_article  # noqa: E402

PROXY = "127.0.0.1"
IPV6_SHARE = 25  # one range in 25 is an IPv6 /48 (2,000 of 50,000)
QUERY_SAMPLE = 200  # decisions of each kind whose SQL is counted


# --------------------------------------------------------------------------- address plan


def _global_v4_net(rng: random.Random) -> ipaddress.IPv4Network | None:
    net = ipaddress.IPv4Network((rng.randrange(1 << 24) << 8, 24))
    return net if net.is_global and not net.is_multicast else None


def _global_v6_net(rng: random.Random) -> ipaddress.IPv6Network | None:
    # 2000::/3 is the global unicast space; is_global drops 2001:db8::/32 and friends.
    net = ipaddress.IPv6Network(((0x2000 + rng.randrange(0x2000)) << 112
                                 | rng.randrange(1 << 32) << 80, 48))  # fmt: skip
    return net if net.is_global else None


def plan_ranges(count: int, rng: random.Random) -> list[ipaddress._BaseNetwork]:
    """`count` distinct (hence non-overlapping) public /24s and /48s, in random order."""
    nets: list = []
    seen: set = set()
    attempts = 0
    while len(nets) < count:
        attempts += 1
        if attempts > count * 20:  # bounded: the public space is far larger than asked
            raise RuntimeError("could not find enough public ranges")
        v6 = len(nets) % IPV6_SHARE == IPV6_SHARE - 1
        net = _global_v6_net(rng) if v6 else _global_v4_net(rng)
        if net is not None and net not in seen:
            seen.add(net)
            nets.append(net)
    return nets


def inside(net, rng: random.Random) -> str:
    return str(net.network_address + rng.randrange(net.num_addresses))


def outside(nets: set, rng: random.Random) -> str:
    """A public address in none of `nets` (three in four IPv4)."""
    for _ in range(1000):
        if rng.randrange(4):
            address = ipaddress.IPv4Address(rng.randrange(1 << 32))
            if address.is_global and not address.is_multicast:
                if ipaddress.IPv4Network((int(address) >> 8 << 8, 24)) not in nets:
                    return str(address)
        else:
            net = _global_v6_net(rng)
            if net is not None and net not in nets:
                return inside(net, rng)
    raise RuntimeError("no address outside the ranges found")


# --------------------------------------------------------------------------- data


@transaction.atomic
def add_institutions(first: int, last: int, nets, journal_id: int) -> dict:
    """Institutions first..last-1, nets[i] belonging to institution i % (last-first)...

    Returns {net: institution pk} for the new ranges. bulk_create skips IPRange.save(),
    so the keys are computed here with iprange.parse_range, as save() would.
    """
    institutions = Institution.objects.bulk_create(
        [Institution(name=f"Bench University {i:05d}") for i in range(first, last)],
        batch_size=1000,
    )
    pks = [i.pk for i in institutions]
    if any(pk is None for pk in pks):  # a backend without RETURNING
        names = {f"Bench University {i:05d}" for i in range(first, last)}
        pks = list(Institution.objects.filter(name__in=names).order_by("name")
                   .values_list("pk", flat=True))  # fmt: skip
    owner = {}
    rows = []
    for n, net in enumerate(nets):
        parsed = iprange.parse_range(str(net))
        pk = pks[n % len(pks)]
        owner[net] = pk
        rows.append(IPRange(institution_id=pk, text=parsed.text, start_key=parsed.start_key,
                            end_key=parsed.end_key))  # fmt: skip
    IPRange.objects.bulk_create(rows, batch_size=2000)
    Licence.objects.bulk_create(
        [Licence(institution_id=pk, journal_id=journal_id, starts_on=datetime.date(2020, 1, 1))
         for pk in pks],
        batch_size=2000,
    )  # fmt: skip
    return owner


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------- measuring


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))]


def summary(times_ns: list[int], wall_s: float) -> dict:
    values = sorted(t / 1000 for t in times_ns)
    return {
        "n": len(values),
        "per_s": round(len(values) / wall_s, 1),
        "mean_us": round(sum(values) / len(values), 1),
        "p50_us": round(percentile(values, 50), 1),
        "p99_us": round(percentile(values, 99), 1),
    }


def make_request(factory: RequestFactory, path: str, address: str):
    request = factory.get(path, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    request.user = AnonymousUser()
    return request


def measure(ref, path: str, addresses: list[str], expected: list[int | None]) -> dict:
    """institution_for_ip and decide_for_request for every address; checked against
    `expected` (the institution each address belongs to), so a wrong lookup cannot score."""
    factory = RequestFactory()
    warm = min(500, len(addresses))
    for address in addresses[:warm]:
        institution_for_ip(address)
        decide_for_request(make_request(factory, path, address), ref, Action.FULL_TEXT, False)

    # institution_for_ip alone
    times = [0] * len(addresses)
    found = [None] * len(addresses)
    clock = time.perf_counter_ns
    started = time.perf_counter()
    for n, address in enumerate(addresses):
        t0 = clock()
        found[n] = institution_for_ip(address)
        times[n] = clock() - t0
    lookup = summary(times, time.perf_counter() - started)
    wrong = sum(1 for f, e in zip(found, expected, strict=True) if f != e)
    if wrong:
        raise SystemExit(f"institution_for_ip: {wrong} of {len(addresses)} addresses wrong")

    # the whole decision; requests are built beforehand (fresh: they memoise the address)
    requests = [make_request(factory, path, a) for a in addresses]
    decisions = [None] * len(addresses)
    started = time.perf_counter()
    for n, request in enumerate(requests):
        t0 = clock()
        decisions[n] = decide_for_request(request, ref, Action.FULL_TEXT, serving=False)
        times[n] = clock() - t0
    decide = summary(times, time.perf_counter() - started)
    for decision, institution in zip(decisions, expected, strict=True):
        want = Reason.LICENCE if institution else Reason.NO_LICENSE
        if decision.reason != want or decision.institution_id != institution:
            raise SystemExit(f"decide_for_request: {decision} for institution {institution}")

    # SQL per decision, campus and outside readers apart
    queries = {}
    for kind, want_campus in (("campus", True), ("outside", False)):
        sample = [a for a, e in zip(addresses, expected, strict=True)
                  if (e is not None) == want_campus][:QUERY_SAMPLE]  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            for address in sample:
                decide_for_request(make_request(factory, path, address), ref,
                                   Action.FULL_TEXT, serving=False)  # fmt: skip
        queries[kind] = round(len(captured.captured_queries) / max(1, len(sample)), 2)
    return {"lookup": lookup, "decide": decide, "queries": queries}


def query_plans(ref, path: str, address: str) -> list[dict]:
    """The SQL of one campus reader's decision (the range lookup first), and its plans."""
    request = make_request(RequestFactory(), path, address)
    with CaptureQueriesContext(connection) as captured:
        decide_for_request(request, ref, Action.FULL_TEXT, serving=False)
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = [r[3] for r in cursor.fetchall()]  # (id, parent, notused, detail)
            else:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql)
                plan = [r[0] for r in cursor.fetchall()]
        plans.append({"sql": sql, "plan": plan})
    return plans


def addresses_for(nets, owner: dict, count: int, rng: random.Random):
    """count addresses, half in some range of `nets` (owner gives the institution)."""
    taken = set(nets)
    addresses, expected = [], []
    for n in range(count):
        if n % 2 == 0:
            net = nets[rng.randrange(len(nets))]
            addresses.append(inside(net, rng))
            expected.append(owner[net])
        else:
            addresses.append(outside(taken, rng))
            expected.append(None)
    return addresses, expected


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--doi", required=True)
    p.add_argument("--requests", type=int, default=20_000)
    p.add_argument("--institutions", type=int, default=10_000)
    p.add_argument("--ranges", type=int, default=50_000)
    p.add_argument("--baseline-institutions", type=int, default=10)
    p.add_argument("--baseline-ranges", type=int, default=50)
    p.add_argument("--rotate", type=int, default=1000, help="campus addresses for HTTP")
    p.add_argument("--seed", type=int, default=20240501)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    if PROXY not in settings.MASTHEAD_TRUSTED_PROXIES:
        raise SystemExit(f"MASTHEAD_TRUSTED_PROXIES must hold {PROXY}")

    rng = random.Random(args.seed)
    ref = find_article(args.doi)
    path = f"/doi/abs/{ref.doi}"
    nets = plan_ranges(args.ranges, rng)
    base_i, base_r = args.baseline_institutions, args.baseline_ranges
    out = {"vendor": connection.vendor, "sets": {}}

    owner = add_institutions(0, base_i, nets[:base_r], ref.journal_id)
    analyze()
    label = f"{base_i} inst / {base_r} ranges"
    print(f"    {label}: measuring {args.requests} decisions", flush=True)
    addresses, expected = addresses_for(nets[:base_r], owner, args.requests, rng)
    out["sets"][label] = measure(ref, path, addresses, expected)

    started = time.perf_counter()
    owner |= add_institutions(base_i, args.institutions, nets[base_r:], ref.journal_id)
    seeded_s = time.perf_counter() - started
    # The big set's ranges belong to institutions base_i.. round robin; recompute owners
    # from the database so the check is against what is stored.
    owner = {}
    keyed = {iprange.parse_range(str(n)).start_key: n for n in nets}
    for start_key, institution_id in IPRange.objects.values_list("start_key", "institution_id"):
        owner[keyed[start_key]] = institution_id
    counts = (Institution.objects.count(), IPRange.objects.count(), Licence.objects.count())
    print(f"    inserted {counts[0]} institutions, {counts[1]} ranges, {counts[2]} licences "
          f"in {seeded_s:.1f} s", flush=True)  # fmt: skip
    label = f"{counts[0]} inst / {counts[1]} ranges"
    addresses, expected = addresses_for(nets, owner, args.requests, rng)
    campus = next(a for a, e in zip(addresses, expected, strict=True) if e is not None)
    out["plan_unanalyzed"] = query_plans(ref, path, campus)
    analyze()
    out["plan"] = query_plans(ref, path, campus)
    print(f"    {label}: measuring {args.requests} decisions", flush=True)
    out["sets"][label] = measure(ref, path, addresses, expected)

    # For the HTTP part: addresses, and the institution name the page must show.
    names = dict(Institution.objects.values_list("pk", "name"))
    campus = [(a, e) for a, e in zip(addresses, expected, strict=True) if e is not None]
    out["campus"] = {"address": campus[0][0], "institution": names[campus[0][1]]}
    out["outside"] = next(a for a, e in zip(addresses, expected, strict=True) if e is None)
    rotate = {}
    for address, institution in campus:  # distinct institutions
        rotate.setdefault(institution, address)
        if len(rotate) >= args.rotate:
            break
    out["rotate"] = list(rotate.values())
    with open(args.out, "w") as f:
        json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
