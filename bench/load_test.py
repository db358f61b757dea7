"""A bounded load on a real server, one process against several workers, on 127.0.0.1 only.

    python bench/load_test.py [--db PATH] [--seconds 30] [--connections 50] [--workers N] [--rounds 3]
                              [--baseline-commit REV [--baseline-venv DIR]]

Builds a database from seeds/ into a temporary folder (or uses --db, which must be named archive.db
for the URLs below) and runs `datasette inspect` for its counts. Serves it as `make serve` does
(`datasette serve -i` with counts.json and the Makefile's settings) and, on another free port, with
the same arguments from --workers processes (`python -m news_archive.pages.serve`, as `make
serve-workers`). Warms both (every URL fetched twice), then keeps CONNECTIONS requests in flight on
one server at a time, each for SECONDS in all, in ROUNDS alternating turns (so what else runs on the
machine weighs on both alike), over the same mix of pages: the articles table, a facet, a paragraph
search, the search page, a CSV download, an article page and the map.

--baseline-commit REV also serves the database as REV's code does, one process (`datasette serve`
from a git worktree of REV installed in a venv of its own: DIR if given, kept for the next run, else
a temporary one), loaded in the same turns, so the workers can be set against the single process the
issue measured as well as against this code's.

Prints, for each server, throughput, p50/p99 latency and errors, the CPU seconds of its processes
(a request's share, and how many of the machine's cores they kept busy) and of this client, which
shares those cores; the workers' numbers next to the targets (0 errors, p99 < 1 s, throughput >= 2x
the single process of the same run, and of REV's); and per URL its time alone (no other request in flight: what it
costs) and its p50/p99 under load on each server. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tests' server helpers: one way to start a server
from servers import free_port, running, server_command  # noqa: E402

TARGET_P99_MS = 1000
TARGET_RATIO = 2.0


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


@dataclass
class Run:
    """One server and what its rounds of load measured."""
    label: str
    base: str
    pid: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    client_cpu: float = 0.0
    server_cpu: dict[int, float] = field(default_factory=dict)  # CPU seconds under load, by server process
    alone: dict[str, float] = field(default_factory=dict)  # each URL's median latency with no other request

    @property
    def all(self) -> list[float]:
        return [latency for latencies in self.latencies.values() for latency in latencies]

    @property
    def throughput(self) -> float:
        return len(self.all) / self.elapsed


def percentile_ms(values: list[float], fraction: float) -> float:
    """Nearest rank, in ms."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] * 1000


async def drive(run: Run, urls: list[str], seconds: float, connections: int) -> None:
    next_url = itertools.cycle(urls)
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=run.base, limits=limits, timeout=30) as client:

        async def worker():
            while time.monotonic() < deadline:
                url = next(next_url)
                started = time.monotonic()
                try:
                    response = await client.get(url)
                    if response.status_code != 200:
                        run.errors[f"{response.status_code} {url}"] += 1
                except httpx.HTTPError as error:
                    run.errors[f"{type(error).__name__} {url}"] += 1
                run.latencies[url].append(time.monotonic() - started)

        started, cpu = time.monotonic(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(connections)))
        run.elapsed += time.monotonic() - started
        run.client_cpu += time.process_time() - cpu


def cpu_seconds(root: int) -> dict[int, float]:
    """User + system CPU seconds of ROOT and each process below it (Linux /proc; empty elsewhere)."""
    stats = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        stats[int(entry.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    tree, grown = {root}, True
    while grown:
        below = {pid for pid, (parent, _) in stats.items() if parent in tree} - tree
        tree |= below
        grown = bool(below)
    return {pid: stats[pid][1] for pid in sorted(tree) if pid in stats}


def baseline_python(commit: str, venv: Path, scratch: Path) -> Path:
    """The Python of a venv with COMMIT's code installed (its dependencies from the package index)."""
    python = venv / "bin" / "python"
    marker = venv / f"installed-{commit}"
    if not marker.exists():
        code = scratch / f"code-{commit}"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(code), commit], check=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            # Not editable: the worktree goes when the bench ends, the venv may stay.
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(code)], check=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(code)], check=True)
        marker.touch()
    return python


def start(stack: contextlib.ExitStack, label: str, db: Path, arguments: list[str], workers: int | None,
          urls: list[str], python: Path | None = None) -> Run:
    """Start a server (PYTHON's datasette serve if given) until STACK closes; warm it (every URL
    fetched twice), then time each URL alone, three times."""
    port = free_port()
    command = server_command(db, port, *arguments, workers=workers)
    if python is not None:  # -P: its own package, not this checkout's (python -m puts the cwd first)
        command[0:1] = [str(python), "-P"]
    process = stack.enter_context(running(command, port, workers or 1))
    run = Run(label, f"http://127.0.0.1:{port}", process.pid)
    with httpx.Client(base_url=run.base, timeout=60) as client:
        for url in urls * 2:
            client.get(url)
        for url in urls:
            times = []
            for _ in range(3):
                started = time.monotonic()
                client.get(url)
                times.append(time.monotonic() - started)
            run.alone[url] = statistics.median(times)
    return run


def measure(runs: list[Run], urls: list[str], seconds: float, connections: int, rounds: int) -> None:
    """Load each server in turn for SECONDS / ROUNDS, ROUNDS times: a change in what else the machine
    runs then weighs on each alike."""
    for _ in range(rounds):
        for run in runs:
            before = cpu_seconds(run.pid)
            asyncio.run(drive(run, urls, seconds / rounds, connections))
            for pid, cpu in cpu_seconds(run.pid).items():
                run.server_cpu[pid] = run.server_cpu.get(pid, 0.0) + cpu - before.get(pid, 0.0)


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(single: Run, multi: Run, urls: list[str], baseline: Run | None = None) -> None:
    for run in (single, multi, *([baseline] if baseline else [])):
        latencies, server = run.all, sum(run.server_cpu.values())
        processes = " + ".join(f"{cpu:.1f}" for cpu in sorted(run.server_cpu.values(), reverse=True))
        print(f"{run.label}: {len(latencies)} requests in {run.elapsed:.1f} s: {run.throughput:.1f} req/s, "
              f"p50 {percentile_ms(latencies, 0.5):.0f} ms, p99 {percentile_ms(latencies, 0.99):.0f} ms, "
              f"errors {sum(run.errors.values())}")
        print(f"  server CPU {server:.1f} s (by process: {processes}), "
              f"{server / len(latencies) * 1000:.0f} ms a request, {server / run.elapsed:.2f} of {os.cpu_count()} cores; "
              f"client CPU {run.client_cpu:.1f} s ({run.client_cpu / run.elapsed:.0%} of a core)")
        for what, count in run.errors.most_common():
            print(f"  {count} × {what}")
    ratio = multi.throughput / single.throughput
    p99 = percentile_ms(multi.all, 0.99)
    errors = sum(multi.errors.values())
    print(f"\n{multi.label} against the single process, same run:")
    print(f"  errors      {errors:>8}          target 0          {met(errors == 0)}")
    print(f"  p99         {p99:>8.0f} ms       target < {TARGET_P99_MS} ms   {met(p99 < TARGET_P99_MS)}")
    print(f"  throughput  {ratio:>8.2f}x          target >= {TARGET_RATIO:.0f}x      {met(ratio >= TARGET_RATIO)}"
          f"   ({multi.throughput:.1f} against {single.throughput:.1f} req/s)")
    if baseline:
        ratio = multi.throughput / baseline.throughput
        print(f"  against {baseline.label}: {ratio:.2f}x   target >= {TARGET_RATIO:.0f}x   {met(ratio >= TARGET_RATIO)}"
              f"   ({multi.throughput:.1f} against {baseline.throughput:.1f} req/s)")
    width = max(map(len, urls))
    loaded = [single, multi, *([baseline] if baseline else [])]
    heads = ["single p50 / p99", "workers p50 / p99", *(["baseline p50 / p99"] if baseline else [])]
    print(f"\nper URL, ms{'':{width - 10}}  {'alone':>6}" + "".join(f"  {head:>18}" for head in heads))
    for url in urls:
        cells = [f"{percentile_ms(run.latencies[url], 0.5):.0f} / {percentile_ms(run.latencies[url], 0.99):.0f}"
                 if run.latencies[url] else "-" for run in loaded]
        print(f"{url:{width}}  {single.alone[url] * 1000:>6.0f}" + "".join(f"  {cell:>18}" for cell in cells))
    print("(alone: the single process's median of three with no other request in flight)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an archive database named archive.db (default: build one from seeds/)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes of the second server (default: one per CPU core)")
    parser.add_argument("--rounds", type=int, default=3, help="turns each server takes, SECONDS / ROUNDS each")
    parser.add_argument("--baseline-commit", metavar="REV", help="also serve the database by REV's code, one process")
    parser.add_argument("--baseline-venv", type=Path, metavar="DIR", help="where REV is installed (kept; default: temporary)")
    args = parser.parse_args()
    if args.db is not None and (args.db.name != "archive.db" or not args.db.is_file()):
        parser.error(f"--db {args.db}: not a file named archive.db (symlink yours as archive.db: the URLs say /archive)")
    if args.seconds <= 0 or min(args.connections, args.workers, args.rounds) < 1:
        parser.error("--seconds must be above 0, --connections, --workers and --rounds at least 1")
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            from news_archive.build import build  # only here: serving a given --db needs no builder

            db = Path(folder) / "archive.db"
            build([ROOT / "seeds"], db)
        try:
            urls = pages(db)
        except sqlite3.DatabaseError as error:
            parser.error(f"--db {db}: not an archive database ({error})")
        counts = Path(folder) / "counts.json"
        subprocess.run([sys.executable, "-m", "datasette", "inspect", str(db), "--inspect-file", str(counts)],
                       check=True)
        settings = re.findall(r"--setting \S+ \S+", (ROOT / "Makefile").read_text())
        arguments = ["--inspect-file", str(counts), *" ".join(settings).split()]
        print(f"{args.connections} connections for {args.seconds:g} s on each server, in {args.rounds} turns each; "
              f"{len(urls)} URLs in turn")
        baseline = None
        with contextlib.ExitStack() as stack:
            single = start(stack, "single process (datasette serve)", db, arguments, None, urls)
            multi = start(stack, f"{args.workers} workers (news_archive.pages.serve)", db, arguments, args.workers, urls)
            if args.baseline_commit:
                python = baseline_python(args.baseline_commit, args.baseline_venv or Path(folder) / "venv", Path(folder))
                baseline = start(stack, f"single process of {args.baseline_commit}", db, arguments, None, urls, python)
            measure([single, multi, *([baseline] if baseline else [])], urls, args.seconds, args.connections, args.rounds)
    report(single, multi, urls, baseline)


if __name__ == "__main__":
    main()
