"""Per-file parse time by stage, for this tree and a baseline tree, in the same run.

    python bench/parse_bench.py [--corpus DIR] [--count N] [--base DIR] [--rounds R] [--chunk C]

Each tree runs in its own subprocess, one parser process as the build's workers are, over the same
evenly spaced N files of --corpus (default /tmp/scale), read once before timing so the disk is not
measured. The whole is the build's per-file work, ``parse_file`` (news_archive.build.worker); its
stages are timed, in CPU time, by wrapping the functions that do them in every loaded
``news_archive`` module, and each stage's time excludes the stages it calls:

- source split: ``parse_source`` (front matter, header, body HTML);
- bs4 tree: ``make_soup`` (news_archive.parse.html_soup), or ``BeautifulSoup(...)`` in trees before it;
- walker: the rest of ``parse_body`` (reading the tree into paragraphs, figures and links);
- script: ``_script`` (Traditional or Simplified, two OpenCC conversions of the opening text);
- article: the rest of ``parse_article`` (authors, dates, language, outlet);
- normalisation: ``normalize`` wherever it is called (the place matcher's and the search index's);
- places: the rest of ``article_places`` (finding the gazetteer's names, the segmenter);
- rows for the writer: ``record`` (news_archive.db.rows: the tuples the writer saves), where the tree has it;
- pickling: the chunk's results pickled as the pool sends them to the writer;
- index text and rest: the rest (index tokens, text hash, link targets, sha256, garbage collection).

The whole is each file's work in a parser process, as the tree's pool runs it: its chunk function
(``parse_chunk``, or ``parse_file`` per file before it) and the pickling of what it returns, in a
process set up by the tree's own pool initializer (``start_parser``: garbage collection as the
build's parser processes have it), after a first chunk that loads the gazetteer and the rest.

--base is a checkout of an earlier commit (``git worktree add /tmp/dump/base ff177d8``). The machine
is shared, and other processes slow a run by 30 % and more from one minute to the next, so the two
trees take turns every C files (default 50), each chunk's best of R rounds counting: a busy moment
falls on both alike, and stages neither tree changed come out the same. Numbers are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (stage, the name of what does it); the order is the order printed.
STAGES = [
    ("source split", "parse_source"),
    ("bs4 tree", ("make_soup", "BeautifulSoup")),  # the first of these names the tree has
    ("walker", "parse_body"),
    ("script", "_script"),
    ("article", "parse_article"),
    ("normalisation", "normalize"),
    ("places", "article_places"),
    ("rows for the writer", "record"),
    ("pickling", None),
    ("index text and rest", None),
]


def sample(corpus: Path, count: int) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in {".md", ".html", ".htm", ".txt"})
    step = max(1, len(files) // count) if count else 1
    return files[::step][:count] if count else files


# ---------------------------------------------------------------- child: one tree
class _Clock:
    """Exclusive time per stage: a stage's own time, without the stages it calls."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.stack: list[list] = []  # [stage, time spent in stages it called]

    def wrap(self, stage: str, function):
        def timed(*args, **kwargs):
            self.stack.append([stage, 0.0])
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.process_time() - start
                _, inner = self.stack.pop()
                self.totals[stage] = self.totals.get(stage, 0.0) + spent - inner
                if self.stack:
                    self.stack[-1][1] += spent

        return timed


def _install(clock: _Clock) -> None:
    """Replace each stage's function, by name, in every news_archive module that holds it."""
    import bs4

    originals = {"BeautifulSoup": bs4.BeautifulSoup}
    modules = [m for name, m in list(sys.modules.items()) if name.startswith("news_archive") and m]
    for _, names in STAGES:
        for name in names if isinstance(names, tuple) else (names,):
            for module in modules if name else ():
                value = vars(module).get(name)
                if value is not None and callable(value):
                    originals.setdefault(name, value)
    for stage, names in STAGES:
        name = next((n for n in names if n in originals), None) if isinstance(names, tuple) else names
        if name is None or name not in originals:
            continue
        wrapped = clock.wrap(stage, originals[name])
        for module in modules:
            if vars(module).get(name) is originals[name]:
                setattr(module, name, wrapped)


def child(tree: str) -> None:
    """Parse the files of each line read (a JSON list of paths); answer with a JSON line of the
    CPU seconds spent on them, in all and by stage."""
    sys.path.insert(0, tree)
    import news_archive
    from parse_equal import build_worker  # bench/ is this script's folder, so on sys.path

    parse_file, source_file = build_worker()
    assert Path(news_archive.__file__).resolve().is_relative_to(Path(tree).resolve()), news_archive.__file__
    worker = sys.modules[parse_file.__module__]
    if hasattr(worker, "start_parser"):
        worker.start_parser(os.getppid())
    chunk = getattr(worker, "parse_chunk", None) or (lambda tasks: [parse_file(*task) for task in tasks])
    warm = True  # the first chunk also loads the gazetteer, OpenCC and the segmenter's dictionary
    clock = _Clock()
    for line in sys.stdin:
        tasks = [(source_file(path, path), None) for path in json.loads(line)]
        if warm:
            chunk(tasks[:1])
            _install(clock)
            warm = False
        clock.totals = {}
        start = time.process_time()
        results = chunk(tasks)
        pickled = time.process_time()
        ForkingPickler.dumps(results)
        end = time.process_time()
        stages = {**clock.totals, "pickling": end - pickled}
        stages["index text and rest"] = end - start - sum(stages.values())
        print(json.dumps({"total": end - start, "stages": stages}), flush=True)


# ---------------------------------------------------------------- parent
class _Tree:
    """One tree's child process, parsing the chunks it is sent."""

    def __init__(self, tree: Path) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--child", str(tree)], cwd="/", text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def parse(self, files: list[str]) -> dict:
        self.process.stdin.write(json.dumps(files) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def measure(trees: dict[str, Path], files: list[str], rounds: int, chunk: int) -> dict[str, dict]:
    """ms per file, in all and by stage: per chunk of files the best of ``rounds`` rounds, the trees
    taking turns chunk by chunk, so a busy moment of the machine falls on both alike."""
    children = {name: _Tree(tree) for name, tree in trees.items()}
    chunks = [files[i:i + chunk] for i in range(0, len(files), chunk)]
    best: dict[str, list[dict | None]] = {name: [None] * len(chunks) for name in trees}
    try:
        for round_ in range(rounds):
            for index, part in enumerate(chunks):
                order = list(children.items())
                for name, process in order if (index + round_) % 2 else order[::-1]:
                    result = process.parse(part)
                    if best[name][index] is None or result["total"] < best[name][index]["total"]:
                        best[name][index] = result
    finally:
        for process in children.values():
            process.close()
    summary = {}
    for name, results in best.items():
        stages = {stage: sum(r["stages"].get(stage, 0.0) for r in results) * 1000 / len(files) for stage, _ in STAGES}
        summary[name] = {"total": sum(r["total"] for r in results) * 1000 / len(files), "stages": stages}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="/tmp/scale")
    parser.add_argument("--count", type=int, default=2000, help="files, evenly spaced (0: all)")
    parser.add_argument("--base", default="/tmp/dump/base", help="baseline checkout ('' to skip)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=50, help="files per turn")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    corpus = Path(args.corpus).resolve()  # the tree processes run in /, so a relative path would find nothing
    if not corpus.is_dir():
        print(f"skipped: no corpus at {corpus}")
        return
    files = [str(p) for p in sample(corpus, args.count)]
    trees = {"ours": ROOT}
    if args.base and Path(args.base, "news_archive").is_dir():
        trees = {"base": Path(args.base).resolve(), **trees}
    elif args.base:
        print(f"no baseline: {args.base} is not a checkout (git worktree add {args.base} COMMIT); timing this tree alone")
    for path in files:  # into the page cache
        Path(path).read_bytes()
    summary = measure(trees, files, args.rounds, args.chunk)
    print(f"{len(files)} files from {corpus}, one process per tree, the trees taking turns every "
          f"{args.chunk} files, best of {args.rounds} rounds per turn; CPU ms per file")
    names = list(trees)
    print(f"{'stage':<22}" + "".join(f"{n:>10}" for n in names) + ("     ratio" if len(names) == 2 else ""))
    rows = [(stage, [summary[n]["stages"][stage] for n in names]) for stage, _ in STAGES]
    rows.append(("total (a parser's work)", [summary[n]["total"] for n in names]))
    for stage, values in rows:
        ratio = f"{values[0] / values[1]:>9.2f}x" if len(values) == 2 and values[1] else ""
        print(f"{stage:<22}" + "".join(f"{v:>10.3f}" for v in values) + ratio)


if __name__ == "__main__":
    main()
