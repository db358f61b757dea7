"""Which files a build parses: all of them (a full build), or those new or changed since the previous build."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..db.parsed import SourceFile
from .fingerprint import build_fingerprint


@dataclass
class Plan:
    tasks: list[tuple[SourceFile, str | None]]  # files to parse, with the SHA-256 the archive knows of each
    gone: list[str]  # files the previous build read that are gone
    full: bool  # a fresh database: every file is parsed
    why_full: str | None = None

    @property
    def nothing_to_do(self) -> bool:
        return not self.full and not self.tasks and not self.gone


def plan(sources: list[SourceFile], output: Path, *, full: bool) -> Plan:
    """Files already in the archive with the same size and modification time are not parsed again;
    those whose time moved are hashed, and parsed only when their bytes changed."""
    known, why_full = (None, "asked for") if full else _previous_build(output)
    if known is None:
        return Plan([(source, None) for source in sources], [], full=True, why_full=why_full)
    present = {source.name for source in sources}
    gone = sorted(name for name in known if name not in present)
    tasks = [(s, known[s.name][0] if s.name in known else None) for s in sources
             if s.name not in known or known[s.name][1:] != (s.size, s.mtime_ns)]
    return Plan(tasks, gone, full=False)


def _previous_build(output: Path) -> tuple[dict[str, tuple[str, int, int]] | None, str | None]:
    """What the previous build recorded of each file, (sha256, size, mtime_ns) by name, or why there is
    nothing to build on (then the build is a full one)."""
    if not output.exists():
        return None, None
    try:
        db = sqlite3.connect(f"file:{output}?mode=ro", uri=True)
        try:
            info = dict(db.execute("select key, value from build_info"))
            if info.get("fingerprint") != build_fingerprint():
                return None, "the parser or schema changed since the previous build"
            return {name: (sha, size, mtime) for name, sha, size, mtime in db.execute(
                "select source_file, sha256, size_bytes, file_mtime_ns from versions")}, None
        finally:
            db.close()
    except sqlite3.Error as error:
        return None, f"the previous database cannot be built on ({error})"
