"""Search latency and index size of the archive at scale, measured through Datasette in one process.

    python bench/search_bench.py [--corpus PATH] [--db PATH] [--reuse-db] [--reps N] [--like-reps N]

Builds a database from the 20,000-article corpus (../shared/corpus/scale-20k.tar.xz, unpacked into a
temporary folder; --corpus takes that file or a folder of articles), then times Datasette pages with its
in-process client, each URL once untimed first so every number is a warm-cache number:

- /DB/paragraphs.json?_search=TERM and /DB/articles.json?_search=TERM for groups of terms;
- /DB/paragraphs.json?text__contains=TERM, the LIKE scan a user without full-text search would run
  (the same page: first 101 rows plus count(*)), and the ratio LIKE/FTS (articles get no LIKE
  baseline: their text is in paragraphs, so no filter on the articles page can scan it);
- /DB/search.json?q=中国, the search page (a page of 20 results with totals);
- the size of the FTS tables against the UTF-8 bytes of the text they index.

Pages are timed with Datasette's default settings and with suggest_facets off, since facet
suggestion runs extra queries on every table page. Targets are printed, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sqlite3
import statistics
import sys
import tarfile
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from datasette.app import Datasette

from news_archive.build import build

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "scale-20k.tar.xz"

# Fixed lists, commonest first; the last terms of each group are rare (tens to hundreds of paragraphs).
GROUPS = {
    "1 char": ["中", "美", "港", "熊", "鲸"],
    "2 chars": ["中国", "美国", "拜登", "口罩", "熊猫"],
    "3 chars": ["特朗普", "习近平", "联合国", "奥运会", "马斯克"],
    "4 chars": ["新冠病毒", "国家安全", "世卫组织", "一带一路", "人工智能"],
    "two terms": ["拜登 中国", "美国 疫苗", "香港 警察", "特朗普 推特", "中国 熊猫"],
}
SETTINGS = {"default settings": {}, "suggest_facets off": {"suggest_facets": False}}
FTS_TABLES = {
    "articles_fts": "select sum(length(cast(title as blob))) from articles"
    " union all select sum(length(cast(lead as blob))) from articles",
    "paragraphs_fts": "select sum(length(cast(text as blob))) from paragraphs",
    "figures_fts": "select sum(length(cast(caption as blob))) + sum(length(cast(credit as blob))) from figures",
}
TARGET_P95_MS = 50  # for 2-character terms
TARGET_SPEEDUP = 20
TARGET_INDEX_RATIO = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help=f"a .tar.xz or a folder of articles (default {DEFAULT_CORPUS})")
    parser.add_argument("--db", type=Path, help="where to build the database (default: a temporary file)")
    parser.add_argument("--reuse-db", action="store_true", help="use the database at --db as it is, without building")
    parser.add_argument("--reps", type=int, default=20, help="timed runs of each search URL (default 20)")
    # A LIKE page scans the whole table, ~0.3-1 s, with little spread: fewer runs give the same median.
    parser.add_argument("--like-reps", type=int, default=5, help="timed runs of each LIKE URL (default 5)")
    args = parser.parse_args()
    if args.reuse_db and not (args.db and args.db.is_file()):
        parser.error("--reuse-db needs --db naming an existing database")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="search_bench.") as scratch:
        db_path = args.db or Path(scratch, "archive.db")
        if not args.reuse_db:
            corpus = args.corpus or DEFAULT_CORPUS
            if not corpus.exists():
                print(f"skipped: corpus {corpus} not found (the default is in the shared folder beside the repository);"
                      " pass --corpus PATH, or --db PATH --reuse-db")
                return
            build_database(corpus, db_path, Path(scratch))
        asyncio.run(run(db_path, args.reps, args.like_reps))
    print(f"\nwall time {time.perf_counter() - started:.0f} s")


def build_database(corpus: Path, db_path: Path, scratch: Path) -> None:
    started = time.perf_counter()
    if corpus.is_file():
        print(f"unpacking {corpus} ...", flush=True)
        with tarfile.open(corpus) as archive:
            archive.extractall(scratch / "corpus", filter="data")
        corpus = scratch / "corpus"
    print(f"building {db_path} ...", flush=True)
    summary = build([corpus], db_path)
    print(f"{db_path}: {summary.line()}; {time.perf_counter() - started:.0f} s in all\n")


async def run(db_path: Path, reps: int, like_reps: int) -> None:
    print(f"database: {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")
    print(f"{reps} timed runs per search URL, {like_reps} per LIKE URL, after one untimed run; times in ms\n")
    summaries = {}
    for label, settings in SETTINGS.items():
        ds = Datasette([str(db_path)], settings=settings)
        name = ds.get_database().name
        summaries[label] = await time_groups(ds, name, label, reps, like_reps)
        search = await measure(ds, f"/{name}/search.json?" + urlencode({"q": "中国"}), reps)
        print(f"{label}: /{name}/search.json?q=中国 (20 results and totals): median {search.median:.1f}, p95 {search.p95:.1f}\n")
    print_summary(summaries)
    print_index_size(db_path)


@dataclass
class Timing:
    ms: list[float]
    hits: int | None = None  # rows the page counted; None when count(*) hit sql_time_limit_ms

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return percentile(self.ms, 95)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)  # nearest rank: with 20 runs, p95 is the second slowest
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


async def measure(ds: Datasette, url: str, reps: int) -> Timing:
    first = await ds.client.get(url)
    if first.status_code != 200:
        sys.exit(f"{url}: HTTP {first.status_code}: {first.text[:300]}")
    ms = []
    for _ in range(reps):
        started = time.perf_counter()
        await ds.client.get(url)
        ms.append((time.perf_counter() - started) * 1000)
    return Timing(ms, first.json().get("filtered_table_rows_count"))


async def time_groups(ds: Datasette, name: str, label: str, reps: int, like_reps: int) -> dict:
    print(f"== {label} ==")
    print(f"{'group':<10} {'term':<11} {'paragraphs hits':>15} {'FTS med':>8} {'p95':>7} {'LIKE med':>8} {'p95':>7}"
          f" {'LIKE/FTS':>8}  {'articles hits':>13} {'FTS med':>8} {'p95':>7}")
    summary = {}
    for group, terms in GROUPS.items():
        pooled = {"paragraphs": [], "like": [], "articles": []}
        for term in terms:
            para = await measure(ds, f"/{name}/paragraphs.json?" + urlencode({"_search": term}), reps)
            # A multi-word search is several text__contains filters, ANDed like the FTS terms.
            contains = [("text__contains", word) for word in term.split()]
            like = await measure(ds, f"/{name}/paragraphs.json?" + urlencode(contains), like_reps)
            art = await measure(ds, f"/{name}/articles.json?" + urlencode({"_search": term}), reps)
            for key, timing in (("paragraphs", para), ("like", like), ("articles", art)):
                pooled[key].append(timing)
            hits = f"{para.hits}/{like.hits if like.hits is not None else 'timeout'}"
            print(f"{group:<10} {pad(term, 11)} {hits:>15} {para.median:8.1f} {para.p95:7.1f}"
                  f" {like.median:8.1f} {like.p95:7.1f} {like.median / para.median:7.0f}x"
                  f"  {art.hits:>13} {art.median:8.1f} {art.p95:7.1f}")
        summary[group] = {key: Timing([ms for t in timings for ms in t.ms]) for key, timings in pooled.items()}
    print("hits: FTS/LIKE; FTS also finds Traditional spellings, LIKE only the exact characters\n")
    return summary


def pad(text: str, width: int) -> str:
    """Left-justify to a width in terminal columns: a Han character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - columns)


def print_summary(summaries: dict) -> None:
    print("== summary per group (all runs of the group's terms pooled) ==")
    print(f"{'settings':<19} {'group':<10} {'paragraphs FTS med':>18} {'p95':>7} {'LIKE med':>8} {'LIKE/FTS':>8}"
          f"  {'articles FTS med':>16} {'p95':>7}")
    for label, groups in summaries.items():
        for group, t in groups.items():
            print(f"{label:<19} {group:<10} {t['paragraphs'].median:18.1f} {t['paragraphs'].p95:7.1f}"
                  f" {t['like'].median:8.1f} {t['like'].median / t['paragraphs'].median:7.0f}x"
                  f"  {t['articles'].median:16.1f} {t['articles'].p95:7.1f}")
    print(f"targets: 2-character terms p95 < {TARGET_P95_MS} ms at 20k articles;"
          f" FTS at least {TARGET_SPEEDUP}x faster than LIKE (LIKE/FTS >= {TARGET_SPEEDUP}x)")
    for label, groups in summaries.items():
        two = groups["2 chars"]
        p95 = max(two["paragraphs"].p95, two["articles"].p95)
        worst_ratio = min(g["like"].median / g["paragraphs"].median for g in groups.values())
        print(f"  {label}: 2-char p95 {p95:.1f} ms ({'met' if p95 < TARGET_P95_MS else 'MISSED'}),"
              f" smallest LIKE/FTS {worst_ratio:.0f}x ({'met' if worst_ratio >= TARGET_SPEEDUP else 'MISSED'})")
    print()


def print_index_size(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    pages = conn.execute("select name, sum(pgsize) from dbstat group by name").fetchall()
    print("== index size (dbstat: the FTS tables and their shadow tables) ==")
    print(f"{'index':<15} {'index MB':>9} {'text MB':>9} {'index/text':>10}")
    total_index = total_text = 0
    for fts_table, text_sql in FTS_TABLES.items():
        index_bytes = sum(size for name, size in pages if name.startswith(fts_table))
        text_bytes = sum(row[0] or 0 for row in conn.execute(text_sql))
        total_index += index_bytes
        total_text += text_bytes
        print(f"{fts_table:<15} {index_bytes / 1e6:9.1f} {text_bytes / 1e6:9.1f} {index_bytes / text_bytes:9.2f}x")
    ratio = total_index / total_text
    print(f"{'all':<15} {total_index / 1e6:9.1f} {total_text / 1e6:9.1f} {ratio:9.2f}x"
          f"   target <= {TARGET_INDEX_RATIO:.0f}x ({'met' if ratio <= TARGET_INDEX_RATIO else 'MISSED'})")
    conn.close()


if __name__ == "__main__":
    main()
