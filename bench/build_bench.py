"""Build throughput, peak memory and database size at scale, against a naive baseline builder.

    python bench/build_bench.py [--corpus PATH] [--count N] [--jobs J] [--baseline-count N]

--corpus is a folder of article files or a .tar.xz of one (default ../shared/corpus/scale-20k.tar.xz,
unpacked into a temporary folder); make bigger corpora with bench/make_corpus.py. --count N uses the
first N files of the corpus (a tree of symlinks, so stored file names stay the same).

Every build runs in its own subprocess (so its memory is its own) and prints its phase times:
- ours: news_archive.build.build on the corpus (lxml, batched inserts, J parser processes);
- baseline, on an evenly spaced subset (--baseline-count files, default 2,000): the same build with
  bs4's "html.parser" instead of lxml and one sqlite-utils insert() per row; ours runs on the same
  subset too, so the ratio compares per-article time on the same files with the same --jobs;
- peak memory: resident set of the build's process tree, sampled every 0.2 s from /proc (the
  parser workers plus the parent that holds every parsed article), and ru_maxrss per process;
- database bytes against the UTF-8 bytes of the paragraph text, with the largest tables (dbstat).

Targets are printed next to the numbers, not asserted. A build whose process tree passes
--rss-limit (default 8 GB) is killed and reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "scale-20k.tar.xz"
SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}
GB = 1024 ** 3


# ---------------------------------------------------------------- child: one instrumented build
def child(corpus: str, db: str, jobs: int, baseline: bool) -> None:
    """Run one build with timers wrapped round its phases; print a JSON line for the parent."""
    sys.path.insert(0, str(ROOT))
    from news_archive import build as build_mod, fts, html_body, store

    phases: dict[str, float] = {}
    marks: dict[str, int] = {}

    def timed(owner, name, key):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[key] = phases.get(key, 0.0) + time.perf_counter() - started
                # peak RSS of this (parent) process so far, as each phase ends: where memory grows
                marks[key] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        setattr(owner, name, wrapper)

    if baseline:
        # The naive builder: Python's html.parser (bs4's fallback) and one INSERT statement per row.
        real_soup = html_body.BeautifulSoup
        html_body.BeautifulSoup = lambda markup, features=None, *a, **k: real_soup(markup, "html.parser", *a, **k)

        def flush_row_by_row(self, table=None):
            for name in [table] if table else list(self.rows):
                rows, self.rows[name] = self.rows[name], []
                for row in rows:
                    self.db[name].insert(row)
        store.RowBuffer.flush = flush_row_by_row

    timed(build_mod, "discover", "discover")
    timed(build_mod, "parse_all", "parse")
    timed(build_mod, "_write", "write_total")
    timed(store.RowBuffer, "flush", "row_inserts")
    timed(store, "create_indexes", "create_indexes")
    timed(fts, "build_search_index", "fts_index")
    started = time.perf_counter()
    summary = build_mod.build([Path(corpus)], Path(db), jobs=jobs)
    seconds = time.perf_counter() - started
    # What _write spent outside inserts and indexes: grouping versions, building row dicts, ids, links.
    phases["row_prep_etc"] = phases["write_total"] - phases["row_inserts"] - phases["create_indexes"] - phases["fts_index"]
    print(json.dumps({
        "seconds": seconds, "articles": summary.articles, "files": summary.versions,
        "paragraphs": summary.paragraphs, "errors": summary.errors, "warnings": summary.warnings,
        "phases": phases, "maxrss_after": marks,
        "maxrss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "maxrss_workers": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }))


# ---------------------------------------------------------------- parent: run, watch, report
def tree_rss(root: int) -> int:
    """Resident bytes of root and all its descendants (no psutil in the venv: read /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError):
            pass
    return total


def run_build(corpus: Path, db: Path, jobs: int, baseline: bool, rss_limit: int) -> dict:
    command = [sys.executable, __file__, "--child", str(corpus), str(db), str(jobs)] + (["--baseline"] if baseline else [])
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    peak = {"tree": 0, "killed": False}

    def watch():
        while process.poll() is None:
            rss = tree_rss(process.pid)
            peak["tree"] = max(peak["tree"], rss)
            if rss > rss_limit:
                peak["killed"] = True
                os.killpg(process.pid, signal.SIGKILL)  # the build's own session: its workers too
                return
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, _ = process.communicate()
    watcher.join()
    wall = time.perf_counter() - started
    if peak["killed"]:
        return {"killed": True, "peak_tree": peak["tree"], "wall": wall}
    if process.returncode:
        raise SystemExit(f"build failed (exit {process.returncode}): {' '.join(command)}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall=wall, peak_tree=peak["tree"], killed=False)
    return result


def link_subset(files: list[Path], root: Path, target: Path) -> Path:
    """A tree of symlinks to the given files, with their paths relative to root kept."""
    for path in files:
        link = target / path.relative_to(root)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(path.resolve())
    return target


def mb(n: int | None) -> str:
    return f"{n / 2**20:,.0f} MB" if n is not None else "?"


def show_build(label: str, r: dict) -> None:
    rate = r["articles"] / r["seconds"]
    print(f"{label}: {r['articles']:,} articles ({r['files']:,} files, {r['paragraphs']:,} paragraphs, "
          f"{r['errors']} errors, {r['warnings']} warnings)")
    print(f"  build() {r['seconds']:.1f} s = {rate:,.0f} articles/s, {1000 / rate:.2f} ms/article "
          f"(process wall incl. Python start-up {r['wall']:.1f} s)")
    phases = r["phases"]
    order = ["discover", "parse", "row_prep_etc", "row_inserts", "create_indexes", "fts_index"]
    print("  phases: " + ", ".join(f"{k} {phases.get(k, 0):.1f} s ({100 * phases.get(k, 0) / r['seconds']:.0f}%)"
                                   for k in order))
    print(f"  memory: process tree peak {mb(r['peak_tree'])} (sampled); ru_maxrss parent {mb(r['maxrss_self'])}"
          f", largest worker {mb(r['maxrss_workers'])}")
    after = r["maxrss_after"]
    print("  parent peak RSS as each phase ends: " + ", ".join(
        f"{k} {mb(after[k])}" for k in ["parse", "row_inserts", "create_indexes", "fts_index", "write_total"] if k in after))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), "--baseline" in sys.argv[5:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, help="use the first N files only")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline-count", type=int, default=2000, help="0: skip the baseline")
    parser.add_argument("--rss-limit-gb", type=float, default=8.0)
    parser.add_argument("--keep", type=Path, help="copy the full database here")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"SKIP: corpus {args.corpus} not found (unpack ../shared/corpus/scale-20k.tar.xz or run "
              f"bench/make_corpus.py, then pass --corpus)")
        return
    rss_limit = int(args.rss_limit_gb * GB)
    with tempfile.TemporaryDirectory(prefix="build-bench-") as scratch_name:
        scratch = Path(scratch_name)
        corpus = args.corpus
        if corpus.is_file():  # a tarball
            print(f"unpacking {corpus} ...", flush=True)
            with tarfile.open(corpus) as archive:
                archive.extractall(scratch / "corpus", filter="data")
            corpus = scratch / "corpus"
        files = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
                       and p.is_file())
        if args.count and args.count < len(files):
            files = files[: args.count]
            corpus, source_root = link_subset(files, corpus, scratch / "first"), corpus
        else:
            source_root = corpus
        if not files:
            print(f"SKIP: no article files in {args.corpus}")
            return
        text_bytes = sum(p.stat().st_size for p in files)
        print(f"corpus: {args.corpus} ({len(files):,} files, {text_bytes / 2**20:,.0f} MB), jobs {args.jobs}, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}", flush=True)

        db = scratch / "ours.db"
        ours = run_build(corpus, db, args.jobs, False, rss_limit)
        if ours["killed"]:
            print(f"ours: KILLED after {ours['wall']:.0f} s: process tree passed {mb(ours['peak_tree'])} "
                  f"(limit {args.rss_limit_gb:g} GB)")
            return
        show_build("ours (lxml, batched inserts)", ours)
        rate = ours["articles"] / ours["seconds"]
        print(f"  TARGET throughput >= 500 articles/s: {rate:,.0f}")
        print(f"  TARGET peak memory < 1 GB at 100k articles: {mb(ours['peak_tree'])} process tree at "
              f"{ours['articles']:,} articles")

        with sqlite3.connect(db) as conn:
            db_bytes = db.stat().st_size
            para_bytes = conn.execute("select sum(length(cast(text as blob))) from paragraphs").fetchone()[0] or 0
            try:
                tables = conn.execute("select name, sum(pgsize) from dbstat group by name order by 2 desc limit 12").fetchall()
            except sqlite3.Error:
                tables = []
        print(f"database: {db_bytes / 2**20:,.1f} MB; paragraph text {para_bytes / 2**20:,.1f} MB UTF-8; "
              f"ratio {db_bytes / max(para_bytes, 1):.2f}x  (TARGET <= 4x)")
        if tables:
            print("  largest: " + ", ".join(f"{name} {size / 2**20:,.1f} MB" for name, size in tables))
        if args.keep:
            args.keep.write_bytes(db.read_bytes())
        db.unlink()

        if args.baseline_count:
            step = max(1, len(files) // args.baseline_count)
            subset = link_subset(files[::step][: args.baseline_count], source_root, scratch / "subset")
            print(f"\nsubset: every file in {step}, {min(args.baseline_count, len(files)):,} files; "
                  f"both builds with jobs {args.jobs}", flush=True)
            small = run_build(subset, scratch / "ours-subset.db", args.jobs, False, rss_limit)
            show_build("ours on the subset", small)
            base = run_build(subset, scratch / "baseline.db", args.jobs, True, rss_limit)
            show_build("baseline on the subset (html.parser, one insert() per row)", base)
            per_ours = small["seconds"] / small["articles"]
            per_full = ours["seconds"] / ours["articles"]
            per_base = base["seconds"] / base["articles"]
            print(f"  TARGET >= 5x baseline: ours/baseline speed {per_base / per_ours:.2f}x on the same subset; "
                  f"{per_base / per_full:.2f}x counting ours on the full corpus")
            for phase in ("parse", "row_inserts"):
                a, b = small["phases"][phase], base["phases"][phase]
                print(f"  {phase}: ours {a:.2f} s, baseline {b:.2f} s ({b / max(a, 1e-9):.1f}x)")


if __name__ == "__main__":
    main()
