"""Incremental builds: unchanged files are not parsed again, and whatever the order of changes, the
archive equals a full build of the same files (rows, links, versions, their texts and changes,
counts and search)."""

import os
import shutil
import sqlite3

import pytest
from db_fixtures import SEEDS

from news_archive.build import plan as build_plan, worker as build_worker
from news_archive.build import build
from news_archive.search import fts_query

FOLDER = "nyt-frontmatter"  # 162 files: duplicate versions of several URLs, links between articles
# Two versions of one URL (the later one is shown) and a link between two archived articles.
OLDER = f"{FOLDER}/2021-06-17-台湾疫苗僵局谁之过：当公共卫生采购变成政治问题.md"
NEWER = f"{FOLDER}/2021-06-28-台湾疫苗僵局谁之过：当公共卫生采购变成政治问题.md"
CITING = f"{FOLDER}/2021-05-31-“我们以前用太多水了”：台湾干旱节水成新常态.md"
CITED = f"{FOLDER}/2021-05-21-“这一天迟早会来”：台湾新冠疫情大暴发.md"
# Enough for what most tests change (a shown version, a link, every file touched or rebuilt): those
# four files, and two more URLs saved twice (an edit and a re-save), a build of them a sixth of the folder's.
FEW = [OLDER, NEWER, CITING, CITED] + [f"{FOLDER}/2021-{day}-{title}.md" for day in ("04-27", "05-06")
                                      for title in ("扎克伯格和库克是如何成为敌人的", "赵婷奥斯卡获奖消息在中国遭审查")]
SEARCHES = ["台湾", "中国", "疫苗", "拜登 中国", "Reuters", "習近平", "三孩", "泄露", "特朗普"]

# Each table by what identifies a row whatever its dense id: an incremental build numbers rows in
# the order it meets them, a full build in file order.
CONTENT_SQL = {
    "articles": "select * from articles",
    "paragraphs": "select article_id, position, kind, text, html from paragraphs",
    "figures": "select article_id, position, image_url, proxied_url, alt, caption, credit from figures",
    "links": "select links.article_id, links.position, paragraphs.position, href, links.text, title, domain,"
             " target_article_id from links left join paragraphs on paragraphs.id = links.paragraph_id",
    "article_authors": "select article_id, author_id, position from article_authors",
    "article_places": "select article_id, place_id, mentions, first_position from article_places",
    "versions": "select id, article_id, source_file, feed_time, sha256, size_bytes, is_current, text_hash,"
                " text_version_id from versions",
    "version_paragraphs": "select version_id, article_id, position, kind, text from version_paragraphs",
    "changes": "select * from changes",
    "build_errors": "select * from build_errors",
    "authors": "select * from authors",
    "outlets": "select * from outlets",
    "places": "select * from places",
}
SEARCH_SQL = {
    "paragraphs": "select paragraphs.article_id, paragraphs.position from paragraphs_fts"
                  " join paragraphs on paragraphs.id = paragraphs_fts.rowid where paragraphs_fts match ?",
    "figures": "select figures.article_id, figures.position from figures_fts"
               " join figures on figures.id = figures_fts.rowid where figures_fts match ?",
    "articles": "select articles.id from articles_fts join articles on articles.rowid = articles_fts.rowid"
                " where articles_fts match ?",
    "version_paragraphs": "select version_id, position from version_paragraphs_fts join version_paragraphs"
                          " on version_paragraphs.id = version_paragraphs_fts.rowid where version_paragraphs_fts match ?",
}


def content(path) -> dict:
    db = sqlite3.connect(path)
    try:
        found = {table: sorted(db.execute(sql).fetchall(), key=repr) for table, sql in CONTENT_SQL.items()}
        for search in SEARCHES:
            for table, sql in SEARCH_SQL.items():
                found[f"{table} search {search}"] = sorted(db.execute(sql, [fts_query(search)]).fetchall())
        # Every row is in its index once: the FTS tables count what their tables hold.
        for table in SEARCH_SQL:
            indexed = db.execute(f"select count(*) from [{table}_fts_docsize]").fetchone()[0]
            found[f"{table} indexed rows"] = (indexed, db.execute(f"select count(*) from [{table}]").fetchone()[0])
        return found
    finally:
        db.close()


def assert_same_as_full_build(inputs, output, tmp_path):
    full = tmp_path / "full.db"
    build([inputs], full, jobs=1)
    got, want = content(output), content(full)
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == want[key], key


@pytest.fixture
def inputs(tmp_path):
    """The whole folder."""
    folder = tmp_path / "in"
    shutil.copytree(SEEDS / FOLDER, folder / FOLDER)
    return folder


@pytest.fixture
def few(tmp_path):
    """FEW of the folder's files."""
    folder = tmp_path / "in"
    (folder / FOLDER).mkdir(parents=True)
    for name in FEW:
        shutil.copy2(SEEDS / name, folder / name)
    return folder


def test_a_build_with_nothing_changed_leaves_the_database_alone(few, tmp_path):
    inputs, output = few, tmp_path / "archive.db"
    first = build([inputs], output, jobs=1)
    assert first.mode == "full" and (first.articles, first.versions) == (len(FEW) - 3, len(FEW))
    before = output.stat()
    again = build([inputs], output, jobs=1)
    assert again.mode == "unchanged" and again.parsed == 0
    assert (again.articles, again.paragraphs, again.versions) == (first.articles, first.paragraphs, first.versions)
    assert (output.stat().st_mtime_ns, output.stat().st_ino) == (before.st_mtime_ns, before.st_ino)
    assert "(up to date: no file changed)" in again.line()


def test_touched_files_are_hashed_not_parsed(few, tmp_path, monkeypatch):
    inputs = few
    output = tmp_path / "archive.db"
    build([inputs], output, jobs=1)
    before = content(output)
    for path in inputs.rglob("*.md"):
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    monkeypatch.setattr(build_worker, "parse_article", _must_not_parse)
    touched = build([inputs], output, jobs=1)
    assert touched.mode == "incremental" and touched.parsed == 0
    assert content(output) == before
    assert build([inputs], output, jobs=1).mode == "unchanged"  # the new times were recorded


def _must_not_parse(data):
    raise AssertionError("an unchanged file was parsed")


@pytest.mark.slow  # 162 files built three times; make test-fast keeps the cases of a few files
def test_added_changed_and_removed_files_give_the_full_builds_archive(inputs, tmp_path):
    output = tmp_path / "archive.db"
    held_back = sorted((inputs / FOLDER).glob("2021-06-0*.md")) + [inputs / CITED, inputs / NEWER]
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in held_back:
        shutil.move(path, aside / path.name)
    build([inputs], output, jobs=1)

    for path in aside.iterdir():  # added: new articles, a newer version, an article others cite
        shutil.move(path, inputs / FOLDER / path.name)
    removed = sorted((inputs / FOLDER).glob("2021-04-2*.md"))
    for path in removed:
        path.unlink()
    edited = inputs / FOLDER / "2021-05-06-扎克伯格和库克是如何成为敌人的.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("扎克伯格", "札克伯格"), encoding="utf-8")
    summary = build([inputs], output, jobs=1)
    assert summary.mode == "incremental"
    assert summary.parsed == len(held_back) + 1 and summary.removed == len(removed)
    assert_same_as_full_build(inputs, output, tmp_path)


def test_removing_the_shown_version_falls_back_to_the_older_one(few, tmp_path):
    inputs = few
    output = tmp_path / "archive.db"
    build([inputs], output, jobs=1)
    (inputs / NEWER).unlink()
    summary = build([inputs], output, jobs=1)
    assert summary.parsed == 0 and summary.removed == 1  # the older file is read again, not counted
    db = sqlite3.connect(output)
    assert db.execute("select source_file, version_count from articles where source_file like ?",
                      [f"%{OLDER.split('/')[-1]}"]).fetchall() == [(OLDER, 1)]
    assert_same_as_full_build(inputs, output, tmp_path)


def test_links_follow_the_articles_they_cite_in_and_out(few, tmp_path):
    inputs = few
    output = tmp_path / "archive.db"
    cited = tmp_path / "cited.md"
    shutil.move(inputs / CITED, cited)
    build([inputs], output, jobs=1)
    resolved = ("select count(*) from links join articles on articles.id = links.article_id"
                " where articles.source_file = ? and target_article_id is not null")
    assert sqlite3.connect(output).execute(resolved, [CITING]).fetchone()[0] == 0
    shutil.move(cited, inputs / CITED)
    build([inputs], output, jobs=1)
    assert sqlite3.connect(output).execute(resolved, [CITING]).fetchone()[0] >= 1
    assert_same_as_full_build(inputs, output, tmp_path)
    (inputs / CITED).unlink()
    build([inputs], output, jobs=1)
    assert sqlite3.connect(output).execute(resolved, [CITING]).fetchone()[0] == 0
    assert_same_as_full_build(inputs, output, tmp_path)


def test_a_changed_parser_rebuilds_everything(few, tmp_path, monkeypatch):
    inputs = few
    output = tmp_path / "archive.db"
    build([inputs], output, jobs=1)
    monkeypatch.setattr(build_plan, "build_fingerprint", lambda: "another parser")
    summary = build([inputs], output, jobs=1)
    assert summary.mode == "full" and summary.why_full == "the parser or schema changed since the previous build"
    assert summary.parsed == summary.versions


def test_full_asks_for_a_full_build(few, tmp_path):
    inputs = few
    output = tmp_path / "archive.db"
    build([inputs], output, jobs=1)
    summary = build([inputs], output, jobs=1, full=True)
    assert summary.mode == "full" and summary.line().endswith("(full build: asked for)")


# seeds/versions: real articles saved two or three times (see tests/test_changes.py).
TRUMP = [f"versions/2020-10-02/{name}.md" for name in ("008eaa7e47702b18", "12524a05e2d95fe0", "090b2b07bbad75a0")]
MASK = [f"versions/{name}.md" for name in ("2021-01-13/07bed174f60ddfbe", "2021-01-13/19c186f75b6201ab",
                                           "posts/19c186f75b6201ab")]  # an edit, then an identical re-save


@pytest.fixture
def versions(tmp_path):
    """Those six files, and another article saved twice: what the tests below change, and one it leaves alone."""
    folder = tmp_path / "in"
    for name in TRUMP + MASK + [f"versions/2021-05-24/{name}.md" for name in ("04ca18ed4bce8188", "25257e1e66827694")]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SEEDS / name, folder / name)
    return folder


def _changes(output) -> list[tuple]:
    db = sqlite3.connect(output)
    try:
        return db.execute("select b.source_file, a.source_file from changes join versions b on b.id = before_version_id"
                          " join versions a on a.id = after_version_id where a.source_file like ? order by after_time",
                          ["versions/2020-10-02/%"]).fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("held_back", [TRUMP[1], TRUMP[0], TRUMP[2]])
def test_a_version_added_between_or_around_others_gives_the_full_builds_changes(versions, tmp_path, held_back):
    output = tmp_path / "archive.db"
    aside = tmp_path / "aside.md"
    shutil.move(versions / held_back, aside)
    build([versions], output, jobs=1)
    assert _changes(output) == [tuple(p for p in TRUMP if p != held_back)]
    shutil.move(aside, versions / held_back)
    summary = build([versions], output, jobs=1)
    assert summary.parsed == 1
    assert _changes(output) == [(TRUMP[0], TRUMP[1]), (TRUMP[1], TRUMP[2])]
    assert_same_as_full_build(versions, output, tmp_path)


@pytest.mark.parametrize("removed", [TRUMP[1], TRUMP[2], MASK[0], MASK[1], MASK[2]])
def test_a_version_removed_gives_the_full_builds_changes(versions, tmp_path, removed):
    output = tmp_path / "archive.db"
    build([versions], output, jobs=1)
    (versions / removed).unlink()
    build([versions], output, jobs=1)
    assert_same_as_full_build(versions, output, tmp_path)


def test_a_version_that_becomes_the_first_of_its_text_is_read_again(versions, tmp_path):
    """Its text was not kept (an earlier file had it); once that file goes, its text is needed."""
    copy = versions / TRUMP[0].replace("008eaa7e47702b18", "008eaa7e47702b18-copy")
    shutil.copyfile(versions / TRUMP[0], copy)  # the same feed time; its name sorts after the original
    output = tmp_path / "archive.db"
    build([versions], output, jobs=1)
    (versions / TRUMP[0]).unlink()
    summary = build([versions], output, jobs=1)
    assert (summary.parsed, summary.removed) == (0, 1)
    assert _changes(output) == [(copy.relative_to(versions).as_posix(), TRUMP[1]), (TRUMP[1], TRUMP[2])]
    assert_same_as_full_build(versions, output, tmp_path)


def test_an_edited_file_and_a_lone_version_give_the_full_builds_changes(versions, tmp_path):
    output = tmp_path / "archive.db"
    build([versions], output, jobs=1)
    shown = versions / TRUMP[2]
    shown.write_text(shown.read_text(encoding="utf-8").replace("拜登", "拜登总统"), encoding="utf-8")
    for path in MASK[1:]:  # the article keeps one text: its changes and kept texts go
        (versions / path).unlink()
    build([versions], output, jobs=1)
    assert_same_as_full_build(versions, output, tmp_path)
    db = sqlite3.connect(output)
    assert db.execute("select count(*) from version_paragraphs join versions on versions.id = version_id"
                      " where source_file = ?", [MASK[0]]).fetchone()[0] == 0
