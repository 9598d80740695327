"""PDF benchmark: seconds to render each eLife sample, and what stamping costs a download.

    .venv/bin/python bench/pdf.py [--samples DIR] [--repeat 200]

Runs in process against a throwaway SQLite database in a temporary MASTHEAD_HOME: imports
the eLife samples, renders each with `render_article_pdf` (WeasyPrint, in this process:
the child process that `ensure_pdf` adds costs about half a second more to start), then
for a 20-page PDF times, per download, reading the cached file (the baseline) against
reading it and stamping every page (`stamp_pdf`). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MASTHEAD_SHARED", ROOT.parent / "shared"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SHARED / "data" / "jats" / "elife")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="masthead-pdf-bench-")
    os.environ["MASTHEAD_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from pypdf import PdfReader

    from masthead.catalog.demo.press import load_jats_directory
    from masthead.catalog.models import Article
    from masthead.catalog.services import ImportSummary
    from masthead.pdf.render import render_article_pdf
    from masthead.pdf.stamp import stamp_pdf

    call_command("migrate", verbosity=0)
    load_jats_directory(args.samples, ImportSummary())

    rows, pdfs = [], []
    for article in Article.objects.exclude(body_html="").order_by("doi"):
        started = time.perf_counter()
        pdf = render_article_pdf(article)
        seconds = time.perf_counter() - started
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        rows.append((article.doi, len(article.body_html), pages, seconds))
        pdfs.append((pages, pdf))
    print(f"{'article':<28} {'body chars':>10} {'pages':>6} {'render s':>9}")
    for doi, length, pages, seconds in rows:
        print(f"{doi:<28} {length:>10,} {pages:>6} {seconds:>9.2f}")
    times = [r[3] for r in rows]
    print(f"\nrender: {len(rows)} articles, median {statistics.median(times):.2f} s, "
          f"worst {max(times):.2f} s, total {sum(times):.1f} s")  # fmt: skip

    pages, pdf = min(pdfs, key=lambda item: abs(item[0] - 20))
    cached = Path(home) / "cached.pdf"
    cached.write_bytes(pdf)
    text = "Downloaded by Demo University at 2026-11-27 01:23 UTC"
    baseline, stamped = [], []
    for _ in range(args.repeat):  # alternate, so drift hits both alike
        started = time.perf_counter()
        cached.read_bytes()
        baseline.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        stamp_pdf(cached.read_bytes(), text)
        stamped.append((time.perf_counter() - started) * 1000)
    print(f"\nper download, {pages}-page PDF ({len(pdf) / 1024:.0f} KiB), {args.repeat} runs:")
    print(f"{'':<22} {'mean ms':>8} {'p95 ms':>8}")
    for name, values in (("read cached file", baseline), ("read + stamp", stamped)):
        print(f"{name:<22} {statistics.fmean(values):>8.2f} {percentile(values, 95):>8.2f}")


if __name__ == "__main__":
    main()
