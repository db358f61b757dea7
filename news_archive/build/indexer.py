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
import queue
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from ..db import fts, schema
from .worker import exit_with_parent

SHADOW_TABLES = ("data", "idx", "docsize", "config")  # what FTS5 keeps of an index: X_data, X_idx ...
ATTACHED = "search_index"  # the index file's schema name while the archive copies it
ARTICLES = "articles"  # a message of packed articles, not a statement
# FTS5 keeps the terms it is given in memory of its own and writes each segment once, in order: a
# small page cache costs it no time, and the whole build's peak memory (100k articles) 48 MB less.
INDEX_CACHE = "PRAGMA cache_size = -16000"
OUTBOX_MESSAGES = 4  # queued for the sender thread: up to 1,600 articles' index texts, about 11 MB


class IndexProcess:
    """Runs the statements given (executemany's signature) in its own database at ``path``.

    A thread of the writer's sends them, from a queue of a few messages: the writer goes on while the
    index process reads (a message waits in the pipe until the process has indexed the one before,
    and the writer waited 2 s at the build's end for its last ones) and waits only when the queue is full.
    """

    def __init__(self, path: Path):
        self.path = path
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(str(path), child, os.getpid()),
                                               name="search-index", daemon=True)
        self.process.start()
        child.close()
        self.written = False
        self.outbox: queue.Queue = queue.Queue(maxsize=OUTBOX_MESSAGES)
        self.failure: OSError | None = None
        self.sender = threading.Thread(target=self._send_all, name="search-index-sender", daemon=True)
        self.sender.start()

    def __call__(self, sql: str, rows: list) -> None:
        self._send((sql, rows))

    def articles(self, articles: list[tuple[int, int, int, bytes]]) -> None:
        """Packed articles (fts.write_articles), unpacked in the index process: the writer only copies them."""
        self._send((ARTICLES, articles))

    def _send(self, message) -> None:
        if self.failure is not None:
            raise RuntimeError("the search index process failed") from self.failure
        self.outbox.put(message)

    def _send_all(self) -> None:
        """The sender thread: every message in order, None last (the index is complete)."""
        while True:
            message = self.outbox.get()
            if self.failure is None:
                try:
                    self.pipe.send(message)
                except OSError as error:  # the process is gone: messages are drained, so the writer never waits
                    self.failure = error
            if message is None:
                return

    def copy_into(self, db: sqlite_utils.Database) -> None:
        """Wait for the index to be written, then copy its shadow tables over the archive's.

        The index's file is attached and copied by SQLite itself (a third of the time rows passed
        through Python took); it stays attached until the connection closes, since SQLite cannot
        detach a database inside the transaction that read it."""
        self._send(None)
        self.sender.join()
        if self.failure is not None or self.pipe.recv() != "written":
            raise RuntimeError("the search index process failed")
        self.written = True
        db.execute(f"attach database ? as [{ATTACHED}]", [str(self.path)])
        for fts_table, _ in fts.ALL_SEARCH_TABLES.values():
            for shadow in (f"{fts_table}_{suffix}" for suffix in SHADOW_TABLES):
                db.execute(f"delete from main.[{shadow}]")
                db.execute(f"insert into main.[{shadow}] select * from [{ATTACHED}].[{shadow}]")

    def stop(self) -> None:
        """End the sender thread, and the process if the index was not written."""
        # A build that stopped early discards the index: killed at once. Waiting for an end of file
        # took 5 s, never coming: a forked child holds its own copy of the writer's end of the pipe.
        # Once the process is gone, the sender's sends fail and it drains the queue to the None.
        if not self.written:
            self.process.kill()
        with contextlib.suppress(queue.Full):
            self.outbox.put(None, timeout=5)
        self.sender.join(timeout=5)
        self.pipe.close()


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
        process.stop()
        process.process.join(timeout=5)
        if process.process.is_alive():
            process.process.kill()
            process.process.join()
        path.unlink(missing_ok=True)


def _serve(path: str, pipe, parent: int) -> None:
    exit_with_parent(parent)
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    for pragma in (*schema.BUILD_PRAGMAS, INDEX_CACHE):
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
