"""The database schema and the functions that save parsed articles into it (sqlite-utils throughout)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import urljoin

import sqlite_utils

from .ids import stable_id
from .parse.model import Article
from .parse.outlets import OUTLETS, Outlet
from .places import Mention, gazetteer
from .parse.urls import canonical_url, domain_of

TABLES = {
    "outlets": {
        "columns": {"id": str, "name": str, "name_en": str, "homepage": str, "article_count": int},
        "pk": "id",
    },
    "authors": {
        "columns": {"id": int, "name": str, "article_count": int},
        "pk": "id",
    },
    "articles": {
        "columns": {
            "id": int, "title": str, "url": str, "outlet_id": str, "section": str, "published": str,
            "published_from": str, "year": int, "feed_time": str, "byline": str, "authors": str,
            "language": str, "script": str, "lead": str, "paragraph_count": int, "figure_count": int,
            "link_count": int, "char_count": int, "english_url": str, "credits": str,
            "source_file": str, "version_count": int, "places": str, "countries": str,
        },
        "pk": "id",
        "foreign_keys": [("outlet_id", "outlets", "id")],
        # One index per default facet column, led by it: a page filtered on it is read in published
        # order and its other default facets counted from the index alone (at 100k articles,
        # ?year=2021 took 120 ms with single-column indexes).
        "indexes": [
            ["outlet_id", "published", "section", "year"], ["section", "published", "outlet_id", "year"],
            ["year", "published", "outlet_id", "section"], ["published"], ["language", "script"],
        ],
    },
    "article_authors": {
        "columns": {"id": int, "article_id": int, "author_id": int, "position": int},
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("author_id", "authors", "id")],
        "indexes": [["article_id"], ["author_id"]],
    },
    "paragraphs": {
        "columns": {"id": int, "article_id": int, "position": int, "kind": str, "text": str, "html": str},
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["article_id", "position"], ["kind"]],
    },
    "figures": {
        "columns": {
            "id": int, "article_id": int, "position": int, "image_url": str, "proxied_url": str,
            "alt": str, "caption": str, "credit": str,
        },
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["article_id", "position"], ["credit"]],
    },
    "links": {
        "columns": {
            "id": int, "article_id": int, "paragraph_id": int, "position": int, "href": str,
            "text": str, "title": str, "domain": str, "target_article_id": int,
        },
        "pk": "id",
        "foreign_keys": [
            ("article_id", "articles", "id"),
            ("paragraph_id", "paragraphs", "id"),
            ("target_article_id", "articles", "id"),
        ],
        "indexes": [["article_id", "position"], ["paragraph_id"], ["domain"], ["target_article_id"]],
    },
    "versions": {
        "columns": {
            "id": int, "article_id": int, "source_file": str, "feed_time": str, "sha256": str,
            "size_bytes": int, "file_mtime_ns": int, "is_current": int, "text_hash": str, "text_version_id": int,
        },
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("text_version_id", "versions", "id")],
        # Looked up by file name through the id (version_id), so no index on source_file.
        "indexes": [["article_id"], ["text_version_id"]],
    },
    # The headline (position 0) and paragraphs of each distinct saved text of an edited article
    # (news_archive.history); dense ids, the rowids version_paragraphs_fts shares.
    "version_paragraphs": {
        "columns": {"id": int, "version_id": int, "article_id": int, "position": int, "kind": str, "text": str},
        "pk": "id",
        "foreign_keys": [("version_id", "versions", "id"), ("article_id", "articles", "id")],
        "indexes": [["version_id", "position"], ["article_id"]],
    },
    # One row per edit: consecutive distinct texts of an article, in feed-time order.
    "changes": {
        "columns": {
            "id": int, "article_id": int, "outlet_id": str, "before_version_id": int, "after_version_id": int,
            "before_time": str, "after_time": str, "title_before": str, "title_after": str,
            "chars_added": int, "chars_removed": int, "paragraphs_added": int, "paragraphs_removed": int,
            "paragraphs_changed": int, "kind": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("article_id", "articles", "id"), ("outlet_id", "outlets", "id"),
            ("before_version_id", "versions", "id"), ("after_version_id", "versions", "id"),
        ],
        "indexes": [
            ["article_id", "after_time"], ["outlet_id", "after_time"], ["kind", "after_time"], ["after_time"],
            ["before_version_id"], ["after_version_id"],
        ],
    },
    "build_errors": {
        "columns": {"id": int, "source_file": str, "level": str, "error": str},
        "pk": "id",
        "indexes": [["level"]],
    },
    "build_info": {
        "columns": {"key": str, "value": str},
        "pk": "key",
    },
    "places": {
        "columns": {
            "id": int, "name": str, "name_en": str, "kind": str, "country_id": int, "country_code": str,
            "latitude": float, "longitude": float, "population": int, "source_id": str, "article_count": int,
        },
        "pk": "id",
        "foreign_keys": [("country_id", "places", "id")],
        "indexes": [["country_id"], ["kind"], ["name"]],
    },
    "article_places": {
        "columns": {"id": int, "article_id": int, "place_id": int, "mentions": int, "first_position": int},
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("place_id", "places", "id")],
        # Both pairs, so "places mentioned together" joins article_places with itself from the indexes alone.
        "indexes": [["article_id", "place_id"], ["place_id", "article_id"]],
    },
}

# One row per article and place it names, with the latitude/longitude columns datasette-cluster-map
# draws and the popup it shows (title, description, link; the link is relative, so it stays inside
# the database whatever its name).
VIEWS = {
    "article_place_map": """
select
  articles.id as article_id,
  articles.title,
  articles.published,
  places.name as place,
  places.kind,
  places.latitude,
  places.longitude,
  article_places.mentions,
  json_object(
    'title', articles.title,
    'description', places.name || ' · ' || coalesce(substr(articles.published, 1, 10), ''),
    'link', 'articles/' || articles.id
  ) as popup
from article_places
join articles on articles.id = article_places.article_id
join places on places.id = article_places.place_id
where places.latitude is not null""",
}

# Faster bulk loading into a file nobody else has open yet; the build renames it into place at the end.
BUILD_PRAGMAS = ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -64000")
# Set before the first table: lets each build give back the pages that replaced rows and merged FTS
# segments leave free (PRAGMA incremental_vacuum), without VACUUM, which would renumber the rowids
# that articles_fts shares with articles.
NEW_DATABASE_PRAGMAS = ("PRAGMA auto_vacuum = INCREMENTAL",)

# Child rows get dense ids, counted up by the build (ArchiveWriter): ``INTEGER PRIMARY KEY`` makes
# the id the rowid, so Datasette sorts by it without a sort step (a search for a common word has
# 10^5 matches), the FTS index shares it (dense rowids keep the index small: random 52-bit ids made
# it twice the size) and an article's rows are one id range. An incremental build keeps the ids of
# rows it does not touch; a full build numbers them anew, in file order.
DENSE_ID_TABLES = ("paragraphs", "figures", "links", "article_authors", "article_places")
# Articles keep an id derived from the URL (stable across every build: pages link to it), declared
# "INT PRIMARY KEY", not INTEGER, so it is not the rowid: the rowid stays dense for articles_fts.
HASHED_ID_SEARCHABLE = "articles"


def create_schema(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        sql = db.create_table_sql(
            name, spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys", []), not_null={spec["pk"]}
        )
        if name == HASHED_ID_SEARCHABLE:
            sql = sql.replace('"id" INTEGER PRIMARY KEY', '"id" INT PRIMARY KEY', 1)
        db.execute(sql)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())


def create_indexes(db: sqlite_utils.Database) -> None:
    """After the load: building an index once is cheaper than keeping it up to date row by row."""
    for name, spec in TABLES.items():
        for columns in spec.get("indexes", []):
            db[name].create_index(columns, if_not_exists=True)


def article_id(article: Article) -> int:
    return stable_id(article.canonical_url)


def author_id(name: str) -> int:
    # Case-folded: "DAVID PIERSON" in one byline and "David Pierson" in another are one person.
    return stable_id("author", name.casefold())


def version_id(source_file: str) -> int:
    return stable_id("version", source_file)


def link_target(base_url: str, href: str) -> tuple[str | None, int | None]:
    """(domain, id the target would have as an archived article) of a link; Nones for hrefs no URL parser takes."""
    try:
        absolute = urljoin(base_url, href)
        domain = domain_of(absolute)
        return domain, stable_id(canonical_url(absolute)) if domain else None
    except ValueError:
        return None, None


class RowBuffer:
    """Collects rows per table and inserts them in large batches: one insert per row is ~10x slower."""

    def __init__(self, db: sqlite_utils.Database, batch_size: int = 5_000):
        self.db = db
        self.batch_size = batch_size
        self.rows: dict[str, list[dict]] = defaultdict(list)

    def add(self, table: str, rows: Iterable[dict]) -> None:
        pending = self.rows[table]
        pending.extend(rows)
        if len(pending) >= self.batch_size:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.rows):
            rows, self.rows[name] = self.rows[name], []
            if rows:
                self.db[name].insert_all(rows, batch_size=1000)


def article_row(article: Article, *, source_file: str, authors: Sequence[str], mentions: Sequence[Mention]) -> dict:
    """The articles row; version_count is counted when the build ends (other versions may follow)."""
    body = article.body
    named = [gazetteer.places()[m.place_id] for m in mentions]
    return {
        "id": article_id(article),
        "title": article.title,
        "url": article.url,
        "outlet_id": article.outlet_id,
        "section": article.section,
        "published": article.published,
        "published_from": article.published_from,
        "year": int(article.published[:4]) if article.published else None,
        "feed_time": article.feed_time,
        "byline": article.byline,
        "authors": json.dumps(list(authors), ensure_ascii=False),
        "language": article.language,
        "script": article.script,
        "lead": article.lead,
        "paragraph_count": len(body.paragraphs),
        "figure_count": len(body.figures),
        "link_count": len(body.links),
        "char_count": sum(len(p.text) for p in body.paragraphs),
        "english_url": article.english_url,
        "credits": article.credits,
        "source_file": source_file,
        "version_count": None,
        "places": json.dumps([p.name for p in named], ensure_ascii=False),
        "countries": json.dumps(list(dict.fromkeys(
            c.name for p in named if (c := gazetteer.country_of(p)))), ensure_ascii=False),
    }


def outlet_rows(used: Iterable[Outlet]) -> list[dict]:
    """Every known outlet and any other the articles name; article_count is counted when the build ends."""
    known = {outlet.id: outlet for outlet in OUTLETS}
    known.update({outlet.id: outlet for outlet in used})
    return [{"id": o.id, "name": o.name, "name_en": o.name_en, "homepage": o.homepage, "article_count": 0}
            for o in sorted(known.values(), key=lambda o: o.id)]


def place_rows() -> list[dict]:
    """Every gazetteer place (not the not_place phrases); article_count is counted when the build ends."""
    rows = []
    for place in sorted(gazetteer.places().values(), key=lambda p: p.id):
        if place.kind != gazetteer.NOT_PLACE:
            country = gazetteer.country_of(place)
            rows.append({
                "id": place.id, "name": place.name, "name_en": place.name_en, "kind": place.kind,
                "country_id": country.id if country else None, "country_code": place.country_code,
                "latitude": place.latitude, "longitude": place.longitude, "population": place.population,
                "source_id": place.source_id, "article_count": 0,
            })
    return rows


# Counts that depend on the whole archive, refreshed at the end of every build (a few ms each:
# every one reads an index).
COUNT_UPDATES = (
    "update outlets set article_count = (select count(*) from articles where outlet_id = outlets.id)",
    "update authors set article_count = (select count(*) from article_authors where author_id = authors.id)",
    "delete from authors where article_count = 0",
    "update places set article_count = (select count(*) from article_places where place_id = places.id)",
)
