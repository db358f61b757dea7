"""Latency of the change pages and the compare page on a built archive (issue 12: < 100 ms p95).

    python bench/change_bench.py [--db archive.db] [--reps 30]

Serves --db as page_bench.py does (immutable, `datasette inspect` counts, settings.json, our plugins,
named `archive`) and times, warm, with Datasette's in-process client: the page of the largest change
(most characters added and removed), of the median one, of a headline-only one, the compare page
of the first and last versions of the article with the most versions, and its article page. Prints
median and p95 in ms and the markdown summary; targets are printed, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
from pathlib import Path

from datasette.app import Datasette
from page_bench import SETTINGS, Page, describe, inspect_, measure, print_counts, verdict

TARGET_MS = 100
PICKS = {
    "largest change": "select id from changes order by chars_added + chars_removed desc, id limit 1",
    "median change": "select id from changes order by chars_added + chars_removed, id"
                     " limit 1 offset (select count(*) / 2 from changes)",
    "headline change": "select id from changes where kind = 'headline' order by id limit 1",
}
MOST_VERSIONS = ("select article_id from versions where article_id is not null"
                 " group by article_id order by count(*) desc, article_id limit 1")
IN_ORDER = "select id from versions where article_id = ? order by coalesce(feed_time, ''), source_file"


def pages(db: Path) -> list[Page]:
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        found = [Page(label, f"/archive/changes/{row[0]}", TARGET_MS)
                 for label, sql in PICKS.items() if (row := conn.execute(sql).fetchone())]
        article = conn.execute(MOST_VERSIONS).fetchone()
        if article:
            ordered = [vid for (vid,) in conn.execute(IN_ORDER, [article[0]])]
            first, last = ordered[0], ordered[-1]
            found.append(Page("compare first/last", f"/archive/versions/compare?a={first}&b={last}", TARGET_MS))
            found.append(Page("its article page", f"/archive/articles/{article[0]}", TARGET_MS))
        return found
    finally:
        conn.close()


async def run(db: Path, reps: int) -> None:
    ours = Datasette(immutables=[str(db)], settings=SETTINGS, inspect_data=await inspect_(db))
    print(f"{reps} timed runs per page, after one untimed run; times in ms\n")
    summary = []
    for page in pages(db):
        timing = await measure(ours, page.path, reps)
        met = verdict(timing, page.target_ms)
        print(f"{page.label:<20} {describe(timing)}  target p95 < {page.target_ms} {met:<6}  {page.path}")
        summary.append((page.label, timing, met))
    print("\n| page | median ms | p95 ms | target p95 ms | met |")
    print("| --- | --- | --- | --- | --- |")
    for label, timing, met in summary:
        median, p95 = (f"{timing.median:.1f}", f"{timing.p95:.1f}") if timing.ms else ("-", "-")
        print(f"| {label} | {median} | {p95} | < {TARGET_MS} | {met} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("archive.db"), help="a built archive (default ./archive.db)")
    parser.add_argument("--reps", type=int, default=30, help="timed runs of each page (default 30)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"SKIP: no database at {args.db}; build one with build_db.py or pass --db PATH")
        return 0
    with tempfile.TemporaryDirectory(prefix="change_bench.") as scratch:
        db = args.db.resolve()
        if db.stem != "archive":  # the pages timed are /archive/… URLs
            Path(scratch, "archive.db").symlink_to(db)
            db = Path(scratch, "archive.db")
        print_counts(db)
        asyncio.run(run(db, args.reps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
