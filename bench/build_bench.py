"""Build throughput, incremental rebuilds, peak memory and database size, against a naive baseline.

    python bench/build_bench.py [--corpus PATH] [--count N] [--jobs J[,J...]] [--baseline-count N]
                                [--baseline-commit REV [--repeat N] [--only-commit]]

--corpus is a folder of article files or a .tar.xz of one (default ../shared/corpus/scale-20k.tar.xz,
unpacked into a temporary folder); make a 100k-article corpus with bench/make_corpus.py. --count N
uses the first N files (a tree of symlinks, so stored file names stay the same).

Every build runs in its own subprocess, so its memory is its own:
- full build: news_archive.build.build on the corpus (lxml, J parser processes streaming into one
  writer, batched inserts); wall time, articles/s, CPU of the writing process and of the others
  (parsers and search index process, and the index process's own share);
- peak memory: resident set of the build's whole process tree, sampled every 0.1 s from /proc;
- database bytes against the UTF-8 bytes of the paragraph text, with the largest tables (dbstat);
- incremental: the same build again with nothing changed, then with 100 new files added (copies of
  corpus files under new URLs, in a second input folder that the full build already had, empty);
- baseline, on an evenly spaced subset (--baseline-count files, default 2,000): the naive builder:
  one process, bs4's "html.parser" and one INSERT statement per row (tables and search index), in
  one transaction; ours runs on the same subset, with J processes and with one, so the ratios show
  what the parser choice, batching and parallel parsing each buy.

--baseline-commit REV first builds the corpus by REV's code (a git worktree of it, on PYTHONPATH)
and by this checkout's, alternating (--repeat N times each, for each --jobs value), and prints the
throughput ratio from that one run, the CPU per article of the writer, of the search index process
(one process too, where the commit has it) and of the parsers, and where more cores stop paying (at
the slower of the two single processes); --only-commit stops there.

Targets are printed next to the numbers, not asserted. A build whose process tree passes
--rss-limit-gb (default 8) is killed and reported.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

from make_corpus import rewrite_urls  # bench/ is this script's folder, so on sys.path

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "scale-20k.tar.xz"
SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}
GB = 1024 ** 3
ADDED_FILES = 100


# ---------------------------------------------------------------- child: one build
def _layout():
    """The modules to time and patch, in this checkout's layout or in an older commit's (before the
    build/ and db/ packages), so --baseline-commit times that commit's own code."""
    try:
        from news_archive.build import run as build_mod
        from news_archive.db import buffer, fts, save, schema

        def insert_one(self, table, row):  # rows are tuples; each insert() is committed as it returns
            self.db[table].insert(dict(zip(buffer.INSERTED[table], row)))
            self.db.conn.commit()  # sqlite-utils 4 no longer commits it inside the build's transaction
        return build_mod, schema, buffer.RowBuffer, fts, save.Saver, insert_one
    except ImportError:
        from news_archive import build as build_mod, fts, store, writer

        def insert_one(self, table, row):  # rows are dicts; sqlite-utils commits each insert()
            self.db[table].insert(row)
        return build_mod, store, store.RowBuffer, fts, writer.ArchiveWriter, insert_one


def child(inputs: list[str], db: str, jobs: int, kind: str) -> None:
    """Run one build (kind: ours, baseline or baseline-pragmas); print a JSON line for the parent."""
    build_mod, schema, row_buffer, fts, saver, insert_one = _layout()
    if kind == "baseline":  # SQLite's defaults: a rollback journal, and each commit synced to disk
        schema.BUILD_PRAGMAS = ()
    if kind.startswith("baseline"):
        # The naive builder: Python's html.parser (bs4's fallback) and one insert() per row, which
        # sqlite-utils commits as it returns.
        from news_archive.build import pool
        from news_archive.parse import html_body  # (imported here: an older commit's tree has no parse/)

        pool.SERIAL_BELOW = float("inf")  # one process: the writer parses too

        real_soup = html_body.BeautifulSoup
        html_body.BeautifulSoup = lambda markup, features=None, *a, **k: real_soup(markup, "html.parser", *a, **k)

        def rows_one_by_one(self, table=None):
            for name in [table] if table else list(self.rows):
                rows, self.rows[name] = self.rows[name], []
                for row in rows:
                    insert_one(self, name, row)
        row_buffer.flush = rows_one_by_one

        # ... and its search index by one INSERT per row too, in the writing process (no index process).
        real_init = fts.SearchIndexBuffer.__init__

        def index_one_by_one(self, db, *args, **kwargs):
            real_init(self, db, lambda sql, rows: [db.execute(sql, row) for row in rows])
        fts.SearchIndexBuffer.__init__ = index_one_by_one
        build_mod.index_process = lambda path: contextlib.nullcontext()

    finish = {"seconds": 0.0}
    original_finish = saver.finish

    def timed_finish(self, **kwargs):
        started = time.perf_counter()
        try:
            return original_finish(self, **kwargs)
        finally:
            finish["seconds"] += time.perf_counter() - started
    saver.finish = timed_finish

    index_cpu = _time_index_process(Path(db).with_name(Path(db).name + ".index-cpu"))
    started = time.perf_counter()
    summary = build_mod.build([Path(p) for p in inputs], Path(db), jobs=jobs)
    seconds = time.perf_counter() - started
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "seconds": seconds, "articles": summary.articles, "files": summary.versions,
        "paragraphs": summary.paragraphs, "errors": summary.errors, "warnings": summary.warnings,
        "mode": summary.mode, "parsed": summary.parsed, "line": summary.line(),
        "finish": finish["seconds"],
        "cpu_writer": me.ru_utime + me.ru_stime, "cpu_parsers": workers.ru_utime + workers.ru_stime,
        "cpu_index": float(index_cpu.read_text()) if index_cpu and index_cpu.exists() else None,
        # ru_maxrss is in KiB; for RUSAGE_CHILDREN it is the largest child's.
        "rss_writer": me.ru_maxrss * 1024, "rss_worker": workers.ru_maxrss * 1024,
    }))


def _time_index_process(record: Path) -> Path | None:
    """Have a full build's search index process (news_archive.build.indexer, where the tree has it)
    write its CPU seconds to ``record`` when it ends: it is a single process, like the writer."""
    try:
        from news_archive.build import indexer
    except ImportError:
        return None
    serve = indexer._serve

    def timed(*args):
        try:
            serve(*args)
        finally:
            record.write_text(str(time.process_time()))
    indexer._serve = timed
    record.unlink(missing_ok=True)
    return record


# ---------------------------------------------------------------- parent: run, watch, report
def tree_rss(root: int) -> int:
    """Resident bytes of root and all its descendants (read from /proc)."""
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


def run_build(inputs: list[Path], db: Path, jobs: int, kind: str, rss_limit: int, code: Path | None = None) -> dict:
    """One build in a subprocess, by this checkout's code (whatever the environment has installed) or
    by the checkout at ``code``."""
    command = [sys.executable, __file__, "--child", str(db), str(jobs), kind, *map(str, inputs)]
    env = {**os.environ, "PYTHONPATH": str(code or ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True, env=env)
    peak = {"tree": 0, "killed": False}

    def watch():
        while process.poll() is None:
            rss = tree_rss(process.pid)
            peak["tree"] = max(peak["tree"], rss)
            if rss > rss_limit:
                peak["killed"] = True
                os.killpg(process.pid, signal.SIGKILL)  # the build's own session: its workers too
                return
            time.sleep(0.1)

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


def add_files(files: list[Path], folder: Path, count: int) -> None:
    """count new articles: corpus files with their URLs changed (copy=bench-N), in folder."""
    for n, path in enumerate(random.Random(6).sample(files, count)):
        text = rewrite_urls(path.read_text(encoding="utf-8", errors="replace"), f"bench-{n}")
        (folder / f"added-{n:03d}{path.suffix}").write_text(text, encoding="utf-8")


def mb(n: int | None) -> str:
    return f"{n / 2**20:,.0f} MB" if n is not None else "?"


def show_build(label: str, r: dict) -> None:
    rate = r["articles"] / r["seconds"]
    print(f"{label}: {r['line']}")
    print(f"  build() {r['seconds']:.1f} s = {rate:,.0f} articles/s, {1000 / rate:.2f} ms/article "
          f"(process wall incl. Python start-up {r['wall']:.1f} s); end of build (indexes, counts, links, "
          f"index merge) {r['finish']:.1f} s")
    print(f"  CPU: writer {r['cpu_writer']:.1f} s = {1000 * r['cpu_writer'] / r['articles']:.2f} ms/article, "
          f"parsers and search index process {r['cpu_parsers']:.1f} s = {1000 * r['cpu_parsers'] / r['articles']:.2f} "
          f"ms/article{_index_share(r)}; peak memory: process tree {mb(r['peak_tree'])}, main process "
          f"{mb(r.get('rss_writer'))}, largest child process {mb(r.get('rss_worker'))}")


def _index_share(r: dict) -> str:
    if not r.get("cpu_index"):
        return ""
    return f" (of which the search index process {1000 * r['cpu_index'] / r['articles']:.2f})"


def worktree(commit: str, scratch: Path) -> Path:
    """A checkout of ``commit`` (a detached git worktree, removed when the bench ends)."""
    path = scratch / f"code-{commit}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(path), commit], check=True)
    return path


def against_commit(commit: str, code: Path, inputs: list[Path], scratch: Path, jobs_list: list[int],
                   rss_limit: int, repeat: int) -> None:
    """Full builds by ``commit``'s code and by this checkout's, alternating, on the same files and
    machine: throughput ratios from one run, the writer's and the parsers' CPU per article, and where
    more cores stop paying (the writer is one process: it caps the build at 1 / its ms per article)."""
    for jobs in jobs_list:
        runs = {"theirs": [], "ours": []}
        for _ in range(repeat):
            for label, db, checkout in (("theirs", scratch / "theirs.db", code), ("ours", scratch / "ours.db", None)):
                db.unlink(missing_ok=True)  # a full build each time
                runs[label].append(run_build(inputs, db, jobs, "ours", rss_limit, checkout))
        for label, results in runs.items():
            for r in results:
                show_build(f"-j {jobs}, {commit if label == 'theirs' else 'this checkout'}", r)
        best = {label: min(r["seconds"] / r["articles"] for r in results) for label, results in runs.items()}
        ratio = best["theirs"] / best["ours"]
        print(f"  -j {jobs}: {1 / best['ours']:,.0f} articles/s against {1 / best['theirs']:,.0f}: {ratio:.2f}x "
              f"(best of {repeat} each){'  TARGET >= 1.7x MET' if ratio >= 1.7 else '  TARGET >= 1.7x MISSED'}")
        ours = min(runs["ours"], key=lambda r: r["seconds"] / r["articles"])
        writer, others = (1000 * ours[key] / ours["articles"] for key in ("cpu_writer", "cpu_parsers"))
        index = 1000 * (ours.get("cpu_index") or 0) / ours["articles"]
        serial = max(writer, index)  # each is one process, however many parsers there are
        print(f"  writer {writer:.2f} ms/article (TARGET <= 0.6: {'MET' if writer <= 0.6 else 'MISSED'}), "
              f"search index process {index:.2f}, parsers {others - index:.2f} ms/article: the "
              f"{'writer' if writer >= index else 'index process'} caps the build near {1000 / serial:,.0f} "
              f"articles/s, which about {(writer + others) / serial:.1f} cores in all reach; beyond that more "
              f"cores do not pay")
    for label, db in (("their", scratch / "theirs.db"), ("our", scratch / "ours.db")):
        with sqlite3.connect(db) as conn:
            text = conn.execute("select sum(length(cast(text as blob))) from paragraphs").fetchone()[0] or 0
        print(f"  {label} database: {db.stat().st_size / 2**20:,.1f} MB, {db.stat().st_size / max(text, 1):.2f}x its "
              f"paragraph text (TARGET <= 5x)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        db, jobs, kind, *inputs = sys.argv[2:]
        child(inputs, db, int(jobs), kind)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, help="use the first N files only")
    parser.add_argument("--jobs", default=str(os.cpu_count() or 1),
                        help="parser processes; a list (1,2) builds the corpus once for each")
    parser.add_argument("--baseline-commit", help="also time this commit's build on the same corpus, alternating")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each side against --baseline-commit")
    parser.add_argument("--only-commit", action="store_true",
                        help="with --baseline-commit: only that comparison (no rebuilds, no naive baseline)")
    parser.add_argument("--baseline-count", type=int, default=2000, help="0: skip the baseline")
    parser.add_argument("--rss-limit-gb", type=float, default=8.0)
    parser.add_argument("--keep", type=Path, help="copy the full database here")
    args = parser.parse_args()
    jobs_list = [int(j) for j in args.jobs.split(",")]
    args.jobs = jobs_list[-1]
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
        print(f"corpus: {args.corpus} ({len(files):,} files, {sum(p.stat().st_size for p in files) / 2**20:,.0f} MB), "
              f"jobs {args.jobs}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}", flush=True)

        db, added = scratch / "archive.db", scratch / "added"
        added.mkdir()
        inputs = [corpus, added]
        if args.baseline_commit:
            code = worktree(args.baseline_commit, scratch)
            try:
                against_commit(args.baseline_commit, code, inputs, scratch, jobs_list, rss_limit, args.repeat)
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(code)], check=False)
            if args.only_commit:
                return
        ours = run_build(inputs, db, args.jobs, "ours", rss_limit)
        if ours["killed"]:
            print(f"full build: KILLED after {ours['wall']:.0f} s: process tree passed {mb(ours['peak_tree'])}")
            return
        show_build("full build", ours)
        rate = ours["articles"] / ours["seconds"]
        print(f"  TARGET >= 500 articles/s: {rate:,.0f} {'MET' if rate >= 500 else 'MISSED'}")
        print(f"  TARGET peak memory < 1 GB (at 100k articles): {mb(ours['peak_tree'])} at {ours['articles']:,} "
              f"articles {'MET' if ours['peak_tree'] < GB else 'MISSED'}")

        with sqlite3.connect(db) as conn:
            db_bytes = db.stat().st_size
            text_bytes = conn.execute("select sum(length(cast(text as blob))) from paragraphs").fetchone()[0] or 0
            tables = conn.execute("select name, sum(pgsize) from dbstat group by name order by 2 desc limit 10").fetchall()
        ratio = db_bytes / max(text_bytes, 1)
        print(f"database: {db_bytes / 2**20:,.1f} MB; paragraph text {text_bytes / 2**20:,.1f} MB UTF-8; "
              f"ratio {ratio:.2f}x  (TARGET <= 5x: {'MET' if ratio <= 5 else 'MISSED'})")
        print("  largest: " + ", ".join(f"{name} {size / 2**20:,.1f} MB" for name, size in tables))

        unchanged = run_build(inputs, db, args.jobs, "ours", rss_limit)
        share = unchanged["seconds"] / ours["seconds"]
        print(f"\nno-change rebuild: {unchanged['line']}")
        print(f"  {unchanged['seconds']:.2f} s = {100 * share:.1f} % of the full build "
              f"(TARGET < 10 %: {'MET' if share < 0.10 else 'MISSED'}); process wall {unchanged['wall']:.1f} s")
        add_files(files, added, ADDED_FILES)
        incremental = run_build(inputs, db, args.jobs, "ours", rss_limit)
        print(f"add {ADDED_FILES} files: {incremental['line']}")
        print(f"  {incremental['seconds']:.2f} s (TARGET < 5 s: {'MET' if incremental['seconds'] < 5 else 'MISSED'}); "
              f"{incremental['parsed']} files parsed; process wall {incremental['wall']:.1f} s")
        if args.keep:
            shutil.copyfile(db, args.keep)
        db.unlink()

        if args.baseline_count:
            step = max(1, len(files) // args.baseline_count)
            subset = link_subset(files[::step][: args.baseline_count], source_root, scratch / "subset")
            print(f"\nsubset: every file in {step}, {min(args.baseline_count, len(files)):,} files", flush=True)
            small = run_build([subset], scratch / "ours-subset.db", args.jobs, "ours", rss_limit)
            show_build(f"ours, {args.jobs} parser processes", small)
            single = run_build([subset], scratch / "ours-single.db", 1, "ours", rss_limit)
            show_build("ours, one parser process (-j 1)", single)
            tuned = run_build([subset], scratch / "tuned.db", 1, "baseline-pragmas", rss_limit)
            show_build("baseline with our build PRAGMAs (one process, html.parser, one insert() per row)", tuned)
            base = run_build([subset], scratch / "baseline.db", 1, "baseline", rss_limit)
            show_build("baseline (one process, html.parser, one insert() per row, SQLite's defaults)", base)
            per = {name: r["seconds"] / r["articles"] for name, r in
                   (("ours", small), ("single", single), ("tuned", tuned), ("base", base), ("full", ours))}
            speedup = per["base"] / per["ours"]
            print(f"  TARGET >= 10x baseline: {speedup:.1f}x on the same files {'MET' if speedup >= 10 else 'MISSED'} "
                  f"({per['base'] / per['full']:.1f}x counting ours on the full corpus)")
            print(f"  what each part buys: parallel parsing {per['single'] / per['ours']:.2f}x; lxml, batched "
                  f"inserts and the rest {per['tuned'] / per['single']:.2f}x; build PRAGMAs and one transaction "
                  f"{per['base'] / per['tuned']:.2f}x")


if __name__ == "__main__":
    main()
