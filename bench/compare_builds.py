"""Compare two built archives row for row: every table both hold, every column, ids included.

    python bench/compare_builds.py OLD.db NEW.db

A refactor of the build must leave the rows as they were: this prints, per table, "equal" or
"different" with the row counts of each side and how many rows only one side holds. Tables are
compared by every column, ordered by rowid (FTS5 tables by their rowids and what they index: the
contents of their shadow tables; and since two equal indexes may be cut into segments differently,
each FTS5 index also by what it holds: every term instance, through fts5vocab). Left out:
build_info's times (built, full_build) and fingerprint (it names the builder's code, so it differs
whenever the code does), and versions.file_mtime_ns (the files' times on disk, which differ between
two checkouts of seeds/). The schema of the tables both hold (their CREATE statements in sqlite_master, indexes
included) is compared too.
Exit status 1 when anything differs.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

IGNORED_ROWS = {"build_info": "key not in ('built', 'full_build', 'fingerprint')"}
IGNORED_COLUMNS = {"versions": {"file_mtime_ns"}}
# FTS5 stores its index as b-tree segments (_data, _idx): two indexes holding the same terms at the
# same rowids, columns and offsets can be cut into segments differently (the order of flushes and
# merges). Such a difference is shown as layout; what each index holds is compared through
# fts5vocab, every (term, rowid, column, offset), and counts.
LAYOUT_TABLES = ("_fts_data", "_fts_idx")


def tables(db: sqlite3.Connection) -> dict[str, str]:
    """name -> 'table' or 'view', sqlite's own tables left out."""
    return dict(db.execute(
        "select name, type from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%'"))


def rows(db: sqlite3.Connection, name: str, kind: str):
    """Every row of a table, in a stable order; an FTS5 virtual table by what it indexes."""
    sql = db.execute("select sql from sqlite_master where name = ?", [name]).fetchone()[0] or ""
    if "virtual table" in sql.lower():  # its shadow tables (_data, _idx, ...) are compared as tables
        return iter(())
    where = f" where {IGNORED_ROWS[name]}" if name in IGNORED_ROWS else ""
    columns = [row[1] for row in db.execute(f"pragma table_xinfo([{name}])")
               if row[1] not in IGNORED_COLUMNS.get(name, ())]
    has_rowid = kind == "table" and not _without_rowid(sql)
    order = "rowid" if has_rowid else ", ".join(f"[{c}]" for c in columns)
    select = ", ".join(["rowid"] * has_rowid + [f"[{c}]" for c in columns])
    return db.execute(f"select {select} from [{name}]{where} order by {order}")


def _without_rowid(sql: str) -> bool:
    return "without rowid" in sql.lower()


def fts_tables(db: sqlite3.Connection) -> list[str]:
    return [name for name, sql in db.execute("select name, sql from sqlite_master where type = 'table'")
            if "using fts5" in (sql or "").lower()]


def indexed(db: sqlite3.Connection, fts_table: str):
    """What an FTS5 index holds, whatever its segments: every (term, rowid, column, offset)."""
    vocab = f"vocab_{fts_table}"
    db.execute(f"create virtual table if not exists temp.[{vocab}] using fts5vocab(main, [{fts_table}], 'instance')")
    return db.execute(f"select term, doc, col, offset from temp.[{vocab}] order by term, doc, col, offset")


def compare(old: sqlite3.Connection, new: sqlite3.Connection, name: str, kind: str) -> tuple[bool, int, int, int]:
    """(equal, rows in old, rows in new, rows only one side holds)."""
    old_rows, new_rows = _digests(rows(old, name, kind)), _digests(rows(new, name, kind))
    if old_rows == new_rows:
        return True, len(old_rows), len(new_rows), 0
    old_set, new_set = set(old_rows), set(new_rows)
    differing = len(old_set ^ new_set) or abs(len(old_rows) - len(new_rows)) or 1  # same rows, other order: 1
    return False, len(old_rows), len(new_rows), differing


def _digests(cursor) -> list[bytes]:
    return [hashlib.sha1(repr(row).encode()).digest() for row in cursor]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    old, new = (sqlite3.connect(f"file:{path}?mode=ro", uri=True) for path in argv)
    old_tables, new_tables = tables(old), tables(new)
    different = 0
    for name in sorted(old_tables.keys() & new_tables.keys()):
        equal, old_count, new_count, differing = compare(old, new, name, old_tables[name])
        layout = name.endswith(LAYOUT_TABLES)
        different += not equal and not layout
        state = "equal" if equal else f"{'layout differs' if layout else 'DIFFERENT'} ({differing} rows differ)"
        print(f"{name:32} {state:28} {old_count:>8} / {new_count:<8} rows")
    for name in sorted(set(fts_tables(old)) & set(fts_tables(new))):
        old_rows, new_rows = _digests(indexed(old, name)), _digests(indexed(new, name))
        different += old_rows != new_rows
        state = "equal" if old_rows == new_rows else "DIFFERENT"
        print(f"{name + ' (indexed terms)':32} {state:28} {len(old_rows):>8} / {len(new_rows):<8} term instances")
    for label, only in (("only in OLD", old_tables.keys() - new_tables.keys()),
                        ("only in NEW", new_tables.keys() - old_tables.keys())):
        if only:
            print(f"{label}: {', '.join(sorted(only))}")
    # The CREATE statements of the tables both hold, their indexes and triggers included.
    both = sorted(old_tables.keys() & new_tables.keys())
    schema = (f"select type, name, tbl_name, sql from sqlite_master where tbl_name in ({', '.join('?' * len(both))})"
              " order by type, name")
    same_schema = old.execute(schema, both).fetchall() == new.execute(schema, both).fetchall()
    different += not same_schema
    print(f"{'schema (sqlite_master)':32} {'equal' if same_schema else 'DIFFERENT'}")
    print(f"{len(old_tables.keys() & new_tables.keys())} tables compared, {different} different")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
