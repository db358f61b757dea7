"""The change pages (row pages of changes), the compare page, an edited article's list of versions and
the canned queries about edits, through Datasette's client, on the real versions in seeds/versions/."""

import asyncio

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette
from db_fixtures import SEEDS

from news_archive.build import build
from news_archive.ids import stable_id
from news_archive.db.ids import change_id, version_id
from news_archive.textdiff import compare_texts

V = "versions/"
EDITED = [V + "2020-12-28/11a83c5345821f00.md", V + "2020-12-28/1a7370262f23a0fc.md"]  # headline and text
DATELINE = [V + "2021-01-25/052860f200eff3d9.md", V + "posts/141ea4be619c1ff4.md"]  # text only
HEADLINE = [V + "2021-02-11/1274fefc04337d39.md", V + "2021-02-11/076f867bf12f8bbd.md"]  # headline only
TRUMP = [V + f"2020-10-02/{name}.md" for name in ("008eaa7e47702b18", "12524a05e2d95fe0", "090b2b07bbad75a0")]
TRUMP_URL = "http://www.bbc.com/zhongwen/simp/world-54382923"


def get(ds, path, status=200):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == status, response.text
    return response


def page(ds, path) -> BeautifulSoup:
    return BeautifulSoup(get(ds, path).text, "html.parser")


def change_path(database: str, before: str, after: str) -> str:
    return f"/{database}/changes/{change_id(version_id(before), version_id(after))}"


def marks(section, tag: str) -> list[str]:
    return [element.get_text() for element in section.select(tag)]


@pytest.fixture(scope="module")
def served(archive_path):
    return Datasette([str(archive_path)])


def test_a_text_edit_marks_what_went_and_what_came(served):
    diff = page(served, change_path("archive", *EDITED)).select_one(".archive-diff")
    text = diff.select_one(".text-diff")
    # Among them: a name's typo fixed (任泉牛 -> 任全牛), words moved (公安法院外 -> 法院外公安), the credits.
    assert marks(text, "ins") == ["张展", "。", "四", "我", "。", "全", "我", "公安", "我", "、许书婷 网编：洪伟"]
    assert marks(text, "del") == ["张展", "对", "，", "4", "为", "泉", "为", "公安", "为", " "]
    assert "任<del>泉</del><ins>全</ins>牛" in str(text) and "<del>公安</del>法院外<ins>公安</ins>如临大敌" in str(text)
    folded = text.select("details.unchanged")
    assert [d.summary.get_text().split(":")[0] for d in folded] == [
        "1 unchanged paragraph", "2 unchanged paragraphs", "2 unchanged paragraphs", "2 unchanged paragraphs"]
    assert sum(len(d.select("p")) for d in folded) == 7
    assert "21 characters added, 12 removed" in diff.select_one(".counts").get_text()
    before, after = diff.select(".headline")
    assert (marks(before, "del"), marks(after, "ins")) == (["4"], ["四"])


def test_a_text_only_edit_keeps_the_headline(served):
    diff = page(served, change_path("archive", *DATELINE)).select_one(".archive-diff")
    assert diff.select_one(".headline").get_text() == "Unchanged: [Science] 吃鱼究竟是否有益于健康"
    text = diff.select_one(".text-diff")
    assert (marks(text, "del"), marks(text, "ins")) == (["凌晨4点22分"], [])
    assert [p.get_text() for p in text.find_all("p", recursive=False)] == ["2021年1月25日凌晨4点22分"]


def test_a_headline_edit_shows_both_headlines(served):
    diff = page(served, change_path("archive", *HEADLINE)).select_one(".archive-diff")
    before, after = diff.select(".headline")
    assert (before.get_text(), marks(before, "del")) == ("Before 美情报专家：须防中共经济间谍“异国采花、自家酿蜜”", ["自家"])
    assert (after.get_text(), marks(after, "ins")) == ("After 美情报专家：须防中共经济间谍“异国采花、中华酿蜜”", ["中华"])
    assert diff.select_one(".counts").get_text() == "The text did not change."
    assert diff.select(".text-diff ins, .text-diff del") == []
    assert len(diff.select(".text-diff details.unchanged")) == 1


def test_a_rewrite_shows_the_passage_before_and_after(served, archive_db):
    html = page(served, change_path("archive", TRUMP[0], TRUMP[1]))
    diff = html.select_one(".archive-diff")
    assert diff.h1.get_text() == "特朗普夫妇确诊感染新冠病毒 美国总统选战陷入“未知之地”"  # the headline as edited
    assert diff.select_one(".meta").get_text() == "Edit 1 of 2 · BBC中文"
    assert [a.get_text() for a in diff.select("nav.edits a")] == ["edit 2 →", "all versions of the article"]
    rewritten = diff.select(".rewritten")
    assert rewritten and all(block.select("p del") and block.select("p ins") for block in rewritten)
    went = next(p for block in rewritten for p in block.select("p") if "白宫医官" in p.get_text())
    assert (went.get_text(), marks(went, "del")) == (
        "白宫医官表示，特朗普总统情况良好，并将继续执行职务。", ["白宫医官表示", "总统情况良好，并将继续执行职务。"])
    assert html.select_one(".row-columns table")  # Datasette's row below


def test_the_second_edit_links_back(served):
    diff = page(served, change_path("archive", TRUMP[1], TRUMP[2])).select_one(".archive-diff")
    assert diff.select_one(".meta").get_text() == "Edit 2 of 2 · BBC中文"
    first = change_path("archive", TRUMP[0], TRUMP[1])
    assert [(a.get_text(), a["href"]) for a in diff.select("nav.edits a[rel]")] == [("← edit 1", first)]


def test_an_edited_article_lists_its_versions_and_edits(served):
    html = page(served, f"/archive/articles/{stable_id(TRUMP_URL.replace('http:', 'https:'))}")
    assert html.select_one(".archive-article .edited").get_text(" ", strip=True) == (
        "Edited 2 times in the 3 saved versions: see what changed")
    items = html.select("#versions ~ ol.versions li")
    assert [li.select_one('a[href^="/archive/versions/"]').get_text() for li in items] == TRUMP
    edits = [(a.get_text(), a["href"]) for a in html.select("ol.versions a.edit")]
    assert edits == [("edited the headline and the text", change_path("archive", TRUMP[0], TRUMP[1])),
                     ("edited the headline and the text", change_path("archive", TRUMP[1], TRUMP[2]))]
    assert "(+2,170 −183 characters)" in items[1].get_text()
    form = html.select_one("form.compare-versions")
    assert form["action"] == "/archive/versions/compare"
    assert [o["value"] for o in form.select("select[name=a] option")] == [str(version_id(p)) for p in TRUMP]


def test_a_resave_with_the_same_text_says_so(served):
    html = page(served, f"/archive/articles/{stable_id('https://www.bbc.com/zhongwen/simp/science-55650324')}")
    items = [li.get_text(" ", strip=True) for li in html.select("ol.versions li")]
    assert "edited the headline and the text" in items[1] and "saved again, same text" in items[2]
    assert html.select_one(".edited").get_text(" ", strip=True).startswith("Edited 1 time in the 3")


def test_any_two_versions_compare(served, archive_db):
    first, last = version_id(TRUMP[0]), version_id(TRUMP[2])
    diff = page(served, f"/archive/versions/compare?a={first}&b={last}").select_one(".archive-diff")
    texts = [[t for (t,) in archive_db.execute(
        "select text from version_paragraphs where version_id = ? and position > 0 order by position", [vid])]
        for vid in (first, last)]
    expected = compare_texts(*texts)
    counts = diff.select_one(".counts").get_text()
    assert f"{expected.chars_added:,} characters added, {expected.chars_removed} removed" in counts
    data = get(served, f"/archive/versions/compare.json?a={first}&b={last}").json()
    assert (data["chars_added"], data["chars_removed"]) == (expected.chars_added, expected.chars_removed)
    assert "".join(text for _, text in data["title_after"]) == "美国大选：特朗普夫妇出现“轻微”新冠症状 拜登检测结果阴性"
    assert "".join(text for kind, text in data["title_before"] if kind != "removed") == "特朗普夫妇新冠\u3000"
    assert data["before"]["source_file"] == TRUMP[0] and data["after"]["source_file"] == TRUMP[2]


def test_versions_of_one_article_only(served):
    get(served, f"/archive/versions/compare?a={version_id(TRUMP[0])}&b={version_id(HEADLINE[0])}", status=400)
    get(served, f"/archive/versions/compare?a={version_id(TRUMP[0])}&b=12345", status=404)
    assert get(served, "/archive/versions/compare.json?a=1", status=400).json()["ok"] is False


def test_a_version_of_an_article_with_one_text_compares_as_the_same(served):
    reuters = [V + "2021-02-12/1897f6b37da39a14.md", V + "2021-03-04/1d6c1dfe6511af77.md"]
    diff = page(served, f"/archive/versions/compare?a={version_id(reuters[0])}&b={version_id(reuters[1])}")
    assert diff.select_one(".counts").get_text() == "The text did not change."
    assert diff.select_one(".headline").get_text().startswith("Unchanged: 美财长称财政部将打击滥用加密货币")


def _query(ds, name, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return get(ds, f"/archive/{name}.json?_shape=objects&{query}").json()["rows"]


def test_canned_query_recently_edited(served):
    rows = _query(served, "recently_edited")
    assert len(rows) == 26 and rows[0]["last_edited"] >= rows[-1]["last_edited"]
    trump = next(r for r in rows if r["article_id"] == stable_id(TRUMP_URL.replace("http:", "https:")))
    assert (trump["edits"], trump["headline_edits"], trump["chars_added"], trump["chars_removed"]) == (2, 2, 2461, 189)
    assert trump["change_id"] == change_id(version_id(TRUMP[1]), version_id(TRUMP[2]))  # the latest edit
    html = get(served, "/archive/recently_edited").text
    assert f'href="/archive/changes/{trump["change_id"]}"' in html


def test_canned_query_headline_changes(served):
    rows = _query(served, "headline_changes")
    assert len(rows) == 14 and {r["kind"] for r in rows} == {"headline", "both"}
    assert {"title_before": "甘肃马拉松21人死 是人祸还是天灾？", "title_after": "甘肃马拉松二十一人遇难 人祸还是天灾？"}.items() <= next(
        r for r in rows if r["title_before"].startswith("甘肃")).items()


@pytest.mark.parametrize("word, files", [
    ("高调", [V + "2021-02-03/0f66a764d78c632d.md"]),  # taken out of the text
    ("自家", [V + "2021-02-11/1274fefc04337d39.md"]),  # taken out of the headline
    ("泄露", ["nyt-frontmatter/2021-06-02-新冠病毒“实验室泄露说”背后真正的丑闻.md",
             "nyt-frontmatter/2021-06-15-武汉病毒所石正丽驳斥实验室泄露说.md",
             "nyt-frontmatter/2021-06-17-中国否认台山核电站辐射泄露，承认燃料棒受损.md",
             "nyt-frontmatter/2021-06-21-不明肺炎、禁言医生：被掩盖的苏联实验室炭疽泄露往事.md"]),  # 泄露 -> 泄漏
    ("特朗普", []),  # in every version of the articles that have it
])
def test_canned_query_edits_removed_word(served, archive_db, word, files):
    rows = _query(served, "edits_removed_word", word=word)
    before = {vid: name for vid, name in archive_db.execute("select id, source_file from versions")}
    changes = dict(archive_db.execute("select id, before_version_id from changes"))
    assert sorted(before[changes[r["change_id"]]] for r in rows) == sorted(files)


def test_canned_query_edits_removed_word_reads_either_script(served):
    def removed(word):
        return sorted(r["change_id"] for r in _query(served, "edits_removed_word", word=word))

    assert removed("洩露") == removed("泄露") and len(removed("泄露")) == 4


def test_canned_query_edits_per_month(served, archive_db):
    rows = _query(served, "edits_per_month")
    assert sum(r["edits"] for r in rows) == 27
    july = {r["outlet"]: r for r in rows if r["month"] == "2021-07"}
    assert (july["纽约时报中文网"]["edits"], july["纽约时报中文网"]["headline_edits"]) == (6, 5)
    published = archive_db.execute(
        "select count(*) from articles where outlet_id = 'nyt' and published like '2021-07%'").fetchone()[0]
    assert july["纽约时报中文网"]["articles_published"] == published


def test_earlier_versions_are_searchable_from_their_table(served):
    rows = get(served, "/archive/version_paragraphs.json?_search=高调地&_shape=objects").json()["rows"]
    assert [(r["version_id"], r["position"]) for r in rows] == [(version_id(V + "2021-02-03/0f66a764d78c632d.md"), 14)]
    assert get(served, "/archive/paragraphs.json?_search=高调地&_shape=objects").json()["rows"] == []


def test_the_diff_is_escaped_text(tmp_path):
    """A headline and a paragraph holding markup, edited: the page shows the markup as text."""
    crafted = (SEEDS.parent / "tests" / "data" / "xss_article.md").read_text(encoding="utf-8")
    later = crafted.replace("<!--1706864821000-->", "<!--1706868421000-->").replace(
        "恶意标题", "恶意新标题").replace("第一段", "第一段&lt;script&gt;alert('diff')&lt;/script&gt;")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.md").write_text(crafted, encoding="utf-8")
    (inputs / "b.md").write_text(later, encoding="utf-8")
    build([inputs], tmp_path / "news.db", jobs=1)
    served = Datasette([str(tmp_path / "news.db")])  # any archive database name gets the pages
    html = get(served, change_path("news", "a.md", "b.md")).text
    diff = BeautifulSoup(html, "html.parser").select_one(".archive-diff")
    assert marks(diff.select_one(".text-diff"), "ins") == ["<script>alert('diff')</script>"]
    assert diff.select(".headline")[1].get_text().startswith("After 恶意新标题 <script>alert('title')</script>")
    assert diff.select("script, img, [onerror]") == []
    assert "&lt;script&gt;alert(&#39;diff&#39;)&lt;/script&gt;" in html
    assert get(served, f"/news/versions/compare?a={version_id('a.md')}&b={version_id('b.md')}").status_code == 200
