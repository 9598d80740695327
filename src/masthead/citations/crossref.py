"""Crossref over HTTP: cited-by links, deposits and their logs, and the REST API's works.

The member services (`service_base`, https://doi.crossref.org) take a publisher's member
credentials; the REST API (`api_base`, https://api.crossref.org) is public and asks
clients to be polite: a `mailto` and a User-Agent that names the tool put requests in its
"polite pool", and the `X-Rate-Limit-Limit` / `X-Rate-Limit-Interval` headers of every
answer say how often it may be asked.

Every call waits at least `min_interval` seconds after the previous one to the same
service (longer for the REST API when its headers ask for it), times out after `timeout`
seconds without an answer, and is retried `retries` times on network failures, 429 and 5xx,
waiting `backoff`, 2 x `backoff`, 4 x `backoff`... or what Retry-After asks for if that is
longer; a Retry-After beyond `max_retry_after` is not slept through but reported. The pacing
is per client object: one worker process keeps to the limits, several share them.

Answers are read up to `max_bytes` and parsed by `citations.crossref_xml` (pure). Passwords
never appear in a log line or an error message: they travel in the query string (as Crossref
documents for getForwardLinks and submissionDownload) or in the multipart body (deposits),
so errors never quote a URL, and anything Crossref says is scrubbed of them too.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from urllib.parse import quote, quote_plus

import requests

from masthead.citations.crossref_xml import (
    CrossrefAuthError,
    CrossrefError,
    CrossrefUnavailable,
    DepositResult,
    ForwardLink,
    SubmissionReceipt,
    error_for,
    page_text,
    parse_deposit_response,
    parse_forward_links,
    parse_submission_log,
    parse_work,
)
from masthead.citations.works import CitingWork

__all__ = [
    "CrossrefAccount",
    "CrossrefAuthError",
    "CrossrefClient",
    "CrossrefError",
    "CrossrefUnavailable",
]

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 50 * 1024 * 1024
MAX_RETRY_AFTER = 300.0
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CrossrefAccount:
    """A publisher's Crossref member credentials (a role, or "email/role" for a person)."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: requests.structures.CaseInsensitiveDict
    body: bytes


def user_agent(mailto: str = "") -> str:
    """Masthead's User-Agent, with the contact address Crossref's etiquette asks for."""
    try:
        version = metadata.version("masthead")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        version = "0"
    contact = f"; mailto:{mailto}" if mailto else ""
    return (
        f"Masthead/{version} (open-source journal hosting{contact}) requests/{requests.__version__}"
    )


class CrossrefClient:
    def __init__(
        self,
        *,
        api_base: str = "https://api.crossref.org",
        service_base: str = "https://doi.crossref.org",
        mailto: str = "",
        timeout: float = 20.0,
        retries: int = 4,
        backoff: float = 1.0,
        min_interval: float = 0.1,
        sleep: Callable[[float], object] = time.sleep,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int = MAX_BODY_BYTES,
        max_retry_after: float = MAX_RETRY_AFTER,
    ):
        self.api_base = api_base.rstrip("/")
        self.service_base = service_base.rstrip("/")
        self.mailto = mailto
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.min_interval = min_interval
        self.sleep = sleep
        self.clock = clock
        self.session = session or requests.Session()
        self.max_bytes = max_bytes
        self.max_retry_after = max_retry_after
        self.user_agent = user_agent(mailto)
        self._api_interval = 0.0  # what the REST API's rate-limit headers ask for
        self._last_call: dict[bool, float] = {}  # per service: the REST API, the others
        self._lock = threading.Lock()

    # --- the member services ---------------------------------------------------------------

    def forward_links(
        self,
        account: CrossrefAccount,
        doi_or_prefix: str,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[ForwardLink]:
        """The works citing a DOI, or every DOI of a prefix (`10.5555`).

        Without dates: every link Crossref has for that DOI. With `start` and `end`
        (inclusive): the links Crossref established in that window, which is the form to use
        for a whole prefix (Crossref recommends short windows, the query may time out).
        Posted content (preprints) is included.
        """
        if (start is None) != (end is None):
            raise ValueError("give both start and end, or neither")
        if start is not None and end is not None and start > end:
            raise ValueError(f"the window starts after it ends ({start} > {end})")
        params = {
            "usr": account.username,
            "pwd": account.password,
            "doi": doi_or_prefix.strip(),
            "include_postedcontent": "true",
        }
        if start is not None and end is not None:
            params["startDate"] = start.isoformat()
            params["endDate"] = end.isoformat()
        window = f" from {start} to {end}" if start else ""
        what = f"cited-by links for {doi_or_prefix}{window}"
        url = self.service_base + "/servlet/getForwardLinks"
        answer = self._call("GET", url, what, account, params=params)
        with _scrubbed(account.password):
            return parse_forward_links(answer.body)

    def submit_deposit(
        self, account: CrossrefAccount, xml: bytes, filename: str
    ) -> SubmissionReceipt:
        """Upload a deposit file (metadata, `doMDUpload`); Crossref queues it for processing.

        The receipt says whether the file was received, not whether its DOIs were
        registered: `submission_result` says that once Crossref has processed it.
        """
        form = {
            "operation": "doMDUpload",
            "login_id": account.username,
            "login_passwd": account.password,
        }
        files = {"fname": (filename, xml, "application/xml")}
        what = f"deposit of {filename}"
        url = self.service_base + "/servlet/deposit"
        answer = self._call("POST", url, what, account, data=form, files=files)
        receipt = parse_deposit_response(answer.body)
        message = _redact(receipt.message, account.password)
        if not receipt.accepted and isinstance(error_for(message), CrossrefAuthError):
            raise CrossrefAuthError(f"{what}: {message}")
        return SubmissionReceipt(receipt.accepted, message)

    def submission_result(
        self, account: CrossrefAccount, batch_id: str = "", *, file_name: str = ""
    ) -> DepositResult:
        """The submission log of a deposit, by its `doi_batch_id` or by its file name.

        Crossref recommends the file name: a batch id is only known once the file has been
        parsed, while a file name also finds a submission still queued.
        """
        if not (batch_id or file_name):
            raise ValueError("give the batch id or the file name of the submission")
        params = {"usr": account.username, "pwd": account.password, "type": "result"}
        if file_name:
            params["file_name"] = file_name
        else:
            params["doi_batch_id"] = batch_id
        what = f"submission log of {file_name or batch_id}"
        url = self.service_base + "/servlet/submissionDownload"
        answer = self._call("GET", url, what, account, params=params)
        with _scrubbed(account.password):
            return parse_submission_log(answer.body)

    # --- the REST API ----------------------------------------------------------------------

    def work(self, doi: str) -> CitingWork | None:
        """The metadata of one Crossref DOI, or None when Crossref does not know it."""
        url = self.api_base + "/works/" + quote(doi.strip(), safe="")
        params = {"mailto": self.mailto} if self.mailto else None
        answer = self._call("GET", url, f"the work {doi}", None, rest=True, params=params)
        if answer.status == 404:
            return None
        content_type = answer.headers.get("Content-Type", "")
        if "json" not in content_type.lower():
            raise CrossrefError(f"the work {doi}: expected JSON, got {content_type or 'nothing'}")
        try:
            document = json.loads(answer.body)
        except ValueError:
            raise CrossrefError(f"the work {doi}: the answer is not valid JSON") from None
        if not isinstance(document, dict) or document.get("status") != "ok":
            raise CrossrefError(f"the work {doi}: the answer's status is not ok")
        return parse_work(document.get("message"))

    # --- HTTP ------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        url: str,
        what: str,
        account: CrossrefAccount | None,
        *,
        rest: bool = False,
        **kwargs,
    ) -> _Answer:
        """One request with pacing and retries; an error for anything but 2xx (and REST 404)."""
        secret = account.password if account else ""
        with _scrubbed(secret):
            answer = self._with_retries(method, url, what, rest, secret, **kwargs)
            status = answer.status
            if 200 <= status < 300 or (status == 404 and rest):
                return answer
            said = page_text(answer.body, 300)
            detail = f": {said}" if said else ""
            if status in (401, 403):
                who = f" the account {account.username!r}" if account else ""
                raise CrossrefAuthError(f"{what}: Crossref refused{who} (HTTP {status}){detail}")
            if 300 <= status < 400:
                raise CrossrefError(f"{what}: unexpected redirect (HTTP {status})")
            raise error_for(f"{what}: HTTP {status}{detail}")

    def _with_retries(
        self, method: str, url: str, what: str, rest: bool, secret: str, **kwargs
    ) -> _Answer:
        headers = {"User-Agent": self.user_agent}
        tries = 0
        while True:
            tries += 1
            self._pace(rest)
            retry_after: float | None = None
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                    stream=True,
                    **kwargs,
                )
                try:
                    body = self._read(response, what)
                finally:
                    response.close()
            except requests.RequestException as exc:
                problem = f"{what}: {self._describe(exc)}"
            else:
                if rest:
                    self._learn_rate_limit(response.headers)
                status = response.status_code
                if status != 429 and status < 500:  # 429 and 5xx are worth another try
                    return _Answer(status, response.headers, body)
                said = page_text(body, 200)
                problem = f"{what}: HTTP {status}" + (f": {said}" if said else "")
                retry_after = _retry_after(response.headers.get("Retry-After"))
            if tries > self.retries:
                raise CrossrefUnavailable(f"{problem} (gave up after {tries} tries)")
            if retry_after is not None and retry_after > self.max_retry_after:
                raise CrossrefUnavailable(
                    f"{problem} (Crossref asks to wait {retry_after:.0f} s; not waiting)"
                )
            wait = max(self.backoff * 2 ** (tries - 1), retry_after or 0.0)
            log.info("Crossref: %s; trying again in %.1f s", _redact(problem, secret), wait)
            self.sleep(wait)

    def _read(self, response: requests.Response, what: str) -> bytes:
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise CrossrefError(
                f"{what}: the answer is {length} bytes, "
                f"more than the {self.max_bytes} bytes accepted"
            )
        chunks, size = [], 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise CrossrefError(
                    f"{what}: the answer is more than the {self.max_bytes} bytes accepted"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _describe(self, exc: requests.RequestException) -> str:
        """What went wrong, without the URL (which carries the credentials)."""
        if isinstance(exc, requests.Timeout):
            return f"no answer within {self.timeout:g} s"
        if isinstance(exc, requests.ConnectionError):
            return "the connection failed or broke off"
        return f"the connection failed ({type(exc).__name__})"

    def _pace(self, rest: bool) -> None:
        """Wait until the minimum interval since the previous call to this service is over."""
        with self._lock:
            interval = max(self.min_interval, self._api_interval) if rest else self.min_interval
            last = self._last_call.get(rest)
            now = self.clock()
            if last is not None and now < last + interval:
                self.sleep(last + interval - now)
                now = self.clock()
            self._last_call[rest] = now

    def _learn_rate_limit(self, headers) -> None:
        """Follow X-Rate-Limit-Limit / X-Rate-Limit-Interval ("50" per "1s")."""
        limit = headers.get("X-Rate-Limit-Limit", "").strip()
        found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*s?", headers.get("X-Rate-Limit-Interval", ""))
        if limit.isdigit() and int(limit) > 0 and found:
            self._api_interval = float(found.group(1)) / int(limit)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _redact(text: str, secret: str) -> str:
    """`text` with the password blanked out, as typed and as URL-encoded."""
    forms = {f for f in (secret, quote(secret, safe=""), quote_plus(secret)) if f}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


class _scrubbed:
    """Re-raise any CrossrefError from the block with the password blanked out of it."""

    def __init__(self, secret: str):
        self.secret = secret

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None or not self.secret or not isinstance(error, CrossrefError):
            return False
        message = _redact(str(error), self.secret)
        if message != str(error):
            raise type(error)(message) from None
        return False


class _HideCredentials(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string and all: blank the passwords."""

    PATTERN = re.compile(r"((?:^|[?&])(?:pwd|login_passwd)=)[^&\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(
                self.PATTERN.sub(r"\1***", a) if isinstance(a, str) else a
                for a in (record.args if isinstance(record.args, tuple) else (record.args,))
            )
        if isinstance(record.msg, str):
            record.msg = self.PATTERN.sub(r"\1***", record.msg)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_HideCredentials())
