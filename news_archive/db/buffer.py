"""Rows queued per table and inserted in large batches, inside the build's one transaction (and ids cut into chunks for IN (...))."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlite_utils

from .schema import COLUMNS

# The columns each buffered row fills, in order: a table's own, and for articles the rowid first
# (articles_fts shares it; the id is not the rowid).
INSERTED = {**COLUMNS, "articles": ("rowid", *COLUMNS["articles"])}


class RowBuffer:
    """Rows are tuples in INSERTED order; one executemany per batch (one insert per row is ~10x slower,
    and sqlite-utils' insert_all spent more time shaping each row than SQLite spent storing it)."""

    def __init__(self, db: sqlite_utils.Database, batch_size: int = 5_000):
        self.db = db
        self.batch_size = batch_size
        self.rows: dict[str, list[tuple]] = defaultdict(list)

    def add(self, table: str, rows: Iterable[tuple]) -> None:
        pending = self.rows[table]
        pending.extend(rows)
        if len(pending) >= self.batch_size:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.rows):
            rows, self.rows[name] = self.rows[name], []
            if rows:
                self.db.conn.executemany(insert_sql(name), rows)


def insert_sql(table: str) -> str:
    columns = INSERTED[table]
    return f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'


def chunks(items: list, size: int = 500):
    """Slices of at most ``size`` items: SQLite takes a bounded number of parameters per statement."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
