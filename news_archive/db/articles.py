"""Saving and deleting one article: its row, its child rows under dense ids, and their search index entries."""

from __future__ import annotations

import json
from array import array

import sqlite_utils

from ..parse.outlets import Outlet
from . import fts
from .authors import AuthorSpellings
from .buffer import RowBuffer
from .links import LinkTargets
from .parsed import ArticleRecord
from .schema import DENSE_ID_TABLES


class ArticleRows:
    """Inserts articles into the buffers and deletes them; knows where each inserted article's rows are.

    Articles this build inserted take consecutive ids in each DENSE_ID_TABLES table, so an article's
    rows run from its first ids to the next inserted article's: deleting one needs no index (a full
    build makes them at the end). Flat arrays: 100,000 articles hold 4 MB.
    """

    def __init__(self, db: sqlite_utils.Database, buffer: RowBuffer, search: fts.SearchIndexBuffer,
                 authors: AuthorSpellings, links: LinkTargets, *, fresh: bool):
        self.db, self.buffer, self.search, self.authors, self.links = db, buffer, search, authors, links
        self.fresh = fresh  # an empty database: every article's rows are id ranges of this build
        self.next_id = {
            table: (db.execute(f"select max(id) from [{table}]").fetchone()[0] or 0) + 1 for table in DENSE_ID_TABLES
        }
        self.next_rowid = (db.execute("select max(rowid) from articles").fetchone()[0] or 0) + 1
        self.slots: dict[int, int] = {}  # article id -> its place in first_ids
        self.first_ids = array("q")  # len(DENSE_ID_TABLES) per inserted article
        self.added: set[int] = set()  # articles (re)written by this build
        self.outlets: dict[str, Outlet] = {}
        self.domains: set[str] = set()  # of the added articles' URLs
        self.deleted: list[dict[str, tuple[str, list]]] = []  # where() of deleted articles, rows not yet dropped
        self.deleted_index: list[tuple] = []  # (rowid, title, lead) of deleted articles rows, for articles_fts

    def insert(self, article: ArticleRecord) -> None:
        """Queue an article's rows (the parser process shaped them) under this build's next ids."""
        aid, next_id = article.id, self.next_id
        if article.outlet.id not in self.outlets:
            self.outlets[article.outlet.id] = article.outlet
        self.domains.add(article.domain)
        authors = tuple(self.authors.spelling(name) for name in article.authors)
        authors_json = article.authors_json if authors == article.authors else json.dumps(list(authors), ensure_ascii=False)
        # The articles rowid is its FTS rowid; the row is new, so it takes the next one.
        rowid, self.next_rowid = self.next_rowid, self.next_rowid + 1
        self.buffer.add("articles", [(rowid, *article.head, authors_json, *article.tail)])
        self.slots[aid] = len(self.first_ids) // len(DENSE_ID_TABLES)
        self.first_ids.extend(next_id[table] for table in DENSE_ID_TABLES)
        paragraph, figure, link = next_id["paragraphs"], next_id["figures"], next_id["links"]
        self.search.add_article(rowid, paragraph, figure, article.index)
        self._add("paragraphs", article.paragraphs)
        self._add("figures", article.figures)
        self._add("links", [(link + i, aid, None if index is None else paragraph + index, *rest, None)
                            for i, (index, *rest) in enumerate(article.links)], numbered=True)
        self.links.add(link, article.link_targets)
        self._add("article_authors", article.article_authors)
        self._add("article_places", article.article_places)
        self.added.add(aid)

    def _add(self, table: str, table_rows: list[tuple], numbered: bool = False) -> None:
        """Queue rows of a DENSE_ID_TABLES table, each given the table's next id first (``numbered``: they have it)."""
        first = self.next_id[table]
        self.next_id[table] = first + len(table_rows)
        self.buffer.add(table, table_rows if numbered else [(first + i, *row) for i, row in enumerate(table_rows)])

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
        """Remove an article's rows and index entries (a newer version replaces it, or its file is gone).

        The articles row goes at once: the newer version takes its id. In a full build the child rows
        and their index entries wait for drop_deleted(), at the end: deleting them now would mean
        inserting every queued row first, and each FTS5 'delete' before the newest rowid makes FTS5
        write out the terms it holds (a delete cost ~90 ms, 40 % of a full build's writing)."""
        where = self.where(aid)
        self.slots.pop(aid, None)
        self.added.discard(aid)
        self.buffer.flush("articles")
        old = self.db.execute("select rowid, title, lead from articles where id = ?", [aid]).fetchall()
        self.db.execute("delete from articles where id = ?", [aid])
        self.deleted_index.extend(old)
        self.deleted.append(where)
        if not self.fresh:  # rows found by article_id must go before the article is inserted again
            self.drop_deleted()

    def drop_deleted(self) -> None:
        """The child rows and index entries of the articles deleted since the last call."""
        if not self.deleted:
            return
        self.buffer.flush()
        self.search.flush()
        self.search.remove("articles", self.deleted_index)
        indexed: dict[str, list[tuple]] = {"paragraphs": [], "figures": []}  # removed from the index at once
        for where in self.deleted:
            for table, rows in indexed.items():
                _, columns = fts.SEARCH_TABLES[table]
                condition, params = where[table]
                rows += self.db.execute(f"select rowid, {', '.join(columns)} from [{table}] where {condition}", params)
            for table, (condition, params) in where.items():
                self.db.execute(f"delete from [{table}] where {condition}", params)
        for table, rows in indexed.items():
            self.search.remove(table, rows)
        self.deleted, self.deleted_index = [], []
