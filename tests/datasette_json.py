"""Datasette's JSON and SQL URLs as the tests read them, the same on 0.65 and 1.0, whose shapes differ.

1.0 returns a table's columns, count and facets only when ``?_extra=`` asks for them (0.65 ignores
the parameter and returns everything), nests facets under "results", calls the count "count" not
"filtered_table_rows_count" and stops counting after 10,000 rows, runs SQL at /DB/-/query (0.65:
/DB?sql=, which 1.0 redirects), and lists only five canned queries in /DB.json (all of them at
/DB/-/queries.json).
"""

from urllib.parse import urlencode

from datasette.version import __version__

DATASETTE_1 = int(__version__.split(".")[0]) >= 1
TABLE_EXTRAS = "_shape=objects&_extra=columns&_extra=count&_extra=facet_results"


def shown_count(rows: int) -> int:
    """The count table_data() gives for a table or filter matching rows: 1.0 stops counting at 10,001
    (count_truncated; its pages say "10,000+ rows"), but for immutable files' inspect-file counts."""
    return min(rows, 10_001) if DATASETTE_1 else rows


def table_url(path: str) -> str:
    """A table's .json path (with or without a query string), asking for what table_data() reads."""
    return path + ("&" if "?" in path else "?") + TABLE_EXTRAS


def table_data(data: dict) -> dict:
    """A table_url() response as {"columns", "count", "facets", "rows" (dicts), "next"}."""
    facets = data.get("facet_results") or {}
    return {
        "columns": data["columns"],
        "count": data["count"] if DATASETTE_1 else data["filtered_table_rows_count"],
        "facets": facets["results"] if DATASETTE_1 else facets,
        "rows": data["rows"],
        "next": data["next"],
    }


def sql_path(database: str, fmt: str = "", **params) -> str:
    """The page running ?sql= (and other params) on a database; fmt ".json" for its JSON."""
    base = f"/{database}/-/query{fmt}" if DATASETTE_1 else f"/{database}{fmt}"
    return f"{base}?{urlencode(params)}"


def queries_path(database: str) -> str:
    """JSON listing every canned query of a database under "queries" (each with its "name")."""
    return f"/{database}/-/queries.json?_size=max" if DATASETTE_1 else f"/{database}.json"
