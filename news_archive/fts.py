"""The full-text index: FTS5 tables filled with index_text() of the stored rows.

The index keeps no copy of the text, only what search needs, so the text is stored once, in the
tables people browse. paragraphs_fts and figures_fts name their table as external content
(``content="paragraphs"``), which is how Datasette finds a table's search index without any
metadata or plugin; the indexed tokens come from index_text(), not from that content, so never run
FTS5's 'rebuild' on them (the build makes them anew). articles_fts indexes title and body, a column
articles does not have, so it is contentless and named in metadata.yml. The default unicode61
tokenizer keeps the file readable by any SQLite, and Datasette's stock escape_fts still finds
2-character words in it. (Raw SQL: sqlite-utils' enable_fts makes content tables kept by triggers.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlite_utils

from .search import index_text

# table -> (FTS table, its columns, its content option, SQL giving the table's rowid and the text).
# FTS rowids are the tables' dense rowids (see store.SEARCHABLE_TABLES), so Datasette's default
# fts_pk, rowid, joins them.
SEARCH_TABLES = {
    "articles": (
        "articles_fts",
        ("title", "body"),
        "content=''",
        "select articles.rowid, articles.title,"
        " (select group_concat(text, char(10)) from paragraphs where article_id = articles.id)"
        " from articles",
    ),
    "paragraphs": ("paragraphs_fts", ("text",), 'content="paragraphs"', "select rowid, text from paragraphs"),
    "figures": (
        "figures_fts", ("caption", "credit"), 'content="figures"', "select rowid, caption, credit from figures"
    ),
}
BATCH = 5000


def build_search_index(db: sqlite_utils.Database) -> None:
    for fts_table, columns, content, rows_sql in SEARCH_TABLES.values():
        db.execute(f"drop table if exists [{fts_table}]")
        db.execute(f"create virtual table [{fts_table}] using fts5({', '.join(columns)}, {content})")
        insert = (
            f"insert into [{fts_table}] (rowid, {', '.join(columns)}) "
            f"values (?{', ?' * len(columns)})"
        )
        for batch in _batches(_indexed(db.execute(rows_sql))):
            db.conn.executemany(insert, batch)
        # One b-tree segment instead of many: smaller file, faster queries.
        db.execute(f"insert into [{fts_table}] ([{fts_table}]) values ('optimize')")


def _indexed(rows: Iterable[tuple]) -> Iterator[tuple]:
    for rowid, *texts in rows:
        yield (rowid, *(index_text(text) if text else "" for text in texts))


def _batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
