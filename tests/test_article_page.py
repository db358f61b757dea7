"""The article and author pages, and figure thumbnails, through Datasette's client."""

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette
from datasette.plugins import pm
from datasette_json import sql_path
from db_fixtures import SEED_FILE, SEED_URL, SEEDS

from news_archive.pages import article_page
from news_archive.build import build
from news_archive.ids import stable_id

SEED_ID = stable_id(SEED_URL)
XSS_FILE = Path(__file__).resolve().parent / "data" / "xss_article.md"
XSS_URL = "https://cn.nytimes.com/world/20240203/xss-test/"


def get(ds, path):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    return response


def page(ds, path) -> BeautifulSoup:
    return BeautifulSoup(get(ds, path).text, "html.parser")


def shown_text(element) -> str:
    """The text a reader sees, with <br> as a line break (as paragraphs.text has it)."""
    for br in element.find_all("br"):
        br.replace_with("\n")
    return element.get_text().strip()


@pytest.fixture(scope="module")
def served(archive_path):
    return Datasette([str(archive_path)])


@pytest.fixture(scope="module")
def seed_page(served):
    return page(served, f"/archive/articles/{SEED_ID}").select_one("article.archive-article")


def test_paragraphs_and_figures_in_reading_order(seed_page, archive_db):
    expected = archive_db.execute(
        "select position, text from paragraphs where article_id = :id"
        " union all select position, null from figures where article_id = :id order by position",
        {"id": SEED_ID},
    ).fetchall()
    blocks = seed_page.select(".article-body [data-position]")
    assert [int(b["data-position"]) for b in blocks] == [position for position, _ in expected]
    for block, (position, text) in zip(blocks, expected):
        if text is not None:
            assert shown_text(block) == text, position
    assert len(expected) == 31 and [b.name for b in blocks].count("figure") == 3


@pytest.mark.slow  # every article's page; make test-fast keeps the seed's and one of each paragraph kind
def test_every_article_page_shows_every_paragraph_and_figure(served, archive_db):
    for article_id, blocks in archive_db.execute("select id, paragraph_count + figure_count from articles"):
        html = get(served, f"/archive/articles/{article_id}").text
        assert html.count(' data-position="') == blocks, article_id


@pytest.mark.parametrize("kind, element", [
    ("body", "p"), ("subhead", "h2"), ("list_item", "li"), ("quote", "blockquote"), ("footer", "p"),
])
def test_each_kind_gets_its_element(served, archive_db, kind, element):
    article_id, position = archive_db.execute(
        "select article_id, position from paragraphs where kind = ? order by rowid limit 1", [kind]).fetchone()
    shown = page(served, f"/archive/articles/{article_id}").select_one(f'.article-body [data-position="{position}"]')
    assert (shown.name, shown["class"]) == (element, ["paragraph", f"kind-{kind}"])
    if kind == "list_item":
        assert shown.parent.name == "ul"


def test_header_title_outlet_byline_date_and_editions(seed_page, archive_db):
    assert seed_page.h1.get_text() == "中美重回谈判桌，但言辞分歧凸显双边关系脆弱性"
    assert seed_page["lang"] == "zh-Hans"
    meta = seed_page.select_one(".article-meta")
    assert meta.select_one("a.outlet").get_text() == "纽约时报中文网"
    authors = [(a.get_text(), a["href"]) for a in meta.select(".byline a")]
    assert authors == [
        (name, f"/archive/authors/{author_id}") for author_id, name in archive_db.execute(
            "select authors.id, authors.name from article_authors join authors on authors.id = author_id"
            " where article_id = ? order by position", [SEED_ID])
    ]
    assert [name for name, _ in authors] == ["David Pierson", "Olivia Wang"]
    assert meta.time["datetime"] == "2024-02-01T21:00:55Z" and meta.time.get_text() == "2024-02-01 21:00 UTC"
    assert seed_page.select_one("a.english-edition")["href"] == (
        "https://www.nytimes.com/2024/02/02/world/asia/china-us-fentanyl-iran-north-korea.html")
    assert seed_page.select_one("a.original")["href"] == SEED_URL


def test_figures_with_images_captions_and_credits(seed_page, archive_db):
    expected = archive_db.execute(
        "select image_url, caption, credit from figures where article_id = ? order by position", [SEED_ID]
    ).fetchall()
    figures = seed_page.select("figure")
    assert len(figures) == len(expected) == 3
    for figure, (image_url, caption, credit) in zip(figures, expected):
        img = figure.img
        assert (img["src"], img["loading"], img["referrerpolicy"]) == (image_url, "lazy", "no-referrer")
        assert figure.select_one(".caption").get_text() == caption
        shown_credit = figure.select_one(".credit")
        assert (shown_credit.get_text() if shown_credit else None) == credit
    assert [f.select_one(".credit").get_text() for f in figures[:2]] == [
        "Doug Mills/The New York Times", "Houthi Military Media, via Reuters"]


def test_links_stay_clickable(seed_page, archive_db):
    body = seed_page.select_one(".article-body")
    links = archive_db.execute(
        "select href, text from links where article_id = ? order by position", [SEED_ID]).fetchall()
    assert len(links) == 9
    shown = [(a["href"], a.get_text()) for a in body.select("a[href]") if not a.find("img")]
    assert shown == links
    assert all(a["rel"] == ["nofollow", "noopener", "noreferrer"] for a in body.select("a[href]"))


def test_source_file_and_versions(seed_page, served):
    related = page(served, f"/archive/articles/{SEED_ID}").select_one(".article-related")
    assert SEED_FILE in related.get_text()
    versions = related.select('a[href^="/archive/versions/"]')
    assert [a.get_text() for a in versions] == [SEED_FILE]


def test_raw_columns_stay_below_and_json_is_unchanged(served, archive_db):
    html = page(served, f"/archive/articles/{SEED_ID}")
    table = html.select_one(".row-columns table.rows-and-columns")
    assert [th["data-column"] for th in table.select("th")] == [c.name for c in archive_db["articles"].columns]
    path = f"/archive/articles/{SEED_ID}.json?_shape=objects"
    data = get(served, path).json()
    assert data["rows"] == list(archive_db["articles"].rows_where("id = ?", [SEED_ID]))
    plugin = pm.unregister(name="archive_pages.py")
    try:
        without_plugin = get(served, path).json()
    finally:
        pm.register(plugin, name="archive_pages.py")
    assert {**data, "query_ms": 0} == {**without_plugin, "query_ms": 0}


def test_linked_from_and_links_to(served):
    top = get(served, "/archive/most_linked_articles.json?_shape=objects").json()["rows"][0]
    backlinks = get(served, f"/archive/backlinks.json?_shape=objects&article_id={top['id']}").json()["rows"]
    sources = {row["id"] for row in backlinks}
    assert len(sources) == top["linked_from"] > 1

    target_page = page(served, f"/archive/articles/{top['id']}")
    linked_from = target_page.find("h2", string="Linked from").find_next("ul")
    assert {int(a["href"].rsplit("/", 1)[1]) for a in linked_from.select("a")} == sources

    source_id = backlinks[0]["id"]
    links_to = page(served, f"/archive/articles/{source_id}").find("h2", string="Links to").find_next("ul")
    assert f"/archive/articles/{top['id']}" in [a["href"] for a in links_to.select("a")]


def test_author_page_lists_articles_newest_first(served, archive_db):
    author_id, name, count = archive_db.execute(
        "select id, name, article_count from authors where article_count > 1 order by article_count desc, name"
        " limit 1").fetchone()
    section = page(served, f"/archive/authors/{author_id}").select_one(".author-articles")
    assert section.h1.get_text() == name
    expected = archive_db.execute(
        "select articles.id, articles.published from article_authors join articles on articles.id = article_id"
        " where author_id = ? order by articles.published desc, articles.id", [author_id]).fetchall()
    assert len(expected) == count
    items = section.select("li")
    assert [int(li.a["href"].rsplit("/", 1)[1]) for li in items] == [article_id for article_id, _ in expected]
    shown = [li.time["datetime"] for li in items if li.time]
    assert shown == sorted(shown, reverse=True)


def test_byline_links_to_the_author_page_of_the_seed(served):
    byline_link = page(served, f"/archive/articles/{SEED_ID}").select_one(".byline a")
    author_page = page(served, byline_link["href"])
    assert [a.get_text() for a in author_page.select(".author-articles li a")] == [
        "中美重回谈判桌，但言辞分歧凸显双边关系脆弱性"]


def test_figures_table_and_queries_show_thumbnails(served, archive_db):
    image_url = archive_db.execute(
        "select image_url from figures where article_id = ? order by position limit 1", [SEED_ID]).fetchone()[0]
    for path in (f"/archive/figures?article_id={SEED_ID}",
                 sql_path("archive", sql=f"select image_url from figures where article_id = {SEED_ID}")):
        img = page(served, path).select_one(f'td.col-image_url a[href="{image_url}"] img')
        assert img is not None, path
        assert (img["src"], img["loading"], img["referrerpolicy"]) == (image_url, "lazy", "no-referrer")


def test_other_databases_get_no_thumbnails_or_article_page(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table figures (id integer primary key, image_url text)")
    conn.execute("create table articles (id integer primary key, title text)")
    conn.execute("insert into figures values (1, 'https://example.com/a.jpg')")
    conn.execute("insert into articles values (1, 'A title')")
    conn.commit()
    ds = Datasette([str(other)])
    assert page(ds, "/other/figures").select_one("td.col-image_url img") is None
    assert page(ds, "/other/articles/1").select_one("article") is None


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """The seed and tests/data/xss_article.md, whose title, body and figures carry script."""
    path = tmp_path_factory.mktemp("crafted") / "archive.db"
    build([SEEDS / SEED_FILE, XSS_FILE], path)
    return Datasette([str(path)])


def test_crafted_article_is_sanitized(crafted):
    html = page(crafted, f"/archive/articles/{stable_id(XSS_URL)}")
    article = html.select_one("article.archive-article")
    assert "<script>" in article.h1.get_text()  # shown as text
    assert article.find_all(["script", "style", "svg", "math", "iframe", "object", "img"], recursive=True) == [
        *article.select("figure img")]
    assert [img["src"] for img in article.select("figure img")] == [
        "https://static01.nyt.com/images/xss.jpg\" onerror=\"alert('src')"]
    for element in html.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")], element
        for name in ("href", "src"):
            assert not element.get(name, "").strip().lower().startswith(("javascript:", "data:")), element
    assert not article.select("[style]")
    assert "alert" not in article.select_one(".article-body").get_text()
    assert [a["href"] for a in article.select(".article-body .paragraph a[href]")] == [
        SEED_URL, "https://cn.nytimes.com/relative/path", "https://example.com/ok",
        "https://www.nytimes.com/2024/02/03/world/xss.html"]
    # The crafted article links to the seed: the seed's page lists it under Linked from.
    seed = page(crafted, f"/archive/articles/{SEED_ID}")
    assert [a.get_text() for a in seed.find("h2", string="Linked from").find_next("ul").select("a")] == [
        article.h1.get_text()]


def test_an_archive_built_before_changes_were_kept_still_shows_its_articles(archive_path, tmp_path):
    older = tmp_path / "older.db"
    shutil.copy(archive_path, older)
    with sqlite3.connect(older) as conn:
        conn.execute("drop table changes")
    with sqlite3.connect(older) as conn:
        page = article_page.article(conn, stable_id(SEED_URL))
    assert page["title"] and page["versions"] and page["edit_count"] == 0
