"""An immutable archive answers every page as a mutable one does, asking SQLite each schema question once."""

import asyncio

import pytest
from datasette.app import Datasette
from datasette.cli import inspect_ as datasette_inspect
from datasette.database import Database

import news_archive_plugins.archive_serving as archive_serving
from news_archive.pages.remembered import MAX_REMEMBERED, is_schema_question, is_whole_table_aggregate

ARTICLES_SQL = ("select id, title, url, outlet_id, section from articles ")
FACET = """
                select {col} as value, count(*) as count from (
                    {inner}
                )
                where {col} is not null
                group by {col} order by count desc, value limit 31
            """

PAGES = [
    "/archive/articles.json?_facet=outlet_id&_facet=section&_facet=year",
    "/archive/articles.json?_facet=section&outlet_id=nyt",
    "/archive/article_place_map.json",
    "/archive/article_place_map.json?place=北京",
    "/archive/paragraphs.json?_search=王毅",
    "/archive/figures.json?_facet=article_id",
    "/archive/versions.json?_facet_size=5&_facet=article_id",
    "/archive/places_mentioned_together.json?place=北京",
    "/archive.json?sql=select+name,+type+from+sqlite_master+where+type+in+('table','view')+order+by+name",
    "/archive.json",
    "/.json",
]


@pytest.mark.parametrize("sql", [
    "select count(*) from article_place_map ",
    "select count(*) from [articles]",
    'select count(*) from "article places"',
    "select count(*) from (select * from article_place_map  limit 10001)",
    FACET.format(col="outlet_id", inner=ARTICLES_SQL),
    FACET.format(col='"section"', inner=ARTICLES_SQL),
])
def test_whole_table_counts_and_facets_are_recognised(sql):
    assert is_whole_table_aggregate(sql, []) and is_whole_table_aggregate(sql, None)


@pytest.mark.parametrize("sql, params", [
    ("select count(*) from articles where outlet_id = :p0", {"p0": "nyt"}),  # filtered
    ("select count(*) from articles ", {"p0": "nyt"}),  # parameters: another question each time
    ("select count(*) from articles where year = 2020", []),
    ("select count(*), random() from articles", []),
    (FACET.format(col="outlet_id", inner=ARTICLES_SQL + 'where "outlet_id" = :p0'), {"p0": "nyt"}),
    (FACET.format(col="outlet_id", inner=ARTICLES_SQL + "where year = 2020"), []),
    (FACET.format(col="x", inner="select abs(random()) % 2 as x from articles "), []),
    (FACET.format(col="x", inner="select current_timestamp as x from articles "), []),
])
def test_anything_that_could_change_is_not(sql, params):
    assert not is_whole_table_aggregate(sql, params)


@pytest.mark.parametrize("sql, expected", [
    ("PRAGMA schema_version", True),
    ("select sql from sqlite_master where name = :n and type=:t", True),
    ("select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase", True),
    ("select name from sqlite_master where type='view'", True),
    ("select name, random() from sqlite_master", False),
    ("select name from sqlite_master where name in (select name from pragma_table_list())", False),
    ("select name, current_timestamp from sqlite_master", False),
    ("select * from articles", False),
    ("PRAGMA table_info(articles)", False),
])
def test_schema_questions(sql, expected):
    assert is_schema_question(sql) is expected


def _without_timings(value):
    if isinstance(value, dict):
        return {key: _without_timings(item) for key, item in value.items() if key not in ("query_ms", "_trace")}
    if isinstance(value, list):
        return [_without_timings(item) for item in value]
    return value


async def _pages(ds: Datasette) -> dict:
    answers = {}
    for page in PAGES:
        response = await ds.client.get(page, follow_redirects=True)  # 1.0 answers ?sql= at /-/query
        answers[page] = (response.status_code, _without_timings(response.json()))
    for page in ("/archive/articles", "/archive/article_place_map", "/archive/no_such_table"):
        response = await ds.client.get(page)
        answers[page] = response.status_code
    return answers


def test_immutable_pages_equal_mutable_ones_and_ask_sqlite_once(archive_path, monkeypatch):
    statements = []
    execute = Database.execute

    async def counting(self, sql, *args, **kwargs):
        if self.name == "archive":
            statements.append(sql)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", counting)

    async def run():
        inspect_data = await datasette_inspect([str(archive_path)], [])
        with monkeypatch.context() as unremembered:  # as Datasette serves it without this plugin's memory
            unremembered.setattr(archive_serving, "remember_answers", lambda db: None)
            asked = await _pages(Datasette(immutables=[str(archive_path)], inspect_data=inspect_data))
        immutable = Datasette(immutables=[str(archive_path)], inspect_data=inspect_data)
        first = await _pages(immutable)
        del statements[:]
        second = await _pages(immutable)
        return asked, first, second

    asked, first, second = asyncio.run(run())
    assert first == asked and second == asked
    facets = first["/archive/articles.json?_facet=outlet_id&_facet=section&_facet=year"][1]["facet_results"]
    assert facets.get("results", facets)["year"]["results"]  # 1.0 puts the facets under "results"
    assert first["/archive/article_place_map"] == 200 and first["/archive/no_such_table"] == 404
    # The second time round, only what a request can vary reaches SQLite.
    assert not [sql for sql in statements if is_schema_question(sql) or is_whole_table_aggregate(sql, None)]
    assert any("where" in sql for sql in statements)  # the filtered pages still ask


def test_remembered_answers_are_bounded_and_copied(archive_path):
    async def run():
        ds = Datasette(immutables=[str(archive_path)])
        await ds.invoke_startup()
        db = ds.get_database("archive")
        for number in range(MAX_REMEMBERED + 50):
            assert await db.table_exists(f"no_such_table_{number}") is False
        assert await db.table_exists("articles") is True
        assert len(db.table_exists.answers) == MAX_REMEMBERED
        columns = await db.table_columns("articles")
        columns.append("changed by a caller")
        assert await db.table_columns("articles") == columns[:-1]

    asyncio.run(run())
