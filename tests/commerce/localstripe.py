"""localstripe (a Stripe-compatible server from PyPI) on a free loopback port, per session.

Import the fixture into a test module: ``from tests.commerce.localstripe import localstripe``.
It yields the base URL; `point_webhook` sends its signed events to a URL of ours.
"""

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    executable = Path(sys.executable).parent / "localstripe"
    if not executable.exists():
        pytest.skip(f"localstripe is not installed beside {sys.executable}")
    port = free_port()
    log = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(executable), "--port", str(port), "--from-scratch"],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=log.parent,
        )
        try:
            _wait_for_port(port, process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def point_webhook(base: str, url: str, secret: str, name: str = "masthead") -> None:
    """Send localstripe's events, signed with `secret`, to `url` (replaces the last one)."""
    data = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    with urllib.request.urlopen(f"{base}/_config/webhooks/{name}", data=data, timeout=10):
        pass


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited early:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"localstripe did not listen on port {port}:\n{log.read_text()}")
