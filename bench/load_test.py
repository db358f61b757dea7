"""A bounded load on a real `datasette serve -i`, on 127.0.0.1 only.

    python bench/load_test.py [--db PATH] [--seconds 30] [--connections 50]

Builds a database from seeds/ into a temporary folder (or uses --db), starts Datasette with the
Makefile's serve settings on a free port, and keeps CONNECTIONS requests in flight for SECONDS over
a mix of pages: the articles table, a facet, a paragraph search, the search page, a CSV
download, an article page and the map. Prints throughput, p50/p99 latency and the error count (the
target is 0 errors); asserts nothing. Then stops the server.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tests' server helper: one way to start Datasette
from servers import datasette_serve  # noqa: E402

from news_archive.build import build  # noqa: E402


def pages(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        (article,) = connection.execute("select id from articles order by paragraph_count desc limit 1").fetchone()
    return [
        "/archive/articles",
        "/archive/articles?_facet=section&outlet_id=nyt",
        "/archive/paragraphs?_search=王毅",
        "/archive/search?q=王毅",
        "/archive/articles.csv?year=2024&_size=max",
        f"/archive/articles/{article}",
        "/archive/article_place_map",
    ]


async def drive(base: str, urls: list[str], seconds: float, connections: int):
    latencies: list[float] = []
    errors: Counter = Counter()
    next_url = itertools.cycle(urls)
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker():
            while time.monotonic() < deadline:
                url = next(next_url)
                started = time.monotonic()
                try:
                    response = await client.get(url)
                    if response.status_code != 200:
                        errors[f"{response.status_code} {url}"] += 1
                except httpx.HTTPError as error:
                    errors[f"{type(error).__name__} {url}"] += 1
                latencies.append(time.monotonic() - started)

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.monotonic() - started
    return latencies, errors, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an archive database to serve (default: build one from seeds/)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "archive.db"
            build([ROOT / "seeds"], db)
        settings = re.findall(r"--setting \S+ \S+", (ROOT / "Makefile").read_text())
        with datasette_serve(db, *" ".join(settings).split()) as base:
            latencies, errors, elapsed = asyncio.run(drive(base, pages(db), args.seconds, args.connections))
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{len(latencies)} requests in {elapsed:.1f} s with {args.connections} connections: "
          f"{len(latencies) / elapsed:.1f} req/s, p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms, "
          f"errors {sum(errors.values())}")
    for what, count in errors.most_common():
        print(f"  {count} × {what}")


if __name__ == "__main__":
    main()
