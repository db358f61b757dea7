"""The database build_db.py writes from seeds/: schema, rows, versions, errors, determinism, safety."""

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from urllib.parse import urljoin

import pytest
import sqlite_utils
from click.testing import CliRunner
from db_fixtures import ROOT, SEED_FILE, SEED_URL, SEEDS

from news_archive.build import BuildFailed, build, cli
from news_archive.ids import stable_id
from news_archive.parse.urls import canonical_url


def test_tables_columns_and_keys(archive_db):
    expected = {
        "outlets": ["id", "name", "name_en", "homepage", "article_count"],
        "authors": ["id", "name", "article_count"],
        "articles": [
            "id", "title", "url", "outlet_id", "section", "published", "published_from", "year",
            "feed_time", "byline", "authors", "language", "script", "lead", "paragraph_count",
            "figure_count", "link_count", "char_count", "english_url", "credits", "source_file",
            "version_count", "places", "countries",
        ],
        "article_authors": ["id", "article_id", "author_id", "position"],
        "paragraphs": ["id", "article_id", "position", "kind", "text", "html"],
        "figures": ["id", "article_id", "position", "image_url", "proxied_url", "alt", "caption", "credit"],
        "links": [
            "id", "article_id", "paragraph_id", "position", "href", "text", "title", "domain",
            "target_article_id",
        ],
        "versions": [
            "id", "article_id", "source_file", "feed_time", "sha256", "size_bytes", "file_mtime_ns", "is_current",
            "text_hash", "text_version_id",
        ],
        "version_paragraphs": ["id", "version_id", "article_id", "position", "kind", "text"],
        "changes": [
            "id", "article_id", "outlet_id", "before_version_id", "after_version_id", "before_time", "after_time",
            "title_before", "title_after", "chars_added", "chars_removed", "paragraphs_added",
            "paragraphs_removed", "paragraphs_changed", "kind",
        ],
        "build_info": ["key", "value"],
        "build_errors": ["id", "source_file", "level", "error"],
    }
    for table, columns in expected.items():
        assert [c.name for c in archive_db[table].columns] == columns, table
        assert archive_db[table].pks == (["key"] if table == "build_info" else ["id"]), table
    foreign_keys = {
        (fk.table, fk.column, fk.other_table, fk.other_column)
        for table in expected for fk in archive_db[table].foreign_keys
    }
    assert foreign_keys == {
        ("articles", "outlet_id", "outlets", "id"),
        ("article_authors", "article_id", "articles", "id"),
        ("article_authors", "author_id", "authors", "id"),
        ("paragraphs", "article_id", "articles", "id"),
        ("figures", "article_id", "articles", "id"),
        ("links", "article_id", "articles", "id"),
        ("links", "paragraph_id", "paragraphs", "id"),
        ("links", "target_article_id", "articles", "id"),
        ("versions", "article_id", "articles", "id"),
        ("versions", "text_version_id", "versions", "id"),
        ("version_paragraphs", "version_id", "versions", "id"),
        ("version_paragraphs", "article_id", "articles", "id"),
        ("changes", "article_id", "articles", "id"),
        ("changes", "outlet_id", "outlets", "id"),
        ("changes", "before_version_id", "versions", "id"),
        ("changes", "after_version_id", "versions", "id"),
    }


def test_every_foreign_key_and_facet_column_is_indexed(archive_db):
    facet_columns = {("articles", "outlet_id"), ("articles", "section"), ("articles", "year"),
                     ("figures", "credit"), ("links", "domain"), ("paragraphs", "kind"),
                     ("build_errors", "level")}
    needed = facet_columns | {(fk.table, fk.column) for t in archive_db.table_names() for fk in archive_db[t].foreign_keys}
    for table, column in needed:
        leading = {index.columns[0] for index in archive_db[table].indexes}
        assert column in leading, f"{table}.{column} has no index"


def test_foreign_keys_hold(archive_db):
    assert archive_db.execute("pragma foreign_key_check").fetchall() == []


def test_seed_article_row(archive_db):
    article_id = stable_id(SEED_URL)
    row = archive_db["articles"].get(article_id)
    # places and countries: tests/test_places_db.py
    assert {k: v for k, v in row.items() if k not in ("lead", "places", "countries")} == {
        "id": article_id,
        "title": "中美重回谈判桌，但言辞分歧凸显双边关系脆弱性",
        "url": SEED_URL,
        "outlet_id": "nyt",
        "section": "world",
        "published": "2024-02-01T21:00:55Z",
        "published_from": "time",
        "year": 2024,
        "feed_time": "2024-02-02T09:07:01Z",
        "byline": "DAVID PIERSON, OLIVIA WANG",
        "authors": '["David Pierson", "Olivia Wang"]',
        "language": "zh",
        "script": "Hans",
        "paragraph_count": 28,
        "figure_count": 3,
        "link_count": 9,
        "char_count": 2305,
        "english_url": "https://www.nytimes.com/2024/02/02/world/asia/china-us-fentanyl-iran-north-korea.html",
        "credits": "翻译：纽约时报中文网",
        "source_file": SEED_FILE,
        "version_count": 1,
    }
    assert row["lead"] == "中国和美国又回到了谈判桌上。但它们能不能达成共识就是另一回事了。"


def test_seed_article_authors(archive_db):
    rows = archive_db.execute(
        "select authors.name, article_authors.position from article_authors"
        " join authors on authors.id = article_authors.author_id"
        " where article_id = ? order by position", [stable_id(SEED_URL)]
    ).fetchall()
    assert rows == [("David Pierson", 1), ("Olivia Wang", 2)]


def test_seed_paragraph_kinds_and_order(archive_db):
    rows = archive_db.execute(
        "select position, kind, substr(text, 1, 12) from paragraphs where article_id = ? order by position",
        [stable_id(SEED_URL)],
    ).fetchall()
    assert [r[0] for r in rows] == [p for p in range(1, 32) if p not in (7, 14, 22)]
    assert [r[1] for r in rows].count("body") == 24
    assert rows[-4:] == [
        (28, "footer", "David Pierso"),
        (29, "footer", "Olivia Wang常"),
        (30, "credit", "翻译：纽约时报中文网"),
        (31, "footer", "点击查看本文英文版。"),
    ]


def test_seed_figures(archive_db):
    rows = archive_db.execute(
        "select position, image_url, proxied_url, credit from figures where article_id = ? order by position",
        [stable_id(SEED_URL)],
    ).fetchall()
    base = "static01.nyt.com/images/2024/01/31/multimedia/00china-diplo-0{0}-tfmq/00china-diplo-0{0}-tfmq-{1}.jpg"
    assert rows == [
        (7, "https://" + base.format(2, "master1050"), "https://images.weserv.nl/?url=" + base.format(2, "master1050"),
         "Doug Mills/The New York Times"),
        (14, "https://" + base.format(3, "jumbo"), "https://images.weserv.nl/?url=" + base.format(3, "jumbo"),
         "Houthi Military Media, via Reuters"),
        (22, "https://" + base.format(4, "master1050"), "https://images.weserv.nl/?url=" + base.format(4, "master1050"),
         None),
    ]


def test_seed_links_point_at_paragraphs_and_archived_articles(archive_db):
    rows = archive_db.execute(
        "select links.position, paragraphs.position, links.text, links.domain from links"
        " left join paragraphs on paragraphs.id = links.paragraph_id"
        " where links.article_id = ? order by links.position", [stable_id(SEED_URL)]
    ).fetchall()
    assert rows == [
        (1, 3, "去年11月旧金山附近的那场峰会上", "cn.nytimes.com"),
        (2, 5, "联邦调查局警告", "cn.nytimes.com"),
        (3, 13, "在红海袭击商船的胡塞叛军", "nytimes.com"),
        (4, 13, "收回战争威胁", "cn.nytimes.com"),
        (5, 23, "打击胡塞武装", "nytimes.com"),
        (6, 23, "一些最为危险的冲突中心", "nytimes.com"),
        (7, 28, "点击查看更多关于他的信息。", "nytimes.com"),
        (8, 29, "点击查看更多关于她的信息。", "nytimes.com"),
        (9, 31, "点击查看本文英文版。", "nytimes.com"),
    ]


def test_links_resolve_to_archived_articles(archive_db):
    rows = archive_db.execute(
        "select source.url, links.href, target.url from links"
        " join articles as source on source.id = links.article_id"
        " join articles as target on target.id = links.target_article_id"
    ).fetchall()
    assert len(rows) >= 5
    for source_url, href, target_url in rows:
        assert canonical_url(urljoin(source_url, href)) == canonical_url(target_url)
    seed_targets = archive_db.execute(
        "select href from links where article_id = ? and target_article_id is not null", [stable_id(SEED_URL)]
    ).fetchall()
    assert seed_targets == []  # the seed links to no other archived article


def test_duplicate_urls_keep_every_version_and_show_the_newest(archive_db):
    # The same URL saved twice, 9 days apart (see seeds/MANIFEST.tsv).
    article_id = stable_id("https://cn.nytimes.com/usa/20240701/biden-campaign-debate-scramble/")
    versions = archive_db.execute(
        "select source_file, feed_time, is_current from versions where article_id = ? order by feed_time",
        [article_id],
    ).fetchall()
    assert versions == [
        ("nyt/dm2024_1042628.md", "2024-07-01T04:37:02Z", 0),
        ("nyt/dm2024_1042597.md", "2024-07-10T08:07:01Z", 1),
    ]
    current = archive_db["articles"].get(article_id)
    assert current["source_file"] == "nyt/dm2024_1042597.md"
    assert current["version_count"] == 2


def test_versions_record_every_source_file(archive_db):
    files = sorted(
        p.relative_to(SEEDS).as_posix() for p in SEEDS.rglob("*") if p.is_file() and p.suffix in (".md", ".txt")
    )
    assert [r[0] for r in archive_db.execute("select source_file from versions order by source_file")] == files
    assert archive_db.execute("select count(*) from versions where is_current = 1").fetchone()[0] == \
        archive_db["articles"].count
    assert archive_db["versions"].count == archive_db.execute("select sum(version_count) from articles").fetchone()[0]
    saved = archive_db.execute("select version_count, count(*) from articles group by 1 order by 1").fetchall()
    assert saved == [(1, 359), (2, 25), (3, 3)]  # the 3s: BBC articles in seeds/versions


def test_empty_bodies_load_with_a_warning(archive_db):
    rows = archive_db.execute("select source_file, level, error from build_errors order by source_file").fetchall()
    assert rows == [
        ("edge-cases/2020-09-08-专访：不要看空美国股市_可能涨得更高--贝莱德高管.md", "warning",
         "empty body: the file has a title and URL but no paragraphs or figures"),
        ("edge-cases/2020-10-02-Photo__Speeding_along_Tongli_Old_Town,_by_Dickson_.md", "warning",
         "empty body: the file has a title and URL but no paragraphs or figures"),
    ]
    titles = [r[0] for r in archive_db.execute(
        "select title from articles where paragraph_count = 0 and figure_count = 0 order by title")]
    assert titles == ["Photo: Speeding along Tongli Old Town, by Dickson Phua", "专访：不要看空美国股市 可能涨得更高--贝莱德高管"]


def test_rebuild_is_identical(archive_path, news_db):
    """Another build of seeds/, by build_db.py with one parser process: the same rows."""
    first, second = sqlite3.connect(archive_path), sqlite3.connect(news_db[0])
    for (table,) in first.execute("select name from sqlite_master where type = 'table' order by name"):
        query = f"select * from [{table}] order by 1"
        if table == "build_info":  # when each was built
            query = "select * from build_info where key not in ('built', 'full_build') order by 1"
        assert first.execute(query).fetchall() == second.execute(query).fetchall(), table


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def test_bad_files_are_recorded_and_others_still_load(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEEDS / SEED_FILE, inputs / SEED_FILE)
    _write(inputs / "empty.md", "")
    _write(inputs / "binary.md", b"\x00\x01\x02PNG")
    _write(inputs / "no-header.md", "<p>just html</p>")
    _write(inputs / "gbk.md", "<!--1-->\n[标题](https://example.com/a)\n------\n<p>中文</p>".encode("gbk"))
    summary = build([inputs], tmp_path / "out.db", jobs=1)
    db = sqlite_utils.Database(tmp_path / "out.db")
    assert summary.articles == 1 and summary.errors == 4
    errors = dict(db.execute("select source_file, error from build_errors where level = 'error'").fetchall())
    assert errors["empty.md"] == "empty file"
    assert errors["binary.md"] == "binary file (contains NUL bytes)"
    assert errors["no-header.md"].startswith("no header")
    assert errors["gbk.md"].startswith("not UTF-8")
    assert db.execute("select count(*) from versions where article_id is null").fetchone()[0] == 4


def _previous_archive(tmp_path):
    """(input folder, archive.db built from the seed, the archive's bytes)."""
    inputs = tmp_path / "in"
    _write(inputs / "good.md", (SEEDS / SEED_FILE).read_text(encoding="utf-8"))
    output = tmp_path / "archive.db"
    build([inputs], output, jobs=1)
    return inputs, output, output.read_bytes()


def test_strict_fails_and_keeps_the_previous_database(tmp_path):
    inputs, output, before = _previous_archive(tmp_path)
    _write(inputs / "bad.md", "")
    with pytest.raises(BuildFailed, match="bad.md: empty file"):
        build([inputs], output, strict=True, jobs=1)
    assert output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db", "in"]


def test_two_inputs_holding_one_name_stop_the_build_and_one_input_twice_is_read_once(tmp_path):
    inputs, output, before = _previous_archive(tmp_path)
    other = tmp_path / "other"
    _write(other / "good.md", (SEEDS / SEED_FILE).read_text(encoding="utf-8"))
    with pytest.raises(BuildFailed, match=re.escape(
            f"two input files have the same name 'good.md': {inputs / 'good.md'} and {other / 'good.md'}")):
        build([inputs, other], output, jobs=1)
    assert output.read_bytes() == before  # nothing written
    result = CliRunner().invoke(cli.main, [str(inputs), str(other), "-o", str(output)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "build from their common parent folder" in result.output
    summary = build([inputs, inputs, inputs / "good.md"], tmp_path / "twice.db", jobs=1)
    assert (summary.parsed, summary.articles) == (1, 1)


def test_failed_build_leaves_no_temporary_file_and_the_old_database(tmp_path, monkeypatch):
    inputs, output, before = _previous_archive(tmp_path)

    def explode(*args, **kwargs):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr("news_archive.db.schema.create_indexes", explode)
    with pytest.raises(RuntimeError, match="disk trouble"):
        build([inputs], output, jobs=1, full=True)
    assert output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db", "in"]


def test_cli_summary_and_help(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), str(SEEDS / SEED_FILE), "-o", str(tmp_path / "one.db"), "-q"],
        capture_output=True, text=True, check=True,
    )
    assert re.fullmatch(
        r".*one\.db: 1 articles, 28 paragraphs, 3 figures, 9 links, 1 files, 0 errors, 0 warnings in \d+\.\d s"
        r" \(full build\)\n",
        result.stdout,
    )
    help_text = CliRunner().invoke(cli.main, ["--help"]).output  # build_db.py's main(), in this process
    for option in ("--output", "--strict", "--jobs", "seeds/"):
        assert option in help_text


def test_cli_strict_exit_code_names_the_file(tmp_path):
    inputs = tmp_path / "in"
    _write(inputs / "broken.md", "<!--1-->\nno title line\n------\n<p>x</p>")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), str(inputs), "-o", str(tmp_path / "x.db"), "--strict"],
        capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "broken.md: no header" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_authors_json_matches_article_authors(archive_db):
    for article_id, authors in archive_db.execute("select id, authors from articles"):
        names = [r[0] for r in archive_db.execute(
            "select authors.name from article_authors join authors on authors.id = author_id"
            " where article_id = ? order by position", [article_id])]
        assert json.loads(authors) == names


def test_a_place_matcher_failure_keeps_the_article(tmp_path, monkeypatch):
    def broken(article, normalized=None):
        raise ValueError("gazetteer trouble")

    monkeypatch.setattr("news_archive.build.worker.article_places", broken)
    summary = build([SEEDS / SEED_FILE], tmp_path / "out.db", jobs=1)
    db = sqlite_utils.Database(tmp_path / "out.db")
    assert summary.articles == 1 and summary.warnings == 1
    assert db.execute("select error from build_errors").fetchall() == [
        ("places not read: ValueError: gazetteer trouble",)]


def test_a_chunk_of_files_gives_each_files_own_record():
    """parse_chunk normalizes and tokenizes a chunk's articles together: each record is still the
    file's own, errors and warnings included."""
    from news_archive.build.worker import parse_chunk, read_file
    from news_archive.db.parsed import SourceFile

    paths = sorted(p for p in SEEDS.rglob("*") if p.is_file() and p.suffix in {".md", ".txt", ".html"})
    paths[100:100] = [SEEDS / "MANIFEST.tsv", SEEDS / "no such file.md"]  # not an article; not there
    tasks = [(SourceFile(str(path), path.name), None) for path in paths]
    chunked = [record for start in range(0, len(tasks), 16) for record in parse_chunk(tasks[start:start + 16])]
    assert chunked == [read_file(source) for source, _ in tasks]
    assert len(chunked) == 420 and [record.problems[0][2][:12] for record in chunked if record.article is None] == [
        "no header: m", "cannot read:"]
    assert sum(len(record.article.paragraphs) for record in chunked if record.article) > 5000
