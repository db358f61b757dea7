"""metadata.yml in the shapes each Datasette version takes it, for any archive database whatever its name.

Datasette 0.65 asks plugins for metadata (the get_metadata hook: titles, descriptions, facets, sort
orders …) and canned queries (the canned_queries hook) on every page. Datasette 1.0 has neither hook:
metadata lives in its internal database (set_*_metadata), table configuration (facets, sort, page
size, label column, FTS table) in ``datasette.config`` (datasette.yaml), and canned queries are
stored queries (add_query); configure() writes all three once, at startup. Either way the user's own
metadata and configuration win: ours fills in only what they leave unset.
"""

from __future__ import annotations

import json

from news_archive.pages import site

# The table keys Datasette 1.0 reads from configuration, not metadata (its "Table configuration").
TABLE_CONFIG_KEYS = ("hidden", "sort", "sort_desc", "size", "sortable_columns", "label_column", "facets",
                     "fts_table", "fts_pk", "searchmode")
# Datasette 0.65 shows the instance's license and source on every page that sets none of its own; 1.0
# dropped that fallback, so configure() copies them down.
INHERITED_KEYS = ("license", "license_url", "source", "source_url")
# The source of the stored queries configure() adds, told apart from users' and datasette.yaml's.
QUERY_SOURCE = "news-archive"


def hook_metadata(names: list[str]) -> dict | None:
    """What 0.65's get_metadata hook returns: metadata.yml's database entry for each of names, less
    its queries (the canned_queries hook gives those)."""
    if not names:
        return None
    metadata = site.metadata()
    database = metadata.pop("databases")[site.CONFIGURED_DATABASE]
    database.pop("queries", None)
    # A copy each: Datasette merges the user's metadata for one name into that name's dict.
    metadata["databases"] = {name: site.copy_dicts(database) for name in names}
    return metadata


def queries() -> dict:
    """metadata.yml's canned queries, name -> {sql, title, description, …} (fresh dicts)."""
    return site.database_metadata().get("queries") or {}


def split_table(table: dict) -> tuple[dict, dict, dict]:
    """A metadata.yml table entry as (metadata, configuration, column descriptions)."""
    metadata = {key: value for key, value in table.items() if key not in TABLE_CONFIG_KEYS and key != "columns"}
    config = {key: value for key, value in table.items() if key in TABLE_CONFIG_KEYS}
    return metadata, config, table.get("columns") or {}


def _text(value) -> str:
    # The internal metadata tables hold text; Datasette stores anything else as JSON, as here.
    return value if isinstance(value, str) else json.dumps(value)


async def _fill(current: dict, wanted: dict, write) -> None:
    for key, value in wanted.items():
        if key not in current:
            await write(key, _text(value))


async def configure(datasette, names: list[str]) -> None:
    """Give Datasette 1.0's archive databases names metadata.yml: metadata, table configuration, queries.
    Without one, nothing: the instance's title and description are the archive's too."""
    if not names:
        return
    metadata = site.metadata()
    database = metadata.pop("databases")[site.CONFIGURED_DATABASE]
    await _fill(await datasette.get_instance_metadata(), metadata, datasette.set_instance_metadata)
    inherited = {key: metadata[key] for key in INHERITED_KEYS if key in metadata}
    for name in names:
        await _configure_database(datasette, name, database, inherited)


async def _configure_database(datasette, name: str, database: dict, inherited: dict) -> None:
    own = {key: value for key, value in database.items() if key not in ("tables", "queries")}
    await _fill(await datasette.get_database_metadata(name), {**inherited, **own},
                lambda key, value: datasette.set_database_metadata(name, key, value))
    tables_config = datasette.config.setdefault("databases", {}).setdefault(name, {}).setdefault("tables", {})
    for table, entry in (database.get("tables") or {}).items():
        metadata, config, columns = split_table(entry)
        await _fill(await datasette.get_resource_metadata(name, table), {**inherited, **metadata},
                    lambda key, value, table=table: datasette.set_resource_metadata(name, table, key, value))
        table_config = tables_config.setdefault(table, {})
        for key, value in config.items():
            table_config.setdefault(key, value)
        for column, description in columns.items():
            if "description" not in await datasette.get_column_metadata(name, table, column):
                await datasette.set_column_metadata(name, table, column, "description", description)
    await _configure_queries(datasette, name, database.get("queries") or {})


async def _configure_queries(datasette, name: str, queries: dict) -> None:
    # A persistent internal database (--internal) still holds the last run's: replaced, or dropped.
    ours = await datasette.list_queries(name, source=QUERY_SOURCE, limit=1000, include_private=True)
    for stale in ours.queries:
        if stale.name not in queries:
            await datasette.remove_query(name, stale.name, source=QUERY_SOURCE)
    for query_name, query in queries.items():
        existing = await datasette.get_query(name, query_name)
        if existing is None or existing.source == QUERY_SOURCE:
            # Trusted, as queries in datasette.yaml are: they run for anyone who may view them.
            await datasette.add_query(name, query_name, query["sql"], title=query.get("title"),
                                      description=query.get("description"),
                                      description_html=query.get("description_html"),
                                      hide_sql=bool(query.get("hide_sql")), fragment=query.get("fragment"),
                                      parameters=query.get("params"), is_trusted=True, source=QUERY_SOURCE)
