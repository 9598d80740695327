"""Usage benchmark: what recording costs a page, how fast raw events become COUNTER
rollups, and how long a year's Title Report for 1,000 journals takes.

    .venv/bin/python bench/usage.py [--events 1000000] [--days 10] [--tr-events 10000000]
        [--backends sqlite,postgresql] [--json]

For each backend (SQLite in a temporary MASTHEAD_HOME; PostgreSQL database
masthead_usage_bench, created and dropped, skipped with a note when unreachable) it
migrates, seeds _seed.py's article and runs _usage_inprocess.py, which measures:

1. the article page with usage recording and without it (the baseline), alternating
   blocks in the same process, and `record()` alone; the target is under 1 ms added;
2. raw events processed per second (read, robots, double-clicks, sessions, attribution,
   rollup write) against writing the same rows (PostgreSQL COPY: the ceiling); the target
   is at least 50,000 events/s;
3. a year's TR for 1,000 journals from --tr-events events: counting them into daily
   rollups, then `build_report` for The World and for one institution, and its TSV.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import article_page as ap  # noqa: E402

BENCH = ap.BENCH
ROOT = ap.ROOT
PG_DATABASE = "masthead_usage_bench"


def run_backend(name: str, database_url: str, pg_url: str, home: Path, args) -> dict:
    script = [str(BENCH / "_usage_inprocess.py"), "--events", str(args.events),
              "--days", str(args.days), "--tr-events", str(args.tr_events)]  # fmt: skip
    return ap.run_on_fresh_database(name, database_url, pg_url, PG_DATABASE, home, script)


def table(results: list[dict]) -> str:
    lines = [
        "| backend | page without recording ms | with ms | added ms (mean / p50) "
        "| record() alone ms (mean / p99) |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        rec = r["recording"]
        lines.append(
            f"| {r['backend']} | {rec['page_without_ms']:.3f} | {rec['page_with_ms']:.3f} "
            f"| {rec['added_ms']:.3f} / {rec['added_p50_ms']:.3f} "
            f"| {rec['record_alone_ms']:.3f} / {rec['record_alone_p99_ms']:.3f} |"
        )
    lines += [
        "",
        "| backend | events | write raw events/s (ceiling) | processed events/s | rollup rows |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        p = r["processing"]
        lines.append(
            f"| {r['backend']} | {p['events']:,} | {p['write_events_per_s']:,.0f} "
            f"| {p['process_events_per_s']:,.0f} | {p['rollup_rows']:,} |"
        )
    lines += [
        "",
        "| backend | year's events | counted into rollups s | rollup rows | TR The World s "
        "(titles) | TR with YOP and Access_Type s (rows) | TR one institution s (titles) "
        "| TSV s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        t = r["tr"]
        lines.append(
            f"| {r['backend']} | {t['year_events']:,} | {t['year_count_seconds']:.1f} "
            f"| {t['year_rollup_rows']:,} | {t['tr_world_seconds']:.2f} ({t['tr_world_items']}) "
            f"| {t['tr_world_attributes_seconds']:.2f} ({t['tsv_world_attributes_lines']:,}) "
            f"| {t['tr_institution_seconds']:.2f} ({t['tr_institution_items']}) "
            f"| {t['tsv_world_seconds']:.2f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--tr-events", type=int, default=10_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = parser.parse_args(argv)
    results = []
    print(f"commit {ap.git_commit()}")
    with tempfile.TemporaryDirectory(prefix="masthead-usage-bench-") as tmp:
        for name in args.backends.split(","):
            home = Path(tmp) / name
            home.mkdir()
            if name == "postgresql":
                why = ap.postgres_reachable(args.pg_url)
                if why:
                    print(f"PostgreSQL skipped: {why}")
                    continue
                url = f"{args.pg_url}/{PG_DATABASE}"
            else:
                url = f"sqlite:///{home / 'bench.sqlite3'}"
            print(f"{name}:", flush=True)
            results.append(run_backend(name, url, args.pg_url, home, args))
    print(table(results))
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
