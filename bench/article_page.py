"""Article page benchmark: requests/s and p50/p99 latency of /doi/abs/<doi> under gunicorn.

Serves a fresh Masthead (temporary MASTHEAD_HOME) with `masthead serve` on SQLite, on
PostgreSQL (a database this script creates and drops) and, with --redis, on PostgreSQL with
the Redis cache, and loads it with wrk from 127.0.0.1. Each configuration measures a static
file served by the same server (whitenoise) first, as the ceiling the page is compared to.

    .venv/bin/python bench/article_page.py [--duration 10] [--connections 16]
        [--workers 3 --threads 2] [--redis] [--json] [--full-text] [--new-connections]

The article: 5 authors, structured abstract, keywords, notes, 2 funders, 40 references,
behind a paywall (an anonymous reader gets the offers box). Before loading, the page is
fetched once and checked (200, title, 40 citation_reference tags, 40 reference list items,
both offers), before and after the load, so a broken page cannot score; wrk's non-2xx/3xx
and socket errors are reported. Besides req/s and latency, the CPU time the server, the
database and everything else on the machine used is measured from /proc, so a run disturbed
by other jobs shows it. See bench/README.md for how to read the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"  # the only address this benchmark sends traffic to
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432"
REDIS_DEFAULT = "redis://127.0.0.1:6379/0"
PG_DATABASE = "masthead_bench"
STATIC_PATH = "/static/reader/site.css"
SERVER_START_TIMEOUT = 60.0

# wrk reports through this script: exact percentiles (microseconds) and error counts as JSON.
WRK_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d,'
    .. ' "p99_us": %d, "max_us": %d, "mean_us": %.1f, "connect": %d, "read": %d,'
    .. ' "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Result:
    backend: str
    target: str
    path: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    server_cpu_ms_per_req: float | None = None
    loadgen: str = "wrk"
    skewed: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


# --------------------------------------------------------------------------- processes


def masthead(env: dict, *args: str, check: bool = True, timeout: float = 300):
    """`masthead ARGS` with the environment's Python (the venv's, when run from it)."""
    return subprocess.run(
        [sys.executable, "-m", "masthead", *args],
        env=env, cwd=ROOT, check=check, timeout=timeout, capture_output=True, text=True,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


DB_PROCESSES = ("postgres", "redis-server")  # their CPU is the database's share


def process_cpu() -> dict[int, tuple[str, int, float]]:
    """{pid: (name, process group, user + system CPU seconds)} of live processes (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()  # from field 3, "state"
        found[int(entry.name)] = (name, int(fields[2]), (int(fields[11]) + int(fields[12])) / tick)
    return found


def group_cpu_seconds(pgid: int) -> dict[int, float]:
    """{pid: CPU seconds} of the processes in one process group."""
    return {pid: cpu for pid, (_, group, cpu) in process_cpu().items() if group == pgid}


def cpu_delta(before: dict, after: dict, keep) -> dict[int, float]:
    """CPU seconds used between two process_cpu() snapshots by the processes `keep` picks."""
    return {
        pid: cpu - before.get(pid, (name, group, 0.0))[2]
        for pid, (name, group, cpu) in after.items()
        if keep(name, group)
    }


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat; idle and iowait excluded)."""
    with contextlib.suppress(OSError):
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    return 0.0


class Server:
    """`masthead serve` in its own process group; always ended by stop()."""

    def __init__(self, env: dict, workers: int, threads: int, log: Path):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = log
        self._log_file = log.open("wb")
        args = ["serve", "--addr", f"{HOST}:{self.port}"]
        args += ["--workers", str(workers), "--threads", str(threads)]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "masthead", *args],
            env=env, cwd=ROOT, stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, path: str, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                status, _, _ = get(self.port, path, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer within {timeout:.0f} s:\n{self.tail()}")

    def cpu_seconds(self) -> dict[int, float]:
        """CPU seconds so far of the master (its pid) and of each worker."""
        return group_cpu_seconds(self.proc.pid)

    def tail(self, lines: int = 30) -> str:
        self._log_file.flush()
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Workers are in the same group: make sure none outlives the master.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log_file.close()


# --------------------------------------------------------------------------- HTTP


def get(port: int, path: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


class BrokenPage(Exception):
    """The server's answer is not the page (or file) it should be: no figures for it."""


def expect(condition: bool, message: str) -> None:
    if not condition:  # not `assert`: python -O must not skip the check
        raise BrokenPage(message)


def check_page(port: int, path: str, title: str, references: int) -> tuple[str, int]:
    """Assert the article page is the real page; return the static file it links and size."""
    status, _, body = get(port, path)
    text = body.decode("utf-8", "replace")
    expect(status == 200, f"{path}: HTTP {status}")
    expect(html.escape(title) in text, f"{path}: the article title is not on the page")
    tags = text.count('name="citation_reference"')
    expect(tags == references, f"{path}: {tags} citation_reference tags, want {references}")
    listed = re.search(r'<ol class="reference-list">(.*?)</ol>', text, re.S)
    items = listed.group(1).count("<li") if listed else 0
    expect(items == references, f"{path}: {items} references listed, want {references}")
    offers = "offer offer-article" in text and "offer offer-issue" in text
    expect(offers, f"{path}: the access box does not offer the article and the issue")
    css = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', text)
    return (css.group(1) if css else STATIC_PATH), len(body)


def check_static(port: int, path: str) -> int:
    status, headers, body = get(port, path)
    expect(status == 200, f"{path}: HTTP {status}")
    expect("css" in headers.get("Content-Type", ""), f"{path}: not CSS")
    expect(body, f"{path}: empty")
    return len(body)


# --------------------------------------------------------------------------- load


def run_wrk(port, path, duration, connections, threads, lua: Path, close: bool) -> dict:
    url = f"http://{HOST}:{port}{path}"
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s"]
    if close:
        argv += ["-H", "Connection: close"]
    argv += ["--latency", "-s", str(lua), url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = re.search(r"^WRKJSON (\{.*\})$", out.stdout, re.M)
    if out.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    raw = json.loads(found.group(1))
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    raw["loadgen_cpu_s"] = used
    return raw


def run_python_load(port, path, duration, connections, close: bool) -> dict:
    """Fallback load generator: `connections` threads, keep-alive, bounded by `duration`.

    Python's own CPU use competes with the server on a small machine, so its figures are
    lower than wrk's; they are still comparable with each other.
    """
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    counts = [[0, 0, 0] for _ in range(connections)]  # bytes, non-2xx/3xx, socket errors

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        headers = {"Connection": "close"} if close else {}
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException):
                counts[i][2] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=5)
                continue
            latencies[i].append(time.perf_counter() - start)
            if close:
                conn.close()
            counts[i][0] += len(body)
            if not 200 <= resp.status < 400:
                counts[i][1] += 1
        conn.close()

    started, rusage = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=duration + 10)
    elapsed = time.monotonic() - started
    now = resource.getrusage(resource.RUSAGE_SELF)
    used = now.ru_utime + now.ru_stime - rusage.ru_utime - rusage.ru_stime
    flat = sorted(x for per in latencies for x in per)

    def pct(p: float) -> int:
        return int(flat[min(len(flat) - 1, int(len(flat) * p / 100))] * 1e6) if flat else 0

    return {
        "requests": len(flat),
        "duration_us": int(elapsed * 1e6),
        "bytes": sum(c[0] for c in counts),
        "p50_us": pct(50),
        "p90_us": pct(90),
        "p99_us": pct(99),
        "max_us": int(flat[-1] * 1e6) if flat else 0,
        "mean_us": sum(flat) / len(flat) * 1e6 if flat else 0,
        "status": sum(c[1] for c in counts),
        "connect": 0,
        "read": sum(c[2] for c in counts),
        "write": 0,
        "timeout": 0,
        "loadgen_cpu_s": used,
    }


def load(server: Server, path: str, args, lua: Path | None, duration: float) -> dict:
    if lua is not None:
        return run_wrk(
            server.port, path, duration, args.connections, args.wrk_threads, lua,
            args.new_connections,
        )  # fmt: skip
    return run_python_load(server.port, path, duration, args.connections, args.new_connections)


def measure(server, backend, target, path, args, lua) -> Result:
    """Load `path` for args.duration; retry (at most 4 times) if the load missed a worker.

    wrk opens its keep-alive connections all at once and gunicorn's gthread workers race to
    accept them, so now and then one worker gets every connection and the others idle: the
    figure then measures one core, not the server. Such a run is detected from the workers'
    CPU time and repeated; the table marks a result that stayed skewed.
    """
    master = server.proc.pid

    def in_server(_name: str, group: int) -> bool:
        return group == master

    for attempt in range(1, 6):
        before, machine_before = process_cpu(), machine_busy_seconds()
        raw = load(server, path, args, lua, args.duration)
        after, machine = process_cpu(), machine_busy_seconds() - machine_before
        deltas = cpu_delta(before, after, in_server)
        db = sum(cpu_delta(before, after, lambda name, _: name in DB_PROCESSES).values())
        workers = sorted((d for pid, d in deltas.items() if pid != master), reverse=True)
        busy = sum(1 for d in workers if workers and d >= 0.2 * workers[0])
        wanted = min(len(workers), args.connections, os.cpu_count() or 1)
        if busy >= wanted or args.new_connections:
            break
        print(f"    ({target} run {attempt}: {busy} of {len(workers)} workers had connections)")
        time.sleep(0.5 + attempt * 0.37 % 1)  # idle workers wake on their own 1 s timers
    seconds = raw["duration_us"] / 1e6
    n = raw["requests"]
    cpu = sum(deltas.values())
    total = sum(workers) or 1
    return Result(
        backend=backend, target=target, path=path, requests=n, seconds=round(seconds, 3),
        rps=round(n / seconds, 1) if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000, p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000, max_ms=raw["max_us"] / 1000,
        non_2xx=raw["status"],
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        server_cpu_ms_per_req=round(cpu * 1000 / n, 3) if n else None,
        loadgen="wrk" if lua is not None else "python",
        skewed=busy < wanted and not args.new_connections,
        extra={
            "bytes_per_response": round(raw["bytes"] / n) if n else 0,
            "worker_cpu_share": [round(d / total, 2) for d in workers],
            "server_cpu_cores": round(cpu / seconds, 2) if seconds else 0,
            "loadgen_cpu_cores": round(raw.get("loadgen_cpu_s", 0) / seconds, 2) if seconds else 0,
            "db_cpu_ms_per_req": round(db * 1000 / n, 3) if n else None,
            "db_cpu_cores": round(db / seconds, 2) if seconds else 0,
            # Everything else on the machine (other people's jobs): figures are only
            # comparable when this is near 0.
            "other_cpu_cores": round(
                max(0.0, machine - cpu - db - raw.get("loadgen_cpu_s", 0)) / seconds, 2
            ) if seconds else 0,
            "attempts": attempt,
        },
    )  # fmt: skip


# --------------------------------------------------------------------------- databases


def postgres_server(choice: str) -> str:
    """The PostgreSQL server (no database name) a benchmark also runs on, or "" for SQLite
    only: `choice` (its --postgres), else the server of a postgresql:// DATABASE_URL."""
    if choice:
        return choice.rstrip("/")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def throwaway_database(name: str, server: str, home: Path, pg_database: str) -> str | None:
    """The URL of backend `name`'s throwaway database, or None (and why) when PostgreSQL
    does not answer."""
    if name != "postgresql":
        return f"sqlite:///{home / 'bench.sqlite3'}"
    why = postgres_reachable(server)
    if why:
        print(f"PostgreSQL skipped: {why}")
        return None
    return f"{server}/{pg_database}"


def postgres_reachable(base_url: str) -> str | None:
    """None when PostgreSQL answers at base_url, else why not."""
    try:
        import psycopg
    except ImportError as exc:
        return f"psycopg is not importable: {exc}"
    try:
        psycopg.connect(f"{base_url}/postgres", connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip it
        return str(exc).strip().splitlines()[0]
    return None


def postgres_admin(base_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def redis_reachable(url: str) -> str | None:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        return str(exc).strip().splitlines()[0]
    return None


def redis_forget(url: str, stamp: str) -> None:
    """Delete the fragments this run cached (keys carry the article's stamp)."""
    with contextlib.suppress(Exception):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.delete(*(f":1:reader:{kind}:{stamp}" for kind in ("abs", "full")))


# --------------------------------------------------------------------------- one run


@dataclass
class Config:
    name: str
    database_url: str
    redis_url: str = ""
    pg_database: str = ""  # created before and dropped after


def run_config(cfg: Config, args, lua: Path | None, home_root: Path) -> list[Result]:
    home = home_root / cfg.name.replace("+", "-")
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(MASTHEAD_HOME=str(home), DATABASE_URL=cfg.database_url, PYTHONUNBUFFERED="1")
    env.pop("MASTHEAD_DEBUG", None)
    if cfg.redis_url:
        env["REDIS_URL"] = cfg.redis_url

    if cfg.pg_database:
        postgres_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{cfg.pg_database}" WITH (FORCE)')
        postgres_admin(args.pg_url, f'CREATE DATABASE "{cfg.pg_database}"')
    seeded = None
    server = None
    try:
        masthead(env, "migrate", "--noinput", "-v", "0")
        seed_args = [sys.executable, str(BENCH / "_seed.py")]
        if args.full_text:
            seed_args.append("--full-text")
        out = subprocess.run(seed_args, env=env, cwd=ROOT, check=True, capture_output=True,
                             text=True, timeout=120)  # fmt: skip
        seeded = json.loads(out.stdout.strip().splitlines()[-1])
        page = f"/doi/abs/{seeded['doi']}"

        server = Server(env, args.workers, args.threads, home / "server.log")
        server.wait_ready(STATIC_PATH)
        static, page_bytes = check_page(server.port, page, seeded["title"], seeded["references"])
        static_bytes = check_static(server.port, static)
        print(f"  {cfg.name}: page {page} ({page_bytes} B) and {static} ({static_bytes} B) OK")

        # Warm up: every worker renders and caches the fragments, connections open.
        load(server, page, args, lua, args.warmup)
        load(server, static, args, lua, min(args.warmup, 2))

        results = []
        for target, path in (("static", static), ("article", page)):
            result = measure(server, cfg.name, target, path, args, lua)
            results.append(result)
            print(
                f"  {cfg.name:<17} {target:<8} {result.rps:>9.1f} req/s  "
                f"p50 {result.p50_ms:.2f} ms  p99 {result.p99_ms:.2f} ms  "
                f"errors {result.errors}  server cores {result.extra['server_cpu_cores']}"
                f" split {result.extra['worker_cpu_share']}"
                f" db cores {result.extra['db_cpu_cores']}"
                f" load cores {result.extra['loadgen_cpu_cores']}"
                f" other {result.extra['other_cpu_cores']}",
                flush=True,
            )
            if server.proc.poll() is not None:
                raise RuntimeError(f"server died under load:\n{server.tail()}")
        # The page must still be the real page after the load.
        check_page(server.port, page, seeded["title"], seeded["references"])
        return results
    finally:
        if server is not None:
            server.stop()
        if cfg.redis_url and seeded:
            redis_forget(cfg.redis_url, seeded["stamp"])
        if cfg.pg_database:
            with contextlib.suppress(Exception):
                postgres_admin(
                    args.pg_url, f'DROP DATABASE IF EXISTS "{cfg.pg_database}" WITH (FORCE)'
                )


# --------------------------------------------------------------------------- report


def table(results: list[Result]) -> str:
    head = ("backend", "target", "req/s", "p50 ms", "p99 ms", "errors", "app ms/req",
            "db ms/req", "other", "x ceiling")  # fmt: skip
    rows = []
    ceilings = {r.backend: r.rps for r in results if r.target == "static"}
    for r in results:
        ratio = r.rps / ceilings[r.backend] if ceilings.get(r.backend) else 0
        cpu = f"{r.server_cpu_ms_per_req:.2f}" if r.server_cpu_ms_per_req else ""
        rows.append(
            (
                r.backend, r.target, f"{r.rps:.0f}" + ("*" if r.skewed else ""),
                f"{r.p50_ms:.2f}", f"{r.p99_ms:.2f}", str(r.errors), cpu,
                f"{r.extra.get('db_cpu_ms_per_req') or 0:.2f}",
                f"{r.extra.get('other_cpu_cores', 0):.2f}",
                f"{ratio:.3f}" if r.target != "static" else "1",
            )
        )  # fmt: skip
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        pairs = enumerate(zip(row, widths, strict=True))
        lines.append(" | ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs))
    return "\n".join(lines)


def git_commit() -> str:
    with contextlib.suppress(Exception):
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                             capture_output=True, timeout=10)  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, text=True, capture_output=True, timeout=10)  # fmt: skip
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    return "unknown"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    p.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per server")
    p.add_argument("--connections", type=int, default=16, help="concurrent keep-alive clients")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (it shares the CPU)")
    # 3 x 2 measured best on 2 cores: the page is CPU-bound Python (one core per worker under
    # the GIL), one more worker than cores keeps both cores busy when a worker waits or the
    # accept race favours one, and a second thread overlaps PostgreSQL round trips.
    # `masthead serve`'s own default (2 x cores + 1 workers x 4 threads) is no faster here.
    p.add_argument("--workers", type=int, default=3, help="gunicorn workers (default: 3)")
    p.add_argument("--threads", type=int, default=2, help="threads per worker (default: 2)")
    p.add_argument("--backends", default="sqlite,postgresql",
                   help="comma-separated: sqlite, postgresql")  # fmt: skip
    p.add_argument("--redis", action="store_true", help="also PostgreSQL (or SQLite) + Redis")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT),
                   help="server URL without database (default: %(default)s)")  # fmt: skip
    p.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", REDIS_DEFAULT))
    p.add_argument("--full-text", action="store_true",
                   help="give the article a ~80 kB body and ~170 kB JATS source")  # fmt: skip
    p.add_argument("--new-connections", action="store_true",
                   help="a new connection per request (Connection: close), as behind a proxy "
                   "without upstream keep-alive")  # fmt: skip
    p.add_argument("--loadgen", choices=["wrk", "python"], default="wrk")
    p.add_argument("--json", action="store_true", help="also write bench/results/*.json")
    args = p.parse_args(argv)
    for url in (args.pg_url, args.redis_url):
        host = re.sub(r"^\w+://(?:[^@/]*@)?([^:/]+).*$", r"\1", url)
        if host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
            p.error(f"{url}: this benchmark only talks to services on this machine")
    args.duration = max(1, int(args.duration))
    args.warmup = max(1, int(args.warmup))
    args.connections = max(1, args.connections)
    args.wrk_threads = max(1, min(args.wrk_threads, args.connections))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    lua = None
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp:
        tmp = Path(tmp)
        if args.loadgen == "wrk":
            if shutil.which("wrk"):
                lua = tmp / "report.lua"
                lua.write_text(WRK_LUA)
            else:
                print("wrk not found: install it with `apt-get install wrk` (Debian package wrk).")
                print("Falling back to the Python load generator (lower, noisier figures).")

        configs = []
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        pg_why = postgres_reachable(args.pg_url) if "postgresql" in backends or args.redis else ""
        if "sqlite" in backends:
            configs.append(Config("sqlite", f"sqlite:///{tmp / 'sqlite' / 'bench.sqlite3'}"))
        pg_url = f"{args.pg_url}/{PG_DATABASE}"
        if "postgresql" in backends:
            if pg_why is None:
                configs.append(Config("postgresql", pg_url, pg_database=PG_DATABASE))
            else:
                print(f"NOTE: PostgreSQL not reachable at {args.pg_url} ({pg_why}): skipped.")
        if args.redis:
            redis_why = redis_reachable(args.redis_url)
            if redis_why is not None:
                print(f"NOTE: Redis not reachable at {args.redis_url} ({redis_why}): skipped.")
            elif pg_why is None:
                configs.append(
                    Config("postgresql+redis", pg_url, args.redis_url, pg_database=PG_DATABASE)
                )
            else:
                sqlite_url = f"sqlite:///{tmp / 'sqlite-redis' / 'bench.sqlite3'}"
                configs.append(Config("sqlite+redis", sqlite_url, args.redis_url))

        print(
            f"masthead serve: {args.workers} workers x {args.threads} threads (gthread); "
            f"load: {'wrk' if lua else 'python'}, {args.connections} connections, "
            f"{args.wrk_threads if lua else args.connections} threads, {args.duration} s each; "
            f"{os.cpu_count()} CPUs; commit {git_commit()}"
            + ("; article with full text" if args.full_text else ""),
            flush=True,
        )
        results: list[Result] = []
        failed = []
        for cfg in configs:
            try:
                results += run_config(cfg, args, lua, tmp)
            except (BrokenPage, RuntimeError, OSError, subprocess.SubprocessError) as exc:
                detail = getattr(exc, "stderr", "") or ""
                print(f"FAILED {cfg.name}: {exc}\n{detail}", file=sys.stderr)
                failed.append(cfg.name)

        print()
        if not results:
            print("No figures: every configuration failed.")
            return 1
        print(table(results))
        print(
            "\nx ceiling = article req/s / static req/s on the same server. app ms/req = CPU "
            "time of the gunicorn processes per request; db ms/req = that of PostgreSQL and "
            "Redis; other = cores used meanwhile by other programs (wrk excluded). "
            "* = the load stayed on fewer workers than cores."
        )
        busy = [r for r in results if r.extra.get("other_cpu_cores", 0) > 0.2]
        if busy:
            print(
                f"NOTE: other programs used up to "
                f"{max(r.extra['other_cpu_cores'] for r in busy):.2f} cores during "
                f"{len(busy)} measurement(s): req/s and latency are low there; app ms/req "
                "holds better. Rerun on a quiet machine to compare commits."
            )
        if args.json and results:
            out_dir = BENCH / "results"
            out_dir.mkdir(exist_ok=True)
            name = time.strftime("article_page-%Y%m%d-%H%M%S.json")
            payload = {
                "commit": git_commit(),
                "settings": {k: v for k, v in vars(args).items() if k not in {"json"}},
                "cpus": os.cpu_count(),
                "results": [asdict(r) | {"errors": r.errors} for r in results],
                "failed": failed,
            }
            (out_dir / name).write_text(json.dumps(payload, indent=2) + "\n")
            print(f"wrote {out_dir / name}")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())


def run_on_fresh_database(
    name: str,
    database_url: str,
    pg_url: str,
    pg_database: str,
    home: Path,
    script: list[str],
    extra_env: dict | None = None,
    timeout: float = 7200,
) -> dict:
    """Migrate a throwaway database, seed the bench article, run `script --doi DOI --out F`
    against it in a process of its own and return the JSON it wrote to F."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(MASTHEAD_HOME=str(home), DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    env.update(extra_env or {})
    if name == "postgresql":
        postgres_admin(pg_url, f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
        postgres_admin(pg_url, f'CREATE DATABASE "{pg_database}"')
    try:
        masthead(env, "migrate", "--noinput", "-v", "0")
        out = subprocess.run([sys.executable, str(BENCH / "_seed.py")], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True, timeout=120)  # fmt: skip
        doi = json.loads(out.stdout.strip().splitlines()[-1])["doi"]
        result_file = home / "result.json"
        subprocess.run([sys.executable, *script, "--doi", doi, "--out", str(result_file)],
                       env=env, cwd=ROOT, check=True, timeout=timeout)  # fmt: skip
        return json.loads(result_file.read_text())
    finally:
        if name == "postgresql":
            with contextlib.suppress(Exception):
                postgres_admin(pg_url, f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
