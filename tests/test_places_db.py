"""Places in the built archive: tables, the map view, facets and canned queries through Datasette."""

import asyncio
import json
import re
from pathlib import Path

import datasette_cluster_map
import pytest
from datasette.app import Datasette
from datasette_json import table_data, table_url
from db_fixtures import SEED_URL

from news_archive.ids import stable_id
from news_archive.places import places

SEED_ID = stable_id(SEED_URL)


def get(ds, path):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    return response


@pytest.fixture(scope="module")
def served(archive_path):
    return Datasette([str(archive_path)])


def test_tables_keys_and_indexes(archive_db):
    assert [c.name for c in archive_db["places"].columns] == [
        "id", "name", "name_en", "kind", "country_id", "country_code", "latitude", "longitude", "population",
        "source_id", "article_count"]
    assert [c.name for c in archive_db["article_places"].columns] == [
        "id", "article_id", "place_id", "mentions", "first_position"]
    foreign_keys = {(fk.table, fk.column, fk.other_table) for t in ("places", "article_places")
                    for fk in archive_db[t].foreign_keys}
    assert foreign_keys == {("places", "country_id", "places"), ("article_places", "article_id", "articles"),
                            ("article_places", "place_id", "places")}
    assert archive_db.execute("pragma foreign_key_check").fetchall() == []
    indexed = {(t, i.columns[0]) for t in ("places", "article_places") for i in archive_db[t].indexes}
    assert {("places", "country_id"), ("article_places", "article_id"), ("article_places", "place_id")} <= indexed


def test_ids_are_stable_and_counts_agree(archive_db):
    beijing = archive_db.execute("select id, source_id, article_count from places where name = '北京'").fetchone()
    assert beijing[0] == stable_id(beijing[1])
    assert beijing[2] == archive_db.execute(
        "select count(*) from article_places where place_id = ?", [beijing[0]]).fetchone()[0] > 10
    pairs = archive_db.execute("select article_id, place_id from article_places").fetchall()
    assert len(pairs) == len(set(pairs))  # one row per article and place
    assert archive_db["places"].count == sum(p.kind != "not_place" for p in places().values())


def test_seed_article_places_and_countries(archive_db):
    names, countries = archive_db.execute("select places, countries from articles where id = ?", [SEED_ID]).fetchone()
    names, countries = json.loads(names), json.loads(countries)
    assert names[:3] == ["中国", "美国", "北京"]
    assert {"曼谷", "旧金山", "红海", "东海", "南海", "上海", "香港", "伊朗", "朝鲜", "台湾"} <= set(names)
    assert {"泰国", "中国", "美国"} <= set(countries) and "红海" not in countries
    red_sea = archive_db.execute(
        "select mentions, first_position from article_places join places on places.id = place_id"
        " where article_id = ? and name = '红海'", [SEED_ID]).fetchone()
    assert red_sea == (3, 13)


def test_map_view_has_coordinates_and_popups(archive_db):
    rows = archive_db.execute("select * from article_place_map where article_id = ?", [SEED_ID]).fetchall()
    columns = [c.name for c in archive_db["article_place_map"].columns]
    assert columns == ["article_id", "title", "published", "place", "kind", "latitude", "longitude", "mentions",
                       "popup"]
    bangkok = dict(zip(columns, next(r for r in rows if r[3] == "曼谷")))
    assert (bangkok["latitude"], bangkok["longitude"]) == (pytest.approx(13.75, abs=0.1), pytest.approx(100.5, abs=0.1))
    popup = json.loads(bangkok["popup"])
    assert popup == {"title": bangkok["title"], "description": "曼谷 · 2024-02-01", "link": f"articles/{SEED_ID}"}
    assert archive_db.execute("select count(*) from article_place_map").fetchone()[0] == archive_db.execute(
        "select count(*) from article_places").fetchone()[0]


def test_map_page_loads_the_cluster_map(served):
    html = get(served, "/archive/article_place_map").text
    assert "datasette-cluster-map.js" in html
    data = get(served, "/archive/article_place_map.json?_shape=objects&place=曼谷").json()
    assert SEED_ID in {row["article_id"] for row in data["rows"]}


def test_the_maps_own_request_for_markers_is_answered(served):
    # The query string the installed datasette-cluster-map adds (1.0 refuses its _extra=next_url alone).
    script = Path(datasette_cluster_map.__file__).with_name("static") / "datasette-cluster-map.js"
    query = re.search(r'const qs = "([^"]+)"', script.read_text()).group(1)
    response = get(served, f"/archive/article_place_map.json?place=曼谷&{query}")
    assert response.status_code == 200 and "next_url" in response.json()
    assert SEED_ID in {row["article_id"] for row in response.json()["rows"]}


def test_filter_and_facet_articles_by_place_and_country(served, archive_db):
    data = table_data(get(served, table_url("/archive/articles.json?places__arraycontains=曼谷&_facet_array=places"
                                            "&_facet_array=countries")).json())
    assert SEED_ID in {row["id"] for row in data["rows"]}
    assert data["count"] == archive_db.execute(
        "select count(*) from article_places join places on places.id = place_id where name = '曼谷'").fetchone()[0]
    countries = {f["value"]: f["count"] for f in data["facets"]["countries"]["results"]}
    assert countries["泰国"] == data["count"]
    assert "曼谷" in {f["value"] for f in data["facets"]["places"]["results"]}


def test_canned_query_articles_mentioning_a_place(served):
    for name in ("曼谷", "Bangkok"):
        rows = get(served, f"/archive/articles_mentioning_place.json?_shape=objects&place={name}").json()["rows"]
        seed = next(row for row in rows if row["id"] == SEED_ID)
        assert (seed["place"], seed["mentions"], seed["first_position"]) == ("曼谷", 1, 2)


def test_canned_query_places_mentioned_together(served, archive_db):
    rows = get(served, "/archive/places_mentioned_together.json?_shape=objects&place=曼谷").json()["rows"]
    assert {row["place"] for row in rows} == {"曼谷"}
    assert "北京" in {row["mentioned_with"] for row in rows}
    top = get(served, "/archive/places_mentioned_together.json?_shape=objects&place=").json()["rows"][0]
    assert {top["place"], top["mentioned_with"]} == {"中国", "美国"}
    assert top["articles"] == archive_db.execute(
        "select count(*) from articles where places like '%\"中国\"%' and places like '%\"美国\"%'").fetchone()[0]
