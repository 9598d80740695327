"""Access benchmark: institutional IP decisions per second, and the article page for campus,
outside and header-less readers under gunicorn, with 10,000 institutions / 50,000 ranges.

    .venv/bin/python bench/access.py [--requests 20000] [--duration 10] [--connections 16]
        [--workers 3 --threads 2] [--backends sqlite,postgresql] [--rotate 1000] [--json]

For each backend (SQLite in a temporary MASTHEAD_HOME; PostgreSQL database
masthead_access_bench, created and dropped, skipped with a note when unreachable):

1. In process (_access_decisions.py): 10 institutions / 50 ranges (baseline), then 10,000
   institutions / 50,000 ranges (public /24s and some IPv6 /48s, each institution licensed
   to the article's journal). For --requests addresses, half on some campus, half not:
   `institution_for_ip` alone and the whole `decide_for_request` (RequestFactory, REMOTE_ADDR
   127.0.0.1 with X-Forwarded-For, 127.0.0.1 trusted): decisions/s, mean/p50/p99 µs, SQL
   queries per decision (campus and outside), each answer checked. The range lookup's
   query plan is printed.
2. Over HTTP (`masthead serve`, MASTHEAD_TRUSTED_PROXIES=127.0.0.1, same database): the
   article page with X-Forwarded-For a campus address, an outside address, no header, and
   --rotate campus addresses of distinct institutions in turn. Each page is checked first
   (campus: "Access provided by" and the institution; others: the USD 53.00 offer).
   Load, CPU accounting and servers come from article_page.py.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import article_page as ap  # noqa: E402

BENCH = ap.BENCH
ROOT = ap.ROOT
HOST = ap.HOST
PG_DATABASE = "masthead_access_bench"
PROXY = "127.0.0.1"


# --------------------------------------------------------------------------- HTTP


def get(port: int, path: str, forwarded_for: str | None) -> tuple[int, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def check(port: int, path: str, title: str, forwarded_for: str | None, institution: str = ""):
    """The page for this reader: campus (institution given) or paywalled."""
    status, text = get(port, path, forwarded_for)
    who = forwarded_for or "no X-Forwarded-For"
    ap.expect(status == 200, f"{path} for {who}: HTTP {status}")
    ap.expect(ap.html.escape(title) in text, f"{path} for {who}: no article title")
    if institution:
        ap.expect("Access provided by" in text, f"{who}: no 'Access provided by'")
        ap.expect(ap.html.escape(institution) in text, f"{who}: {institution} not named")
        ap.expect("USD 53.00" not in text, f"{who}: a campus reader is offered the article")
    else:
        ap.expect("USD 53.00" in text, f"{who}: no USD 53.00 offer")
        ap.expect("Access provided by" not in text, f"{who}: access provided to an outsider")


def lua_for(tmp: Path, name: str, addresses: list[str]) -> Path:
    """wrk script: ap.WRK_LUA's report, plus X-Forwarded-For (one address, or in turn)."""
    script = ap.WRK_LUA
    if len(addresses) == 1:
        script += f'\nwrk.headers["X-Forwarded-For"] = "{addresses[0]}"\n'
    elif addresses:
        listed = ", ".join(f'"{a}"' for a in addresses)
        script += (
            f"\nlocal addresses = {{{listed}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #addresses + 1\n"
            '  return wrk.format(nil, nil, {["X-Forwarded-For"] = addresses[i]})\nend\n'
        )
    path = tmp / f"{name}.lua"
    path.write_text(script)
    return path


# --------------------------------------------------------------------------- one backend


def run_backend(name: str, database_url: str, pg_database: str, args, tmp: Path) -> dict:
    home = tmp / name
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(MASTHEAD_HOME=str(home), DATABASE_URL=database_url, PYTHONUNBUFFERED="1",
               MASTHEAD_TRUSTED_PROXIES=PROXY)  # fmt: skip
    env.pop("MASTHEAD_DEBUG", None)
    if pg_database:
        ap.postgres_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
        ap.postgres_admin(args.pg_url, f'CREATE DATABASE "{pg_database}"')
    server = None
    try:
        ap.masthead(env, "migrate", "--noinput", "-v", "0")
        out = subprocess.run([sys.executable, str(BENCH / "_seed.py")], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True, timeout=120)  # fmt: skip
        seeded = json.loads(out.stdout.strip().splitlines()[-1])
        page = f"/doi/abs/{seeded['doi']}"

        print(f"  {name}: decisions in process", flush=True)
        result_file = home / "decisions.json"
        subprocess.run(
            [sys.executable, str(BENCH / "_access_decisions.py"), "--doi", seeded["doi"],
             "--requests", str(args.requests), "--rotate", str(args.rotate),
             "--out", str(result_file)],
            env=env, cwd=ROOT, check=True, timeout=1800,
        )  # fmt: skip
        decisions = json.loads(result_file.read_text())
        print_decisions(name, decisions)
        if args.no_http:
            return {"decisions": decisions, "http": []}

        campus, outside = decisions["campus"], decisions["outside"]
        readers = [  # (target, addresses for wrk, institution the page must name)
            ("campus", [campus["address"]], campus["institution"]),
            ("outside", [outside], ""),
            ("no header", [], ""),
        ]
        if args.rotate > 1:
            readers.append((f"campus x{len(decisions['rotate'])}", decisions["rotate"], "?"))

        server = ap.Server(env, args.workers, args.threads, home / "server.log")
        server.wait_ready(ap.STATIC_PATH)
        check(server.port, page, seeded["title"], campus["address"], campus["institution"])
        check(server.port, page, seeded["title"], outside)
        check(server.port, page, seeded["title"], None)
        for address in decisions["rotate"][:: max(1, len(decisions["rotate"]) // 20)]:
            status, text = get(server.port, page, address)
            ap.expect(status == 200 and "Access provided by" in text, f"{address}: not campus")
        print(f"  {name}: pages OK (campus {campus['address']} = {campus['institution']}, "
              f"outside {outside}, no header)", flush=True)  # fmt: skip

        results = []
        for target, addresses, _ in readers:
            lua = lua_for(tmp, f"{name}-{target.replace(' ', '_')}", addresses)
            ap.load(server, page, args, lua, args.warmup)  # fills every worker's cache
            result = ap.measure(server, name, target, page, args, lua)
            results.append(result)
            print(f"  {name:<10} {target:<12} {result.rps:>8.1f} req/s  "
                  f"p50 {result.p50_ms:.2f} ms  p99 {result.p99_ms:.2f} ms  "
                  f"errors {result.errors}  app {result.server_cpu_ms_per_req} ms/req  "
                  f"other {result.extra['other_cpu_cores']}", flush=True)  # fmt: skip
            if server.proc.poll() is not None:
                raise RuntimeError(f"server died under load:\n{server.tail()}")
        # Still the right pages after the load.
        check(server.port, page, seeded["title"], campus["address"], campus["institution"])
        check(server.port, page, seeded["title"], outside)
        return {"decisions": decisions, "http": results}
    finally:
        if server is not None:
            server.stop()
        if pg_database:
            with contextlib.suppress(Exception):
                ap.postgres_admin(
                    args.pg_url, f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)'
                )


# --------------------------------------------------------------------------- report


def print_decisions(name: str, decisions: dict) -> None:
    """The campus decision's SQL and plans (before ANALYZE too, where it differs)."""
    print(f"  {name}: SQL of one campus decision (10,000 institutions), with its plans:")
    for n, query in enumerate(decisions["plan"]):
        print(f"    {query['sql']}")
        before = decisions["plan_unanalyzed"]
        if n < len(before) and before[n]["plan"] != query["plan"]:
            print("      before ANALYZE:")
            for line in before[n]["plan"]:
                print(f"      | {line}")
            print("      after ANALYZE:")
        for line in query["plan"]:
            print(f"      | {line}")


def decisions_table(per_backend: dict[str, dict]) -> str:
    head = ("backend", "data", "call", "per s", "mean µs", "p50 µs", "p99 µs",
            "SQL campus", "SQL outside")  # fmt: skip
    rows = []
    for backend, result in per_backend.items():
        for data, figures in result["decisions"]["sets"].items():
            for call in ("lookup", "decide"):
                f = figures[call]
                q = figures["queries"] if call == "decide" else {}
                rows.append((
                    backend, data, "institution_for_ip" if call == "lookup" else
                    "decide_for_request", f"{f['per_s']:.0f}", f"{f['mean_us']:.0f}",
                    f"{f['p50_us']:.0f}", f"{f['p99_us']:.0f}",
                    f"{q['campus']:g}" if q else "", f"{q['outside']:g}" if q else "",
                ))  # fmt: skip
    return format_table(head, rows)


def http_table(per_backend: dict[str, dict]) -> str:
    head = ("backend", "reader", "req/s", "p50 ms", "p99 ms", "errors", "app ms/req",
            "db ms/req", "other", "x no header")  # fmt: skip
    rows = []
    for backend, result in per_backend.items():
        base = next((r.rps for r in result["http"] if r.target == "no header"), 0)
        for r in result["http"]:
            rows.append((
                backend, r.target, f"{r.rps:.0f}" + ("*" if r.skewed else ""),
                f"{r.p50_ms:.2f}", f"{r.p99_ms:.2f}", str(r.errors),
                f"{r.server_cpu_ms_per_req or 0:.2f}",
                f"{r.extra.get('db_cpu_ms_per_req') or 0:.2f}",
                f"{r.extra.get('other_cpu_cores', 0):.2f}",
                f"{r.rps / base:.3f}" if base else "",
            ))  # fmt: skip
    return format_table(head, rows)


def format_table(head, rows) -> str:
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        pairs = enumerate(zip(row, widths, strict=True))
        lines.append(" | ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in pairs))
    return "\n".join(lines)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=20_000, help="decisions measured per set")
    p.add_argument("--rotate", type=int, default=1000,
                   help="campus addresses (distinct institutions) of the rotating HTTP run; "
                   "0 or 1: none")  # fmt: skip
    p.add_argument("--no-http", action="store_true", help="only the in-process decisions")
    p.add_argument("--json", action="store_true", help="also write bench/results/access-*.json")
    known, rest = p.parse_known_args(argv)
    args = ap.parse_args(rest)  # --duration, --connections, --workers, --backends, --pg-url...
    for key, value in vars(known).items():
        setattr(args, key, value)
    args.requests = max(100, args.requests)
    args.rotate = max(0, args.rotate)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk") and not args.no_http:
        print("wrk not found (apt-get install wrk): only the in-process decisions are run.")
        args.no_http = True
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    per_backend: dict[str, dict] = {}
    failed = []
    print(f"access bench: {args.requests} decisions per set; HTTP: {args.workers} workers x "
          f"{args.threads} threads, wrk {args.connections} connections, {args.duration} s each; "
          f"{os.cpu_count()} CPUs; commit {ap.git_commit()}", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="masthead-access-bench-") as tmp:
        tmp = Path(tmp)
        configs = []
        if "sqlite" in backends:
            configs.append(("sqlite", f"sqlite:///{tmp / 'sqlite' / 'bench.sqlite3'}", ""))
        if "postgresql" in backends:
            why = ap.postgres_reachable(args.pg_url)
            if why is None:
                url = f"{args.pg_url}/{PG_DATABASE}"
                configs.append(("postgresql", url, PG_DATABASE))
            else:
                print(f"NOTE: PostgreSQL not reachable at {args.pg_url} ({why}): skipped.")
        for name, url, pg_database in configs:
            started = time.monotonic()
            try:
                per_backend[name] = run_backend(name, url, pg_database, args, tmp)
            except (ap.BrokenPage, RuntimeError, OSError, subprocess.SubprocessError) as exc:
                detail = getattr(exc, "stderr", "") or ""
                print(f"FAILED {name}: {exc}\n{detail}", file=sys.stderr)
                failed.append(name)
            print(f"  {name}: {time.monotonic() - started:.0f} s", flush=True)

    if not per_backend:
        print("No figures: every backend failed.")
        return 1
    print("\nDecisions in process (per s = calls / wall time; SQL = queries per decision):")
    print(decisions_table(per_backend))
    if any(r["http"] for r in per_backend.values()):
        print(f"\nArticle page over HTTP ({'/'.join(per_backend)}, 10,000 institutions):")
        print(http_table(per_backend))
        print(
            "\ncampus / outside = X-Forwarded-For from a trusted proxy (127.0.0.1); campus xN"
            " = N campus addresses of distinct institutions in turn (one cached page each). "
            "app/db ms/req, other, * as in article_page.py."
        )
    if args.json:
        out_dir = BENCH / "results"
        out_dir.mkdir(exist_ok=True)
        target = out_dir / time.strftime("access-%Y%m%d-%H%M%S.json")
        payload = {
            "commit": ap.git_commit(),
            "settings": {k: v for k, v in vars(args).items() if k != "json"},
            "cpus": os.cpu_count(),
            "results": {
                name: {
                    "decisions": r["decisions"] | {"rotate": len(r["decisions"]["rotate"])},
                    "http": [ap.asdict(h) for h in r["http"]],
                }
                for name, r in per_backend.items()
            },  # fmt: skip
            "failed": failed,
        }
        target.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
