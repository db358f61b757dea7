"""Hostile SQL: writes and ATTACH are refused, a runaway query is stopped, the server keeps answering.

Checked twice: through Datasette's in-process client with settings.json, and against a real
`datasette serve -i` started with the Makefile's serve settings.
"""

import asyncio
import json
import re
import time

import httpx
import yaml
from datasette.app import Datasette
from datasette_json import sql_path
from db_fixtures import ROOT
from servers import datasette_serve

SETTINGS = json.loads((ROOT / "settings.json").read_text())
SERVE_SETTINGS = re.findall(r"--setting (\S+) (\S+)", (ROOT / "Makefile").read_text())
LIMIT_S = SETTINGS["sql_time_limit_ms"] / 1000
REFUSED = [
    "insert into outlets (id, name) values ('x', 'x')",
    "update articles set title = 'x'",
    "delete from paragraphs",
    "drop table articles",
    "pragma writable_schema = 1",
    "pragma writable_schema = on; update sqlite_master set sql = ''",
    "attach database '/tmp/x.db' as x",
    "vacuum into '/tmp/x.db'",
]
RUNAWAY = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


def test_settings_agree():
    assert dict(SERVE_SETTINGS) == {"suggest_facets": "off", "sql_time_limit_ms": str(SETTINGS["sql_time_limit_ms"])}
    assert SETTINGS["suggest_facets"] is False


def test_no_canned_query_writes():
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    queries = {name: q for db in metadata["databases"].values() for name, q in db.get("queries", {}).items()}
    assert queries
    for name, query in queries.items():
        assert not query.get("write"), name
        assert re.match(r"\s*(select|with)\b", query["sql"], re.I), name


def _check_hostile_sql(get) -> None:
    """`get(path)` returns (status, json); the same checks for the in-process and the real server."""
    for sql in REFUSED:
        status, body = get(sql_path("archive", ".json", sql=sql))
        assert status == 400 and body["ok"] is False, (sql, body)
    started = time.monotonic()
    status, body = get(sql_path("archive", ".json", sql=RUNAWAY))
    elapsed = time.monotonic() - started
    assert status == 400 and "too long" in body["error"], body
    assert LIMIT_S <= elapsed < LIMIT_S + 3
    started = time.monotonic()
    status, body = get("/archive/articles.json?_size=5&outlet_id=nyt")
    assert status == 200 and len(body["rows"]) == 5
    assert time.monotonic() - started < 2
    status, body = get(sql_path("archive", ".json", sql="select count(*) as n from outlets", _shape="objects"))
    assert status == 200 and body["rows"][0]["n"] > 0  # ad-hoc SQL still works


def test_hostile_sql_in_process(archive_path):
    ds = Datasette(immutables=[str(archive_path)], settings=SETTINGS)

    def get(path):
        response = asyncio.run(ds.client.get(path))
        return response.status_code, response.json()

    _check_hostile_sql(get)


def test_hostile_sql_against_a_real_server(archive_path):
    settings = [arg for name, value in SERVE_SETTINGS for arg in ("--setting", name, value)]
    with datasette_serve(archive_path, *settings) as base, httpx.Client(base_url=base, timeout=30) as client:

        def get(path):
            response = client.get(path)
            return response.status_code, response.json()

        _check_hostile_sql(get)
