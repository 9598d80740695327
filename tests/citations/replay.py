"""Replay recorded Crossref answers from a real HTTP server on loopback.

    with ReplayServer() as crossref:
        crossref.reply("GET", "/servlet/getForwardLinks", recorded("getForwardLinks_doi.xml"),
                       query={"doi": "10.5555/demo.2023.0001"}, content_type="text/xml")
        client = CrossrefClient(service_base=crossref.url, ...)
        ...
        crossref.requests[0].query["usr"]  # what the client sent

Routes match the method, the path (percent-decoded) and the query parameters given (the
others may be anything). A route answers its replies in turn and repeats the last one, so
`reply(..., Reply(503), Reply(503), Reply(200, body))` is "overloaded twice, then fine".
A request no route matches is answered 400, so a test never passes on a silent default.
Every request is recorded with its method, path, query, headers and body (multipart forms
are decoded by `Received.form()`).
"""

from __future__ import annotations

import email.parser
import email.policy
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDED = Path(__file__).with_name("recorded")
HANG_LIMIT = 30.0  # a "hang" reply holds its connection at most this long, or until stop()


def recorded(name: str) -> bytes:
    """A recorded answer from `tests/citations/recorded/` (see its README)."""
    return (RECORDED / name).read_bytes()


@dataclass
class Reply:
    """One answer: status, body and headers; `hang` never answers (until the server stops);
    `length=False` leaves out Content-Length and ends the body by closing the connection."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    length: bool = True


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, tuple[str | None, bytes]]:
        """A multipart/form-data body as {field: (filename or None, content)}."""
        content_type = self.headers.get("content-type", "")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + self.body
        )
        fields = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[name] = (part.get_filename(), part.get_payload(decode=True))
        return fields


@dataclass
class _Route:
    method: str
    path: str
    query: dict[str, str]
    replies: list[Reply]
    served: int = 0

    def matches(self, method: str, path: str, query: dict[str, str]) -> bool:
        return (
            method == self.method
            and path == self.path
            and all(query.get(k) == v for k, v in self.query.items())
        )

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class ReplayServer:
    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- set-up ------------------------------------------------------------------------------

    def reply(
        self,
        method: str,
        path: str,
        *replies: Reply | bytes,
        query: dict[str, str] | None = None,
        status: int = 200,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `method path` (and `query`) with the replies in turn; bytes are bodies
        answered with `status`, `content_type` and `headers`."""
        extra = dict(headers or {})
        if content_type:
            extra["Content-Type"] = content_type
        made = [
            r if isinstance(r, Reply) else Reply(status=status, body=r, headers=extra)
            for r in replies
        ]
        self.routes.append(_Route(method, path, dict(query or {}), made or [Reply(status)]))

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def received(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    # --- life --------------------------------------------------------------------------------

    def start(self) -> ReplayServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- serving -----------------------------------------------------------------------------

    def _answer(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            for route in self.routes:
                if route.matches(received.method, received.path, received.query):
                    return route.next_reply()
        text = f"no recorded answer for {received.method} {received.path} {received.query}"
        return Reply(400, text.encode(), {"Content-Type": "text/plain"})


def _handler_for(replay: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection; the body ends at close

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def log_message(self, format: str, *args) -> None:  # keep test output quiet
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            received = Received(
                method=self.command,
                path=unquote(parts.path),
                query=query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            reply = replay._answer(received)
            if reply.hang:
                replay._release.wait(HANG_LIMIT)
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.length:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

    return Handler
