"""Does this tree parse every file exactly as a baseline tree does? Prints the count of differences.

    python bench/parse_equal.py [--corpus DIR] [--base DIR] [--count N] [--jobs J] [--base-cache FILE]

Each tree parses the files in processes of its own with the build's per-file work, ``parse_file``
(news_archive.build.worker; news_archive.build in trees before it): the Article (body, authors,
dates, warnings), its places and mentions, the search index texts, the text hash and the link
targets, or the error. Results are compared as plain data (dataclasses as dicts), since the two
trees' classes live in different modules. --base-cache keeps the baseline's results in a pickle,
so a second run only parses this tree. Exit status 1 when any file differs; the first differences
are printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_worker():
    """(parse_file, SourceFile) of the imported tree: news_archive.build.worker, or news_archive.build before it."""
    try:
        from news_archive.build import worker
        from news_archive.db.parsed import SourceFile
        return worker.parse_file, SourceFile
    except ImportError:
        from news_archive import build
        return build.parse_file, build.SourceFile


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _parse_chunk(args: tuple[str, list[str]]) -> list[tuple[str, dict]]:
    tree, paths = args
    if sys.path[0] != tree:
        sys.path.insert(0, tree)
    parse_file, source_file = build_worker()
    import news_archive

    assert Path(news_archive.__file__).resolve().is_relative_to(Path(tree).resolve()), news_archive.__file__
    out = []
    for path in paths:
        parsed = _plain(parse_file(source_file(path, path)))
        del parsed["source"]
        out.append((path, parsed))
    return out


def parse_tree(tree: Path, files: list[str], jobs: int) -> dict[str, dict]:
    """Run in a fresh interpreter (see --child) so the tree's news_archive is the one imported."""
    listing = Path(f"/tmp/parse_equal_{tree.name}_{len(files)}.txt")
    listing.write_text("\n".join(files))
    out = Path(str(listing) + ".pkl")
    subprocess.run([sys.executable, __file__, "--child", str(tree), "--files", str(listing), "--out", str(out),
                    "--jobs", str(jobs)], check=True, cwd="/")
    results = pickle.loads(out.read_bytes())
    listing.unlink()
    out.unlink()
    return results


def child(tree: str, files: list[str], out: str, jobs: int) -> None:
    chunks = [(tree, files[i:i + 200]) for i in range(0, len(files), 200)]
    results: dict[str, dict] = {}
    with ProcessPoolExecutor(jobs) as pool:
        for chunk in pool.map(_parse_chunk, chunks):
            results.update(chunk)
    Path(out).write_bytes(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))


def _first_difference(a, b, where="") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{where}[{i}]")
    return f"{where}: {str(a)[:200]!r} != {str(b)[:200]!r}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="/tmp/scale")
    parser.add_argument("--base", default="/tmp/dump/base")
    parser.add_argument("--count", type=int, default=0, help="evenly spaced files (0: every file)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--base-cache")
    parser.add_argument("--child")
    parser.add_argument("--files")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.files).read_text().split("\n"), args.out, args.jobs)
        return
    args.base = str(Path(args.base).resolve())  # the tree processes run in /
    if not Path(args.base, "news_archive").is_dir():
        sys.exit(f"no baseline: {args.base} is not a checkout (git worktree add {args.base} COMMIT)")
    files = sorted(str(p) for p in Path(args.corpus).resolve().rglob("*") if p.is_file())
    if not files:
        sys.exit(f"nothing to compare: no files under {args.corpus}")
    if args.count:
        files = files[:: max(1, len(files) // args.count)][: args.count]
    cache = Path(args.base_cache) if args.base_cache else None
    base = pickle.loads(cache.read_bytes()) if cache and cache.exists() else None
    if base is None or set(base) != set(files):
        base = parse_tree(Path(args.base), files, args.jobs)
        if cache:
            cache.write_bytes(pickle.dumps(base, protocol=pickle.HIGHEST_PROTOCOL))
    ours = parse_tree(ROOT, files, args.jobs)
    differing = [path for path in files if base[path] != ours[path]]
    articles = sum(1 for path in files if ours[path]["article"] is not None)
    print(f"{len(files)} files ({articles} articles, {len(files) - articles} errors): {len(differing)} differ")
    for path in differing[:10]:
        print(f"  {path}{_first_difference(base[path], ours[path])}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
