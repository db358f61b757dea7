"""Search as users meet it: Datasette's ?_search= on the archive's tables, the search page,
a Datasette without our plugin, and another database's search left as Datasette makes it."""

import asyncio
import json
import subprocess
import sys
from urllib.parse import quote

import pytest
import sqlite_utils
from datasette.app import Datasette
from datasette.utils import escape_fts
from datasette_json import shown_count, table_data, table_url
from db_fixtures import ROOT, SEED_FILE, SEED_URL, SEEDS
from test_search_oracle import Oracle, draw_queries

from news_archive.build import build
from news_archive.ids import stable_id
from news_archive.search import normalize, patterns


def get(ds, path):
    return asyncio.run(ds.client.get(path))


@pytest.fixture(scope="module")
def served(archive_path):
    return Datasette([str(archive_path)])


def search_ids(ds, table, search):
    """Every id Datasette's ?_search= returns, following its pages."""
    ids, path = [], f"/archive/{table}.json?_search={quote(search)}&_col=id&_size=max&_shape=objects"
    while path:
        data = get(ds, path).json()
        assert "error" not in data or data["error"] is None, data
        ids += [row["id"] for row in data["rows"]]
        path = data["next_url"] and data["next_url"].split("localhost", 1)[-1]
    return ids


def oracle_ids(rows, search):
    found = patterns(search)
    return {row_id for row_id, text in rows if found and all(p.search(text) for p in found)}


@pytest.fixture(scope="module")
def paragraphs(archive_db):
    """(texts, Oracle of their normalized texts by paragraph id)."""
    ids, texts = zip(*archive_db.execute("select id, text from paragraphs order by id"))
    return list(texts), Oracle([normalize(text) for text in texts], ids)


@pytest.mark.slow  # 250 searches through Datasette; make test-fast keeps test_search_oracle's, on FTS5 itself
def test_paragraph_search_through_datasette_equals_the_oracle(served, paragraphs):
    texts, oracle = paragraphs
    queries = draw_queries(texts, oracle.texts)
    assert len(queries) >= 300
    true_positives = returned = expected = 0
    mismatches = []
    for category, query in queries[::2]:
        got = set(search_ids(served, "paragraphs", query))
        want = oracle(query)
        returned, expected, true_positives = returned + len(got), expected + len(want), true_positives + len(got & want)
        if got != want:
            mismatches.append((category, query, len(got), len(want)))
    print(f"\n{len(queries[::2])} queries via Datasette ?_search=: precision "
          f"{true_positives / max(returned, 1):.4f}, recall {true_positives / max(expected, 1):.4f}")
    assert mismatches == []


def test_search_totals_are_exact(served, archive_db, paragraphs):
    """A plain ?_search= is counted from its index (plugins/archive_search.py), one with a filter by
    Datasette's own count: both give every matching row."""
    kinds = dict(archive_db.execute("select id, kind from paragraphs"))
    _, oracle = paragraphs
    for query in ["中国", "拜登", "台灣", "美国 疫苗", "11月", "zzzz"]:
        want = oracle(query)
        data = table_data(get(served, table_url(f"/archive/paragraphs.json?_search={quote(query)}")).json())
        assert data["count"] == shown_count(len(want)), query
        data = table_data(get(served, table_url(f"/archive/paragraphs.json?_search={quote(query)}&kind=body")).json())
        assert data["count"] == shown_count(sum(kinds[row_id] == "body" for row_id in want)), query


def test_article_search_ands_terms_across_title_and_paragraphs(served, archive_db):
    articles = {
        row_id: normalize(title + "\n" + (body or ""))
        for row_id, title, body in archive_db.execute(
            "select articles.id, title, (select group_concat(text, char(10)) from paragraphs"
            " where article_id = articles.id) from articles")
    }
    for search in ["王毅", "芬太尼", "台灣", "TikTok 字节跳动", "拜登 伊朗 红海", "11月", '"旧金山愿景"', "中"]:
        want = oracle_ids(articles.items(), search)
        assert set(search_ids(served, "articles", search)) == want, search
    assert stable_id(SEED_URL) in set(search_ids(served, "articles", "拜登 伊朗 红海"))


def test_figure_search_covers_caption_and_credit(served, archive_db):
    rows = [(i, normalize(f"{c or ''}\n{k or ''}")) for i, c, k in archive_db.execute("select id, caption, credit from figures")]
    for search in ["Reuters", "胡塞", "Doug Mills", "getty"]:
        want = oracle_ids(rows, search)
        assert want and set(search_ids(served, "figures", search)) == want, search


def test_search_box_is_on_the_searchable_tables(served):
    for table in ("articles", "paragraphs", "figures"):
        html = get(served, f"/archive/{table}").text
        assert 'name="_search"' in html, table


def test_search_by_column(served, archive_db):
    titles = [(i, normalize(t)) for i, t in archive_db.execute("select id, title from articles")]
    got = get(served, f"/archive/articles.json?_search_title={quote('中美')}&_col=id&_size=max&_shape=objects").json()
    assert {r["id"] for r in got["rows"]} == oracle_ids(titles, "中美")


def canned(ds, q, fmt=".json?"):
    return get(ds, f"/archive/search{fmt}q={quote(q)}")


def results(ds, q):
    return canned(ds, q).json()["results"]


def test_search_page_ranks_the_article_about_it_first(served, archive_db):
    rows = results(served, "芬太尼")
    texts = {
        row_id: normalize(title + "\n" + (body or ""))
        for row_id, title, body in archive_db.execute(
            "select articles.id, title, (select group_concat(text, char(10)) from paragraphs"
            " where article_id = articles.id) from articles")
    }
    assert {r["id"] for r in rows} == oracle_ids(texts.items(), "芬太尼")
    # No title names fentanyl; the seed, which is about it (it holds the word in most paragraphs),
    # ranks first, with its best paragraph as the excerpt.
    assert len(rows) == 5 and rows[0]["id"] == stable_id(SEED_URL)
    assert "<mark>芬太尼</mark>" in rows[0]["excerpt_html"]


def test_search_page_ranks_title_matches_high(served, archive_db):
    rows = results(served, "台湾")
    assert len(rows) == 20
    assert [r["rank"] for r in rows] == sorted((r["rank"] for r in rows), reverse=True)
    assert "台湾" in normalize(rows[0]["title"])
    assert rows[0]["title_html"].count("<mark>台湾</mark>") == 1


def test_search_page_ands_terms_across_the_article(served):
    rows = results(served, "芬太尼 中美")
    seed = next(r for r in rows if r["id"] == stable_id(SEED_URL))
    assert seed["title_html"] == "<mark>中美</mark>重回谈判桌，但言辞分歧凸显双边关系脆弱性"  # 芬太尼 is further down


def test_search_page_highlights_the_original_traditional_text(served):
    rows = results(served, "这里是美国")
    assert rows[0]["title_html"] == "反口罩示威者:「<mark>這裡是美國</mark>!」"


def test_search_page(served):
    page = canned(served, "王毅", fmt="?")
    assert page.status_code == 200
    assert page.text.count("<mark>王毅</mark>") >= 4
    assert "/archive/articles/" in page.text


@pytest.mark.parametrize("q", ["", "   ", '"', "*", "AND", "(", "😀"])
def test_search_page_never_errors(served, q):
    page = canned(served, q, fmt="?")
    assert page.status_code == 200
    assert canned(served, q).status_code == 200


def test_empty_search_shows_help_not_an_error(served):
    page = get(served, "/archive/search")
    assert page.status_code == 200
    assert "Type a word or several" in page.text


def test_markup_in_articles_is_escaped_in_results(tmp_path):
    source = tmp_path / "in" / "xss.md"
    source.parent.mkdir()
    source.write_text(
        "<!--1706864821000-->\n[王毅 &lt;script&gt;alert(1)&lt;/script&gt;](https://example.com/xss)\n------\n"
        "<p>王毅说 &lt;img src=x onerror=alert(1)&gt; 和 &lt;b&gt;粗体&lt;/b&gt;</p>",
        encoding="utf-8",
    )
    build([source.parent], tmp_path / "archive.db", jobs=1)
    ds = Datasette([str(tmp_path / "archive.db")])
    row = results(ds, "王毅")[0]
    assert row["title_html"] == "<mark>王毅</mark> &lt;script&gt;alert(1)&lt;/script&gt;"
    assert row["excerpt_html"] == "<mark>王毅</mark>说 &lt;img src=x onerror=alert(1)&gt; 和 &lt;b&gt;粗体&lt;/b&gt;"
    page = canned(ds, "王毅", fmt="?").text
    assert "<script>alert" not in page and "<img src=x" not in page


NO_PLUGIN = """
import asyncio, json, sys
sys._called_from_test = True  # Datasette then loads no installed plugins: a stock Datasette
from datasette.app import Datasette
ds = Datasette([sys.argv[1]])
out = {"plugins": [p["name"] for p in asyncio.run(ds.client.get("/-/plugins.json")).json()]}
for term in sys.argv[2:]:
    ids, path = [], "/archive/paragraphs.json?_search=" + term + "&_col=id&_size=max&_shape=objects"
    while path:
        data = asyncio.run(ds.client.get(path)).json()
        ids += [row["id"] for row in data["rows"]]
        path = data["next_url"] and data["next_url"].split("localhost", 1)[-1]
    out[term] = sorted(ids)
print(json.dumps(out))
"""


def test_stock_datasette_without_our_plugin_finds_two_character_words(archive_path, paragraphs):
    terms = ["王毅", "拜登", "中国", "台湾", "香港", "疫情"]
    result = subprocess.run([sys.executable, "-c", NO_PLUGIN, str(archive_path), *terms],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    found = json.loads(result.stdout)
    assert found["plugins"] == []
    for term in terms:
        assert found[term] == sorted(paragraphs[1](term)), term


def test_database_opens_in_plain_sqlite(archive_path):
    db = sqlite_utils.Database(archive_path)
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert db.execute("select count(*) from paragraphs_fts where paragraphs_fts match '\"王毅\"'").fetchone()[0] > 0


@pytest.fixture(scope="module")
def with_english_database(archive_path, tmp_path_factory):
    english = tmp_path_factory.mktemp("english") / "english.db"
    db = sqlite_utils.Database(english)
    db["docs"].insert_all(
        [
            {"id": 1, "body": "An apple a day keeps the doctor away"},
            {"id": 2, "body": "Applesauce and apple pie"},
            {"id": 3, "body": "New York is a city; York is older"},
            {"id": 4, "body": "the app store"},
            {"id": 5, "body": "apple OR orange"},
        ],
        pk="id",
    )
    db["docs"].enable_fts(["body"])
    return english, Datasette([str(archive_path), str(english)])


@pytest.mark.parametrize("query, mode", [
    ("apple", None), ("app*", None), ('"new york"', None), ("apple pie", None), ("york", None),
    ("apple OR orange", None), ("apple OR orange", "raw"), ("app* NOT pie", "raw"), ("appl", None),
])
def test_other_databases_keep_datasette_search_semantics(with_english_database, query, mode):
    english, ds = with_english_database
    conn = sqlite_utils.Database(english)
    expression = query if mode == "raw" else escape_fts(query)
    want = sorted(r[0] for r in conn.execute(
        "select rowid from docs_fts where docs_fts match ? order by rowid", [expression]))
    suffix = "&_searchmode=raw" if mode else ""
    data = get(ds, f"/english/docs.json?_search={quote(query)}{suffix}&_shape=objects").json()
    assert sorted(r["id"] for r in data["rows"]) == want


