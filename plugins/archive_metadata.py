"""Give every archive database the configuration in metadata.yml.

``datasette .`` reads metadata.yml itself; this hook makes plain ``datasette serve archive.db`` (or
a database file with another name) get the same titles, descriptions, facets and canned queries.
"""

import weakref

from datasette import hookimpl

from news_archive import site

_archive_flags: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _is_archive(database) -> bool:
    if database not in _archive_flags:
        if database.is_memory:
            _archive_flags[database] = False
        else:
            conn = database.connect()
            try:
                _archive_flags[database] = site.is_archive(conn)
            finally:
                conn.close()
    return _archive_flags[database]


@hookimpl
def get_metadata(datasette, key, database, table):
    configured = (datasette._metadata_local or {}).get("databases") or {}
    names = [
        name for name, db in datasette.databases.items()
        if name not in configured and not name.startswith("_") and _is_archive(db)
    ]
    if not names:
        return None
    metadata = site.metadata()
    database_config = metadata.pop("databases")[site.CONFIGURED_DATABASE]
    metadata["databases"] = {name: database_config for name in names}
    return metadata
