"""The database schema and the functions that save parsed articles into it (sqlite-utils throughout)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import urljoin

import sqlite_utils

from .ids import stable_id
from .model import Article
from .outlets import OUTLETS, Outlet
from .places import Mention, gazetteer
from .urls import canonical_url, domain_of

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
        "indexes": [["outlet_id"], ["section"], ["year"], ["published"], ["language", "script"]],
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
            "size_bytes": int, "is_current": int,
        },
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["article_id"], ["sha256"]],
    },
    "build_errors": {
        "columns": {"id": int, "source_file": str, "level": str, "error": str},
        "pk": "id",
        "indexes": [["level"]],
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
BUILD_PRAGMAS = ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -200000")


# Searchable tables declare "id INT PRIMARY KEY", not INTEGER: then id is not an alias of the rowid,
# and the rowid stays a dense 1, 2, 3 ... that the FTS index uses as its own rowid. Random 52-bit ids
# as FTS rowids make the index twice as large (6.9 MB against 3.1 MB for the seeds' paragraphs).
SEARCHABLE_TABLES = ("articles", "paragraphs", "figures")


def create_schema(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        sql = db.create_table_sql(
            name, spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys", []), not_null={spec["pk"]}
        )
        if name in SEARCHABLE_TABLES:
            sql = sql.replace('"id" INTEGER PRIMARY KEY', '"id" INT PRIMARY KEY', 1)
        db.execute(sql)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())


def create_indexes(db: sqlite_utils.Database) -> None:
    """After the load: building an index once is cheaper than keeping it up to date row by row."""
    for name, spec in TABLES.items():
        for columns in spec.get("indexes", []):
            db[name].create_index(columns, if_not_exists=True)


def save_outlets(buffer: RowBuffer, used: Iterable[Outlet], article_counts: Counter) -> None:
    known = {outlet.id: outlet for outlet in OUTLETS}
    known.update({outlet.id: outlet for outlet in used})
    buffer.add("outlets", (
        {"id": o.id, "name": o.name, "name_en": o.name_en, "homepage": o.homepage,
         "article_count": article_counts[o.id]}
        for o in sorted(known.values(), key=lambda o: o.id)
    ))


def article_id(article: Article) -> int:
    return stable_id(article.canonical_url)


def author_id(name: str) -> int:
    # Case-folded: "DAVID PIERSON" in one byline and "David Pierson" in another are one person.
    return stable_id("author", name.casefold())


class RowBuffer:
    """Collects rows per table and inserts them in large batches: one insert per row is ~10x slower."""

    def __init__(self, db: sqlite_utils.Database, batch_size: int = 20_000):
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


def save_article(buffer: RowBuffer, article: Article, source_file: str, version_count: int,
                 archived: dict[str, int], mentions: Sequence[Mention] = ()) -> None:
    """Queue one article with its paragraphs, figures, links, author links and places.

    ``archived`` maps every canonical URL in the archive to its article id, so links can point at
    the archived article they cite. Authors are saved separately, once each (save_authors), and so
    are places (save_places); ``mentions`` are the places the article names (news_archive.places).
    """
    body = article.body
    aid = article_id(article)
    named = [gazetteer.places()[m.place_id] for m in mentions]
    paragraph_ids = {p.position: stable_id(article.canonical_url, "paragraph", p.position) for p in body.paragraphs}
    buffer.add("articles", [
        {
            "id": aid,
            "title": article.title,
            "url": article.url,
            "outlet_id": article.outlet_id,
            "section": article.section,
            "published": article.published,
            "published_from": article.published_from,
            "year": int(article.published[:4]) if article.published else None,
            "feed_time": article.feed_time,
            "byline": article.byline,
            "authors": json.dumps([a.name for a in article.authors], ensure_ascii=False),
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
            "version_count": version_count,
            "places": json.dumps([p.name for p in named], ensure_ascii=False),
            "countries": json.dumps(list(dict.fromkeys(
                c.name for p in named if (c := gazetteer.country_of(p)))), ensure_ascii=False),
        }
    ])
    buffer.add("paragraphs", (
        {
            "id": paragraph_ids[p.position], "article_id": aid, "position": p.position,
            "kind": p.kind, "text": p.text, "html": p.html,
        }
        for p in body.paragraphs
    ))
    buffer.add("figures", (
        {
            "id": stable_id(article.canonical_url, "figure", f.position), "article_id": aid,
            "position": f.position, "image_url": f.image_url, "proxied_url": f.proxied_url,
            "alt": f.alt, "caption": f.caption, "credit": f.credit,
        }
        for f in body.figures
    ))
    links = []
    for link in body.links:
        domain, target = _resolve(article.url, link.href)
        links.append(
            {
                "id": stable_id(article.canonical_url, "link", link.position), "article_id": aid,
                "paragraph_id": paragraph_ids.get(link.paragraph_position), "position": link.position,
                "href": link.href, "text": link.text, "title": link.title, "domain": domain,
                "target_article_id": archived.get(target) if target else None,
            }
        )
    buffer.add("links", links)
    buffer.add("article_authors", (
        {"id": stable_id(aid, "author", author.position), "article_id": aid,
         "author_id": author_id(author.name), "position": author.position}
        for author in article.authors
    ))
    buffer.add("article_places", (
        {"id": stable_id(aid, m.place_id), "article_id": aid, "place_id": m.place_id, "mentions": m.count,
         "first_position": m.first_position}
        for m in mentions
    ))


def save_authors(buffer: RowBuffer, article_counts: Counter) -> None:
    """``article_counts``: how many articles name each author (one spelling per author)."""
    buffer.add("authors", (
        {"id": author_id(name), "name": name, "article_count": count} for name, count in sorted(article_counts.items())
    ))


def save_places(buffer: RowBuffer, article_counts: Counter) -> None:
    """Every gazetteer place (not the not_place phrases); ``article_counts``: articles naming each, by id."""
    rows = []
    for place in sorted(gazetteer.places().values(), key=lambda p: p.id):
        if place.kind != gazetteer.NOT_PLACE:
            country = gazetteer.country_of(place)
            rows.append({
                "id": place.id, "name": place.name, "name_en": place.name_en, "kind": place.kind,
                "country_id": country.id if country else None, "country_code": place.country_code,
                "latitude": place.latitude, "longitude": place.longitude, "population": place.population,
                "source_id": place.source_id, "article_count": article_counts[place.id],
            })
    buffer.add("places", rows)


def _resolve(base_url: str, href: str) -> tuple[str | None, str | None]:
    """(domain, canonical URL) of a link target; (None, None) for hrefs no URL parser accepts."""
    try:
        absolute = urljoin(base_url, href)
        domain = domain_of(absolute)
        return domain, canonical_url(absolute) if domain else None
    except ValueError:
        return None, None


def save_version(buffer: RowBuffer, *, article_id: int | None, source_file: str, feed_time: str | None,
                 sha256: str, size_bytes: int, is_current: bool) -> None:
    buffer.add("versions", [
        {"id": stable_id("version", source_file), "article_id": article_id, "source_file": source_file,
         "feed_time": feed_time, "sha256": sha256, "size_bytes": size_bytes, "is_current": int(is_current)}
    ])


def save_build_error(buffer: RowBuffer, source_file: str, level: str, error: str) -> None:
    buffer.add("build_errors", [
        {"id": stable_id("build_error", source_file, error), "source_file": source_file, "level": level,
         "error": error}
    ])
