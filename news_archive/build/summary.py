"""What a build reports: the archive's totals, this build's problems, and the one summary line."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Summary:
    articles: int = 0
    paragraphs: int = 0
    figures: int = 0
    links: int = 0
    versions: int = 0
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (file, level, message), this build's
    mode: str = "full"  # full, incremental or unchanged
    why_full: str | None = None
    parsed: int = 0  # files read and parsed by this build
    removed: int = 0  # files gone since the previous build

    def line(self) -> str:
        totals = (
            f"{self.articles} articles, {self.paragraphs} paragraphs, {self.figures} figures, "
            f"{self.links} links, {self.versions} files, {self.errors} errors, {self.warnings} warnings "
            f"in {self.seconds:.1f} s"
        )
        if self.mode == "unchanged":
            return f"{totals} (up to date: no file changed)"
        if self.mode == "incremental":
            return f"{totals} (incremental: {self.parsed} files parsed, {self.removed} removed)"
        return f"{totals} (full build{': ' + self.why_full if self.why_full else ''})"

    def count(self, db: sqlite3.Connection) -> None:
        """The archive's totals, as the database holds them."""
        for table in ("articles", "paragraphs", "figures", "links", "versions"):
            setattr(self, table, db.execute(f"select count(*) from [{table}]").fetchone()[0])
        levels = dict(db.execute("select level, count(*) from build_errors group by level").fetchall())
        self.errors, self.warnings = levels.get("error", 0), levels.get("warning", 0)

    def count_file(self, path: Path) -> None:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            self.count(db)
        finally:
            db.close()
