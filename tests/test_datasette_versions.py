"""What the plugins do differently on Datasette 0.65 and 1.0 (news_archive.pages.datasette_compat, site_config)."""

import asyncio
import sqlite3

import pytest
from datasette.app import Datasette
from datasette_json import DATASETTE_1

from news_archive.pages import site, site_config
from news_archive.pages.datasette_compat import (defines_hook, keeps_metadata_internally, rejects_extra_next_url,
                                          without_extra_next_url)


@pytest.mark.parametrize("version, rejects", [
    ("0.65.5", False), ("1.0a35", False), ("1.0a36", True), ("1.0a41", True), ("1.0", True), ("1.2.3", True),
])
def test_which_datasettes_refuse_extra_next_url(version, rejects):
    assert rejects_extra_next_url(version) is rejects


def test_only_extra_next_url_leaves_the_query_string():
    query = "place=%E5%8C%97%E4%BA%AC&_size=max&_extra=count&_extra=next_url&_shape=objects".encode()
    assert without_extra_next_url(query) == b"place=%E5%8C%97%E4%BA%AC&_size=max&_extra=count&_shape=objects"
    assert without_extra_next_url("q=北京&_extra=next_url".encode()) == "q=北京".encode()
    assert without_extra_next_url(b"_extra=next_urls") == b"_extra=next_urls"


def test_installed_datasette_is_told_apart():
    assert keeps_metadata_internally(Datasette([])) is DATASETTE_1
    assert defines_hook("get_metadata") is defines_hook("canned_queries") is not DATASETTE_1
    assert defines_hook("startup")


def test_without_an_archive_the_instance_gets_no_archive_metadata(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    html = asyncio.run(Datasette([str(other)]).client.get("/")).text
    assert "Chinese-language news archive" not in html


def test_a_table_entry_splits_into_metadata_configuration_and_columns():
    metadata, config, columns = site_config.split_table(site.database_metadata()["tables"]["places"])
    assert set(metadata) == {"description", "source", "source_url", "license", "license_url"}
    assert config == {"label_column": "name", "sort_desc": "article_count", "facets": ["kind"]}
    assert columns["name_en"] == "Name in English"


def test_hook_metadata_names_each_archive_and_leaves_queries_to_their_hook():
    metadata = site_config.hook_metadata(["archive", "news"])
    assert set(metadata["databases"]) == {"archive", "news"}
    assert "queries" not in metadata["databases"]["news"] and metadata["databases"]["news"]["tables"]
    assert metadata["title"] == site.metadata()["title"]
    assert site_config.hook_metadata([]) is None
    assert set(site_config.queries()) == set(site.database_metadata()["queries"])


def test_other_databases_keep_datasettes_answer_to_extra_next_url(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (latitude, longitude)").connection.commit()
    response = asyncio.run(Datasette([str(other)]).client.get("/other/t.json?_extra=next_url"))
    assert response.status_code == (400 if rejects_extra_next_url() else 200)


@pytest.mark.skipif(not DATASETTE_1, reason="stored queries are Datasette 1.0's; 0.65 asks the canned_queries hook")
def test_startup_replaces_its_own_stored_queries_and_leaves_others(archive_path):
    async def run():
        ds = Datasette([str(archive_path)])
        await ds.invoke_startup()
        # As a persistent --internal database would hold them after metadata.yml changed:
        await ds.update_query("archive", "backlinks", sql="select 1")
        await ds.add_query("archive", "dropped_from_metadata", "select 2", source=site_config.QUERY_SOURCE)
        await ds.remove_query("archive", "photo_agencies")
        await ds.add_query("archive", "photo_agencies", "select 3", source="user")
        await site_config.configure(ds, ["archive"])
        return {name: await ds.get_query("archive", name)
                for name in ("backlinks", "dropped_from_metadata", "photo_agencies")}

    queries = asyncio.run(run())
    assert queries["backlinks"].sql == site_config.queries()["backlinks"]["sql"]
    assert queries["dropped_from_metadata"] is None
    assert (queries["photo_agencies"].sql, queries["photo_agencies"].source) == ("select 3", "user")


def test_a_database_hidden_from_the_actor_shows_no_search_or_overview(archive_path):
    # allow: false in metadata denies view-database on both (1.0 moves it into its configuration).
    ds = Datasette([str(archive_path)], metadata={"databases": {"archive": {"allow": False}}})
    assert asyncio.run(ds.client.get("/archive/search?q=王毅")).status_code == 403
    front = asyncio.run(ds.client.get("/"))
    assert front.status_code == 200 and 'class="archive-overview"' not in front.text
