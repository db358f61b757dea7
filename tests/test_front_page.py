"""The front page (/) and an archive database's page: what the archive holds, above Datasette's own
listing; which templates archive databases get (news_archive.pages.site_templates); the overview's data."""

import asyncio
import re
import shutil
import sqlite3
import urllib.parse
from html.parser import HTMLParser

import pytest
from datasette.app import Datasette
from datasette_json import sql_path, table_data, table_url

from markupsafe import escape

from news_archive.research import overview
from news_archive.pages.site_templates import ArchiveTemplateLoader, archive_css_classes
from news_archive_plugins import archive_pages


def get(ds, path):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, path
    return response.text


def section(html: str, database: str = "archive") -> str:
    """The archive overview of one database on a page."""
    match = re.search(rf'<section class="archive-overview" data-database="{database}">(.*?)</section>', html, re.S)
    assert match, f"no overview of {database}"
    return match.group(1)


def without_names(part: str, database: str) -> str:
    """An overview with its database's name and the chart's id taken out, to compare two."""
    for named in (f"/{database}", f'q-{database}"', f">{database}<", f"outlet in {database}"):
        part = part.replace(named, named.replace(database, "DB"))
    return re.sub(r"chart-[0-9a-f]+", "chart", part)


def tags(html: str) -> list[tuple[str, dict]]:
    """Every start tag with its attributes, as a browser reads them."""
    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Parser().feed(html)
    return found


def in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


@pytest.fixture(scope="module")
def conn(archive_path):
    conn = sqlite3.connect(archive_path)
    yield conn
    conn.close()


def scalar(conn, sql, *params):
    return conn.execute(sql, params).fetchone()[0]


@pytest.fixture(scope="module")
def plain_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "plain.db"
    with sqlite3.connect(path) as plain:
        plain.execute("create table notes (id integer primary key, body text)")
        plain.execute("insert into notes (body) values ('hello')")
    return path


@pytest.fixture(scope="module")
def news_copy(archive_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("news") / "news.db"
    shutil.copy(archive_path, path)
    return path


@pytest.fixture(scope="module")
def served(archive_path):
    return Datasette([str(archive_path)], immutables=[])


@pytest.fixture(scope="module")
def served_with_others(archive_path, news_copy, plain_db):
    """The archive, a second copy of it named news, and a database this project did not build."""
    return Datasette([str(archive_path), str(news_copy), str(plain_db)], immutables=[])


# The overview's data, against plain SQL


def test_overview_counts_and_dates(conn):
    data = overview.overview(conn)
    assert data["articles"] == scalar(conn, "select count(*) from articles")
    assert data["outlets"] == scalar(conn, "select count(distinct outlet_id) from articles")
    assert data["paragraphs"] == scalar(conn, "select count(*) from paragraphs")
    assert data["first_published"] == scalar(conn, "select min(published) from articles")
    assert data["last_published"] == scalar(conn, "select max(published) from articles")


def test_overview_outlets(conn):
    expected = conn.execute(
        "select outlet_id, outlets.name, count(*), min(published), max(published) from articles"
        " join outlets on outlets.id = articles.outlet_id group by outlet_id order by count(*) desc, outlet_id"
    ).fetchall()
    assert [(o["id"], o["name"], o["articles"], o["first_published"], o["last_published"])
            for o in overview.overview(conn)["outlet_rows"]] == expected


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last[:7]:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def test_overview_articles_per_month_has_every_month(conn):
    data = overview.overview(conn)
    first, last = conn.execute("select min(published), max(published) from articles").fetchone()
    assert data["months"] == months_between(first, last)
    assert data["months"][0] == "2017-04" and len(data["months"]) == 95  # seeds/: April 2017 to February 2025
    per_outlet = {row["id"]: row["counts"] for row in data["monthly"]}
    for outlet_id, month, count in conn.execute(
            "select outlet_id, substr(published, 1, 7), count(*) from articles group by 1, 2"):
        assert per_outlet[outlet_id][data["months"].index(month)] == count
    assert sum(map(sum, per_outlet.values())) == data["articles"]
    assert [row["id"] for row in data["monthly"]] == [row["id"] for row in data["outlet_rows"]]


def test_overview_latest_articles_and_places(conn):
    data = overview.overview(conn)
    assert [(a["id"], a["title"], a["published"]) for a in data["latest"]] == conn.execute(
        "select id, title, published from articles order by published desc, rowid desc limit 10").fetchall()
    assert data["latest"][0]["outlet"] == scalar(
        conn, "select outlets.name from articles join outlets on outlets.id = outlet_id"
              " order by published desc, articles.rowid desc limit 1")
    assert [(p["name"], p["article_count"]) for p in data["places"]] == conn.execute(
        "select name, article_count from places where article_count > 0"
        " order by article_count desc, name limit 20").fetchall()


def test_overview_of_an_empty_archive(tmp_path):
    from news_archive.build import build

    path = tmp_path / "empty.db"
    build([], path)
    with sqlite3.connect(path) as empty:
        data = overview.overview(empty)
    assert (data["articles"], data["months"], data["latest"], data["first_published"]) == (0, [], [], None)


# The pages


def test_front_page_shows_the_archive_above_datasettes_listing(served, conn):
    html = get(served, "/")
    part = section(html)
    articles = scalar(conn, "select count(*) from articles")
    outlets = scalar(conn, "select count(distinct outlet_id) from articles")
    paragraphs = scalar(conn, "select count(*) from paragraphs")
    first, last = conn.execute("select min(published), max(published) from articles").fetchone()
    assert f"{articles:,} articles" in part and f"{outlets} outlets" in part
    assert f"{paragraphs:,} paragraphs" in part
    assert first[:10] in part and last[:10] in part
    # Datasette's own listing of the database and its tables is still there, below.
    assert html.index('class="archive-overview"') < html.index('<a href="/archive/articles"')


def test_front_page_search_box(served):
    part = section(get(served, "/"))
    form = re.search(r'<form[^>]*class="archive-search"[^>]*>', part).group(0)
    assert 'action="/archive/search"' in form and 'method="get"' in form
    inputs = [attrs for tag, attrs in tags(part) if tag == "input" and attrs.get("name") == "q"]
    assert [attrs["placeholder"] for attrs in inputs] == ['王毅, 台灣, TikTok 字节跳动, "一带一路"']


def test_front_page_chart_has_a_bar_group_per_month(served, conn):
    part = section(get(served, "/"))
    first, last = conn.execute("select min(published), max(published) from articles").fetchone()
    assert re.findall(r'<g class="bar" data-period="([^"]+)"', part) == months_between(first, last)
    cells = scalar(conn, "select count(*) from (select distinct outlet_id, substr(published, 1, 7) from articles)")
    bars = re.findall(r'<g class="bar" data-period="[^"]+">(.*?)</g>', part)
    assert sum(bar.count("<rect ") for bar in bars) == cells
    nyt_june = scalar(conn, "select count(*) from articles where outlet_id = 'nyt' and published like '2020-06%'")
    assert f"<title>纽约时报中文网 · 2020-06: {nyt_june}</title>" in part
    assert '<table class="chart-data">' in part  # the numbers, for screen readers and copying


def test_front_page_outlets_latest_and_places(served, conn):
    part = section(get(served, "/"))
    for outlet_id, name, count, first, last in conn.execute(
            "select outlet_id, outlets.name, count(*), min(published), max(published) from articles"
            " join outlets on outlets.id = outlet_id group by outlet_id"):
        row = re.search(rf'<tr data-outlet="{outlet_id}">(.*?)</tr>', part, re.S).group(1)
        assert f'<a href="/archive/articles?outlet_id={outlet_id}">{name}</a>' in row
        assert in_order(row, [f">{count:,}<", first[:10], last[:10]])
    latest = conn.execute("select id, title from articles order by published desc, rowid desc limit 10").fetchall()
    assert in_order(part, [f'<a href="/archive/articles/{id}">{escape(title)}</a>' for id, title in latest])
    places = conn.execute("select name from places where article_count > 0"
                          " order by article_count desc, name limit 20").fetchall()
    assert in_order(part, [f'href="/archive/articles_mentioning_place?place={urllib.parse.quote(name)}"'
                           for (name,) in places])


def test_database_page_shows_the_overview_then_datasettes_page(served, conn):
    html = get(served, "/archive")
    part = section(html)
    assert f"{scalar(conn, 'select count(*) from articles'):,} articles" in part
    assert in_order(html, ['class="archive-overview"', 'name="sql"', 'id="queries"', 'id="tables"'])
    assert "archive-overview" not in get(served, sql_path("archive", sql="select count(*) from outlets"))  # a query: no overview


def test_a_second_archive_gets_the_same_pages_and_a_plain_database_stock_ones(served_with_others, conn):
    html = get(served_with_others, "/")
    assert without_names(section(html, "archive"), "archive") == without_names(section(html, "news"), "news")
    assert 'data-database="plain"' not in html
    assert 'class="archive-overview"' in get(served_with_others, "/news")
    article_id = scalar(conn, "select id from articles order by published desc limit 1")
    assert '<article class="archive-article"' in get(served_with_others, f"/news/articles/{article_id}")
    author_id = scalar(conn, "select id from authors order by article_count desc limit 1")
    assert 'class="author-articles"' in get(served_with_others, f"/news/authors/{author_id}")
    assert "<details class=\"column-descriptions\">" in get(served_with_others, "/news/articles")
    results = [re.search(r'<ol class="search-results".*?</ol>', get(served_with_others, f"/{name}/search?q=拜登"), re.S)
               .group(0).replace(f"/{name}/", "/DB/") for name in ("archive", "news")]
    assert results[0] == results[1] and "<mark>拜登</mark>" in results[1]
    assert table_data(asyncio.run(served_with_others.client.get(table_url("/news/articles.json"))).json())["facets"]
    plain = get(served_with_others, "/plain")
    assert "archive-overview" not in plain and 'id="tables"' in plain
    assert "column-descriptions" not in get(served_with_others, "/plain/notes")


def test_only_a_plain_database_gets_datasettes_front_page(plain_db):
    html = get(Datasette([str(plain_db)], immutables=[]), "/")
    assert "archive-overview" not in html and '<a href="/plain/notes"' in html


def test_table_page_column_descriptions_are_collapsed(served):
    html = get(served, "/archive/article_place_map")
    details = re.search(r'<details class="column-descriptions"><summary>Column descriptions</summary>(.*?)</details>',
                        html, re.S)
    assert details and "<dt>popup</dt>" in details.group(1)
    assert 'id="map"' not in html or html.index("<details class=\"column-descriptions\">") < html.index('id="map"')


def test_a_users_template_dir_wins(archive_path, tmp_path):
    (tmp_path / "index.html").write_text('{% extends "default:index.html" %}{% block content %}USER INDEX{% endblock %}')
    ds = Datasette([str(archive_path)], immutables=[], template_dir=str(tmp_path))
    html = get(ds, "/")
    assert "USER INDEX" in html and "archive-overview" not in html
    assert 'class="archive-overview"' in get(ds, "/archive")  # names the user did not write are still ours


def test_overview_is_cached_per_database_and_file(archive_path, monkeypatch):
    db = Datasette([str(archive_path)], immutables=[]).get_database("archive")
    first = asyncio.run(archive_pages.archive_overview(db))
    calls = []
    read = overview.overview
    monkeypatch.setattr(overview, "overview", lambda conn: calls.append(1) or read(conn))
    assert asyncio.run(archive_pages.archive_overview(db)) is first and calls == []
    stat = archive_path.stat()
    monkeypatch.setattr(archive_pages, "_file_key", lambda path: (stat.st_mtime_ns + 1, stat.st_size))
    assert calls == [] and asyncio.run(archive_pages.archive_overview(db)) is not first  # a rebuilt file
    assert calls == [1]


# The template loader on its own


@pytest.fixture
def loader(tmp_path):
    ours = tmp_path / "ours"
    ours.mkdir()
    for name in ("archive_index.html", "archive_database.html", "archive_table.html",
                 "archive_row_article.html", "archive_row_author.html"):
        (ours / name).write_text(name)
    user = tmp_path / "user"
    user.mkdir()
    (user / "row-news-articles.html").write_text("the user's")
    return ArchiveTemplateLoader(ours, lambda: ["archive", "news"], str(user))


@pytest.mark.parametrize("name, claimed", [
    ("index.html", "archive_index.html"),
    ("database-archive.html", "archive_database.html"),
    ("database-news.html", "archive_database.html"),
    ("row-archive-articles.html", "archive_row_article.html"),
    ("row-archive-authors.html", "archive_row_author.html"),
    ("table-archive-article_place_map.html", "archive_table.html"),
    ("table-news-paragraphs.html", "archive_table.html"),
    ("row-news-articles.html", None),  # the user's template dir has it
    ("row-archive-paragraphs.html", None),
    ("database-plain.html", None),
    ("table-plain-notes.html", None),
    ("database.html", None),
    ("table.html", None),
    ("query-archive-search.html", None),
])
def test_loader_claims(loader, name, claimed):
    assert loader.claimed(name) == claimed


def test_loader_claims_nothing_without_an_archive(tmp_path):
    loader = ArchiveTemplateLoader(tmp_path, lambda: [], None)
    assert loader.claimed("index.html") is None
    assert loader.list_templates() == []


def test_loader_lists_the_names_it_answers(loader):
    # Datasette's router lists every template (for pages/); table-<db>-<table>.html have no end.
    assert loader.list_templates() == [
        "database-archive.html", "database-news.html", "index.html",
        "row-archive-articles.html", "row-archive-authors.html", "row-archive-changes.html",
        "row-news-authors.html", "row-news-changes.html"]


def test_datasette_serve_builds_its_app_with_the_loader(archive_path):
    ds = Datasette([str(archive_path)], immutables=[])
    asyncio.run(ds.invoke_startup())
    assert ds.app()  # what `datasette serve` does after startup: it lists the templates


def test_loader_source(loader):
    from jinja2 import Environment, TemplateNotFound

    env = Environment(loader=loader)
    assert env.get_template("database-news.html").render() == "archive_database.html"
    with pytest.raises(TemplateNotFound):
        env.get_template("row-news-articles.html")


def test_css_classes_of_served_archives(served_with_others):
    assert sorted(archive_css_classes(served_with_others)) == ["archive", "news"]
