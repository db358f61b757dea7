"""The summary tables (news_archive.db.summaries): a full build fills them with what the base tables
say, worked out here in Python, and an incremental build leaves exactly the rows a full build of the
same files has, without recounting the archive."""

import shutil
import sqlite3
from collections import Counter, defaultdict
from itertools import combinations

import pytest
from db_fixtures import SEEDS
from test_incremental_build import CITED, FEW, FOLDER, NEWER

from news_archive.build import build
from news_archive.db import summaries


def summary_rows(path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        return {table: db.execute(f"select * from [{table}] order by 1, 2").fetchall() for table in summaries.TABLES}
    finally:
        db.close()


def from_base_tables(path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        published = dict(db.execute("select id, published from articles"))
        mentions = db.execute("select article_id, place_id from article_places").fetchall()
        kind = dict(db.execute("select id, kind from paragraphs"))
        links = db.execute("select article_id, domain, paragraph_id from links").fetchall()
    finally:
        db.close()
    named = defaultdict(set)
    for article, place in mentions:
        named[article].add(place)
    pairs = Counter(pair for places in named.values() for pair in combinations(sorted(places), 2))
    cited = Counter((article, domain) for article, domain, paragraph in links
                    if domain is not None and kind.get(paragraph) not in (None, "footer", "credit"))
    per_domain = defaultdict(list)
    for (article, domain), n in cited.items():
        per_domain[domain].append(n)
    return {
        "place_pairs": sorted((p, q, n) for (p, q), n in pairs.items()),
        "place_articles": sorted((article, place, published[article]) for article, place in mentions),
        "article_cited_domains": sorted((article, domain, n) for (article, domain), n in cited.items()),
        "cited_domains": sorted((domain, sum(counts), len(counts)) for domain, counts in per_domain.items()),
    }


def test_a_full_build_summarizes_the_base_tables(archive_path):
    got = summary_rows(archive_path)
    assert all(got.values()), "the seeds give every summary rows"
    assert got == from_base_tables(archive_path)


@pytest.fixture
def inputs(tmp_path):
    """seeds/versions and a third of FOLDER: FEW, and the days the changes below add and remove."""
    folder = tmp_path / "in"
    (folder / FOLDER).mkdir(parents=True)
    days = [*(SEEDS / FOLDER).glob("2021-06-0[12]-*.md"), *(SEEDS / FOLDER).glob("2021-04-2[67]-*.md")]
    for path in {*(SEEDS / name for name in FEW), *days}:
        shutil.copy2(path, folder / FOLDER / path.name)
    shutil.copytree(SEEDS / "versions", folder / "versions")
    return folder


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_change_and_remove(inputs, aside):
    for path in aside.iterdir():  # new articles, a newer version, an article others cite
        shutil.move(path, inputs / FOLDER / path.name)
    for path in sorted((inputs / FOLDER).glob("2021-04-2*.md")):
        path.unlink()
    # Other places, other links: pairs and domain counts move both ways.
    _edit(inputs / FOLDER / "2021-05-06-扎克伯格和库克是如何成为敌人的.md", "美国", "日本")


def edit_one_file(inputs, aside):
    _edit(inputs / FOLDER / "2021-05-06-扎克伯格和库克是如何成为敌人的.md", "https://", "https://example.org/")


def remove_the_shown_version(inputs, aside):
    (inputs / NEWER).unlink()  # the older version is shown again, read from its unchanged file


def remove_everything_but_the_versions(inputs, aside):
    shutil.rmtree(inputs / FOLDER)


@pytest.mark.parametrize("change", [add_change_and_remove, edit_one_file, remove_the_shown_version,
                                    remove_everything_but_the_versions], ids=lambda change: change.__name__)
def test_an_incremental_build_leaves_the_full_builds_summaries(inputs, tmp_path, monkeypatch, change):
    output, aside = tmp_path / "archive.db", tmp_path / "aside"
    aside.mkdir()
    for path in [*sorted((inputs / FOLDER).glob("2021-06-0*.md")), inputs / CITED]:
        shutil.move(path, aside / path.name)
    build([inputs], output, jobs=1)
    before = summary_rows(output)
    change(inputs, aside)
    monkeypatch.setattr(summaries, "compute", _must_not_recount)
    assert build([inputs], output, jobs=1).mode == "incremental"
    monkeypatch.undo()
    got = summary_rows(output)
    assert got != before
    full = tmp_path / "full.db"
    build([inputs], full, jobs=1)
    assert got == summary_rows(full) == from_base_tables(full)


def _must_not_recount(db):
    raise AssertionError("an incremental build recounted the summaries")
