"""Make an N-article corpus for scale tests from the real 20k-article corpus.

    python bench/make_corpus.py --source /tmp/scale --count 100000 --out /tmp/scale-100k
    python bench/make_corpus.py --source ../shared/corpus/scale-20k.tar.xz --count 100000 --out DIR

The real files are copied as they are (same relative paths). Beyond their number, variant files are
written next to their original (DATE/HASH-cN.md): the header's [title](url) line and the front
matter's ``from:`` line get ``copy=N`` added to the URL's query, which canonical_url keeps (it drops
only tracking parameters), so every variant is a distinct article, not a version of the original.
About half the inner paragraphs of a variant are swapped for paragraphs of other articles of the same
outlet, so the text (and its full-text index) is not a plain repeat. Fixed seed: same input, same output.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
FROM_LINE = re.compile(r"^(from:[ \t]*)(\S+)[ \t]*$", re.M)
SEPARATOR = re.compile(r"^-{3,}[ \t]*$", re.M)
# The last "](url)" before the separator is the header link; URLs may hold one level of parentheses.
HEADER_URL = re.compile(r"\]\(((?:[^()\s]|\([^()\s]*\))+)\)\s*\Z")
PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>", re.S | re.I)
KEEP_EDGES = 2  # first/last paragraphs hold bylines, datelines and credits: never swapped


def with_copy(url: str, n: int) -> str:
    """url with copy=n in its query (before any #fragment)."""
    base, hash_, fragment = url.partition("#")
    return f"{base}{'&' if '?' in base else '?'}copy={n}{hash_}{fragment}"


def rewrite_urls(text: str, n: int) -> str:
    front = FRONT_MATTER.match(text)
    head_end = front.end() if front else 0
    if front:  # the from: line inside the front matter only
        block = FROM_LINE.sub(lambda m: m.group(1) + with_copy(m.group(2), n), front.group(0), count=1)
        text = block + text[head_end:]
        head_end = len(block)
    separator = SEPARATOR.search(text, head_end)
    if separator:
        header = text[head_end:separator.start()]
        match = HEADER_URL.search(header)
        if match:
            header = header[:match.start(1)] + with_copy(match.group(1), n) + header[match.end(1):]
            text = text[:head_end] + header + text[separator.start():]
    return text


def outlet_of(text: str) -> str:
    match = FROM_LINE.search(text[:4000]) or re.search(r"\]\((https?://[^)\s]+)\)", text[:4000])
    return (urlsplit(match.group(2 if match.re is FROM_LINE else 1)).hostname or "") if match else ""


def shuffle_paragraphs(text: str, pool: list[str], rng: random.Random) -> str:
    """Swap about half the inner <p> elements for random ones of the same outlet."""
    spans = [m.span() for m in PARAGRAPH.finditer(text)][KEEP_EDGES:-KEEP_EDGES or None]
    if not pool or not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(rng.choice(pool) if rng.random() < 0.5 else text[start:end])
        last = end
    out.append(text[last:])
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="folder of articles or a .tar.xz of one")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--no-shuffle", action="store_true", help="variants keep their original paragraphs")
    args = parser.parse_args()
    if not args.source.exists():
        sys.exit(f"{args.source}: not found")
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"{args.out}: exists and is not empty")
    with tempfile.TemporaryDirectory(dir=args.out.parent if args.out.parent.exists() else None) as scratch:
        source = args.source
        if source.is_file():  # a tarball: unpack it once into scratch space
            with tarfile.open(source) as archive:
                archive.extractall(scratch, filter="data")
            source = Path(scratch)
        files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                       and not p.name.startswith("."))
        if not files:
            sys.exit(f"{args.source}: no article files")
        texts: list[str] = []
        pools: dict[str, list[str]] = defaultdict(list)
        for path in files:
            text = path.read_text("utf-8", errors="surrogateescape")
            texts.append(text)
            if not args.no_shuffle:
                pools[outlet_of(text)].extend(m.group(0) for m in PARAGRAPH.finditer(text))
        rng = random.Random(args.seed)
        written = 0
        for i in range(args.count):
            k = i % len(files)
            relative = files[k].relative_to(source)
            target = args.out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if i < len(files):
                shutil.copyfile(files[k], target)
            else:
                copy = i // len(files)
                text = rewrite_urls(texts[k], copy)
                if not args.no_shuffle:
                    text = shuffle_paragraphs(text, pools[outlet_of(texts[k])], rng)
                target = target.with_name(f"{target.stem}-c{copy}{target.suffix}")
                target.write_text(text, "utf-8", errors="surrogateescape")
            written += 1
    print(f"{args.out}: {written} files ({min(written, len(files))} real, "
          f"{max(0, written - len(files))} variants) from {len(files)} source files")


if __name__ == "__main__":
    main()
