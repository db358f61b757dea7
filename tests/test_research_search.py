"""The search page (/archive/search and its .json/.csv/.atom, series and sentences) against an
independent scan of seeds/: every article's title, lead and paragraphs normalized and matched with
the oracle's regular expressions, filters applied from the columns with plain Python."""

import asyncio
import csv
import io
import random
from collections import Counter
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

import pytest
from datasette.app import Datasette
from datasette_json import sql_path, table_data, table_url

from test_search_oracle import draw_queries

from news_archive.search import normalize, patterns
from news_archive.search.terms import parse

QUERY_COUNT = 200


def get(ds, path):
    return asyncio.run(ds.client.get(path))


@pytest.fixture(scope="module")
def ds(archive_path):
    datasette = Datasette([str(archive_path)])
    asyncio.run(datasette.invoke_startup())
    return datasette


class Scan:
    """The archive read with plain SQL and matched with regular expressions, no FTS."""

    def __init__(self, db):
        self.articles = {
            row["id"]: row
            for row in db.query("select id, title, lead, outlet_id, section, published from articles")
        }
        self.paragraphs = {aid: [] for aid in self.articles}
        for row in db.query("select id, article_id, text from paragraphs order by id"):
            self.paragraphs[row["article_id"]].append((row["id"], normalize(row["text"])))
        self.titles = {aid: [normalize(row["title"] or ""), normalize(row["lead"] or "")] for aid, row in self.articles.items()}
        self.places = {}
        for row in db.query("select places.name, places.name_en, article_places.article_id from article_places"
                            " join places on places.id = article_places.place_id"):
            for name in (row["name"], (row["name_en"] or "").lower()):
                self.places.setdefault(name, set()).add(row["article_id"])
        self.joined = {aid: "\n".join(self.titles[aid] + [t for _, t in self.paragraphs[aid]]) for aid in self.articles}
        self._matching = {}

    def matching(self, search, filters=None):
        return {aid for aid in self.matching_all(search) if self.passes(aid, filters or {})}

    def matching_all(self, search):
        """The articles every pattern of the search matches somewhere in (title, lead or a paragraph),
        scanned once per search for all the filters a test tries. A pattern holds its pieces as they are
        (test_search_oracle.Oracle), so only articles whose texts hold every piece are scanned."""
        if search not in self._matching:
            found = patterns(search)
            pieces = [piece.text for term in parse(search) for piece in term.pieces]
            self._matching[search] = {
                aid for aid in self.articles
                if found and all(piece in self.joined[aid] for piece in pieces)
                and all(any(p.search(text) for text in self.titles[aid] + [t for _, t in self.paragraphs[aid]])
                        for p in found)
            }
        return self._matching[search]

    def paragraph_count(self, search, articles):
        found = patterns(search)
        return sum(1 for aid in articles for _, text in self.paragraphs[aid] if any(p.search(text) for p in found))

    def passes(self, aid, filters):
        row = self.articles[aid]
        day = (row["published"] or "")[:10]
        if filters.get("outlet") and row["outlet_id"] not in filters["outlet"]:
            return False
        if filters.get("from") and not (day and day >= filters["from"]):
            return False
        if filters.get("to") and not (day and day <= filters["to"]):
            return False
        if filters.get("section") and row["section"] != filters["section"]:
            return False
        if filters.get("place") and aid not in self.places.get(filters["place"], set()):
            return False
        return True


@pytest.fixture(scope="module")
def scan(archive_db):
    return Scan(archive_db)


@pytest.fixture(scope="module")
def queries(archive_db):
    texts = [row["text"] for row in archive_db.query("select text from paragraphs")]
    drawn = [query for _, query in draw_queries(texts, [normalize(t) for t in texts])]
    return random.Random(11).sample(drawn, QUERY_COUNT)


def random_filters(rng, scan):
    rows = list(scan.articles.values())
    filters = {}
    if rng.random() < 0.6:
        filters["outlet"] = sorted({rng.choice(rows)["outlet_id"] for _ in range(rng.randint(1, 2))})
    days = sorted({(row["published"] or "")[:10] for row in rows if row["published"]})
    if rng.random() < 0.5:
        low, high = sorted(rng.sample(days, 2))
        filters["from"], filters["to"] = low, high
    elif rng.random() < 0.3:
        filters["from"] = rng.choice(days)
    if rng.random() < 0.2:
        filters["section"] = rng.choice([row["section"] for row in rows if row["section"]])
    if rng.random() < 0.2:
        filters["place"] = rng.choice(["北京", "美国", "香港", "台湾", "红海", "beijing"])
    return filters


def search_path(search, filters=None, extension=".json", **extra):
    pairs = [("q", search)]
    for key, value in (filters or {}).items():
        pairs += [(key, item) for item in value] if isinstance(value, list) else [(key, value)]
    pairs += list(extra.items())
    return f"/archive/search{extension}?{urlencode(pairs)}"


def test_totals_equal_the_scan_with_and_without_filters(ds, scan, queries):
    rng = random.Random(5)
    mismatches, checked_with_filters = [], 0
    for search in queries:
        for filters in ({}, random_filters(rng, scan)):
            data = get(ds, search_path(search, filters)).json()
            want = scan.matching(search, filters)
            got = (data["total"], data["paragraphs"])
            expected = (len(want), scan.paragraph_count(search, want))
            if got != expected:
                mismatches.append((search, filters, got, expected))
            checked_with_filters += bool(filters)
    assert checked_with_filters > 150
    assert mismatches == []


def test_paging_to_the_end_gives_every_article_once(ds, scan, queries):
    rng = random.Random(7)
    for search in [q for q in queries if 0 < len(scan.matching(q)) <= 80][:25]:
        filters = random_filters(rng, scan) if rng.random() < 0.5 else {}
        for sort in ("relevance", "newest"):
            ids, path = [], search_path(search, filters, size=7, sort=sort)
            while path:
                data = get(ds, path).json()
                assert data["size"] == 7 and len(data["results"]) <= 7
                ids += [row["id"] for row in data["results"]]
                path = data["next"]
            assert len(ids) == len(set(ids)) == data["total"], search
            assert set(ids) == scan.matching(search, filters), search


def test_newest_and_oldest_are_ordered_by_published(ds, scan):
    for sort, descending in (("newest", True), ("oldest", False)):
        data = get(ds, search_path("中国", sort=sort, size=100)).json()
        published = [row["published"] for row in data["results"]]
        assert published == sorted(published, reverse=descending)
        assert data["total"] == len(scan.matching("中国"))


def test_relevance_ranks_descend_then_newest_first(ds):
    rows = get(ds, search_path("台湾", size=100)).json()["results"]
    keys = [(-row["rank"], "".join(chr(0x10FFFF - ord(c)) for c in row["published"])) for row in rows]
    assert keys == sorted(keys) and all(row["rank"] > 0 for row in rows)
    assert "台湾" in normalize(rows[0]["title"])  # a title match counts five paragraphs


def test_results_carry_the_contract_fields_and_a_marked_passage(ds):
    data = get(ds, search_path("王毅", size=5)).json()
    assert set(data) >= {"q", "total", "paragraphs", "page", "size", "next", "results"}
    for row in data["results"]:
        assert set(row) >= {"id", "url", "title", "outlet_id", "published", "excerpt_html", "rank"}
        assert "<mark>王毅</mark>" in row["excerpt_html"] or "<mark>王毅</mark>" in row["title_html"]


def test_series_sums_to_the_total_and_share_is_the_ratio(ds, scan):
    for search, extra in (("拜登", {}), ("中国", {"split": "outlet"}), ("香港", {"by": "year"}), ("疫情", {"by": "week"}),
                          ("美国", {"by": "day", "outlet": "nyt"})):
        data = get(ds, search_path(search, by=extra.pop("by", "month"), **extra)).json()
        total = data["total"]
        assert sum(point["articles"] for line in data["series"] for point in line["points"]) == total
        for line in data["series"]:
            for point in line["points"]:
                assert point["articles"] <= point["all_articles"]
                assert point["share"] == (point["articles"] / point["all_articles"] if point["all_articles"] else None)


def test_share_denominator_counts_all_articles_of_the_period_and_outlet(ds, scan):
    data = get(ds, search_path("拜登", by="year", split="outlet")).json()
    for line in data["series"]:
        for point in line["points"]:
            want = sum(1 for row in scan.articles.values()
                       if row["outlet_id"] == line["outlet"] and (row["published"] or "")[:4] == point["period"])
            assert point["all_articles"] == want


def test_several_queries_are_compared_on_one_series(ds, scan):
    data = get(ds, "/archive/search/series.json?q=拜登&q=特朗普&by=year").json()
    assert [line["q"] for line in data["series"]] == ["拜登", "特朗普"]
    for line in data["series"]:
        assert sum(point["articles"] for point in line["points"]) == len(scan.matching(line["q"]))
    text = get(ds, "/archive/search/series.csv?q=拜登&q=特朗普&by=year").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sum(int(row["articles"]) for row in rows if row["q"] == "特朗普") == len(scan.matching("特朗普"))


def test_csv_and_json_exports_hold_every_matching_article(ds, scan):
    for search, filters in (("中国", {}), ("拜登", {"outlet": ["nyt"]}), ("芬太尼", {}), ("没有这个词语", {})):
        want = scan.matching(search, filters)
        text = get(ds, search_path(search, filters, ".csv")).text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert text.splitlines()[0] == "id,url,title,outlet_id,outlet,published,passage"
        assert {int(row["id"]) for row in rows} == want and len(rows) == len(want)
        assert all("<mark>" not in row["passage"] for row in rows)
        data = get(ds, search_path(search, filters, _all="1")).json()
        assert [row["id"] for row in data["results"]] == [int(row["id"]) for row in rows]
        assert data["total"] == len(want)


def test_atom_feed_lists_the_newest_matches(ds, scan):
    response = get(ds, "/archive/search.atom?q=拜登&outlet=nyt")
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == min(50, len(scan.matching("拜登", {"outlet": ["nyt"]})))
    published = [entry.find("a:published", ns).text for entry in entries]
    assert published == sorted(published, reverse=True)
    assert entries[0].find("a:link[@rel='alternate']", ns).get("href").startswith("http://localhost/archive/articles/")


def test_sentences_list_every_match_in_context(ds, scan):
    want = scan.matching("拜登")
    occurrences = sum(len(p.findall(text)) for aid in want for _, text in scan.paragraphs[aid] for p in patterns("拜登"))
    lines, path = [], "/archive/search/sentences.json?q=拜登&size=30"
    while path:
        data = get(ds, path).json()
        lines += data["lines"]
        path = data["next"] and "/archive/search/sentences.json?" + data["next"]
    assert len(lines) == occurrences
    assert all(line["match"] == "拜登" and line["left"] + "拜登" + line["right"] in line["sentence"] for line in lines)
    assert all(len(line["left"]) <= 30 and len(line["right"]) <= 30 for line in lines)
    assert not any(mark in line["left"] for line in lines for mark in "。！？!?")  # the context stays in its sentence
    rows = list(csv.DictReader(io.StringIO(get(ds, "/archive/search/sentences.csv?q=拜登").text)))
    assert len(rows) == occurrences


@pytest.mark.parametrize("query, parameter", [
    ("size=0", "size"), ("size=101", "size"), ("sort=best", "sort"), ("from=2020-13-01", "from"),
    ("to=yesterday", "to"), ("outlet=nosuch", "outlet"), ("page=two", "page"), ("by=hour", "by"),
    ("measure=percent", "measure"), ("place=Gondor", "place"), ("section=nosuch", "section"),
    ("from=2021-01-01&to=2020-01-01", "from"), ("split=author", "split"),
])
def test_bad_parameters_give_400_naming_them(ds, query, parameter):
    data = get(ds, f"/archive/search.json?q=中国&{query}")
    assert data.status_code == 400
    assert data.json()["parameter"] == parameter and data.json()["error"].startswith(parameter + ":")
    page = get(ds, f"/archive/search?q=中国&{query}")
    assert page.status_code == 400 and "Traceback" not in page.text and parameter in page.text


@pytest.mark.parametrize("search", ["", "   ", "！！", '""', "*"])
def test_empty_or_unmatchable_queries_give_the_friendly_page(ds, search):
    assert get(ds, f"/archive/search.json?q={quote(search)}").json()["total"] == 0
    page = get(ds, f"/archive/search?q={quote(search)}")
    assert page.status_code == 200 and "Traceback" not in page.text


def test_the_page_shows_total_chart_filters_and_next_link(ds, scan):
    total = len(scan.matching("中国", {"outlet": ["nyt"]}))
    html = get(ds, "/archive/search?q=中国&outlet=nyt&by=year").text
    assert f"{total:,}" in html and "<svg" in html
    assert 'rel="next" href="/archive/search?q=%E4%B8%AD%E5%9B%BD&amp;outlet=nyt&amp;page=2&amp;by=year"' in html
    assert 'value="nyt" checked' in html


def test_a_result_opens_the_article_with_the_terms_marked(ds, archive_db):
    data = get(ds, search_path("芬太尼", size=1)).json()
    article = data["results"][0]
    html = get(ds, f"/archive/articles/{article['id']}?q=芬太尼").text
    assert '<mark id="first-match">芬太尼</mark>' in html
    assert html.count("<mark") == sum(
        normalize(text).count("芬太尼") for (text,) in
        archive_db.execute("select text from paragraphs where article_id = ?", [article["id"]])
    ) + normalize(article["title"]).count("芬太尼")


def test_other_databases_keep_their_own_search_url(tmp_path):
    import sqlite_utils

    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["search"].insert({"id": 1, "word": "hello"}, pk="id")
    response = get(Datasette([str(other)]), "/other/search.json?_shape=array")
    assert response.json() == [{"id": 1, "word": "hello"}]


def test_the_articles_table_search_is_the_same_match(ds, scan):
    for search in ("拜登", "芬太尼 中美", "台灣"):
        data = table_data(get(ds, table_url(f"/archive/articles.json?_search={quote(search)}&_col=id&_size=max")).json())
        assert data["count"] == len(scan.matching(search))
        assert data["facets"]["outlet_id"]["results"]


def test_the_table_search_sql_runs_on_its_own(archive_path, scan):
    # "View and edit SQL" on the articles page: the function finds the matches without the page's hook.
    from news_archive.research import served

    served.clear()
    sql = "select count(*) as n from articles where substr(archive_search_flags(:s), rowid + 1, 1) = x'01'"
    rows = get(Datasette([str(archive_path)]), sql_path("archive", ".json", _shape="array", sql=sql, s="王毅")).json()
    assert rows == [{"n": len(scan.matching("王毅"))}]


def test_outlet_counts_compare_sources(ds, scan):
    filters = {"from": "2020-07-01", "to": "2020-07-31"}
    data = get(ds, search_path("美国", filters)).json()
    want = scan.matching("美国", filters)
    assert sum(row["articles"] for row in data["outlets"]) == data["total"] == len(want)
    for row in data["outlets"]:
        held = [aid for aid, article in scan.articles.items()
                if article["outlet_id"] == row["outlet_id"] and scan.passes(aid, filters)]
        assert row["articles"] == len(want & set(held)) and row["all_articles"] == len(held)
        assert row["share"] == row["articles"] / row["all_articles"]
    assert [row["articles"] for row in data["outlets"]] == sorted((row["articles"] for row in data["outlets"]), reverse=True)
    html = get(ds, search_path("美国", filters, "")).text
    assert "Where: " in html and 'class="outlet-counts"' in html
