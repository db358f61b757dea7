"""Apply parsed article files to an open archive database: add, replace and remove articles.

One ArchiveWriter serves both kinds of build: a full build applies every file to an empty database;
an incremental build applies only new and changed files to a copy of the previous one. Rows are
queued and inserted in batches inside the build's single transaction; what depends on the whole
archive (counts, current versions, links between archived articles) is settled once, in finish().
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import sqlite_utils

from . import fts, store
from .history import VersionHistory
from .parse.outlets import Outlet, outlet_for
from .parse.urls import domain_of

if TYPE_CHECKING:
    from .build import Parsed

CHILD_TABLES = store.DENSE_ID_TABLES  # the tables holding an article's rows, by article_id


@dataclass(slots=True)
class Current:
    """The version an article shows: the newest by feed time, then by file name."""

    key: tuple[str, str]  # (feed_time or "", source_file)
    version_id: int
    source_file: str
    loaded: bool  # False: its rows are not in the database yet (the build must parse that file)


def recency(feed_time: str | None, source_file: str) -> tuple[str, str]:
    return (feed_time or "", source_file)


class ArchiveWriter:
    def __init__(self, db: sqlite_utils.Database, *, fresh: bool):
        self.db = db
        self.fresh = fresh  # an empty database: no lookups needed, and no indexes yet
        self.rows = store.RowBuffer(db)
        self.search = fts.SearchIndexBuffer(db)
        self.history = VersionHistory(db, self.rows, self.search, fresh=fresh)
        self.next_id = {
            table: (db.execute(f"select max(id) from [{table}]").fetchone()[0] or 0) + 1 for table in CHILD_TABLES
        }
        self.next_article_rowid = (db.execute("select max(rowid) from articles").fetchone()[0] or 0) + 1
        # Articles this build inserted take consecutive ids in each CHILD_TABLES table, so an article's
        # rows run from its first ids to the next inserted article's: replacing one needs no index
        # (a full build makes them at the end). Flat arrays: 100,000 articles hold 4 MB.
        self.slots: dict[int, int] = {}  # article id -> its place in first_ids
        self.first_ids = array("q")  # len(CHILD_TABLES) per inserted article
        self.current: dict[int, Current | None] = {}
        self.touched: set[int] = set()  # articles whose versions changed: is_current, version_count
        self.added: set[int] = set()  # articles (re)written by this build
        self.removed: set[int] = set()
        self.outlets: dict[str, Outlet] = {}
        self.author_names = {
            name.casefold(): name for (name,) in db.execute("select name from authors")
        }
        self.respelled: set[int] = set()  # authors whose chosen spelling changed in this build
        self.added_domains: set[str] = set()
        # (link id, id its target would have as an archived article), settled once all articles are in.
        self.link_targets: list[tuple[int, int]] = []
        db.execute("create temp table link_targets (link_id integer primary key, target_id integer)")

    # -- versions --------------------------------------------------------------------------------

    def apply(self, parsed: Parsed) -> None:
        """Record one parsed file; its article becomes the one shown if it is the newest version."""
        vid = store.version_id(parsed.source.name)
        article = parsed.article
        aid = store.article_id(article) if article else None
        if article:
            key = recency(article.feed_time, parsed.source.name)
            best = self._current(aid)
            if best is not None:  # another version exists: this one's text may be an edit of it
                self.history.keep(parsed, vid)
            if best is None or key > best.key:
                if best is not None and best.loaded:
                    self.history.keep_shown(aid, best.version_id, self._rows_of(aid)["paragraphs"])
                    self._delete_article(aid)
                self._insert_article(parsed)
                self.current[aid] = Current(key, vid, parsed.source.name, loaded=True)
            self.touched.add(aid)
        self.rows.add("versions", [{
            "id": vid, "article_id": aid, "source_file": parsed.source.name,
            "feed_time": article.feed_time if article else None, "sha256": parsed.sha256,
            "size_bytes": parsed.size_bytes, "file_mtime_ns": parsed.source.mtime_ns, "is_current": 0,
            "text_hash": parsed.text_hash, "text_version_id": None,
        }])
        self.rows.add("build_errors", (
            {"id": store.stable_id("build_error", file, message), "source_file": file, "level": level, "error": message}
            for file, level, message in parsed.problems()
        ))

    def note_unchanged(self, parsed: Parsed) -> None:
        """A file whose time moved but whose bytes did not: remember the time, so it is not read again."""
        self.db.execute("update versions set file_mtime_ns = ? where id = ?",
                        [parsed.source.mtime_ns, store.version_id(parsed.source.name)])

    def load(self, parsed: Parsed) -> None:
        """Insert the rows of an article's newest remaining version, whose file did not change."""
        aid = store.article_id(parsed.article)
        self._insert_article(parsed)
        self.current[aid].loaded = True

    def forget_files(self, source_files: list[str]) -> None:
        """Remove the versions of files that are gone or changed; an article shown from one of them
        falls back to its newest remaining version, or leaves the archive if none remains."""
        for chunk in _chunks([store.version_id(name) for name in source_files], 500):
            marks = ", ".join("?" * len(chunk))
            gone = self.db.execute(f"select id, article_id from versions where id in ({marks})", chunk).fetchall()
            for _, aid in gone:
                if aid is not None:
                    self._current(aid)  # what it shows, read before its versions go
            self.db.execute("delete from build_errors where source_file in"
                            f" (select source_file from versions where id in ({marks}))", chunk)
            self.db.execute(f"delete from versions where id in ({marks})", chunk)
            self.history.forget(chunk)
            for vid, aid in gone:
                if aid is None:
                    continue
                self.touched.add(aid)
                shown = self.current.get(aid)
                if shown is not None and shown.version_id == vid:
                    if shown.loaded:
                        self._delete_article(aid)
                    self.current[aid] = self._newest_remaining(aid)

    def unloaded(self) -> list[tuple[int, str]]:
        """(article id, source file) of articles to be shown from a version this build did not parse."""
        return [(aid, c.source_file) for aid, c in self.current.items() if c is not None and not c.loaded]

    def texts_to_read(self) -> list[str]:
        """Source files of earlier versions whose text this build needs but did not read (keep_text them)."""
        shown = {aid: c.version_id for aid in self.touched if (c := self.current.get(aid))}
        return [source_file for _, source_file in self.history.plan(self.touched, shown)]

    def keep_text(self, parsed: Parsed) -> None:
        self.history.keep(parsed, store.version_id(parsed.source.name))

    def _current(self, aid: int) -> Current | None:
        if aid not in self.current and not self.fresh:
            row = self.db.execute(
                "select id, source_file, feed_time from versions where article_id = ? and is_current = 1", [aid]
            ).fetchone()
            self.current[aid] = Current(recency(row[2], row[1]), row[0], row[1], loaded=True) if row else None
        return self.current.get(aid)

    def _newest_remaining(self, aid: int) -> Current | None:
        self.rows.flush("versions")
        rows = self.db.execute("select id, source_file, feed_time from versions where article_id = ?", [aid]).fetchall()
        if not rows:
            self.removed.add(aid)
            return None
        vid, source_file, feed_time = max(rows, key=lambda r: recency(r[2], r[1]))
        return Current(recency(feed_time, source_file), vid, source_file, loaded=False)

    # -- article rows ----------------------------------------------------------------------------

    def _insert_article(self, parsed: Parsed) -> None:
        article, body = parsed.article, parsed.article.body
        aid = store.article_id(article)
        texts = parsed.index_texts
        self.outlets.setdefault(article.outlet_id, outlet_for(article.url, article.outlet_name))
        self.added_domains.add(domain_of(article.url))
        authors = [self._spelling(author.name) for author in article.authors]
        # The articles rowid is its FTS rowid; the row is new, so it takes the next one.
        rowid = self._next_article_rowid()
        self.rows.add("articles", [{**store.article_row(article, source_file=parsed.source.name, authors=authors,
                                                       mentions=parsed.places), "rowid": rowid}])
        self.search.add("articles", rowid, texts["articles"][0])
        self.slots[aid] = len(self.first_ids) // len(CHILD_TABLES)
        self.first_ids.extend(self.next_id[table] for table in CHILD_TABLES)
        first = self._add_rows("paragraphs", [
            {"article_id": aid, "position": p.position, "kind": p.kind, "text": p.text, "html": p.html}
            for p in body.paragraphs
        ])
        paragraph_ids = {p.position: first + i for i, p in enumerate(body.paragraphs)}
        for i, tokens in enumerate(texts["paragraphs"]):
            self.search.add("paragraphs", first + i, tokens)
        first = self._add_rows("figures", [
            {"article_id": aid, "position": f.position, "image_url": f.image_url, "proxied_url": f.proxied_url,
             "alt": f.alt, "caption": f.caption, "credit": f.credit}
            for f in body.figures
        ])
        for i, tokens in enumerate(texts["figures"]):
            self.search.add("figures", first + i, tokens)
        first = self._add_rows("links", [
            {"article_id": aid, "paragraph_id": paragraph_ids.get(link.paragraph_position), "position": link.position,
             "href": link.href, "text": link.text, "title": link.title, "domain": domain, "target_article_id": None}
            for link, (domain, _) in zip(body.links, parsed.link_targets)
        ])
        self.link_targets.extend(
            (first + i, target) for i, (_, target) in enumerate(parsed.link_targets) if target is not None
        )
        if len(self.link_targets) >= self.rows.batch_size:
            self._flush_link_targets()
        self._add_rows("article_authors", [
            {"article_id": aid, "author_id": store.author_id(author.name), "position": author.position}
            for author in article.authors
        ])
        self._add_rows("article_places", [
            {"article_id": aid, "place_id": m.place_id, "mentions": m.count, "first_position": m.first_position}
            for m in parsed.places
        ])
        self.added.add(aid)

    def _next_article_rowid(self) -> int:
        rowid = self.next_article_rowid
        self.next_article_rowid += 1
        return rowid

    def _add_rows(self, table: str, rows: list[dict]) -> int:
        """Queue rows of a CHILD_TABLES table under its next ids; returns the first."""
        first = self.next_id[table]
        for i, row in enumerate(rows):
            row["id"] = first + i
        self.next_id[table] += len(rows)
        self.rows.add(table, rows)
        return first

    def _rows_of(self, aid: int) -> dict[str, tuple[str, list]]:
        """Where an article's rows are in each CHILD_TABLES table: (condition, params)."""
        slot = self.slots.get(aid)
        if slot is None:
            return {table: ("article_id = ?", [aid]) for table in CHILD_TABLES}
        # Inserted by this build: its rows are id ranges, found without an index.
        width = len(CHILD_TABLES)
        firsts = self.first_ids[slot * width:(slot + 1) * width]
        ends = self.first_ids[(slot + 1) * width:(slot + 2) * width] or [self.next_id[t] for t in CHILD_TABLES]
        return {table: ("id >= ? and id < ?", [first, end]) for table, first, end in zip(CHILD_TABLES, firsts, ends)}

    def _delete_article(self, aid: int) -> None:
        """Remove an article's rows and index entries (a newer version replaces it, or its file is gone)."""
        self.rows.flush()
        self.search.flush()
        where = self._rows_of(aid)
        self.slots.pop(aid, None)
        for table, (fts_table, columns) in fts.SEARCH_TABLES.items():
            condition, params = ("id = ?", [aid]) if table == "articles" else where[table]
            old = self.db.execute(f"select rowid, {', '.join(columns)} from [{table}] where {condition}", params)
            self.search.remove(table, old.fetchall())
        for table, (condition, params) in where.items():
            self.db.execute(f"delete from [{table}] where {condition}", params)
        self.db.execute("delete from articles where id = ?", [aid])
        self.added.discard(aid)

    # -- authors ---------------------------------------------------------------------------------

    def _spelling(self, name: str) -> str:
        """One spelling per author across the archive: a proper-case form wins over ALL CAPS."""
        key = name.casefold()
        chosen = self.author_names.get(key)
        if chosen is None or (name.isupper(), name) < (chosen.isupper(), chosen):
            if chosen is not None:
                self.respelled.add(store.author_id(name))
            self.author_names[key] = chosen = name
        return chosen

    # -- the end ---------------------------------------------------------------------------------

    def _flush_link_targets(self) -> None:
        self.db.conn.executemany("insert into temp.link_targets values (?, ?)", self.link_targets)
        self.link_targets = []

    def finish(self, *, full: bool) -> None:
        self.rows.flush()
        self.search.flush()
        self._flush_link_targets()
        self.db["authors"].upsert_all(
            ({"id": store.author_id(name), "name": name, "article_count": 0} for name in self.author_names.values()),
            pk="id",
        )
        self.db["outlets"].upsert_all(store.outlet_rows(self.outlets.values()), pk="id")
        if full:
            store.create_indexes(self.db)
        self._settle_versions()
        self.history.settle()
        self._settle_links(full)
        if self.respelled:
            self._respell_authors()
        for sql in store.COUNT_UPDATES:
            self.db.execute(sql)
        if full:
            self.search.optimize()
        self.db.execute("drop table temp.link_targets")

    def _settle_versions(self) -> None:
        self.db.execute("create temp table settled (article_id integer primary key, version_id integer)")
        self.db.conn.executemany(
            "insert into temp.settled values (?, ?)",
            ((aid, self.current[aid].version_id) for aid in self.touched if self.current.get(aid)),
        )
        self.db.execute(
            "update versions set is_current = (id = (select version_id from temp.settled s where s.article_id ="
            " versions.article_id)) where article_id in (select article_id from temp.settled)"
        )
        self.db.execute(
            "update articles set version_count = (select count(*) from versions where versions.article_id = articles.id)"
            " where id in (select article_id from temp.settled)"
        )
        self.db.execute("drop table temp.settled")

    def _settle_links(self, full: bool) -> None:
        """Point links at the archived articles they cite, now that every article of this build is in."""
        self.db.execute(
            "update links set target_article_id = t.target_id from temp.link_targets t"
            " where links.id = t.link_id and t.target_id in (select id from articles)"
        )
        if full:
            return
        if self.removed:
            self.db.execute(
                "update links set target_article_id = null"
                " where target_article_id is not null and target_article_id not in (select id from articles)"
            )
        # Links saved by earlier builds may cite an article this build added (one on the same host).
        if not self.added or not self.added_domains:
            return
        domains = sorted(d for d in self.added_domains if d)
        candidates = self.db.execute(
            "select links.id, articles.url, links.href from links join articles on articles.id = links.article_id"
            " where links.target_article_id is null and links.id not in (select link_id from temp.link_targets)"
            f" and links.domain in ({', '.join('?' * len(domains))})", domains
        )
        # Resolving a link costs ~20 us (urljoin, canonical_url, a hash), and at 100,000 articles
        # 150,000 links are candidates: only hrefs naming an added article's last path segment are.
        mentions = _added_article_keys(self.db, self.added)
        resolved = [(target, link_id) for link_id, base, href in candidates
                    if (mentions is None or mentions.search(unquote(href)))
                    and (target := store.link_target(base, href)[1]) in self.added]
        self.db.conn.executemany("update links set target_article_id = ? where id = ?", resolved)

    def _respell_authors(self) -> None:
        ids = ", ".join(map(str, self.respelled))
        articles = [aid for (aid,) in self.db.execute(
            f"select distinct article_id from article_authors where author_id in ({ids})")]
        for aid in articles:
            names = [name for (name,) in self.db.execute(
                "select authors.name from article_authors join authors on authors.id = article_authors.author_id"
                " where article_id = ? order by position", [aid])]
            self.db.execute("update articles set authors = ? where id = ?",
                            [json.dumps(names, ensure_ascii=False), aid])


def _added_article_keys(db: sqlite_utils.Database, added: set[int]) -> re.Pattern | None:
    """A pattern finding the last path segment (or the query) of any added article's URL in an href;
    None when some URL has no distinctive part, so that every href must be checked."""
    keys = set()
    for chunk in _chunks(sorted(added), 500):
        for (url,) in db.execute(f"select url from articles where id in ({', '.join('?' * len(chunk))})", chunk):
            parts = urlsplit(url)
            key = next((s for s in reversed(unquote(parts.path).split("/")) if s), "") or unquote(parts.query)
            if len(key) < 4:
                return None
            keys.add(key)
    return re.compile("|".join(map(re.escape, sorted(keys)))) if keys else None


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
