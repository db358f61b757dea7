"""The one search Engine a Datasette process uses, and the SQL function the articles table's search uses.

The articles table's ?_search= (Datasette's own table page) filters with
``archive_search_matches(rowid, :search)``: the Engine finds the matching articles once per search,
and SQL only looks each row up in one byte per article, instead of mapping every matching
paragraph to its article for the rows, the count and each facet. The SQL stays self-contained
("View and edit SQL" runs it as it is).
"""

from __future__ import annotations

import os
import sqlite3
import threading

from .engine import Engine
from .params import SearchParams

ENGINE = Engine()
_FLAGS: dict[tuple, bytes] = {}  # (file key, search) -> one byte per article rowid, 1 where it matches
_KEEP = 64
_lock = threading.Lock()


def file_key(path: str) -> tuple:
    """Identifies a database file's contents: a rebuilt file gets new caches."""
    stat = os.stat(path)
    return (path, stat.st_mtime_ns, stat.st_size)


def match_flags(conn: sqlite3.Connection, key: tuple, search: str) -> bytes:
    flags = _FLAGS.get((key, search))
    if flags is None:
        flags = ENGINE.match(conn, key, search, SearchParams()).mask.view("uint8").tobytes()
        with _lock:
            _FLAGS[(key, search)] = flags
            while len(_FLAGS) > _KEEP:
                del _FLAGS[next(iter(_FLAGS))]
    return flags


def clear() -> None:
    """Forget every computed match (benchmarks time searches from scratch)."""
    ENGINE.clear()
    with _lock:
        _FLAGS.clear()


def matches_function(path: str):
    """archive_search_matches(rowid, search) for connections to the database file at path."""
    key = file_key(path)
    seen: dict[str, bytes] = {}  # this connection's recent searches: one dict read per row

    def matches(rowid: int, search: str) -> int:
        try:  # called once per row of the table: the common case in one expression
            return seen[search][rowid]
        except KeyError:
            if len(seen) > 8:
                seen.clear()
            seen[search] = _flags_from_own_connection(path, key, search)
            return matches(rowid, search)
        except IndexError:  # a rowid beyond the catalog: not an article the search saw
            return 0

    return matches


def _flags_from_own_connection(path: str, key: tuple, search: str) -> bytes:
    # Called from inside a query on the caller's connection, so it reads through a connection of its own.
    if (key, search) in _FLAGS:
        return _FLAGS[(key, search)]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return match_flags(conn, key, search)
    finally:
        conn.close()
