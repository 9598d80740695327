"""A production stack on loopback, for the production smoke test and bench/load.py.

    with running(pubmed_limit=1000) as stack:
        stack.get("/readyz")
        stack.masthead("jobs", "--json")

What it starts, all on 127.0.0.1 and all thrown away afterwards:
- a fresh PostgreSQL database (`masthead_stack` on postgresql://postgres@127.0.0.1:5432,
  created here and dropped at the end, connections and all);
- Redis database 7 as the cache (flushed at the start and at the end);
- a temporary MASTHEAD_HOME (media, static files, metrics, logs), the PubMed baseline
  linked into its cache from the checkout's `var/cache` (fetched there once);
- the production configuration: DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS,
  MASTHEAD_TRUSTED_PROXIES=127.0.0.1 (each simulated reader gives its own address in
  X-Forwarded-For), MASTHEAD_DEMO=1, MASTHEAD_BASE_URL on the chosen port;
- `masthead migrate`, `masthead load_demo --pubmed-limit N`, then `masthead serve
  --workers 3 --worker` (gunicorn and the job worker) in a process group of its own;
  ready when `/readyz` answers 200, and `masthead check` must pass on this configuration.

`stop()` kills the whole process group (SIGTERM, then SIGKILL after a grace period), and
any process started with `spawn()`, checks that none is left, and drops the database.
MASTHEAD_STACK_KEEP=1 keeps the temporary home (logs/server.log and the others) to read.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG_URL = os.environ.get("MASTHEAD_STACK_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("MASTHEAD_STACK_REDIS", "redis://127.0.0.1:6379/7")
DATABASE = "masthead_stack"
READY_TIMEOUT = 120.0
STOP_GRACE = 20.0


class StackUnavailable(Exception):
    """PostgreSQL or Redis does not answer: the stack cannot run here."""


class StackFailed(Exception):
    """A step of starting the stack failed; the message holds what it printed."""


def unavailable(pg_url: str = PG_URL, redis_url: str = REDIS_URL) -> str:
    """Why the stack cannot run here ("" when PostgreSQL and Redis both answer)."""
    try:
        import psycopg

        psycopg.connect(f"{pg_url}/postgres", connect_timeout=3).close()
    except Exception as error:  # any failure to connect means: not here
        return f"PostgreSQL does not answer at {pg_url}: {error}".strip()
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as error:
        return f"Redis does not answer at {redis_url}: {error}".strip()
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def pubmed_baseline() -> Path:
    """The PubMed baseline file, fetched once into the checkout's var/cache."""
    sys.path.insert(0, str(ROOT / "src"))
    from masthead.catalog.demo.pubmed_baseline import fetch

    return fetch(ROOT / "var" / "cache")


def _pg_admin(pg_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True, connect_timeout=5) as conn:
        for statement in statements:
            conn.execute(statement)


def _flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url, socket_connect_timeout=3).flushdb()


def _group_members(pgid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes in process group `pgid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid or fields[0] == "Z":
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        found.append((int(entry.name), cmdline))
    return found


def _kill_group(pgid: int, grace: float) -> None:
    """SIGTERM the group, SIGKILL what is left after `grace` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while _group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while _group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)


@dataclass
class Stack:
    port: int
    home: Path
    env: dict[str, str]
    pg_url: str
    database: str
    redis_url: str
    pubmed_limit: int = 0
    keep_home: bool = False
    server: subprocess.Popen | None = None
    spawned: list[subprocess.Popen] = field(default_factory=list)
    check_output: str = ""
    stopped: bool = False

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def database_url(self) -> str:
        return f"{self.pg_url}/{self.database}"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    # --- commands and processes ---------------------------------------------------------

    def masthead(self, *args: str, timeout: float = 900, check: bool = True, env=None):
        """Run a `masthead` command against the stack; its CompletedProcess (text)."""
        done = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "masthead", *args],
            env={**self.env, **(env or {})},
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise StackFailed(
                f"masthead {' '.join(args)} exited with {done.returncode}:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def spawn(self, *args: str, name: str, env=None) -> subprocess.Popen:
        """Start a long-running `masthead` command in a process group of its own, logged to
        logs/<name>.log; stop() ends it with the rest."""
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "masthead", *args],
            env={**self.env, **(env or {})},
            cwd=self.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.spawned.append(process)
        return process

    def processes(self) -> list[tuple[int, str]]:
        """(pid, command line) of every live process the stack started."""
        groups = [p.pid for p in ([self.server] if self.server else []) + self.spawned]
        return [member for pgid in groups for member in _group_members(pgid)]

    def worker_pids(self) -> list[int]:
        """The `masthead worker` processes of the stack."""
        return [pid for pid, cmd in self.processes() if re.search(r"\bmasthead worker\b", cmd)]

    def log_tail(self, name: str = "server", lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        if not path.exists():
            return f"(no {path})"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # --- HTTP and SQL -------------------------------------------------------------------

    def get(self, path: str, headers=None, timeout: float = 30) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def sql(self, query: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url, connect_timeout=5) as conn:
            return conn.execute(query, params).fetchall()

    def jobs(self) -> list[dict]:
        return json.loads(self.masthead("jobs", "--json", "--limit", "500").stdout)

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        status, body = 0, b""
        while time.monotonic() < deadline:
            if self.server is not None and self.server.poll() is not None:
                raise StackFailed(
                    f"the server exited ({self.server.returncode}):\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                status, body = self.get("/readyz", timeout=5)
                if status == 200:
                    return
            time.sleep(0.5)
        raise StackFailed(
            f"/readyz was not 200 within {timeout:.0f} s (last: {status} {body[:500]!r}):\n"
            f"{self.log_tail()}"
        )

    # --- the end ------------------------------------------------------------------------

    def stop(self) -> None:
        """Kill every process the stack started, drop the database, forget the cache."""
        if self.stopped:
            return
        self.stopped = True
        for process in [*self.spawned, *([self.server] if self.server else [])]:
            _kill_group(process.pid, STOP_GRACE)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        left = self.processes()
        with contextlib.suppress(Exception):
            _pg_admin(self.pg_url, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            _flush_redis(self.redis_url)
        if not self.keep_home:
            shutil.rmtree(self.home, ignore_errors=True)
        if left:
            raise StackFailed(f"processes left running after stop: {left}")


# A paywalled article with full text in the demo journal (the demo's seed article has an
# abstract only, and its eLife articles are open access): what a campus reader reads and a
# buyer pays for.
PAYWALLED_DOI = "10.5555/jeea.2023.2265999"
PAYWALLED_TITLE = "Belarusian railways and the logistics of the 2022 offensive"
PAYWALLED_SENTENCE = "Rail freight through Gomel tripled in the fortnight before the invasion."


def add_paywalled_article(stack: Stack) -> str:
    """Import (with `masthead import_jats`) a copy of the seed article under its own DOI and
    title, with a body; returns its DOI."""
    seed = (ROOT / "src" / "masthead" / "catalog" / "demo" / "seed-article.xml").read_text()
    xml = re.sub(r'(<article-id pub-id-type="doi">)[^<]+', rf"\g<1>{PAYWALLED_DOI}", seed, count=1)
    xml = re.sub(r"(<article-title>)[^<]+", rf"\g<1>{PAYWALLED_TITLE}", xml, count=1)
    body = (
        f"<body><sec id='s1'><title>Introduction</title><p>{PAYWALLED_SENTENCE}</p>"
        "<p>The paper follows the trains, the depots and the bridges.</p></sec></body>"
    )
    xml = xml.replace("</front>", f"</front>\n{body}", 1)
    path = stack.home / "paywalled-article.xml"
    path.write_text(xml)
    stack.masthead("import_jats", str(path), "--journal", "jeea", "--quiet")
    return PAYWALLED_DOI


def start(
    *,
    pubmed_limit: int = 1000,
    workers: int = 3,
    database: str = DATABASE,
    pg_url: str = PG_URL,
    redis_url: str = REDIS_URL,
    extra_env: dict[str, str] | None = None,
    keep_home: bool = os.environ.get("MASTHEAD_STACK_KEEP") == "1",
    say=print,
) -> Stack:
    """Start the stack (see the module's docstring); raises StackUnavailable when
    PostgreSQL or Redis do not answer, StackFailed when a step fails."""
    reason = unavailable(pg_url, redis_url)
    if reason:
        raise StackUnavailable(reason)
    baseline = pubmed_baseline()
    home = Path(tempfile.mkdtemp(prefix="masthead-stack-"))
    (home / "logs").mkdir()
    (home / "cache").mkdir()
    (home / "cache" / baseline.name).symlink_to(baseline)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MASTHEAD_", "DJANGO_", "PROMETHEUS_"))
        and k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        MASTHEAD_HOME=str(home),
        DATABASE_URL=f"{pg_url}/{database}",
        REDIS_URL=redis_url,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=f"{HOST},localhost",
        MASTHEAD_TRUSTED_PROXIES=HOST,
        MASTHEAD_DEMO="1",
        MASTHEAD_BASE_URL=f"http://{HOST}:{port}",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra_env or {})
    stack = Stack(port, home, env, pg_url, database, redis_url, pubmed_limit, keep_home)
    atexit.register(stack.stop)
    _stop_on_sigterm()
    try:
        _pg_admin(
            pg_url,
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
            f'CREATE DATABASE "{database}"',
        )
        _flush_redis(redis_url)
        started = time.monotonic()
        stack.masthead("migrate", "--noinput")
        demo = stack.masthead("load_demo", "--pubmed-limit", str(pubmed_limit), "--quiet")
        say(f"stack: migrated and loaded the demo in {time.monotonic() - started:.0f} s")
        for line in demo.stdout.splitlines():
            say(f"  {line}")
        serve = ["serve", "--addr", f"{HOST}:{port}", "--workers", str(workers), "--worker"]
        log = open(stack.logs / "server.log", "ab")  # noqa: SIM115
        stack.server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "masthead", *serve],
            env=env,
            cwd=home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        stack.wait_ready()
        check = stack.masthead("check", check=False)
        stack.check_output = (check.stdout + check.stderr).strip()
        if check.returncode != 0:
            raise StackFailed(f"`masthead check` fails on the stack:\n{stack.check_output}")
        say(f"stack: serving {stack.url} ({workers} web workers and the job worker)")
    except BaseException:
        stack.stop()
        raise
    return stack


@contextlib.contextmanager
def running(**options):
    stack = start(**options)
    try:
        yield stack
    finally:
        stack.stop()


def _stop_on_sigterm() -> None:
    """A SIGTERM (a CI job cancelled) unwinds like Ctrl-C (pytest then tears the session's
    fixtures down), so the stack is stopped."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:

        def _exit(signum, frame):
            raise KeyboardInterrupt(f"signal {signum}")

        signal.signal(signal.SIGTERM, _exit)
