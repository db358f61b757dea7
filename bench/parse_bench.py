"""Per-file parse time by stage, for this tree and a baseline tree, in the same run.

    python bench/parse_bench.py [--corpus DIR] [--count N] [--base DIR] [--rounds R]

Each tree runs in its own subprocess, one parser process as the build's workers are, over the same
evenly spaced N files of --corpus (default /tmp/scale), read once before timing so the disk is not
measured. The whole is the build's per-file work, ``parse_file`` (news_archive.build.worker); its
stages are timed, in CPU time, by wrapping the functions that do them in every loaded
``news_archive`` module, and each stage's time excludes the stages it calls:

- source split: ``parse_source`` (front matter, header, body HTML);
- bs4 tree: ``BeautifulSoup(...)``;
- walker: the rest of ``parse_body`` (reading the tree into paragraphs, figures and links);
- script: ``_script`` (Traditional or Simplified, two OpenCC conversions of the opening text);
- article: the rest of ``parse_article`` (authors, dates, language, outlet);
- normalisation: ``normalize`` wherever it is called (the place matcher's and the search index's);
- places: the rest of ``article_places`` (Aho-Corasick and the segmenter);
- index text and rest: the rest of ``parse_file`` (index tokens, text hash, link targets, sha256).

--base is a checkout of an earlier commit (``git worktree add /tmp/dump/base ff177d8``). Rounds
alternate the trees (base, ours, base, ...) and the best round of each is printed, since the
machine is shared. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (stage, the name of what does it); the order is the order printed.
STAGES = [
    ("source split", "parse_source"),
    ("bs4 tree", "BeautifulSoup"),
    ("walker", "parse_body"),
    ("script", "_script"),
    ("article", "parse_article"),
    ("normalisation", "normalize"),
    ("places", "article_places"),
    ("index text and rest", "parse_file"),
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
    for _, name in STAGES:
        for module in modules:
            value = vars(module).get(name)
            if value is not None and callable(value):
                originals.setdefault(name, value)
    for stage, name in STAGES:
        if name not in originals:
            continue
        wrapped = clock.wrap(stage, originals[name])
        for module in modules:
            if vars(module).get(name) is originals[name]:
                setattr(module, name, wrapped)


def child(tree: str, files: list[str]) -> None:
    sys.path.insert(0, tree)
    import news_archive
    from parse_equal import build_worker  # bench/ is this script's folder, so on sys.path

    parse_file, source_file = build_worker()
    assert Path(news_archive.__file__).resolve().is_relative_to(Path(tree).resolve()), news_archive.__file__
    sources = [source_file(path, path) for path in files]
    for path in files:  # into the page cache
        Path(path).read_bytes()
    parse_file(sources[0])  # loads the gazetteer, OpenCC and the segmenter's dictionary
    clock = _Clock()
    _install(clock)
    parse_file = clock.wrap("index text and rest", parse_file)
    start = time.process_time()
    for source in sources:
        parse_file(source)
    total = time.process_time() - start
    per_file = {stage: seconds * 1000 / len(files) for stage, seconds in clock.totals.items()}
    print(json.dumps({"total": total * 1000 / len(files), "stages": per_file}))


# ---------------------------------------------------------------- parent
def run(tree: Path, files: list[str]) -> dict:
    listing = Path(f"/tmp/parse_bench_files_{os.getpid()}.json")
    listing.write_text(json.dumps(files))
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(tree), "--files", str(listing)],
            check=True, capture_output=True, text=True, cwd="/",
        ).stdout
    finally:
        listing.unlink(missing_ok=True)
    return json.loads(out.strip().splitlines()[-1])


def best(runs: list[dict]) -> dict:
    chosen = min(runs, key=lambda r: r["total"])
    stages = {stage: min(r["stages"].get(stage, 0.0) for r in runs) for stage, _ in STAGES}
    return {"total": chosen["total"], "stages": stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="/tmp/scale")
    parser.add_argument("--count", type=int, default=2000, help="files, evenly spaced (0: all)")
    parser.add_argument("--base", default="/tmp/dump/base", help="baseline checkout ('' to skip)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--files")
    args = parser.parse_args()
    if args.child:
        child(args.child, json.loads(Path(args.files).read_text()))
        return
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"skipped: no corpus at {corpus}")
        return
    files = [str(p) for p in sample(corpus, args.count)]
    trees = {"ours": ROOT}
    if args.base and Path(args.base, "news_archive").is_dir():
        trees = {"base": Path(args.base), **trees}
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            results[name].append(run(tree, files))
    summary = {name: best(runs) for name, runs in results.items()}
    print(f"{len(files)} files from {corpus}, one process, best of {args.rounds} rounds; ms per file")
    names = list(trees)
    print(f"{'stage':<22}" + "".join(f"{n:>10}" for n in names) + ("     ratio" if len(names) == 2 else ""))
    rows = [(stage, [summary[n]["stages"][stage] for n in names]) for stage, _ in STAGES]
    rows.append(("total (parse_file)", [summary[n]["total"] for n in names]))
    for stage, values in rows:
        ratio = f"{values[0] / values[1]:>9.2f}x" if len(values) == 2 and values[1] else ""
        print(f"{stage:<22}" + "".join(f"{v:>10.3f}" for v in values) + ratio)


if __name__ == "__main__":
    main()
