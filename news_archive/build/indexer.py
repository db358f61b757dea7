"""A full build's search index, written by a process of its own beside the writer, and copied into the archive when all files are in.

Inserting into FTS5 tokenizes every term: 0.8 ms of the writer's 1.3 ms an article. In a full build
nothing reads the index before the end, so the writer hands each statement to this process (through
a pipe, which also bounds how far it runs ahead) and, when the index is merged, copies its shadow
tables (the index's b-trees and sizes, no tokenizing) into the archive. The index process writes the
same statements in the same order, so the archive holds the index the writer would have made. An
incremental build keeps writing its index itself: the index it adds to is the archive's.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from ..db import fts, schema
from .worker import exit_with_parent

SHADOW_TABLES = ("data", "idx", "docsize", "config")  # what FTS5 keeps of an index: X_data, X_idx ...
ATTACHED = "search_index"  # the index file's schema name while the archive copies it
ARTICLES = "articles"  # a message of packed articles, not a statement


class IndexProcess:
    """Runs the statements given (executemany's signature) in its own database at ``path``."""

    def __init__(self, path: Path):
        self.path = path
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(str(path), child, os.getpid()),
                                               name="search-index", daemon=True)
        self.process.start()
        child.close()
        self.written = False

    def __call__(self, sql: str, rows: list) -> None:
        self.pipe.send((sql, rows))

    def articles(self, articles: list[tuple[int, int, int, bytes]]) -> None:
        """Packed articles (fts.write_articles), unpacked in the index process: the writer only copies them."""
        self.pipe.send((ARTICLES, articles))

    def copy_into(self, db: sqlite_utils.Database) -> None:
        """Wait for the index to be written, then copy its shadow tables over the archive's.

        The index's file is attached and copied by SQLite itself (a third of the time rows passed
        through Python took); it stays attached until the connection closes, since SQLite cannot
        detach a database inside the transaction that read it."""
        self.pipe.send(None)
        if self.pipe.recv() != "written":
            raise RuntimeError("the search index process failed")
        self.written = True
        db.execute(f"attach database ? as [{ATTACHED}]", [str(self.path)])
        for fts_table, _ in fts.ALL_SEARCH_TABLES.values():
            for shadow in (f"{fts_table}_{suffix}" for suffix in SHADOW_TABLES):
                db.execute(f"delete from main.[{shadow}]")
                db.execute(f"insert into main.[{shadow}] select * from [{ATTACHED}].[{shadow}]")


@contextlib.contextmanager
def index_process(beside: Path) -> Iterator[IndexProcess]:
    """An index process writing to a temporary file beside the database being built; both go when
    the block ends (a killed build's file is removed by the next build, as its database is)."""
    path = beside.with_name(beside.name.removesuffix(".building") + ".index.building")
    path.unlink(missing_ok=True)
    process = IndexProcess(path)
    try:
        yield process
    finally:
        process.pipe.close()
        # A build that stopped early discards the index: killed at once. Waiting for an end of file
        # took 5 s, never coming: a forked child holds its own copy of the writer's end of the pipe.
        if not process.written:
            process.process.kill()
        process.process.join(timeout=5)
        if process.process.is_alive():
            process.process.kill()
            process.process.join()
        path.unlink(missing_ok=True)


def _serve(path: str, pipe, parent: int) -> None:
    exit_with_parent(parent)
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    for pragma in schema.BUILD_PRAGMAS:
        db.execute(pragma)
    fts.create_search_tables(db)
    db.execute("begin")
    try:
        while (message := pipe.recv()) is not None:
            if message[0] == ARTICLES:
                fts.write_articles(db.conn.executemany, message[1])
            else:
                db.conn.executemany(*message)
    except EOFError:  # the build stopped before the end
        return
    db.execute("commit")
    db.close()
    pipe.send("written")
