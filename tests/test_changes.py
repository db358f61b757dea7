"""Saved versions and the changes between them (news_archive.db.history): exact rows for the real
multi-version articles in seeds/versions/, counts checked against a longest common subsequence of
the files' own text, and re-saves that differ only in markup, script or spacing making no change."""

import re
import shutil
import sqlite3

import opencc
import pytest
from db_fixtures import SEEDS
from test_textdiff import lcs_length

from news_archive.parse.article import parse_article
from news_archive.build import build
from news_archive.search import fts_query, normalize
from news_archive.db.ids import change_id, version_id

V = "versions/"
# (earlier file, later file, kind, headline before, headline after,
#  (chars added, chars removed, paragraphs added, paragraphs removed, paragraphs changed)),
# read from the files: each pair's headlines as saved, and what changed between their texts.
EXPECTED = [
    (V + "2020-09-08/125e7e266e2a10c1.md", V + "2020-09-08/2746b598a89d12db.md", "text", None, None,
     (75, 122, 1, 0, 12)),
    (V + "2020-10-02/008eaa7e47702b18.md", V + "2020-10-02/12524a05e2d95fe0.md", "both",
     "肺炎疫情与特朗普：美国总统夫妇确诊感染新冠病毒　正接受隔离", "特朗普夫妇确诊感染新冠病毒 美国总统选战陷入“未知之地”",
     (2170, 183, 44, 4, 3)),
    (V + "2020-10-02/12524a05e2d95fe0.md", V + "2020-10-02/090b2b07bbad75a0.md", "both",
     "特朗普夫妇确诊感染新冠病毒 美国总统选战陷入“未知之地”", "美国大选：特朗普夫妇出现“轻微”新冠症状 拜登检测结果阴性",
     (291, 6, 7, 0, 4)),
    (V + "2020-11-07/13ba564308a2664c.md", V + "2021-01-20/1f9278bb0b2208d9.md", "text", None, None,
     (0, 44, 0, 1, 0)),  # a feed's "获取更多RSS" paragraph, gone two months on
    (V + "2020-12-28/11a83c5345821f00.md", V + "2020-12-28/1a7370262f23a0fc.md", "both",
     "报道武汉肺炎被判囚4年 张展绝食体弱坐轮椅出庭", "报道武汉肺炎被判囚四年 张展绝食体弱坐轮椅出庭", (21, 12, 0, 0, 8)),
    (V + "2021-01-13/07bed174f60ddfbe.md", V + "2021-01-13/19c186f75b6201ab.md", "both",
     "2021消费电子展：内建扬声器和通风装置的智能口罩", "[Science] 2021消费电子展：内建扬声器和通风装置的智能口罩",
     (8, 4, 1, 1, 0)),
    (V + "2021-01-19/01b5c3d2c6f7042f.md", V + "2021-01-19/03bb5607619785b0.md", "both",
     "疫情下寂寞芳心遇网上“爱情骗子”诈财", "[World] 疫情下寂寞芳心遇网上“爱情骗子”诈财", (8, 4, 1, 1, 0)),
    (V + "2021-01-25/052860f200eff3d9.md", V + "posts/141ea4be619c1ff4.md", "text", None, None,
     (0, 7, 0, 0, 1)),  # 2021年1月25日凌晨4点22分 -> 2021年1月25日
    (V + "2021-02-03/0f66a764d78c632d.md", V + "2021-02-03/1f2ba179f0ff5562.md", "both",
     "拜登上台两周仍未与习近平通话 美中克服结构性矛盾困难重重", "拜登上台两周仍未与习近平通话", (2, 130, 0, 5, 3)),
    (V + "2021-02-11/1274fefc04337d39.md", V + "2021-02-11/076f867bf12f8bbd.md", "headline",
     "美情报专家：须防中共经济间谍“异国采花、自家酿蜜”", "美情报专家：须防中共经济间谍“异国采花、中华酿蜜”", (0, 0, 0, 0, 0)),
    (V + "2021-05-24/04ca18ed4bce8188.md", V + "2021-05-24/25257e1e66827694.md", "headline",
     "甘肃马拉松21人死 是人祸还是天灾？", "甘肃马拉松二十一人遇难 人祸还是天灾？", (0, 0, 0, 0, 0)),
    (V + "posts/0d4015a634c5d4f3.md", V + "posts/1a43e7f9ccfd23ef.md", "headline",
     "【404文库】恰帕斯东风Radio | 投稿：今晚我们都是“未命名公众号”", "恰帕斯东风Radio | 投稿：今晚我们都是“未命名公众号”",
     (0, 0, 0, 0, 0)),
]
CHANGES_SQL = """
select before.source_file, after.source_file, changes.kind, changes.title_before, changes.title_after,
  changes.chars_added, changes.chars_removed, changes.paragraphs_added, changes.paragraphs_removed,
  changes.paragraphs_changed
from changes
join versions as before on before.id = changes.before_version_id
join versions as after on after.id = changes.after_version_id
"""
# Re-saves that change nothing a reader sees: the same bytes, and the same text in other markup.
IDENTICAL = V + "posts/19c186f75b6201ab.md"  # the bytes of versions/2021-01-13/19c186f75b6201ab.md
MARKUP_ONLY = [V + "posts/0323098cb0154a49.md", V + "2021-03-04/1d6c1dfe6511af77.md"]


def rows(db, where="", params=()) -> list[tuple]:
    return [(*row[:5], tuple(row[5:])) for row in db.execute(CHANGES_SQL + where, params).fetchall()]


def comparable_text(path) -> str:
    """The file's paragraphs as the issue says they are compared: normalized, whitespace collapsed,
    paragraph breaks left out."""
    article = parse_article((SEEDS / path).read_bytes())
    return "".join(" ".join(normalize(p.text).split()) for p in article.body.paragraphs)


def test_every_edit_of_the_seed_versions_is_a_row(archive_db):
    found = rows(archive_db, "where before.source_file like 'versions/%' order by before.source_file")
    assert found == [(*row[:5], row[5]) for row in EXPECTED]


@pytest.mark.parametrize("before, after", [(row[0], row[1]) for row in EXPECTED])
def test_character_counts_are_a_longest_common_subsequence_of_the_files(archive_db, before, after):
    [row] = rows(archive_db, "where before.source_file = ? and after.source_file = ?", [before, after])
    old, new = comparable_text(before), comparable_text(after)
    common = lcs_length(old, new)
    assert row[5][:2] == (len(new) - common, len(old) - common)


def test_every_change_in_seeds_has_lcs_counts(archive_db):
    """The edits already in seeds/ (New York Times re-saves) too: 27 changes in all."""
    found = rows(archive_db)
    assert len(found) == 27
    for before, after, *_, counts in found:
        old, new = comparable_text(before), comparable_text(after)
        common = lcs_length(old, new)
        assert counts[:2] == (len(new) - common, len(old) - common), before


def test_changes_carry_times_outlet_and_a_stable_id(archive_db):
    row = archive_db.execute(
        "select changes.id, changes.article_id, changes.outlet_id, before_time, after_time, articles.url"
        " from changes join articles on articles.id = changes.article_id"
        " join versions on versions.id = changes.after_version_id"
        " where versions.source_file = ?", [V + "2020-10-02/090b2b07bbad75a0.md"]).fetchone()
    assert row[2:] == ("bbc", "2020-10-02T09:18:36Z", "2020-10-02T17:56:44Z",
                       "http://www.bbc.com/zhongwen/simp/world-54382923")  # as saved
    assert row[0] == change_id(version_id(V + "2020-10-02/12524a05e2d95fe0.md"), version_id(V + "2020-10-02/090b2b07bbad75a0.md"))


def test_identical_and_markup_only_resaves_keep_nothing(archive_db):
    for path in [IDENTICAL, *MARKUP_ONLY]:
        assert rows(archive_db, "where after.source_file = ?", [path]) == []
        assert archive_db.execute(
            "select count(*) from version_paragraphs join versions on versions.id = version_paragraphs.version_id"
            " where versions.source_file = ?", [path]).fetchone()[0] == 0, path
    # The re-saves point at the version whose text they have; an article with one text keeps none.
    text_of = dict(archive_db.execute(
        "select v.source_file, t.source_file from versions v left join versions t on t.id = v.text_version_id"
        " where v.source_file in (?, ?, ?)", [IDENTICAL, *MARKUP_ONLY]).fetchall())
    assert text_of == {IDENTICAL: V + "2021-01-13/19c186f75b6201ab.md",
                       MARKUP_ONLY[0]: V + "2021-01-19/03bb5607619785b0.md", MARKUP_ONLY[1]: None}


def test_kept_texts_are_each_distinct_version_as_saved(archive_db):
    kept = archive_db.execute(
        "select versions.source_file, version_paragraphs.position, version_paragraphs.kind, version_paragraphs.text"
        " from version_paragraphs join versions on versions.id = version_paragraphs.version_id"
        " where versions.source_file = ? order by version_paragraphs.position",
        [V + "2021-02-03/0f66a764d78c632d.md"]).fetchall()
    article = parse_article((SEEDS / V / "2021-02-03/0f66a764d78c632d.md").read_bytes())
    assert [row[1:] for row in kept] == [(0, "title", article.title)] + [
        (p.position, p.kind, p.text) for p in article.body.paragraphs]
    # 27 changes over 53 kept texts: 15 New York Times articles (a 16th was saved twice with the same
    # text) and 11 of seeds/versions have two texts or more (the Reuters one has one, in two files).
    assert archive_db.execute("select count(distinct version_id) from version_paragraphs").fetchone()[0] == 53
    assert archive_db.execute("select count(distinct article_id) from version_paragraphs").fetchone()[0] == 26


def test_a_word_taken_out_is_still_found_in_the_earlier_version(archive_db):
    found = archive_db.execute(
        "select versions.source_file, version_paragraphs.position from version_paragraphs_fts"
        " join version_paragraphs on version_paragraphs.id = version_paragraphs_fts.rowid"
        " join versions on versions.id = version_paragraphs.version_id"
        " where version_paragraphs_fts match ?", [fts_query("高调")]).fetchall()
    assert found == [(V + "2021-02-03/0f66a764d78c632d.md", 14)]
    shown = archive_db.execute(
        "select count(*) from paragraphs_fts join paragraphs on paragraphs.id = paragraphs_fts.rowid"
        " join articles on articles.id = paragraphs.article_id"
        " where paragraphs_fts match ? and articles.source_file = ?",
        [fts_query("高调"), V + "2021-02-03/1f2ba179f0ff5562.md"]).fetchone()[0]
    assert shown == 0


BASE = V + "2021-02-11/076f867bf12f8bbd.md"  # the later headline of an edited RFA article


def _resave(tmp_path, name, change) -> sqlite3.Connection:
    """Build the RFA article's two versions and a third file: the later one, re-saved an hour on with
    its text passed through change()."""
    inputs = tmp_path / "in"
    for path in (V + "2021-02-11/1274fefc04337d39.md", BASE):
        (inputs / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SEEDS / path, inputs / path)
    text = (SEEDS / BASE).read_text(encoding="utf-8")
    text = re.sub(r"<!--(\d+)-->", lambda m: f"<!--{int(m.group(1)) + 3_600_000}-->", text, count=1)
    header, body = text.split("------\n", 1)
    (inputs / V / "2021-02-11" / name).write_text(header + "------\n" + change(body), encoding="utf-8")
    build([inputs], tmp_path / "out.db", jobs=1)
    return sqlite3.connect(tmp_path / "out.db")


@pytest.mark.parametrize("name, change", [
    ("traditional.md", opencc.OpenCC("s2t").convert),
    # Ideographic spaces opening each paragraph, a no-break space closing it, every space doubled.
    ("spaced.md", lambda body: body.replace("<p>", "<p>\u3000\u3000").replace("</p>", "\u00a0</p>").replace(" ", "  ")),
])
def test_a_resave_in_the_other_script_or_spacing_is_no_edit(tmp_path, name, change):
    db = _resave(tmp_path, name, change)
    assert db.execute("select source_file from articles").fetchall() == [(V + "2021-02-11/" + name,)]
    assert db.execute("select kind from changes").fetchall() == [("headline",)]
    assert db.execute("select v.source_file, t.source_file from versions v join versions t on t.id = v.text_version_id"
                      " order by v.feed_time").fetchall() == [
        (V + "2021-02-11/1274fefc04337d39.md", V + "2021-02-11/1274fefc04337d39.md"),
        (BASE, BASE), (V + "2021-02-11/" + name, BASE)]
    assert {vid for (vid,) in db.execute("select distinct version_id from version_paragraphs")} == {
        vid for (vid,) in db.execute("select id from versions where source_file != ?", [V + "2021-02-11/" + name])}


def test_a_resave_that_changes_one_character_is_an_edit(tmp_path):
    db = _resave(tmp_path, "typo.md", lambda body: body.replace("经济间谍", "经济间碟", 1))
    assert db.execute("select kind, chars_added, chars_removed, paragraphs_changed, title_before from changes"
                      " order by after_time").fetchall() == [("headline", 0, 0, 0, "美情报专家：须防中共经济间谍“异国采花、自家酿蜜”"),
                                                             ("text", 1, 1, 1, None)]
