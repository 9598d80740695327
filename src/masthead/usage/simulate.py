"""Simulated readers: real HTTP requests through the running site, so that usage
statistics, Views counts and People also read have something to show.

Each reader is a browser of its own (one requests.Session: its own cookies, user agent
and address, so its own COUNTER session) with a topical interest. It starts on the home
page, picks a journal (the publisher's featured ones first), reads its latest articles or
browses its issues, sometimes opens the full text or the PDF, and follows the links it
finds (a journal's latest articles and issues, tables of contents,
the Related Research box, references to articles hosted here), preferring links whose
titles share words with its interest: the journal it chose, then the keywords and title
of the first article it read. Some readers are on a campus (X-Forwarded-For: an address
in an institution's IP range, believed by a server that trusts 127.0.0.1 as its proxy,
as `make demo` does); a few buy an article whose full text they are refused, through the
cart, checkout and the demo payment provider, and then read it.

Bounded: readers, pages per reader and seconds overall. It talks only to loopback
(`loopback_origin`) and follows only links of that origin. Its user agent is a desktop
browser's (COUNTER drops robots) ending in AGENT_PRODUCT, so its traffic can be told apart
from real readers': it is synthetic.

Plain Python and HTTP: only `campus_ranges` reads the database, before the run.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import requests

from masthead.usage.simulated_reader import (
    ABSTRACT,
    AGENT_PRODUCT,
    BROWSE,
    DENIED,
    FULL_TEXT,
    PDF,
    Reader,
    user_agent,
)


class Refused(ValueError):
    """A base URL the simulator will not send a single request to."""


class SiteUnavailable(RuntimeError):
    """Nothing answers at the base URL."""


def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def loopback_origin(base_url: str) -> str:
    """`base_url` as an origin ("http://127.0.0.1:8000") if every address its host resolves
    to is loopback (127.0.0.0/8, ::1); raises Refused otherwise, before any request."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"{base_url!r} is not an http:// or https:// URL")
    if parts.username or parts.password or parts.query or parts.fragment or len(parts.path) > 1:
        raise Refused(f"give the site's origin, like http://127.0.0.1:8000, not {base_url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(f"{base_url!r}: {error}") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(
            f"cannot resolve {parts.hostname!r} ({error}): give a loopback address"
        ) from None
    addresses = sorted({info[4][0] for info in found})
    elsewhere = [a for a in addresses if not _is_loopback(a)]
    if not addresses or elsewhere:
        resolved = "" if elsewhere == [parts.hostname] else f" ({parts.hostname} is {elsewhere})"
        raise Refused(
            f"{base_url} is not this machine{resolved}: simulated readers only visit a site "
            "on loopback (127.0.0.0/8, ::1, localhost)"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def campus_ranges() -> tuple[str, ...]:
    """The IP ranges of the active institutions in this project's database (the demo's Demo
    University): a reader on a campus sends an address in one of them."""
    from masthead.access.models import IPRange

    ranges = IPRange.objects.filter(institution__is_active=True).order_by("pk")
    return tuple(ranges.values_list("text", flat=True))


@dataclass(frozen=True)
class Options:
    base_url: str = "http://127.0.0.1:8000"
    readers: int = 200
    pages_per_reader: int = 8
    seconds: float = 120.0
    concurrency: int = 4
    think_ms: int = 200  # the pause before each page: 0..think_ms milliseconds
    seed: int | None = None  # None: a new one each run (the summary says which)
    campus_share: float = 0.3  # of readers, when there are campus ranges
    buyer_share: float = 0.05  # of off-campus readers
    archive_share: float = 0.4  # readers who browse a journal's issues rather than its latest
    full_text_share: float = 0.5  # an article page's reader opens the full text
    pdf_share: float = 0.2  # ... or the PDF, when it is offered
    campus_ranges: tuple[str, ...] = ()
    timeout: float = 120.0  # per request (a first PDF download renders it), within `seconds`

    def check(self) -> None:
        if self.readers < 0 or self.pages_per_reader < 1 or self.concurrency < 1:
            raise ValueError("readers >= 0, pages per reader >= 1 and concurrency >= 1, please")
        if self.seconds <= 0 or self.think_ms < 0:
            raise ValueError("seconds > 0 and think time >= 0, please")
        shares = ("campus_share", "buyer_share", "archive_share", "full_text_share", "pdf_share")
        for name in shares:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name.replace('_', ' ')} is a share between 0 and 1")


@dataclass
class Summary:
    """What the run did. Readers' threads add to it under its lock."""

    base_url: str
    seed: int = 0
    readers: int = 0
    campus_readers: int = 0
    buyers: int = 0
    requests: int = 0
    pages: int = 0
    kinds: Counter = field(default_factory=Counter)  # ABSTRACT, FULL_TEXT, PDF, BROWSE, DENIED
    purchase_attempts: int = 0
    purchases: int = 0
    errors: Counter = field(default_factory=Counter)  # "500 full_text", "timeout", ...
    elapsed: float = 0.0
    stopped: str = ""  # why the run ended before every reader was done
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def count(self, kind: str) -> None:
        with self._lock:
            self.kinds[kind] += 1

    def error(self, what: str) -> None:
        with self._lock:
            self.errors[what] += 1

    def stop(self, why: str) -> None:
        with self._lock:
            self.stopped = self.stopped or why

    def report(self) -> str:
        errors = sum(self.errors.values())
        detail = ", ".join(f"{what} x{n}" for what, n in sorted(self.errors.items()))
        lines = [
            f"Simulated readers at {self.base_url}, seed {self.seed} "
            f"(synthetic traffic: {AGENT_PRODUCT})",
            f"  readers      {self.readers} ({self.campus_readers} on a campus, "
            f"{self.buyers} buyers)",
            f"  pages        {self.pages} ({self.requests} requests)",
            f"  abstract     {self.kinds[ABSTRACT]}",
            f"  full text    {self.kinds[FULL_TEXT]}",
            f"  PDF          {self.kinds[PDF]}",
            f"  denied       {self.kinds[DENIED]}",
            f"  other pages  {self.kinds[BROWSE]} (home, journals, tables of contents)",
            f"  purchases    {self.purchases} paid of {self.purchase_attempts} started",
            f"  errors       {errors}" + (f" ({detail})" if detail else ""),
            f"  elapsed      {self.elapsed:.1f} s",
        ]
        if self.stopped:
            lines.append(f"  stopped      {self.stopped}")
        return "\n".join(lines)


class Simulation:
    def __init__(self, options: Options):
        options.check()
        if options.seed is None:
            options = replace(options, seed=secrets.randbelow(1_000_000))
        self.options = options
        self.origin = loopback_origin(options.base_url)
        self.summary = Summary(base_url=self.origin, seed=options.seed)
        self.run_id = secrets.token_hex(3)  # buyers' e-mail addresses are new on every run
        self._stop = threading.Event()
        self.deadline = float("inf")

    # -- the run ------------------------------------------------------------------------
    def run(self) -> Summary:
        self.probe()
        started = time.monotonic()
        self.deadline = started + self.options.seconds
        pool = ThreadPoolExecutor(self.options.concurrency, thread_name_prefix="sim-reader")
        try:
            for future in [pool.submit(self._reader, n) for n in range(self.options.readers)]:
                future.result()
        except KeyboardInterrupt:
            self.summary.stop("interrupted")
            self._stop.set()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.summary.elapsed = time.monotonic() - started
        return self.summary

    def probe(self) -> None:
        try:
            with requests.Session() as session:
                session.trust_env = False  # no proxy from the environment: loopback only
                session.get(
                    f"{self.origin}/",
                    headers={"User-Agent": user_agent(0, self.options.seed)},
                    timeout=10,
                ).close()
        except requests.ConnectionError:
            raise SiteUnavailable(
                f"no site answers at {self.origin}: start it with `make demo`"
            ) from None
        except requests.RequestException as error:
            raise SiteUnavailable(
                f"no site answers at {self.origin} ({type(error).__name__}): "
                "start it with `make demo`"
            ) from None

    def _reader(self, n: int) -> None:
        if self.should_stop():
            return
        reader = Reader(self, n)
        self.summary.add(readers=1, campus_readers=bool(reader.campus), buyers=reader.buyer)
        try:
            reader.run()
        except Exception as error:  # one reader's surprise must not end the others
            self.summary.error(f"reader failed: {type(error).__name__}: {str(error)[:80]}")
        finally:
            reader.session.close()

    def should_stop(self) -> bool:
        if self._stop.is_set():
            return True
        if time.monotonic() >= self.deadline:
            self.summary.stop(f"time limit of {self.options.seconds:g} s reached")
            self._stop.set()
            return True
        return False

    def pause(self, seconds: float) -> None:
        self._stop.wait(min(seconds, max(0.0, self.deadline - time.monotonic())))

    # -- HTTP ---------------------------------------------------------------------------
    def same_origin_path(self, url: str) -> str | None:
        """The path of `url` if it is on the site under simulation, else None."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc.lower()}" != self.origin or not parts.path:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def send(self, session, method, path, data=None, referer="") -> requests.Response | None:
        """One request; None (and the run stopping or an error counted) when it fails."""
        self.summary.add(requests=1)
        timeout = max(1.0, min(self.options.timeout, self.deadline - time.monotonic()))
        headers = {"Referer": referer} if referer else {}
        try:
            return session.request(
                method,
                self.origin + path,
                data=data,
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
            )
        except requests.Timeout:
            if not self.should_stop():
                self.summary.error("timeout")
        except requests.ConnectionError:
            self.summary.stop(f"no site answers at {self.origin} any more")
            self.summary.error("connection failed")
            self._stop.set()
        except requests.RequestException as error:
            self.summary.error(type(error).__name__)
        return None
