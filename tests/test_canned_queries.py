"""Every canned query in metadata.yml, run through Datasette on the seeds archive with the parameters a
user would give, against the same answer worked out in Python from the base tables (not the
summary tables the queries read, and not their SQL)."""

import asyncio
import re
import sqlite3
from collections import Counter, defaultdict
from itertools import combinations
from urllib.parse import urlencode

import pytest
import yaml
from datasette.app import Datasette
from datasette_json import queries_path
from db_fixtures import ROOT

from news_archive.search.normalize import normalize

QUERIES = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["archive"]["queries"]


@pytest.fixture(scope="module")
def served(archive_path):
    return Datasette([str(archive_path)])


@pytest.fixture(scope="module")
def base(archive_path):
    """The base tables as Python rows (dicts), read with plain selects."""
    db = sqlite3.connect(f"file:{archive_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    tables = {table: [dict(row) for row in db.execute(f"select * from [{table}]")] for table in (
        "articles", "outlets", "authors", "article_authors", "paragraphs", "figures", "links", "places",
        "article_places", "changes", "versions", "version_paragraphs", "build_errors")}
    db.close()
    tables["article"] = {a["id"]: a for a in tables["articles"]}
    tables["outlet_name"] = {o["id"]: o["name"] for o in tables["outlets"]}
    return tables


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def run(ds, name, **params):
    response = get(ds, f"/archive/{name}.json?" + urlencode({"_shape": "objects", **params}))
    assert response.status_code == 200, response.text
    return [tuple(row.values()) for row in response.json()["rows"]]


def ordered(rows, *keys):
    """rows sorted by keys, each (function, descending), the first key first; None sorts lowest, as in SQLite."""
    for key, descending in reversed(keys):
        rows = sorted(rows, key=lambda row, key=key: (key(row) is not None, key(row)), reverse=descending)
    return rows


def assert_sorted_with_ties(got, want, key):
    """For a query whose order leaves ties open: the same rows, in an order that agrees with key."""
    assert Counter(got) == Counter(want)
    assert got == ordered(got, (key, True)), "rows out of order"


def check_articles_by_author(ds, base):
    for author in ("pierson", "Olivia", ""):
        ids = {a["id"]: a["name"] for a in base["authors"] if author.lower() in a["name"].lower()}
        want = [(article["id"], article["title"], base["outlet_name"][article["outlet_id"]], article["published"],
                 ids[link["author_id"]])
                for link in base["article_authors"] if link["author_id"] in ids
                for article in [base["article"][link["article_id"]]]]
        assert want, author
        assert_sorted_with_ties(run(ds, "articles_by_author", author=author), want, lambda row: row[3])


def check_most_cited_domains(ds, base):
    kind = {p["id"]: p["kind"] for p in base["paragraphs"]}
    links, articles = Counter(), defaultdict(set)
    for link in base["links"]:
        if link["domain"] and kind.get(link["paragraph_id"]) not in (None, "footer", "credit"):
            links[link["domain"]] += 1
            articles[link["domain"]].add(link["article_id"])
    want = ordered([(domain, n, len(articles[domain])) for domain, n in links.items()],
                   (lambda r: r[1], True), (lambda r: r[0], False))[:100]
    assert run(ds, "most_cited_domains") == want


def check_photo_agencies(ds, base):
    credits = defaultdict(list)
    for figure in base["figures"]:
        if figure["credit"] is not None:
            credits[figure["credit"]].append(figure["article_id"])
    want = [(credit, len(ids), len(set(ids))) for credit, ids in credits.items()]
    assert len(want) <= 200  # the seeds hold fewer credits than the query's limit: every one is listed
    assert_sorted_with_ties(run(ds, "photo_agencies"), want, lambda row: row[1])


def check_articles_per_month(ds, base):
    counts = Counter((a["published"][:7], a["outlet_id"]) for a in base["articles"] if a["published"] is not None)
    want = ordered([(month, base["outlet_name"][outlet], n) for (month, outlet), n in counts.items()],
                   (lambda r: r[0], True), (lambda r: r[2], True), (lambda r: r[1], False))
    assert run(ds, "articles_per_month") == want


def citing(base):
    """Archived article -> the other archived articles that link to it."""
    found = defaultdict(set)
    for link in base["links"]:
        if link["target_article_id"] is not None and link["target_article_id"] != link["article_id"]:
            found[link["target_article_id"]].add(link["article_id"])
    return found


def check_backlinks(ds, base):
    target = max(citing(base).items(), key=lambda item: len(item[1]))[0]
    want = [(source["id"], source["title"], source["published"], link["text"], link["href"])
            for link in base["links"] if link["target_article_id"] == target
            for source in [base["article"][link["article_id"]]]]
    assert len(want) >= 2
    assert_sorted_with_ties(run(ds, "backlinks", article_id=target), want, lambda row: row[2])
    assert run(ds, "backlinks", article_id=12345) == run(ds, "backlinks", article_id="not a number") == []


def check_most_linked_articles(ds, base):
    want = [(target, base["article"][target]["title"], base["article"][target]["published"], len(sources))
            for target, sources in citing(base).items()]
    want = ordered(want, (lambda r: r[3], True), (lambda r: r[2], True), (lambda r: r[0], False))[:100]
    assert run(ds, "most_linked_articles") == want


def check_english_editions(ds, base):
    want = [(a["id"], a["title"], a["outlet_id"], a["published"], a["english_url"])
            for a in base["articles"] if a["english_url"] is not None]
    assert len(want) > 200
    assert_sorted_with_ties(run(ds, "english_editions"), want, lambda row: row[3])


def check_build_problems(ds, base):
    files = defaultdict(list)
    for problem in base["build_errors"]:
        files[problem["level"], problem["error"]].append(problem["source_file"])
    want = [(level, error, len(names), min(names)) for (level, error), names in files.items()]
    assert want
    assert_sorted_with_ties(run(ds, "build_problems"), want, lambda row: row[2])


def check_articles_mentioning_place(ds, base):
    for place in ("北京", "Beijing", "beijing", "红海", "Georgia", "nowhere", ""):
        places = {p["id"]: p["name"] for p in base["places"]
                  if p["name"] == place or (p["name_en"] is not None and p["name_en"].lower() == place.lower())}
        want = [(article["id"], article["title"], base["outlet_name"][article["outlet_id"]], article["published"],
                 places[mention["place_id"]], mention["mentions"], mention["first_position"])
                for mention in base["article_places"] if mention["place_id"] in places
                for article in [base["article"][mention["article_id"]]]]
        assert bool(want) == (place not in ("nowhere", "")), place
        assert run(ds, "articles_mentioning_place", place=place) == ordered(
            want, (lambda r: r[3], True), (lambda r: r[0], False)), place


def check_places_mentioned_together(ds, base):
    names = {p["id"]: p["name"] for p in base["places"]}
    named = defaultdict(set)
    for mention in base["article_places"]:
        named[mention["article_id"]].add(mention["place_id"])
    pairs = Counter(pair for places in named.values() for pair in combinations(sorted(places), 2))
    by_place = [(p, q, n) for (p, q), n in pairs.items()]
    for place in ("北京", "曼谷", "", "nowhere"):
        if place:
            ids = {i for i, name in names.items() if name == place}
            found = [(p, q, n) for p, q, n in by_place if p in ids] + [(q, p, n) for p, q, n in by_place if q in ids]
        else:
            found = by_place
        top = ordered(found, (lambda r: r[2], True), (lambda r: r[0], False), (lambda r: r[1], False))[:100]
        want = ordered([(names[p], names[q], n) for p, q, n in top],
                       (lambda r: r[2], True), (lambda r: r[0], False), (lambda r: r[1], False))
        assert bool(want) == (place != "nowhere"), place
        assert run(ds, "places_mentioned_together", place=place) == want, place


def edits_by_article(base):
    found = defaultdict(list)
    for change in base["changes"]:
        found[change["article_id"]].append(change)
    return found


def check_recently_edited(ds, base):
    want = []
    for aid, changes in edits_by_article(base).items():
        latest = max(changes, key=lambda c: c["after_time"])
        want.append((aid, base["article"][aid]["title"], base["outlet_name"].get(changes[0]["outlet_id"]), len(changes),
                     latest["after_time"], latest["id"], sum(c["kind"] != "text" for c in changes),
                     sum(c["chars_added"] for c in changes), sum(c["chars_removed"] for c in changes)))
    assert len(want) > 20
    assert run(ds, "recently_edited") == ordered(want, (lambda r: r[4], True), (lambda r: r[0], False))[:200]


def check_headline_changes(ds, base):
    want = [(c["id"], c["article_id"], base["outlet_name"].get(c["outlet_id"]), c["after_time"], c["title_before"],
             c["title_after"], c["kind"]) for c in base["changes"] if c["kind"] in ("headline", "both")]
    assert len(want) > 10
    assert run(ds, "headline_changes") == ordered(want, (lambda r: r[3], True), (lambda r: r[0], False))


def check_edits_removed_word(ds, base):
    shown = {v["article_id"]: v["text_version_id"] for v in base["versions"] if v["is_current"]}
    # 高调 and 自家 were taken out by an edit (of the text, of a headline), 泄露 by four (泄露 -> 泄漏),
    # in either script; 特朗普 is in every version.
    for word, expected in (("高调", 1), ("自家", 1), ("高調", 1), ("泄露", 4), ("洩露", 4), ("特朗普", 0)):
        having = {p["version_id"] for p in base["version_paragraphs"] if normalize(word) in normalize(p["text"])}
        want = []
        for aid, changes in edits_by_article(base).items():
            removing = [c for c in changes if c["before_version_id"] in having and c["after_version_id"] not in having]
            if removing and shown.get(aid) not in having:
                last = max(removing, key=lambda c: c["after_time"])
                want.append((aid, base["article"][aid]["title"], base["outlet_name"].get(last["outlet_id"]),
                             last["id"], last["before_time"], last["after_time"], last["kind"]))
        assert len(want) == expected, word
        assert run(ds, "edits_removed_word", word=word) == ordered(
            want, (lambda r: r[5], True), (lambda r: r[0], False)), word


def check_edits_per_month(ds, base):
    groups = defaultdict(list)
    for change in base["changes"]:
        groups[change["after_time"][:7], change["outlet_id"]].append(change)
    want = [(month, base["outlet_name"].get(outlet), len(changes), len({c["article_id"] for c in changes}),
             sum(c["kind"] != "text" for c in changes), sum(c["chars_added"] for c in changes),
             sum(c["chars_removed"] for c in changes),
             sum(1 for a in base["articles"] if a["outlet_id"] == outlet and a["published"]
                 and a["published"][:7] == month))
            for (month, outlet), changes in groups.items()]
    assert run(ds, "edits_per_month") == ordered(
        want, (lambda r: r[0], True), (lambda r: r[2], True), (lambda r: r[1], False))


CHECKS = {name.removeprefix("check_"): check for name, check in globals().items() if name.startswith("check_")}


def test_every_canned_query_has_a_check(served):
    served_names = {query["name"] for query in get(served, queries_path("archive")).json()["queries"]}
    assert set(QUERIES) == served_names == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_canned_query_rows(served, base, name):
    CHECKS[name](served, base)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_query_page_answers_any_input(served, name):
    """The HTML page, as the form submits it: empty, unknown and malformed values give rows or a message, never a 500."""
    params = set(re.findall(r":(\w+)", QUERIES[name]["sql"]))
    for value in ("", "nowhere", "'; drop table articles; --", "1 OR 1=1"):
        query = urlencode({param: value for param in params})
        response = get(served, f"/archive/{name}?{query}")
        assert response.status_code in (200, 400), (name, value, response.status_code)
        if response.status_code == 400:
            assert "error" in response.text.lower(), (name, value)
