"""What Datasette asks an immutable archive database on every page, answered once and remembered.

An immutable file never changes, yet each table page asks it, one thread hand-off at a time, for its
schema (columns, primary keys, foreign keys, FTS table, definitions: about 20 round trips for the
articles page), counts each view (``select count(*) from article_place_map``: 41 ms at 100,000
articles, as its inspect data counts only tables) and each default facet of an unfiltered table (17 ms
of SQL for the articles page's three). Under load each round trip also waits in the queue for
Datasette's SQL threads. Those questions, and only those, are answered from their first answer:
schema methods of the Database, lookups in sqlite_master, and the count or column facet of a whole
table or view (no parameters, no WHERE and no function call, so nothing in them can change).
"""

from __future__ import annotations

import re

# Database methods that read nothing but the schema (0.65 and 1.0 alike; a missing one is skipped).
# label_column_for_table and hidden_table_names also read metadata, which 1.0 can change: not these.
SCHEMA_METHODS = ("attached_databases", "table_exists", "view_exists", "table_names", "view_names",
                  "table_columns", "table_column_details", "primary_keys", "fts_table",
                  "foreign_keys_for_table", "get_all_foreign_keys", "get_table_definition",
                  "get_view_definition")

NAME = r'(?:\w+|"[^"]+"|\[[^\]]+\])'
# Datasette 0.65's count of an unfiltered table or view, and 1.0's (which stops at its count limit).
COUNT = re.compile(rf"select count\(\*\) from {NAME}\s*|select count\(\*\) from \(select \* from {NAME}\s+limit \d+\)")
# datasette.facets.ColumnFacet's SQL over an unfiltered table: no parentheses or quotes in the column
# list, so no function (random(), date('now')), and no WHERE clause (the table name ends the select).
FACET = re.compile(
    rf"\s*select ({NAME}) as value, count\(\*\) as count from \(\s*select [^()']* from {NAME}\s*\)"
    r"\s*where \1 is not null\s*group by \1 order by count desc, value limit \d+\s*",
    re.IGNORECASE,
)
# A query of sqlite_master whose only parentheses hold a list of strings ("type in ('table', 'view')").
SCHEMA_LOOKUP = re.compile(r"\s*select [^;]* from sqlite_master\b[^;]*", re.IGNORECASE)
STRING_LIST = re.compile(r"\bin\s*\(\s*'[^']*'(?:\s*,\s*'[^']*')*\s*\)", re.IGNORECASE)
SCHEMA_VERSION = re.compile(r"\s*pragma schema_version;?\s*", re.IGNORECASE)
# Answers kept per database and per method: table names and a facet's limit come from the URL, so
# their number is bounded by what users ask, not by the schema; past it the oldest is forgotten.
MAX_REMEMBERED = 512


def is_whole_table_aggregate(sql: str, params) -> bool:
    """Whether SQL with PARAMS is a count or a column facet of a whole table or view."""
    # current_time, current_date and current_timestamp are the only values SQLite varies without a call.
    return (not params and "current_" not in sql.lower()
            and (COUNT.fullmatch(sql) or FACET.fullmatch(sql)) is not None)


def is_schema_question(sql: str) -> bool:
    """Whether SQL reads only the schema: PRAGMA schema_version, or a lookup in sqlite_master."""
    if SCHEMA_VERSION.fullmatch(sql):
        return True
    return (SCHEMA_LOOKUP.fullmatch(sql) is not None and "(" not in STRING_LIST.sub("", sql)
            and "current_" not in sql.lower())


def statement_key(sql: str, params) -> tuple:
    """SQL and its parameters (a sequence or a mapping) as a dictionary key."""
    if isinstance(params, dict):
        return sql, tuple(sorted(params.items()))
    return sql, tuple(params or ())


def remember_answers(db) -> None:
    """Make DB (a Datasette Database, immutable) answer each schema question and whole-table aggregate
    once; every other statement, and one that failed or ran out of time, runs as before."""
    _remember_statements(db)
    for name in SCHEMA_METHODS:
        if hasattr(db, name):
            setattr(db, name, _remembering(getattr(db, name)))


def _remember_statements(db) -> None:
    execute = db.execute
    answers: dict[tuple, object] = {}

    async def execute_remembering(sql, params=None, *args, **kwargs):
        if not (is_whole_table_aggregate(sql, params) or is_schema_question(sql)):
            return await execute(sql, params, *args, **kwargs)
        key = statement_key(sql, params)
        if key not in answers:
            _keep(answers, key, await execute(sql, params, *args, **kwargs))
        return answers[key]

    db.execute = execute_remembering


def _remembering(method):
    answers: dict[tuple, object] = {}

    async def remembering(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in answers:
            _keep(answers, key, await method(*args, **kwargs))
        return _copied(answers[key])

    remembering.answers = answers
    return remembering


def _copied(answer):
    # A caller may change the lists and dicts it gets (copy.deepcopy cost 2 ms a page: it copies more).
    if isinstance(answer, list):
        return [_copied(item) for item in answer]
    if isinstance(answer, dict):
        return {key: _copied(item) for key, item in answer.items()}
    return answer


def _keep(answers: dict, key: tuple, answer) -> None:
    # Table names come from URLs, so a stranger can ask about any number of them: the oldest goes.
    if len(answers) >= MAX_REMEMBERED:
        del answers[next(iter(answers))]
    answers[key] = answer
