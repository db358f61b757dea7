"""The archive as Datasette serves it: installed plugin (`datasette serve archive.db`) and `datasette .`."""

import asyncio
import csv
import io
import json
import shutil
import sqlite3
import tomllib

import pytest
import yaml
from datasette.app import Datasette
from datasette_json import queries_path, shown_count, sql_path, table_data, table_url
from db_fixtures import ROOT, SEED_URL

from news_archive.ids import stable_id

TABLES = ["outlets", "authors", "articles", "article_authors", "paragraphs", "figures", "links", "versions",
          "build_errors"]


def get(ds, path):
    return asyncio.run(ds.client.get(path))


@pytest.fixture(scope="module")
def served(archive_path):
    """Like `datasette serve archive.db` with the project installed."""
    return Datasette([str(archive_path)])


@pytest.fixture(scope="module")
def config_dir(archive_path, tmp_path_factory):
    """Like `datasette .` in the repository root: metadata.yml, plugins/, templates/ beside the db."""
    directory = tmp_path_factory.mktemp("site")
    for name in ("metadata.yml", "settings.json", "datasette.yaml", "plugins", "templates"):
        (directory / name).symlink_to(ROOT / name)
    shutil.copy(archive_path, directory / "archive.db")
    return Datasette([str(directory / "archive.db")], config_dir=directory)


@pytest.mark.parametrize("table", TABLES)
def test_each_table_json_and_csv(served, archive_db, table):
    response = get(served, table_url(f"/archive/{table}.json?_size=5"))
    assert response.status_code == 200
    data = table_data(response.json())
    columns = [c.name for c in archive_db[table].columns]
    assert data["columns"] == columns
    assert data["count"] == shown_count(archive_db[table].count)
    assert len(data["rows"]) == min(5, archive_db[table].count)
    assert get(served, f"/archive/{table}").status_code == 200  # the HTML page, with its next-page link
    response = get(served, f"/archive/{table}.csv?_size=max")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == columns
    assert len(rows) - 1 == min(archive_db[table].count, 1000)


def test_site_title_and_descriptions_come_from_metadata(served):
    assert "<h1>Chinese-language news archive</h1>" in get(served, "/").text
    html = get(served, "/archive/articles").text
    assert "One row per article (canonical URL)" in html
    assert "Publication time, UTC ISO 8601" in html  # column descriptions show on the table page
    # The instance's license shows on every page that names none, as 0.65 does by itself (1.0 does not).
    assert '<a href="https://www.apache.org/licenses/LICENSE-2.0">' in html
    assert "GeoNames data CC BY 4.0" in get(served, "/archive/places").text  # a table's own wins


def test_the_users_metadata_wins_and_ours_fills_the_rest(archive_path):
    mine = {"title": "My archive", "databases": {"archive": {"tables": {"articles": {"description": "Mine"}}}}}
    ds = Datasette([str(archive_path)], metadata=mine)
    assert "<h1>My archive</h1>" in get(ds, "/").text
    html = get(ds, "/archive/articles").text
    assert "Mine" in html and "One row per article" not in html and "Publication time, UTC ISO 8601" in html
    assert set(table_data(get(ds, table_url("/archive/articles.json")).json())["facets"]) == {"outlet_id", "section", "year"}


def test_canned_queries_run_where_ad_hoc_sql_is_off(archive_path):
    # Configuration, as queries in datasette.yaml are: 1.0 runs them without execute-sql (trusted).
    ds = Datasette([str(archive_path)], settings={"default_allow_sql": False})
    assert get(ds, sql_path("archive", ".json", sql="select 1")).status_code == 403
    assert _query(ds, "articles_by_author", author="Olivia")[0]["author"] == "Olivia Wang"


def test_default_facets_and_newest_first(served, archive_db):
    data = table_data(get(served, table_url("/archive/articles.json")).json())
    assert set(data["facets"]) == {"outlet_id", "section", "year"}
    outlets = {f["value"]: f["count"] for f in data["facets"]["outlet_id"]["results"]}
    assert outlets["nyt"] == archive_db.execute("select count(*) from articles where outlet_id = 'nyt'").fetchone()[0]
    published = [row["published"] for row in data["rows"]]
    assert published == sorted(published, reverse=True)
    # The array facets are there for the asking (not by default: they read every row).
    data = table_data(get(served, table_url("/archive/articles.json?_facet_array=authors&_facet_array=countries")).json())
    assert set(data["facets"]) == {"outlet_id", "section", "year", "authors", "countries"}
    top_author = data["facets"]["authors"]["results"][0]
    assert (top_author["value"], top_author["count"]) == archive_db.execute(
        "select name, article_count from authors order by article_count desc, name limit 1").fetchone()


def test_facet_narrows_results(served, archive_db):
    data = table_data(get(served, table_url("/archive/articles.json?outlet_id=bbc&_facet=section")).json())
    assert data["count"] == archive_db.execute(
        "select count(*) from articles where outlet_id = 'bbc'").fetchone()[0]
    sections = {f["value"] for f in data["facets"]["section"]["results"]}
    assert "science" in sections


def test_facets_on_figures_and_links(served, archive_db):
    for name, column in (("figures", "credit"), ("links", "domain")):
        top = table_data(get(served, table_url(f"/archive/{name}.json")).json())["facets"][column]["results"][0]
        assert (top["value"], top["count"]) == archive_db.execute(
            f"select {column}, count(*) from {name} where {column} is not null"
            f" group by {column} order by count(*) desc, {column} limit 1"
        ).fetchone()


def test_foreign_keys_are_labelled(served):
    data = get(served, f"/archive/article_authors.json?article_id={stable_id(SEED_URL)}"
                       "&_sort=position&_labels=on&_shape=objects").json()
    assert [row["author_id"]["label"] for row in data["rows"]] == ["David Pierson", "Olivia Wang"]


def _query(ds, name, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = get(ds, f"/archive/{name}.json?_shape=objects&{query}")
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def test_canned_query_articles_by_author(served):
    rows = _query(served, "articles_by_author", author="pierson")
    assert [(r["title"], r["author"]) for r in rows] == [("中美重回谈判桌，但言辞分歧凸显双边关系脆弱性", "David Pierson")]


def test_canned_query_most_cited_domains(served, archive_db):
    rows = _query(served, "most_cited_domains")
    assert rows[0]["links"] >= rows[-1]["links"]
    top = rows[0]
    assert top["links"] == archive_db.execute(
        "select count(*) from links join paragraphs on paragraphs.id = links.paragraph_id"
        " where links.domain = ? and paragraphs.kind not in ('footer', 'credit')", [top["domain"]]
    ).fetchone()[0]


def test_canned_query_photo_agencies(served):
    rows = _query(served, "photo_agencies")
    counts = {r["credit"]: r["figures"] for r in rows}
    assert counts["Doug Mills/The New York Times"] >= 1
    assert [r["figures"] for r in rows] == sorted((r["figures"] for r in rows), reverse=True)


def test_canned_query_articles_per_month(served, archive_db):
    rows = _query(served, "articles_per_month")
    assert sum(r["articles"] for r in rows) == archive_db.execute(
        "select count(*) from articles where published is not null").fetchone()[0]
    assert {"month": "2024-02", "outlet": "纽约时报中文网", "articles": 1} in rows


def test_canned_query_backlinks_and_most_linked(served, archive_db):
    most = _query(served, "most_linked_articles")
    assert most, "seeds hold articles that link to each other"
    target = most[0]
    backlinks = _query(served, "backlinks", article_id=target["id"])
    assert len({b["id"] for b in backlinks}) == target["linked_from"]


def test_canned_query_english_editions(served):
    rows = _query(served, "english_editions")
    assert {r["id"] for r in rows} >= {stable_id(SEED_URL)}
    assert len(rows) == 239
    assert all("nytimes.com" in r["english_url"] for r in rows)


def test_canned_query_build_problems(served):
    rows = _query(served, "build_problems")
    assert rows == [{
        "level": "warning", "error": "empty body: the file has a title and URL but no paragraphs or figures",
        "files": 2, "example": "edge-cases/2020-09-08-专访：不要看空美国股市_可能涨得更高--贝莱德高管.md",
    }]


def query_names(ds, database="archive") -> set[str]:
    return {q["name"] for q in get(ds, queries_path(database)).json()["queries"]}


def test_config_directory_mode_has_the_same_configuration(served, config_dir):
    assert get(config_dir, "/archive.json").status_code == 200
    assert "<h1>Chinese-language news archive</h1>" in get(config_dir, "/").text
    assert query_names(served) == query_names(config_dir) == set(site_queries())
    facets = table_data(get(config_dir, table_url("/archive/articles.json")).json())["facets"]
    assert set(facets) == {"outlet_id", "section", "year"}
    assert _query(config_dir, "articles_by_author", author="Olivia")[0]["author"] == "Olivia Wang"


def site_queries() -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["archive"]["queries"]


def test_config_directory_settings_turn_facet_suggestions_off(config_dir, served):
    assert get(config_dir, "/-/settings.json").json()["suggest_facets"] is False
    assert get(served, "/-/settings.json").json()["suggest_facets"] is True  # plain serve: the README passes --setting


def test_datasette_1_and_0_65_read_the_same_settings_for_datasette_dot():
    # 0.65 reads settings.json, 1.0 datasette.yaml: the one thing the two files must both say.
    assert yaml.safe_load((ROOT / "datasette.yaml").read_text()) == {
        "settings": json.loads((ROOT / "settings.json").read_text())}


def test_plugins_are_registered_once_in_config_directory_mode(config_dir):
    entry_points = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["datasette"]
    names = [plugin["name"] for plugin in get(config_dir, "/-/plugins.json").json()
             if plugin["name"].startswith(("news", "archive"))]
    # One entry per module, all from the installed package: plugins/*.py (the same modules) are not added again.
    assert names == ["news-archive"] * len(entry_points)


def test_any_archive_database_name_gets_the_configuration(archive_path, tmp_path):
    renamed = tmp_path / "my-news.db"
    shutil.copy(archive_path, renamed)
    ds = Datasette([str(renamed)])
    assert query_names(ds, "my-news") == set(site_queries())
    data = table_data(get(ds, table_url("/my-news/articles.json")).json())
    assert set(data["facets"]) == {"outlet_id", "section", "year"} and len(data["rows"]) == 30
    assert [row["published"] for row in data["rows"]] == sorted((row["published"] for row in data["rows"]), reverse=True)
    html = get(ds, "/my-news/articles").text
    assert "One row per article (canonical URL)" in html and "Publication time, UTC ISO 8601" in html


def test_other_databases_get_no_archive_configuration(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table articles (id integer primary key)").connection.commit()
    ds = Datasette([str(other)])
    assert query_names(ds, "other") == set()


def test_startup_freezes_what_lives_as_long_as_the_server(archive_path, tmp_path):
    import gc

    gc.unfreeze()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    asyncio.run(Datasette([str(other)]).invoke_startup())
    assert gc.get_freeze_count() == 0  # not an archive: left alone
    asyncio.run(Datasette([str(archive_path)]).invoke_startup())
    assert gc.get_freeze_count() > 10_000


def test_articles_pages_hold_30_rows(served):
    data = get(served, "/archive/articles.json?_shape=objects").json()
    assert len(data["rows"]) == 30 and data["next"]


@pytest.mark.parametrize("query", ["_sort=text", "_sort_desc=html"])
def test_a_sort_the_table_does_not_offer_is_a_bad_request(served, query):
    # paragraphs offers only the sorts an index orders (metadata.yml's sortable_columns).
    response = get(served, f"/archive/paragraphs?{query}")
    assert response.status_code == 400
    assert "Cannot sort table by" in response.text
    assert get(served, "/archive/paragraphs?_sort=kind").status_code == 200


def test_a_file_that_is_not_sqlite_is_no_archive(tmp_path):
    # Our plugins ask first at startup; Datasette's own check then reports the file.
    from news_archive.pages.site import is_archive

    path = tmp_path / "notes.db"
    path.write_text("not a database")
    with sqlite3.connect(path) as conn:
        assert is_archive(conn) is False
