"""`masthead simulate_readers`: synthetic readers browsing the running site (usage/simulate.py)."""

from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError

from masthead.usage import simulate

DEFAULTS = simulate.Options()


class Command(BaseCommand):
    help = (
        "Send simulated readers through the site running on this machine (real HTTP "
        "requests: article pages, full texts, PDFs, a few purchases with the demo payment "
        "provider), so that usage statistics, Views counts and People also read have data. "
        "Bounded in readers, pages and seconds; loopback addresses only. Its traffic is "
        "synthetic: its user agent ends in " + simulate.AGENT_PRODUCT + "."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default=DEFAULTS.base_url, help="the site, on loopback only"
        )
        parser.add_argument("--readers", type=int, default=DEFAULTS.readers)
        parser.add_argument(
            "--pages-per-reader",
            type=int,
            default=DEFAULTS.pages_per_reader,
            help="at most this many pages per reader",
        )
        parser.add_argument(
            "--seconds", type=float, default=DEFAULTS.seconds, help="stop after this long"
        )
        parser.add_argument(
            "--concurrency", type=int, default=DEFAULTS.concurrency, help="readers at once"
        )
        parser.add_argument(
            "--think-ms",
            type=int,
            default=DEFAULTS.think_ms,
            help="a random pause of up to this many milliseconds before each page",
        )
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed)
        parser.add_argument(
            "--campus-share",
            type=float,
            default=DEFAULTS.campus_share,
            help="share of readers on an institution's campus",
        )
        parser.add_argument(
            "--buyer-share",
            type=float,
            default=DEFAULTS.buyer_share,
            help="share of off-campus readers who buy an article they are refused",
        )

    def handle(self, *args, **opts):
        options = simulate.Options(
            base_url=opts["base_url"],
            readers=opts["readers"],
            pages_per_reader=opts["pages_per_reader"],
            seconds=opts["seconds"],
            concurrency=opts["concurrency"],
            think_ms=opts["think_ms"],
            seed=opts["seed"],
            campus_share=opts["campus_share"],
            buyer_share=opts["buyer_share"],
        )
        try:
            options.check()
            simulate.loopback_origin(options.base_url)  # refused before anything else
        except ValueError as error:  # Refused is one
            raise CommandError(str(error)) from None
        ranges = simulate.campus_ranges()
        if not ranges:
            self.stderr.write("No institution has an IP range here: every reader is off campus.")
        try:
            summary = simulate.Simulation(replace(options, campus_ranges=ranges)).run()
        except simulate.SiteUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(summary.report())
