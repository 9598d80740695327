"""`masthead worker`: run queued jobs and the periodic schedule, in threads.

Each runner thread claims one job at a time (queue.claim), runs it, and records the
outcome; the main thread enqueues periodic jobs, renews the leases of the jobs in hand and
beats the heartbeat. SIGTERM or Ctrl-C: no new job is taken, the jobs in hand finish, then
the process exits. A worker killed outright leaves its jobs RUNNING with a lease that runs
out; the next worker to look takes them again (attempt 2).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
import uuid

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks.utils import get_exception_traceback, get_module_path

from masthead.jobs import queue, services
from masthead.jobs.backend import task_of
from masthead.jobs.models import Job
from masthead.ops.heartbeat import beat

log = logging.getLogger("masthead.jobs")
HEARTBEAT_EVERY = 30.0  # seconds; ops.heartbeat.STALE_AFTER is far longer
QUIET_BELOW = 1.0  # seconds: a periodic job that found nothing to do is not logged


def _reconnect_if_due() -> None:
    """Between jobs, drop a connection that broke or outlived CONN_MAX_AGE (as Django does
    between requests). Not inside a transaction: a caller's (a test's) would be closed."""
    if not connection.in_atomic_block:
        close_old_connections()


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.MASTHEAD_JOB_LEASE_SECONDS)


class Worker:
    def __init__(self, threads: int = 2, poll: float = 1.0, schedule: bool = True, out=None):
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.threads = threads
        self.poll = poll
        self.schedule = schedule
        self.out = out
        self.stopping = threading.Event()

    def run_one(self) -> Job | None:
        """Claim and run one due job; the finished row, or None when nothing was due."""
        _reconnect_if_due()
        job = queue.claim(self.id, lease())
        if job is None:
            return None
        periodic = bool(job.schedule_key)  # every few seconds: said only when it mattered
        if not periodic:
            self._say(f"start   {job.name} (job {job.id}, attempt {job.attempts})")
        started = time.monotonic()
        try:
            value = task_of(job).call(*job.args, **job.kwargs)
        except Exception as error:
            error_row = {
                "exception_class_path": get_module_path(type(error)),
                "traceback": get_exception_traceback(error),
            }
            queue.fail(job, error_row, output=str(error))
            self._say(f"failed  {job.name}: {type(error).__name__}: {error}")
        else:
            output = value if isinstance(value, str) else ""
            queue.finish(job, value, output=output)
            seconds = time.monotonic() - started
            if not periodic or seconds >= QUIET_BELOW:
                self._say(f"done    {job.name} in {seconds:.1f} s")
        finally:
            _reconnect_if_due()
        job.refresh_from_db()
        return job

    def run(self) -> None:
        """Until stopped: runner threads take jobs, this thread keeps time."""
        self._handle_signals()
        runners = [
            threading.Thread(target=self._runner, name=f"job-runner-{n}", daemon=True)
            for n in range(self.threads)
        ]
        for runner in runners:
            runner.start()
        self._say(f"worker {self.id}: {self.threads} runner(s)")
        last_beat = 0.0
        while not self.stopping.is_set():
            _reconnect_if_due()
            try:
                if self.schedule:
                    services.enqueue_due()
                queue.renew(self.id, lease())
                if time.monotonic() - last_beat >= HEARTBEAT_EVERY:
                    beat("worker")
                    last_beat = time.monotonic()
            except Exception:  # the database went away for a moment: try again next tick
                log.exception("worker housekeeping failed")
            self.stopping.wait(self.poll)
        for runner in runners:
            runner.join()
        queue.renew(self.id, lease())
        self._say("worker stopped")

    def _runner(self) -> None:
        while not self.stopping.is_set():
            try:
                job = self.run_one()
            except Exception:
                log.exception("job runner failed")
                job = None
            if job is None:
                self.stopping.wait(self.poll)

    def _handle_signals(self) -> None:
        def stop(signum, frame):
            self._say("stopping: finishing the jobs in hand")
            self.stopping.set()

        if threading.current_thread() is threading.main_thread():  # only it may set them
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)

    def _say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(f"{timezone.now():%H:%M:%S} {text}")
