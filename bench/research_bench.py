"""Latency of the search page (/DB/search, its series, sentences and CSV export) on a built archive,
each page against the LIKE scan a user without full-text search would run, timed in the same run.

    python bench/research_bench.py --db archive.db [--reps 20] [--baseline-reps 3] [--only TEXT]

Serves --db as bench/page_bench.py does (its helpers: immutable, table counts from `datasette inspect`,
settings.json, named `archive`, our plugins) and times pages with Datasette's in-process client.
Every timed request starts from cold search caches: news_archive.research.served.clear() runs
before each one (the engine forgets cached term matches and filters, the articles table's search its
matches; the per-database catalog stays, and so does SQLite's page cache, warmed by two untimed
requests to each page first). Right after each timed request the same URL is fetched again without
clearing: the "repeat" column, what a user paging or re-sorting sees. Startup (which loads the catalog) and the first
search request of the process, before any warm-up, are timed once.

Baselines, --baseline-reps times each after one untimed run, timed with sqlite3 on the same file
(immutable URI): for each query word the articles whose title or some paragraph contains it
(`select count(distinct article_id) from paragraphs where text like '%中国%'`, with the titles added),
articles holding every word for two words, restricted to the outlet and year when the page is, grouped
by month and outlet for the series pages. Printed as baseline median / our median, with the
articles LIKE finds (it misses Traditional forms: 中國 for 中国, so it finds no CNA article for 中国).

The CSV export of every 拜登 article is timed as the whole streamed body and reported as rows/s.
Ends with a markdown summary table and the process's peak RSS. Targets are printed, not asserted.
Skips (exit 0) when --db is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from datasette.app import Datasette

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_bench import SETTINGS, Timing, inspect_, pad, print_counts  # noqa: E402

from news_archive.research import catalog as catalog_module  # noqa: E402
from news_archive.research import served  # noqa: E402

WARMUPS = 2
CSV_TARGET_ROWS_PER_S = 20_000
TOTAL_RE = re.compile(r'<strong class="total">([\d,]+)</strong>')


@dataclass
class Page:
    label: str  # the path after /archive/, as the user types it
    target_ms: float | None  # p95 target; None: reported only
    words: tuple[str, ...] = ()  # the LIKE baseline's words; () for no baseline
    filtered: bool = False  # the baseline keeps the page's outlet and year
    grouped: bool = False  # the baseline counts per month and outlet
    csv: bool = False  # timed as an export: rows/s

    @property
    def path(self) -> str:
        # Keep the query syntax (?, &, =) and percent-encode everything else, Han and spaces included.
        return "/archive/" + quote(self.label, safe="/?&=._")


def pages(outlet: str) -> list[Page]:
    filters = f"&outlet={outlet}&from=2020&to=2020"
    searches = [("中国", 300), ("拜登", 100), ("芬太尼", 50), ("美国 疫苗", 300)]
    found = [Page(f"search?q={q}", target, tuple(q.split())) for q, target in searches]
    found += [Page(f"search?q={q}{filters}", target, tuple(q.split()), filtered=True) for q, target in searches]
    return found + [
        Page("search.json?q=中国&by=month&split=outlet", 300, ("中国",), grouped=True),
        Page("search/series.json?q=中国&split=outlet", 300, ("中国",), grouped=True),
        Page("search/sentences?q=拜登", 100, ("拜登",)),
        # Datasette's own table page, its ?_search= filter from plugins/archive_search.py: as it is today.
        Page("articles?_search=中国", 300, ("中国",)),
        Page("articles.json?_search=中国", 300, ("中国",)),
        Page("articles?_search=拜登", 100, ("拜登",)),
        Page("articles.json?_search=拜登", 100, ("拜登",)),
        Page("search.csv?q=拜登", None, ("拜登",), csv=True),
    ]


@dataclass
class Result:
    page: Page
    timing: Timing
    repeat: list[float] = field(default_factory=list)
    total: int | None = None  # articles the page says match
    rows: int | None = None  # rows the page returned (CSV: rows exported)
    note: str = ""  # what the response held, or what it lacked
    complete: bool = True  # the page held what it should (an HTML search: its total and chart)
    baseline: Timing | None = None
    baseline_count: int | None = None

    @property
    def rate(self) -> tuple[float, float] | None:
        """CSV rows/s at the median and at the p95 time."""
        if not self.page.csv or not self.timing.ms or not self.rows:
            return None
        return self.rows / (self.timing.median / 1000), self.rows / (self.timing.p95 / 1000)

    def verdict(self) -> str:
        if self.timing.status != 200:
            return "FAILED"
        if not self.complete:
            return "INCOMPLETE"
        if self.page.csv:
            return "MET" if self.rate and self.rate[1] >= CSV_TARGET_ROWS_PER_S else "MISSED"
        if self.page.target_ms is None:
            return "info"
        return "MET" if self.timing.p95 < self.page.target_ms else "MISSED"

    def target(self) -> str:
        if self.page.csv:
            return f">= {CSV_TARGET_ROWS_PER_S:,} rows/s"
        return f"< {self.page.target_ms:.0f}" if self.page.target_ms else "-"

    def ratio(self) -> str:
        if not self.baseline or not self.baseline.ms or not self.timing.ms:
            return "-"
        return f"{self.baseline.median / self.timing.median:.1f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a built archive")
    parser.add_argument("--reps", type=int, default=20, help="timed runs of each page (default 20)")
    # A LIKE scan of 1.4 M paragraphs takes about a second with little spread: a few runs suffice.
    parser.add_argument("--baseline-reps", type=int, default=3, help="timed runs of each baseline (default 3)")
    parser.add_argument("--only", default="", help="run only the pages whose path contains this text")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"SKIP: no database at {args.db}; build one with build_db.py or pass --db PATH")
        return 0
    with tempfile.TemporaryDirectory(prefix="research_bench.") as scratch:
        db = args.db.resolve()
        # Our templates and metadata.yml name the database "archive" (as page_bench.py serves it).
        if db.stem != "archive":
            Path(scratch, "archive.db").symlink_to(db)
            db = Path(scratch, "archive.db")
        print_counts(db)
        outlet = biggest_outlet(db)
        selected = [page for page in pages(outlet) if args.only in page.label]
        if not selected:
            parser.error(f"--only {args.only!r} matches no page: " + ", ".join(page.label for page in pages(outlet)))
        asyncio.run(run(db, outlet, selected, args.reps, args.baseline_reps))
    return 0


def connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?immutable=1", uri=True)


def biggest_outlet(db: Path) -> str:
    conn = connect(db)
    row = conn.execute("select outlet_id, count(*) from articles group by outlet_id order by 2 desc, 1 limit 1").fetchone()
    conn.close()
    return row[0] if row else "none"


async def run(db: Path, outlet: str, selected: list[Page], reps: int, baseline_reps: int) -> None:
    inspect_data = await inspect_(db)
    ds = Datasette(immutables=[str(db)], settings=SETTINGS, inspect_data=inspect_data)
    print(f"settings {SETTINGS}; outlet with most articles: {outlet}")
    print(f"{reps} timed runs per page, each after clearing the search caches, after {WARMUPS} untimed runs;"
          f" {baseline_reps} per LIKE baseline after one untimed run; times in ms\n")
    await startup_and_first_request(ds)
    results = []
    with connect(db) as conn:
        baselines: dict[tuple, tuple[Timing, int]] = {}
        for page in selected:
            result = await measure(ds, page, reps)
            if page.words:
                sql, parameters = like_sql(page, outlet)
                key = (sql, tuple(parameters))
                if key not in baselines:
                    baselines[key] = time_sql(conn, sql, parameters, baseline_reps)
                result.baseline, result.baseline_count = baselines[key]
            report(result)
            results.append(result)
    print_summary(results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess RSS after the run: {current_rss_mb():,.0f} MB now, {peak:,.0f} MB peak (getrusage ru_maxrss)")


async def startup_and_first_request(ds: Datasette) -> None:
    """Startup (our plugin loads each archive's catalog there) and the first search of the process."""
    loads: list[float] = []
    original = catalog_module.load

    def timed_load(conn):
        started = time.perf_counter()
        try:
            return original(conn)
        finally:
            loads.append((time.perf_counter() - started) * 1000)

    catalog_module.load = timed_load
    try:
        started = time.perf_counter()
        await ds.invoke_startup()
        startup_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        response = await ds.client.get(Page("search?q=中国", None).path)
        ms = (time.perf_counter() - started) * 1000
    finally:
        catalog_module.load = original
    load = f"{loads[0]:.0f} ms" if loads else "not called (the catalog was already loaded)"
    print(f"startup: {startup_ms:.0f} ms (catalog load inside it: {load}); "
          f"first search request of the process (status {response.status_code}): {ms:.0f} ms\n")


async def measure(ds: Datasette, page: Page, reps: int) -> Result:
    for _ in range(WARMUPS):  # untimed: warms SQLite's page cache (and the catalog)
        response = await ds.client.get(page.path)
        if response.status_code != 200:
            print(f"  HTTP {response.status_code} for {page.label}: {response.text[:300]}")
            return Result(page, Timing(response.status_code, []))
    ms, repeat = [], []
    for _ in range(reps):
        clear_caches()
        started = time.perf_counter()
        response = await ds.client.get(page.path)
        ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"  HTTP {response.status_code} for {page.label}: {response.text[:300]}")
            return Result(page, Timing(response.status_code, []))
        started = time.perf_counter()  # the same URL again, its matches cached
        again = await ds.client.get(page.path)
        repeat.append((time.perf_counter() - started) * 1000)
        if again.status_code != 200:
            print(f"  HTTP {again.status_code} for {page.label} (repeat): {again.text[:300]}")
            return Result(page, Timing(again.status_code, []))
    result = Result(page, Timing(200, ms), repeat)
    describe_response(result, response)
    return result


def clear_caches() -> None:
    """Cold search caches: the search engine and the articles table's search forget their matches
    (the catalog stays)."""
    served.clear()


def describe_response(result: Result, response) -> None:
    """What the last response held: totals and rows, and whether an HTML search had its total and chart."""
    page = result.page
    if page.csv:
        rows = list(csv.reader(io.StringIO(response.text)))
        result.rows = max(len(rows) - 1, 0)
        result.note = f"{len(response.content) / 1e6:.1f} MB"
        return
    if "json" in response.headers.get("content-type", ""):
        data = response.json()
        if "filtered_table_rows_count" in data:  # a Datasette table page
            result.total, result.rows = data["filtered_table_rows_count"], len(data["rows"])
        elif "results" in data:
            result.total, result.rows = data["total"], len(data["results"])
            result.note = f"{len(data.get('series', []))} series lines"
        else:
            lines = data.get("series", [])
            result.note = f"{len(lines)} series lines, {sum(len(line['points']) for line in lines)} points"
        return
    if page.label.startswith("search?"):
        found = TOTAL_RE.search(response.text)
        chart = 'class="time-chart"' in response.text
        result.total = int(found.group(1).replace(",", "")) if found else None
        # A search with no match draws no chart; one with matches must show both.
        result.complete = found is not None and (chart or result.total == 0)
        result.note = ("total and chart shown" if found and chart else
                       "total shown, no chart" if found else "NO TOTAL on the page")


def like_sql(page: Page, outlet: str) -> tuple[str, list]:
    """The LIKE scan that finds the articles of page.words (all of them) as the page filters them."""
    patterns = [f"%{word}%" for word in page.words]
    if page.filtered:
        # Narrowed to one outlet's year: the articles index finds them, then each one's paragraphs.
        holds = " and ".join(
            "(a.title like ? or exists (select 1 from paragraphs p where p.article_id = a.id and p.text like ?))"
            for _ in patterns
        )
        sql = (f"select count(*) from articles a where a.outlet_id = ? and a.published >= '2020-01-01'"
               f" and a.published < '2021-01-01' and {holds}")
        return sql, [outlet] + [pattern for pattern in patterns for _ in range(2)]
    each = ["select article_id from paragraphs where text like ? union select id from articles where title like ?"
            for _ in patterns]
    matching = " intersect ".join(f"select * from ({part})" for part in each)
    parameters = [pattern for pattern in patterns for _ in range(2)]
    if page.grouped:
        return (f"select outlet_id, substr(published, 1, 7), count(*) from articles where id in ({matching})"
                " group by 1, 2", parameters)
    return f"select count(*) from ({matching})", parameters


def time_sql(conn: sqlite3.Connection, sql: str, parameters: list, reps: int) -> tuple[Timing, int]:
    rows = conn.execute(sql, parameters).fetchall()  # untimed
    ms = []
    for _ in range(reps):
        started = time.perf_counter()
        rows = conn.execute(sql, parameters).fetchall()
        ms.append((time.perf_counter() - started) * 1000)
    return Timing(200, ms), sum(row[-1] for row in rows)  # articles found (over every group)


def report(result: Result) -> None:
    timing = result.timing
    label = pad(result.page.label, 50)
    if timing.status != 200:
        print(f"{label} status {timing.status} FAILED")
        return
    repeat = f"repeat {statistics.median(result.repeat):6.1f}" if result.repeat else " " * 13
    total = "" if result.total is None else f"  total {result.total:,}"
    rows = "" if result.rows is None else f"  rows {result.rows:,}"
    print(f"{label} median {timing.median:7.1f}  p95 {timing.p95:7.1f}  {repeat}  target {result.target():<8}"
          f" {result.verdict():<6}{total}{rows}  {result.note}")
    if result.rate:
        print(f"{'':50}   {result.rate[0]:,.0f} rows/s at the median, {result.rate[1]:,.0f} at p95")
    if result.baseline:
        print(f"{'':50}   LIKE median {result.baseline.median:7.1f}  p95 {result.baseline.p95:7.1f}"
              f"  baseline/ours {result.ratio()}  LIKE finds {result.baseline_count:,} articles")


def print_summary(results: list[Result]) -> None:
    print("\n| page | median ms | p95 ms | target p95 | baseline median | baseline/ours | met | repeat median ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for result in results:
        timing = result.timing
        median, p95 = (f"{timing.median:.1f}", f"{timing.p95:.1f}") if timing.ms else ("-", "-")
        base = f"{result.baseline.median:,.1f}" if result.baseline and result.baseline.ms else "-"
        met = result.verdict()
        if result.rate:
            met += f" ({result.rate[0]:,.0f} rows/s median, {result.rate[1]:,.0f} at p95; {result.rows:,} rows)"
        repeat = f"{statistics.median(result.repeat):.1f}" if result.repeat else "-"
        print(f"| {result.page.label} | {median} | {p95} | {result.target()} | {base} | {result.ratio()} | {met} | {repeat} |")


def current_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


if __name__ == "__main__":
    sys.exit(main())
