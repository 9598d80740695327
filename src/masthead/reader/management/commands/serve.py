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
            "--usage-worker",
            action="store_true",
            help="also run `process_usage --loop 10` (COUNTER rollups, Views) beside the server",
        )
        parser.add_argument(
            "--pdf-worker",
            action="store_true",
            help="also run `render_pdfs --loop 60` (article PDFs after imports and changes)",
        )
        parser.add_argument(
            "--citations-worker",
            action="store_true",
            help="also run `refresh_citations --loop 300` (cited-by, deposit results)",
        )
        parser.add_argument(
            "--related-worker",
            action="store_true",
            help="also run `build_related --loop 60` (new articles' lists; all once a day)",
        )
        parser.add_argument(
            "--reconcile-orders",
            action="store_true",
            help="also run `reconcile_orders --loop 300` (late payment notices) beside it",
        )
        parser.add_argument(
            "--alerts-worker",
            action="store_true",
            help="also run `send_alerts --loop 60` (new-issue and citation e-mails)",
        )

    def handle(self, *args, addr, workers, threads, no_collectstatic, access_log, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        _share_metrics()
        if options["usage_worker"]:
            # Same process group: Ctrl-C in the terminal stops both.
            subprocess.Popen([sys.executable, "-m", "masthead", "process_usage", "--loop", "10"])  # noqa: S603
        if options["pdf_worker"]:
            subprocess.Popen([sys.executable, "-m", "masthead", "render_pdfs", "--loop", "60"])  # noqa: S603
        if options["citations_worker"]:
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "masthead", "refresh_citations", "--loop", "300"]
            )
        if options["related_worker"]:
            subprocess.Popen([sys.executable, "-m", "masthead", "build_related", "--loop", "60"])  # noqa: S603
        if options["reconcile_orders"]:
            subprocess.Popen(
                [sys.executable, "-m", "masthead", "reconcile_orders", "--loop", "300"]
            )  # noqa: S603
        if options["alerts_worker"]:
            subprocess.Popen([sys.executable, "-m", "masthead", "send_alerts", "--loop", "60"])  # noqa: S603
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
