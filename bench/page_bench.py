"""Datasette page latency on a built archive, each page against a baseline timed in the same run.

    python bench/page_bench.py [--db archive.db] [--reps 20] [--baseline-reps 3] [--only TEXT]

Serves --db as we serve it (`datasette serve -i archive.db --inspect-file counts.json` with
settings.json: immutable, table counts from `datasette inspect`, named `archive`, our plugins and the
metadata they give archive databases) and times every kind of page the front page and the database
page link to, one click on (pages(): each table, its facet links, next page, sorts, exports and
rows; the search page and its variants; the change pages; the maps), with Datasette's in-process
client, warm: every URL is fetched once untimed, then --reps times. Prints median and p95 (nearest
rank) in ms against the p95 targets of issues 6 and 13 (every page < 300 ms, most < 100 ms), and for
JSON pages the rows returned and the rows matched (filtered_table_rows_count).

Baselines, --baseline-reps times each, printed beside each page with the ratio baseline median / our
median:
- the same page on a second instance with Datasette's default settings (facet suggestions on, no
  inspect-file counts), except a time limit high enough for every query to finish;
- the searches against the LIKE scan a user without full-text search would run
  (?text__contains=TERM on paragraphs: first rows plus count(*)), but paragraphs?_search=中国 against
  the same page counted by Datasette (a seek into paragraphs per match; the LIKE scan for 中国 is the
  search page's baseline).
- the canned queries that issue 13 rewrote (canned_query_pages(), --only canned) against the SQL
  they ran before (BEFORE_SQL), as ad-hoc SQL on our instance: at 100,000 articles its 3 s limit
  stops the old "places mentioned together", as it stopped the canned query.

Ends with a markdown summary table. Targets are printed, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from datasette.app import Datasette
from datasette.cli import inspect_ as datasette_inspect
from datasette.version import __version__ as datasette_version

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = json.loads((ROOT / "settings.json").read_text())
# Only the time limit changes from Datasette's defaults: its 1 s would cut the slow baseline queries short.
DEFAULT_SETTINGS = {"sql_time_limit_ms": 60_000}
# The query string datasette-cluster-map's JavaScript adds to the page's own URL to fetch its markers.
MAP_QUERY = "_size=max&_labels=on&_extra=count&_extra=next_url&_shape=objects"
# Where ad-hoc SQL runs: 1.0 moved it from /DB?sql= (which it redirects) to /DB/-/query.
SQL_PATH = "/archive/-/query" if int(datasette_version.split(".")[0]) >= 1 else "/archive"
# The SQL of the canned queries that issue 13 rewrote to read summary tables or new indexes, as it was
# (metadata.yml at 08ac8aa): the baselines of their pages, run as ad-hoc SQL on the same database.
BEFORE_SQL = {
    "most_cited_domains": """
select domain, count(*) as links, count(distinct article_id) as articles
from links
where domain is not null
  and paragraph_id in (select id from paragraphs where kind not in ('footer', 'credit'))
group by domain
order by links desc
limit 100""",
    "articles_per_month": """
select substr(articles.published, 1, 7) as month, outlets.name as outlet, count(*) as articles
from articles join outlets on outlets.id = articles.outlet_id
where articles.published is not null
group by month, outlets.id
order by month desc, articles desc""",
    "most_linked_articles": """
select target.id, target.title, target.published, count(distinct links.article_id) as linked_from
from links join articles as target on target.id = links.target_article_id
where links.article_id != links.target_article_id
group by target.id
order by linked_from desc, target.published desc
limit 100""",
    "articles_mentioning_place": """
select articles.id, articles.title, outlets.name as outlet, articles.published,
  places.name as place, article_places.mentions, article_places.first_position
from places
join article_places on article_places.place_id = places.id
join articles on articles.id = article_places.article_id
join outlets on outlets.id = articles.outlet_id
where places.name = :place or lower(places.name_en) = lower(:place)
order by articles.published desc""",
    "places_mentioned_together": """
with pairs as (
  select a.place_id, b.place_id as other_id, count(*) as articles
  from article_places as a
  join article_places as b on b.article_id = a.article_id and b.place_id != a.place_id
  where case when :place = '' then a.place_id < b.place_id
    else a.place_id in (select id from places where name = :place) end
  group by a.place_id, b.place_id
  order by articles desc, a.place_id, b.place_id
  limit 100
)
select place.name as place, other.name as mentioned_with, pairs.articles
from pairs
join places as place on place.id = pairs.place_id
join places as other on other.id = pairs.other_id
order by pairs.articles desc, place.name, other.name""",
}


@dataclass
class Page:
    label: str
    path: str  # may name samples(): {article}, {outlet} …, filled in from the database timed
    target_ms: float | None = None  # p95 target; None: printed for information only
    baseline: str | None = "defaults"  # "defaults" (the same path on Datasette's defaults) or a path on ours


def pages() -> list[Page]:
    """Every kind of page the site links to, from the front page and the database page one click on:
    each table, its facet links, next page, sorts, exports and rows, the searches, changes and maps."""
    biden, china, beijing = quote("拜登"), quote("中国"), quote("北京")
    like_biden = f"/archive/paragraphs.json?text__contains={biden}"
    like_china = f"/archive/paragraphs.json?text__contains={china}"
    return [
        Page("front page", "/", 100),
        Page("database page", "/archive", 100),
        # As a user first sees it: the default facets in metadata.yml apply.
        Page("articles page", "/archive/articles", 50),
        # Two facets asked for by name (both are default facets too: Datasette shows each once).
        Page("two facets", "/archive/articles?_facet=outlet_id&_facet=year", 50),
        # A facet value clicked: the page narrowed to a year, its default facets counted within it.
        Page("facet click", "/archive/articles?year=2021", 50),
        # The front page's outlet links.
        Page("articles of an outlet", "/archive/articles?outlet_id={outlet}", 100),
        Page("articles next page", "{articles_next}", 100),
        Page("articles facet size max", "/archive/articles?_facet_size=max", 100),
        # A column without an index: the sort reads every row.
        Page("articles by title", "/archive/articles?_sort=title", 300),
        Page("articles csv", "/archive/articles.csv?_labels=on&_size=max", 300),
        Page("article page", "/archive/articles/{article}", 100),
        Page("articles search 拜登", f"/archive/articles?_search={biden}", 100, like_biden),
        Page("articles search 拜登 csv", f"/archive/articles.csv?_search={biden}&_size=max", 300, like_biden),
        Page("paragraphs page", "/archive/paragraphs", 100),
        Page("paragraphs by kind", "/archive/paragraphs?_sort=kind", 100),
        Page("paragraph row", "/archive/paragraphs/{paragraph}", 100),
        Page("search 拜登 json", f"/archive/paragraphs.json?_search={biden}", 100, like_biden),
        Page("search 拜登 html", f"/archive/paragraphs?_search={biden}", 100, like_biden),
        # Against Datasette's own count of the 272,000 matches: a no-op filter (_where=1, which leaves
        # the query plan as it is) keeps plugins/archive_search.py from counting them from the index.
        Page("search 中国 json", f"/archive/paragraphs.json?_search={china}", 200,
             f"/archive/paragraphs.json?_search={china}&_where=1"),
        Page("search 中国 html", f"/archive/paragraphs?_search={china}", 200, f"/archive/paragraphs?_search={china}&_where=1"),
        Page("search query 中国", f"/archive/search?q={china}", 150, like_china),
        Page("search query filtered", f"/archive/search?q={biden}&outlet={{outlet}}&from=2020&to=2020", 100, like_biden),
        Page("search sentences", f"/archive/search/sentences?q={biden}", 100, like_biden),
        Page("search feed", f"/archive/search.atom?q={biden}", 100, like_biden),
        Page("figures page", "/archive/figures", 100),
        Page("figures of a credit", "/archive/figures?credit={credit}", 100),
        Page("links page", "/archive/links", 100),
        Page("links of a domain", "/archive/links?domain={domain}", 100),
        Page("links facet size max", "/archive/links?_facet_size=max", 300),
        Page("authors page", "/archive/authors", 100),
        Page("author page", "/archive/authors/{author}", 100),
        Page("article_authors page", "/archive/article_authors", 100),
        Page("outlets page", "/archive/outlets", 100),
        Page("outlet page", "/archive/outlets/{outlet}", 100),
        Page("places page", "/archive/places", 100),
        Page("places of a kind", "/archive/places?kind=city", 100),
        Page("place page", "/archive/places/{place}", 100),
        Page("article_places page", "/archive/article_places", 100),
        Page("article_places of a place", "/archive/article_places?place_id={place}", 100),
        Page("article_places facet size max", "/archive/article_places?_facet_size=max", 300),
        Page("versions page", "/archive/versions", 100),
        Page("versions current", "/archive/versions?is_current=1", 100),
        Page("version page", "/archive/versions/{version}", 100),
        Page("versions compared", "/archive/versions/compare?a={version_before}&b={version}", 100),
        Page("version_paragraphs page", "/archive/version_paragraphs", 100),
        Page("changes page", "/archive/changes", 100),
        Page("changes of a kind", "/archive/changes?kind=text", 100),
        Page("change page", "/archive/changes/{change}", 100),
        Page("build_errors page", "/archive/build_errors", 100),
        Page("build_info page", "/archive/build_info", 100),
        # The view with latitude/longitude columns, so the page draws the cluster map.
        Page("map html", "/archive/article_place_map", 300),
        Page("map 北京 html", f"/archive/article_place_map?place={beijing}", 200),
        Page("map 北京 json", f"/archive/article_place_map.json?place={beijing}&{MAP_QUERY}", 200),
        *canned_query_pages(),
    ]


def canned_query_pages() -> list[Page]:
    """Every canned query in metadata.yml, with what its form is given; < 300 ms where the page shows
    500 rows or more (Datasette renders a cell in about 0.1 ms), else < 100 ms."""
    beijing = quote("北京")

    def query(name: str, params: str = "", target_ms: float = 100) -> Page:
        value = unquote(params.partition("=")[2])
        shown = "(empty)" if params.endswith("=") else "" if value.startswith("{") else value
        label = f"canned {name} {shown}".rstrip()
        path = f"/archive/{name}" + (f"?{params}" if params else "")
        baseline = "defaults"
        if name in BEFORE_SQL:
            sql = quote(" ".join(BEFORE_SQL[name].split()))  # one line, as the bench prints it
            baseline = f"{SQL_PATH}?sql={sql}" + (f"&{params}" if params else "")
        return Page(label, path, target_ms, baseline)

    return [
        query("articles_by_author", "author=yang"),
        query("most_cited_domains"),
        query("photo_agencies"),
        query("articles_per_month"),
        query("backlinks", "article_id={linked}"),
        query("most_linked_articles"),
        query("english_editions", target_ms=300),
        query("build_problems"),
        query("articles_mentioning_place", f"place={beijing}", 300),
        query("articles_mentioning_place", f"place={quote('红海')}"),
        query("places_mentioned_together", f"place={beijing}"),
        query("places_mentioned_together", "place="),
        query("recently_edited"),
        query("headline_changes", target_ms=300),
        query("edits_removed_word", f"word={quote('高调')}"),
        query("edits_per_month"),
    ]


def samples(db: Path) -> dict[str, str]:
    """The rows the row pages and facet links show: the newest article, edit and so on."""
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    one = {
        "article": "select id from articles order by published desc limit 1",
        "outlet": "select outlet_id from articles group by outlet_id order by count(*) desc limit 1",
        "paragraph": "select min(id) from paragraphs",
        "credit": "select credit from figures where credit is not null group by 1 order by count(*) desc limit 1",
        "domain": "select domain from links where domain is not null group by 1 order by count(*) desc limit 1",
        "author": "select id from authors order by article_count desc limit 1",
        "place": "select id from places order by article_count desc limit 1",
        "change": "select id from changes order by after_time desc limit 1",
        "version": "select after_version_id from changes order by after_time desc limit 1",
        "version_before": "select before_version_id from changes order by after_time desc limit 1",
        "linked": "select target_article_id from links where target_article_id is not null"
                  " group by 1 order by count(*) desc limit 1",
    }
    found = {name: conn.execute(sql).fetchone()[0] for name, sql in one.items()}
    conn.close()
    return {name: quote(str(value)) for name, value in found.items()}


@dataclass
class Timing:
    status: int
    ms: list[float]
    rows: int | None = None  # rows returned (JSON pages only)
    matches: int | None = None  # filtered_table_rows_count (JSON table pages only)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return sorted(self.ms)[math.ceil(0.95 * len(self.ms)) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("archive.db"), help="a built archive (default ./archive.db)")
    parser.add_argument("--reps", type=int, default=20, help="timed runs of each page (default 20)")
    # Baselines take up to seconds a run, with little spread: a few runs give the same median.
    parser.add_argument("--baseline-reps", type=int, default=3, help="timed runs of each baseline (default 3)")
    parser.add_argument("--only", default="", help="run only the pages whose label contains this text")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"SKIP: no database at {args.db}; build one with build_db.py or pass --db PATH")
        return 0
    selected = [page for page in pages() if args.only in page.label]
    if not selected:
        parser.error(f"--only {args.only!r} matches no page: " + ", ".join(page.label for page in pages()))

    with tempfile.TemporaryDirectory(prefix="page_bench.") as scratch:
        db = args.db.resolve()
        # The pages timed are /archive/… URLs.
        if db.stem != "archive":
            Path(scratch, "archive.db").symlink_to(db)
            db = Path(scratch, "archive.db")
        print_counts(db)
        asyncio.run(run(db, selected, args.reps, args.baseline_reps))
    return 0


def print_counts(db: Path) -> None:
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    articles, paragraphs = (conn.execute(f"select count(*) from {table}").fetchone()[0]
                            for table in ("articles", "paragraphs"))
    conn.close()
    print(f"{db.resolve()}: {articles:,} articles, {paragraphs:,} paragraphs, {db.stat().st_size / 1e6:,.0f} MB")


async def inspect_(db: Path) -> dict:
    """What `datasette inspect` writes for the database: table counts, hash and size."""
    return await datasette_inspect([str(db)], [])


async def run(db: Path, selected: list[Page], reps: int, baseline_reps: int) -> None:
    # No metadata passed: plugins/archive_metadata.py gives archive databases metadata.yml, as in serving.
    # Table counts come from `datasette inspect`, as the README serves the archive (--inspect-file).
    inspect_data = await inspect_(db)
    ours = Datasette(immutables=[str(db)], settings=SETTINGS, inspect_data=inspect_data)
    defaults = Datasette(immutables=[str(db)], settings=DEFAULT_SETTINGS)
    print(f"settings {SETTINGS}; baseline instance {DEFAULT_SETTINGS}, otherwise Datasette's defaults")
    print(f"{reps} timed runs per page, {baseline_reps} per baseline, after one untimed run; times in ms\n")
    found = samples(db) | {"articles_next": await next_page(ours, "/archive/articles.json")}
    width = max(len(page.label) for page in selected) + 2
    summary = []
    for page in selected:
        path = page.path.format(**found)
        timing = await measure(ours, path, reps)
        met = verdict(timing, page.target_ms)
        target = f"< {page.target_ms:.0f}" if page.target_ms else "-"
        print(f"{pad(page.label, width)} {describe(timing)}  target p95 {target:<5} {met:<6}  {unquote(path)}")
        base, ratio = None, "-"
        if page.baseline:
            instance, base_path = (defaults, path) if page.baseline == "defaults" else (ours, page.baseline)
            base = await measure(instance, base_path, baseline_reps)
            if base.status == 200 and timing.status == 200:
                ratio = f"{base.median / timing.median:.1f}x"
            where = "the same page on Datasette's defaults" if page.baseline == "defaults" else unquote(base_path)
            print(f"{pad('  baseline', width)} {describe(base)}  baseline/ours {ratio}  {where}")
        summary.append((page.label, timing, target, met, base, ratio))
    print("\n| page | median ms | p95 ms | target p95 ms | met | baseline median ms | baseline/ours |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, timing, target, met, base, ratio in summary:
        median, p95 = (f"{timing.median:.1f}", f"{timing.p95:.1f}") if timing.ms else ("-", "-")
        base_median = f"{base.median:,.1f}" if base and base.ms else "-"
        print(f"| {label} | {median} | {p95} | {target} | {met} | {base_median} | {ratio} |")


async def next_page(ds: Datasette, path: str) -> str:
    """The path of the HTML page a table's "next page" link opens."""
    next_url = (await ds.client.get(path)).json()["next_url"]
    parts = urlsplit(next_url)
    return parts.path.removesuffix(".json") + "?" + parts.query


async def measure(ds: Datasette, path: str, reps: int) -> Timing:
    response = await ds.client.get(path)  # untimed: warms SQLite's and Datasette's caches
    ms = []
    # Stops at a failure in a timed run too (a query near the time limit can fail only sometimes).
    while response.status_code == 200 and len(ms) < reps:
        started = time.perf_counter()
        response = await ds.client.get(path)
        ms.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        print(f"  HTTP {response.status_code} for {unquote(path)}: {response.text[:300]}")
        return Timing(response.status_code, [])
    if "json" not in response.headers.get("content-type", ""):
        return Timing(200, ms)
    data = response.json()
    return Timing(200, ms, len(data["rows"]), data.get("filtered_table_rows_count"))


def describe(timing: Timing) -> str:
    if timing.status != 200:
        return f"status {timing.status} FAILED"
    rows = "-" if timing.rows is None else timing.rows
    matches = "-" if timing.matches is None else f"{timing.matches:,}"
    return f"status 200  rows {rows:>4}  matches {matches:>7}  median {timing.median:7.1f}  p95 {timing.p95:7.1f}"


def pad(text: str, width: int) -> str:
    """Left-justify to a width in terminal columns: a Han character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - columns)


def verdict(timing: Timing, target_ms: float | None) -> str:
    if timing.status != 200:
        return "FAILED"
    if target_ms is None:
        return "info"
    return "MET" if timing.p95 < target_ms else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
