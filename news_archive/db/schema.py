"""The archive's tables, indexes and view, declared as the SQL that creates them, and a build's PRAGMAs.

Every table but build_info (keyed by key) has an integer primary key id. Child rows (DENSE_ID_TABLES)
get dense ids counted up by the build: ``INTEGER PRIMARY KEY`` makes the id the rowid, so Datasette
sorts by it without a sort step (a search for a common word has 10^5 matches), the FTS index shares
it (dense rowids keep the index small: random 52-bit ids made it twice the size) and an article's rows
are one id range. An incremental build keeps the ids of rows it does not touch; a full build numbers
them anew, in file order. Articles keep an id derived from the URL (stable across every build: pages
link to it), declared ``INT PRIMARY KEY``, not INTEGER, so it is not the rowid: the rowid stays dense
for articles_fts.
"""

from __future__ import annotations

import re

import sqlite_utils

TABLES = {
    "outlets": """
   "id" TEXT PRIMARY KEY NOT NULL,
   "name" TEXT,
   "name_en" TEXT,
   "homepage" TEXT,
   "article_count" INTEGER""",
    "authors": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "name" TEXT,
   "article_count" INTEGER""",
    "articles": """
   "id" INT PRIMARY KEY NOT NULL,
   "title" TEXT,
   "url" TEXT,
   "outlet_id" TEXT REFERENCES "outlets"("id"),
   "section" TEXT,
   "published" TEXT,
   "published_from" TEXT,
   "year" INTEGER,
   "feed_time" TEXT,
   "byline" TEXT,
   "authors" TEXT,
   "language" TEXT,
   "script" TEXT,
   "lead" TEXT,
   "paragraph_count" INTEGER,
   "figure_count" INTEGER,
   "link_count" INTEGER,
   "char_count" INTEGER,
   "english_url" TEXT,
   "credits" TEXT,
   "source_file" TEXT,
   "version_count" INTEGER,
   "places" TEXT,
   "countries" TEXT""",
    "article_authors": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "article_id" INTEGER REFERENCES "articles"("id"),
   "author_id" INTEGER REFERENCES "authors"("id"),
   "position" INTEGER""",
    "paragraphs": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "article_id" INTEGER REFERENCES "articles"("id"),
   "position" INTEGER,
   "kind" TEXT,
   "text" TEXT,
   "html" TEXT""",
    "figures": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "article_id" INTEGER REFERENCES "articles"("id"),
   "position" INTEGER,
   "image_url" TEXT,
   "proxied_url" TEXT,
   "alt" TEXT,
   "caption" TEXT,
   "credit" TEXT""",
    "links": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "article_id" INTEGER REFERENCES "articles"("id"),
   "paragraph_id" INTEGER REFERENCES "paragraphs"("id"),
   "position" INTEGER,
   "href" TEXT,
   "text" TEXT,
   "title" TEXT,
   "domain" TEXT,
   "target_article_id" INTEGER REFERENCES "articles"("id")""",
    "versions": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "article_id" INTEGER REFERENCES "articles"("id"),
   "source_file" TEXT,
   "feed_time" TEXT,
   "sha256" TEXT,
   "size_bytes" INTEGER,
   "file_mtime_ns" INTEGER,
   "is_current" INTEGER,
   "text_hash" TEXT,
   "text_version_id" INTEGER REFERENCES "versions"("id")""",
    # The headline (position 0) and paragraphs of each distinct saved text of an edited article
    # (news_archive.db.history); dense ids, the rowids version_paragraphs_fts shares.
    "version_paragraphs": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "version_id" INTEGER REFERENCES "versions"("id"),
   "article_id" INTEGER REFERENCES "articles"("id"),
   "position" INTEGER,
   "kind" TEXT,
   "text" TEXT""",
    # One row per edit: consecutive distinct texts of an article, in feed-time order.
    "changes": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "article_id" INTEGER REFERENCES "articles"("id"),
   "outlet_id" TEXT REFERENCES "outlets"("id"),
   "before_version_id" INTEGER REFERENCES "versions"("id"),
   "after_version_id" INTEGER REFERENCES "versions"("id"),
   "before_time" TEXT,
   "after_time" TEXT,
   "title_before" TEXT,
   "title_after" TEXT,
   "chars_added" INTEGER,
   "chars_removed" INTEGER,
   "paragraphs_added" INTEGER,
   "paragraphs_removed" INTEGER,
   "paragraphs_changed" INTEGER,
   "kind" TEXT""",
    "build_errors": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "source_file" TEXT,
   "level" TEXT,
   "error" TEXT""",
    "build_info": """
   "key" TEXT PRIMARY KEY NOT NULL,
   "value" TEXT""",
    "places": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "name" TEXT,
   "name_en" TEXT,
   "kind" TEXT,
   "country_id" INTEGER REFERENCES "places"("id"),
   "country_code" TEXT,
   "latitude" REAL,
   "longitude" REAL,
   "population" INTEGER,
   "source_id" TEXT,
   "article_count" INTEGER""",
    "article_places": """
   "id" INTEGER PRIMARY KEY NOT NULL,
   "article_id" INTEGER REFERENCES "articles"("id"),
   "place_id" INTEGER REFERENCES "places"("id"),
   "mentions" INTEGER,
   "first_position" INTEGER""",
}

# Made after a full build's load (building an index once is cheaper than keeping it up to date row
# by row); every foreign key and facet column is indexed.
INDEXES = {
    # One index per default facet column, led by it: a page filtered on it is read in published order
    # and its other default facets counted from the index alone (at 100k articles, ?year=2021 took
    # 120 ms with single-column indexes).
    "articles": [
        ["outlet_id", "published", "section", "year"], ["section", "published", "outlet_id", "year"],
        # english_url beside published: "English editions" reads the few articles that have one in
        # published order from this index alone (a scan of every row took 55 ms at 100k articles).
        ["year", "published", "outlet_id", "section"], ["published", "english_url"], ["language", "script"],
    ],
    "article_authors": [["article_id"], ["author_id"]],
    "paragraphs": [["article_id", "position"], ["kind"]],
    "figures": [["article_id", "position"], ["credit"]],
    # article_id beside target_article_id: "most linked-to articles" counts citing articles from the index alone.
    "links": [["article_id", "position"], ["paragraph_id"], ["domain"], ["target_article_id", "article_id"]],
    # Looked up by file name through the id (version_id), so no index on source_file.
    "versions": [["article_id"], ["text_version_id"]],
    "version_paragraphs": [["version_id", "position"], ["article_id"]],
    "changes": [
        ["article_id", "after_time"], ["outlet_id", "after_time"], ["kind", "after_time"], ["after_time"],
        ["before_version_id"], ["after_version_id"],
    ],
    "build_errors": [["level"]],
    "places": [["country_id"], ["kind"], ["name"]],
    # Both pairs, so "places mentioned together" joins article_places with itself from the indexes alone.
    "article_places": [["article_id", "place_id"], ["place_id", "article_id"]],
}

# Indexes INDEXES cannot say. On an expression, which a query uses only when it names the same
# expression: "articles per month" groups by substr(published, 1, 7) from this index in order (sorting
# 100,000 months took 100 ms). Descending: the articles table's pages after the first are ordered
# `published desc, id`, which no ascending index gives (every article was sorted: 890 ms at 100k, 130 after).
EXPRESSION_INDEXES = (
    'CREATE INDEX IF NOT EXISTS "idx_articles_month_outlet_id" ON "articles" (substr("published", 1, 7), "outlet_id")',
    'CREATE INDEX IF NOT EXISTS "idx_articles_published_desc_id" ON "articles" ("published" DESC, "id")',
)

# One row per article and place it names, with the latitude/longitude columns datasette-cluster-map
# draws and the popup it shows (title, description, link; the link is relative, so it stays inside
# the database whatever its name).
VIEWS = {
    # The article's columns come from subqueries, not a join, so the map's unfiltered count joins
    # article_places with places alone (at 100k articles, 1,090 ms with the join, 270 without).
    "article_place_map": """select
  article_places.article_id,
  (select title from articles where articles.id = article_places.article_id) as title,
  (select published from articles where articles.id = article_places.article_id) as published,
  places.name as place,
  places.kind,
  places.latitude,
  places.longitude,
  article_places.mentions,
  (select json_object(
    'title', articles.title,
    'description', places.name || ' · ' || coalesce(substr(articles.published, 1, 10), ''),
    'link', 'articles/' || articles.id
  ) from articles where articles.id = article_places.article_id) as popup
from article_places
join places on places.id = article_places.place_id
where places.latitude is not null""",
}

# The tables holding an article's rows, by article_id, with dense ids the build counts up.
DENSE_ID_TABLES = ("paragraphs", "figures", "links", "article_authors", "article_places")
# Each table's columns in order: the build's rows are tuples in this order.
COLUMNS = {name: tuple(re.findall(r'^\s+"(\w+)"', columns, re.M)) for name, columns in TABLES.items()}

# Faster bulk loading into a file nobody else has open yet; the build renames it into place at the end.
BUILD_PRAGMAS = ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -64000")
# Set before the first table: lets each build give back the pages that replaced rows and merged FTS
# segments leave free (PRAGMA incremental_vacuum), without VACUUM, which would renumber the rowids
# that articles_fts shares with articles.
NEW_DATABASE_PRAGMAS = ("PRAGMA auto_vacuum = INCREMENTAL",)


def create_schema(db: sqlite_utils.Database) -> None:
    for name, columns in TABLES.items():
        db.execute(f'CREATE TABLE "{name}" ({columns}\n)')
    for name, sql in VIEWS.items():
        db.execute(f'CREATE VIEW "{name}" AS {sql}')


def create_indexes(db: sqlite_utils.Database) -> None:
    for table, indexes in INDEXES.items():
        for columns in indexes:
            quoted = ", ".join(f'"{column}"' for column in columns)
            db.execute(f'CREATE INDEX IF NOT EXISTS "idx_{table}_{"_".join(columns)}"\n    ON "{table}" ({quoted})')
    for sql in EXPRESSION_INDEXES:
        db.execute(sql)
