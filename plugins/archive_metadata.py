"""Give every archive database the configuration in metadata.yml.

``datasette .`` reads metadata.yml itself; this hook makes plain ``datasette serve archive.db`` (or
a database file with another name) get the same titles, descriptions, facets and canned queries.
"""

from datasette import hookimpl

from news_archive import site


@hookimpl
def get_metadata(datasette, key, database, table):
    configured = (datasette._metadata_local or {}).get("databases") or {}
    names = [
        name for name, db in datasette.databases.items()
        if name not in configured and not name.startswith("_") and site.is_archive_database(db)
    ]
    if not names:
        return None
    metadata = site.metadata()
    database_config = metadata.pop("databases")[site.CONFIGURED_DATABASE]
    metadata["databases"] = {name: database_config for name in names}
    return metadata
