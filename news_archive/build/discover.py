"""Find the article files under the build's inputs, in a stable order."""

from __future__ import annotations

import os
from pathlib import Path

from ..db.parsed import SourceFile
from .errors import BuildFailed

ARTICLE_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}


def discover(inputs: list[Path]) -> list[SourceFile]:
    """Article files under each input (a file or a folder, read recursively), sorted by the name the
    database records (the path relative to its input)."""
    found: list[SourceFile] = []
    for root in inputs:
        if root.is_file():
            found.append(_source(str(root), root.name))
            continue
        if not root.is_dir():
            raise BuildFailed(f"{root}: no such file or directory")
        seen_dirs: set[tuple[int, int]] = set()
        for directory, subdirs, files in os.walk(root, followlinks=True):
            stat = os.stat(directory)
            # A symlink loop would revisit a folder forever; each real folder is read once.
            if (stat.st_dev, stat.st_ino) in seen_dirs:
                subdirs[:] = []
                continue
            seen_dirs.add((stat.st_dev, stat.st_ino))
            subdirs.sort()
            prefix = Path(directory).relative_to(root).as_posix()
            for name in sorted(files):
                if os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES and not name.startswith("."):
                    found.append(_source(os.path.join(directory, name), name if prefix == "." else f"{prefix}/{name}"))
    return _one_file_per_name(sorted(found, key=lambda source: source.name))


def _one_file_per_name(found: list[SourceFile]) -> list[SourceFile]:
    """The archive knows a file by its name (its versions' ids come from it): the same file reached
    twice is read once, and two files of one name stop the build before it writes anything."""
    kept: list[SourceFile] = []
    for source in found:
        if kept and kept[-1].name == source.name:
            if os.path.realpath(kept[-1].path) == os.path.realpath(source.path):
                continue
            raise BuildFailed(
                f"two input files have the same name {source.name!r}: {kept[-1].path} and {source.path} (the archive "
                "knows each file by its path under the input given; build from their common parent folder instead)")
        kept.append(source)
    return kept


def _source(path: str, name: str) -> SourceFile:
    try:
        stat = os.stat(path)
    except OSError:  # a dangling symlink: the parser worker reports why it cannot be read
        return SourceFile(path, name)
    return SourceFile(path, name, stat.st_size, stat.st_mtime_ns)
