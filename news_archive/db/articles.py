"""Saving and deleting one article: its row, its child rows under dense ids, and their search index entries."""

from __future__ import annotations

from array import array

import sqlite_utils

from ..parse.outlets import Outlet, outlet_for
from ..parse.urls import domain_of
from . import fts, rows
from .authors import AuthorSpellings
from .buffer import RowBuffer
from .ids import article_id
from .links import LinkTargets
from .parsed import Parsed
from .schema import DENSE_ID_TABLES


class ArticleRows:
    """Inserts articles into the buffers and deletes them; knows where each inserted article's rows are.

    Articles this build inserted take consecutive ids in each DENSE_ID_TABLES table, so an article's
    rows run from its first ids to the next inserted article's: deleting one needs no index (a full
    build makes them at the end). Flat arrays: 100,000 articles hold 4 MB.
    """

    def __init__(self, db: sqlite_utils.Database, buffer: RowBuffer, search: fts.SearchIndexBuffer,
                 authors: AuthorSpellings, links: LinkTargets):
        self.db, self.buffer, self.search, self.authors, self.links = db, buffer, search, authors, links
        self.next_id = {
            table: (db.execute(f"select max(id) from [{table}]").fetchone()[0] or 0) + 1 for table in DENSE_ID_TABLES
        }
        self.next_rowid = (db.execute("select max(rowid) from articles").fetchone()[0] or 0) + 1
        self.slots: dict[int, int] = {}  # article id -> its place in first_ids
        self.first_ids = array("q")  # len(DENSE_ID_TABLES) per inserted article
        self.added: set[int] = set()  # articles (re)written by this build
        self.outlets: dict[str, Outlet] = {}
        self.domains: set[str] = set()  # of the added articles' URLs

    def insert(self, parsed: Parsed) -> None:
        article, texts = parsed.article, parsed.index_texts
        aid = article_id(article)
        self.outlets.setdefault(article.outlet_id, outlet_for(article.url, article.outlet_name))
        self.domains.add(domain_of(article.url))
        authors = [self.authors.spelling(author.name) for author in article.authors]
        # The articles rowid is its FTS rowid; the row is new, so it takes the next one.
        rowid, self.next_rowid = self.next_rowid, self.next_rowid + 1
        self.buffer.add("articles", [{**rows.article_row(article, source_file=parsed.source.name, authors=authors,
                                                        mentions=parsed.places), "rowid": rowid}])
        self.search.add("articles", rowid, texts["articles"][0])
        self.slots[aid] = len(self.first_ids) // len(DENSE_ID_TABLES)
        self.first_ids.extend(self.next_id[table] for table in DENSE_ID_TABLES)
        body = article.body
        first = self._add("paragraphs", rows.paragraph_rows(aid, body))
        for i, tokens in enumerate(texts["paragraphs"]):
            self.search.add("paragraphs", first + i, tokens)
        paragraph_ids = {p.position: first + i for i, p in enumerate(body.paragraphs)}
        first = self._add("figures", rows.figure_rows(aid, body))
        for i, tokens in enumerate(texts["figures"]):
            self.search.add("figures", first + i, tokens)
        self.links.add(self._add("links", rows.link_rows(aid, parsed, paragraph_ids)), parsed.link_targets)
        self._add("article_authors", rows.article_author_rows(aid, article))
        self._add("article_places", rows.article_place_rows(aid, parsed.places))
        self.added.add(aid)

    def _add(self, table: str, table_rows: list[dict]) -> int:
        """Queue rows of a DENSE_ID_TABLES table under its next ids; returns the first."""
        first = self.next_id[table]
        for i, row in enumerate(table_rows):
            row["id"] = first + i
        self.next_id[table] += len(table_rows)
        self.buffer.add(table, table_rows)
        return first

    def where(self, aid: int) -> dict[str, tuple[str, list]]:
        """Where an article's rows are in each DENSE_ID_TABLES table: (condition, params)."""
        slot = self.slots.get(aid)
        if slot is None:
            return {table: ("article_id = ?", [aid]) for table in DENSE_ID_TABLES}
        # Inserted by this build: its rows are id ranges, found without an index.
        width = len(DENSE_ID_TABLES)
        firsts = self.first_ids[slot * width:(slot + 1) * width]
        ends = self.first_ids[(slot + 1) * width:(slot + 2) * width] or [self.next_id[t] for t in DENSE_ID_TABLES]
        return {table: ("id >= ? and id < ?", [first, end]) for table, first, end in zip(DENSE_ID_TABLES, firsts, ends)}

    def delete(self, aid: int) -> None:
        """Remove an article's rows and index entries (a newer version replaces it, or its file is gone)."""
        self.buffer.flush()
        self.search.flush()
        where = self.where(aid)
        self.slots.pop(aid, None)
        for table, (fts_table, columns) in fts.SEARCH_TABLES.items():
            condition, params = ("id = ?", [aid]) if table == "articles" else where[table]
            old = self.db.execute(f"select rowid, {', '.join(columns)} from [{table}] where {condition}", params)
            self.search.remove(table, old.fetchall())
        for table, (condition, params) in where.items():
            self.db.execute(f"delete from [{table}] where {condition}", params)
        self.db.execute("delete from articles where id = ?", [aid])
        self.added.discard(aid)
