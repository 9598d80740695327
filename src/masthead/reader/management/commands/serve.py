"""`masthead serve`: the production server (gunicorn, threaded workers, static by whitenoise)."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Masthead with gunicorn (the production server)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to bind")
        # The page is CPU-bound Python: one worker per core and one more, two threads each
        # to cover database round trips (bench/article_page.py measured the alternatives).
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument("--access-log", action="store_true", help="log every request")
        parser.add_argument(
            "--worker",
            action="store_true",
            help="also run one `masthead worker` (background and periodic jobs) beside it",
        )

    def handle(self, *args, addr, workers, threads, no_collectstatic, access_log, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        _share_metrics()
        if options["worker"]:
            # Same process group: Ctrl-C in the terminal stops both.
            subprocess.Popen([sys.executable, "-m", "masthead", "worker"])  # noqa: S603
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "masthead.wsgi:application",
            "--bind",
            addr,
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--forwarded-allow-ips",
            os.environ.get("MASTHEAD_TRUSTED_PROXIES", "127.0.0.1"),
        ]
        if access_log:
            argv += ["--access-logfile", "-"]
        os.execvp(argv[0], argv)  # noqa: S606 - replace this process with gunicorn


def _share_metrics() -> None:
    """gunicorn's workers write their request metrics to one directory, which /metrics
    adds up (prometheus_client's multiprocess mode); emptied at each start, as that mode
    asks, so a restarted server does not count its predecessor's requests."""
    from django.conf import settings

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(settings.MASTHEAD_HOME / "metrics")
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
