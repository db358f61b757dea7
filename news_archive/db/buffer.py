"""Rows queued per table and inserted in large batches, inside the build's one transaction (and ids cut into chunks for IN (...))."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlite_utils


class RowBuffer:
    """One insert per row is ~10x slower than a batch."""

    def __init__(self, db: sqlite_utils.Database, batch_size: int = 5_000):
        self.db = db
        self.batch_size = batch_size
        self.rows: dict[str, list[dict]] = defaultdict(list)

    def add(self, table: str, rows: Iterable[dict]) -> None:
        pending = self.rows[table]
        pending.extend(rows)
        if len(pending) >= self.batch_size:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.rows):
            rows, self.rows[name] = self.rows[name], []
            if rows:
                self.db[name].insert_all(rows, batch_size=1000)


def chunks(items: list, size: int = 500):
    """Slices of at most ``size`` items: SQLite takes a bounded number of parameters per statement."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
