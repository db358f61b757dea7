"""The one search Engine a Datasette process uses, and the SQL functions the articles table's search uses.

The articles table's ?_search= (Datasette's own table page) filters with
``archive_search_matches(rowid, archive_search_id(:archive_search))``: the Engine finds the matching
articles once per search, and SQL only looks each row up in one byte per article, instead of
mapping every matching paragraph to its article for the rows, the count and each facet. The SQL
stays self-contained ("View and edit SQL" runs it as it is).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from itertools import count

from .engine import Engine
from .params import SearchParams

ENGINE = Engine()
_KEEP = 64  # searches remembered
_numbers: dict[tuple, int] = {}  # (file key, search) -> its number
_flags: dict[int, bytes] = {}  # number -> one byte per article rowid, 1 where the article matches
_next_number = count(1)
_lock = threading.Lock()


def file_key(path: str) -> tuple:
    """Identifies a database file's contents: a rebuilt file gets new caches."""
    stat = os.stat(path)
    return (path, stat.st_mtime_ns, stat.st_size)


def remember(conn: sqlite3.Connection, key: tuple, search: str) -> int:
    """The number of the search's matches, computing them if they are not remembered."""
    number = _numbers.get((key, search))
    if number is not None and number in _flags:
        return number
    flags = ENGINE.match(conn, key, search, SearchParams()).mask.view("uint8").tobytes()
    with _lock:
        number = _numbers[(key, search)] = next(_next_number)
        _flags[number] = flags
        while len(_numbers) > _KEEP:
            oldest = next(iter(_numbers))
            _flags.pop(_numbers.pop(oldest), None)
    return number


def clear() -> None:
    """Forget every computed match (benchmarks time searches from scratch)."""
    ENGINE.clear()
    with _lock:
        _numbers.clear()
        _flags.clear()


def search_functions(path: str) -> dict:
    """SQL functions for connections to the database file at path: {(name, argument count): function}.

    archive_search_id(search) is deterministic with a constant argument, so SQLite calls it once per
    statement; archive_search_matches(rowid, number) then costs one lookup per row (a text argument
    would cost a conversion per row: 60 % more).
    """
    key = file_key(path)

    def search_id(search: str) -> int:
        number = _numbers.get((key, search))
        if number is not None and number in _flags:  # the page's hook remembered it: the usual case
            return number
        # Runs inside the caller's query, so it reads through a connection of its own.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return remember(conn, key, search)
        finally:
            conn.close()

    def matches(rowid: int, number: int) -> int:
        try:
            return _flags[number][rowid]
        except IndexError:  # a rowid beyond the catalog: not an article the search saw
            return 0
        except KeyError:
            raise LookupError(f"search {number} is no longer remembered; run the query again") from None

    return {("archive_search_id", 1): search_id, ("archive_search_matches", 2): matches}
