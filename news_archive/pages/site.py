"""The Datasette site configuration shipped with the package: metadata.yml and templates/.

The repository root is a Datasette configuration directory (``datasette .``); the package carries
the same files (``site_files/`` links to them) so an installed plugin serves them to
``datasette serve archive.db`` too.
"""

from __future__ import annotations

import re
import sqlite3
import weakref
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml

SITE_FILES = files("news_archive") / "site_files"
# The database name metadata.yml configures; any other archive database gets the same configuration.
CONFIGURED_DATABASE = "archive"
# Tables whose presence marks a database as one this project built.
ARCHIVE_TABLES = {"articles", "paragraphs", "figures", "links", "versions"}


@lru_cache(maxsize=1)
def _metadata() -> dict:
    return yaml.safe_load((SITE_FILES / "metadata.yml").read_text(encoding="utf-8"))


def metadata() -> dict:
    """A fresh copy of the dicts: Datasette merges metadata sources into the dicts it is given (it
    replaces lists and strings, never changes them, so those are shared)."""
    return copy_dicts(_metadata())


def copy_dicts(value):
    """VALUE with each of its dicts, however deep, copied; lists and strings shared."""
    return {key: copy_dicts(item) for key, item in value.items()} if isinstance(value, dict) else value


def database_metadata() -> dict:
    return metadata()["databases"][CONFIGURED_DATABASE]


def templates_dir() -> Path:
    return Path(str(SITE_FILES / "templates")).resolve()


def is_archive(conn: sqlite3.Connection) -> bool:
    try:
        names = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.DatabaseError:  # not SQLite at all: Datasette's own check then names the file
        return False
    return ARCHIVE_TABLES <= names


_archive_databases: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def is_archive_database(database) -> bool:
    """is_archive for a Datasette Database, asked once per database (hooks ask on every request)."""
    if database not in _archive_databases:
        if database.is_memory:
            _archive_databases[database] = False
        else:
            conn = database.connect()
            try:
                _archive_databases[database] = is_archive(conn)
            finally:
                conn.close()
    return _archive_databases[database]


def archive_databases(datasette) -> dict:
    """The archive databases DATASETTE serves, by name (not its internal ones)."""
    return {name: db for name, db in datasette.databases.items()
            if not name.startswith("_") and is_archive_database(db)}


def archive_database_pattern(datasette) -> str | None:
    """A route pattern group, ``(?P<database>...)``, matching the URL names of the served archive
    databases; None when none is served (plugin routes then register nothing)."""
    from datasette.utils import tilde_encode

    names = [re.escape(tilde_encode(name)) for name in archive_databases(datasette)]
    return f"(?P<database>{'|'.join(names)})" if names else None
