"""Save parsed files into an open archive database, in the build's one transaction, and settle what depends on them all.

A full build calls save_file() for every file, in file order, then finish(); an incremental build
does the same for new and changed files, around news_archive.db.incremental's bookkeeping. Rows are
queued and inserted in batches; what depends on the whole archive (current versions, kept texts and
changes, links between archived articles, author spellings, counts) is settled once, in finish().
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from . import fts, rows, schema, summaries
from .articles import ArticleRows
from .authors import AuthorSpellings
from .buffer import RowBuffer
from .history import VersionHistory
from .ids import version_id
from .links import LinkTargets
from .parsed import Record
from .versions import Shown, ShownVersions, recency

# Counts that depend on the whole archive, refreshed at the end of every build (a few ms each:
# every one reads an index).
COUNT_UPDATES = (
    "update outlets set article_count = (select count(*) from articles where outlet_id = outlets.id)",
    "update authors set article_count = (select count(*) from article_authors where author_id = authors.id)",
    "delete from authors where article_count = 0",
    "update places set article_count = (select count(*) from article_places where place_id = places.id)",
)


def create(db: sqlite_utils.Database) -> None:
    """An empty archive: tables, view, search index and the gazetteer's places."""
    for pragma in schema.NEW_DATABASE_PRAGMAS:
        db.execute(pragma)
    schema.create_schema(db)
    fts.create_search_tables(db)
    db["places"].insert_all(rows.place_rows())


class Saver:
    def __init__(self, db: sqlite_utils.Database, *, fresh: bool, index=None):
        """``index`` runs the search index's statements instead of ``db`` (a full build's index
        process: called as executemany, and its articles() given packed articles)."""
        self.db = db
        self.buffer = RowBuffer(db)
        self.search = fts.SearchIndexBuffer(db, index, index.articles if index else None)
        self.links = LinkTargets(db)
        self.authors = AuthorSpellings(db)
        self.articles = ArticleRows(db, self.buffer, self.search, self.authors, self.links, fresh=fresh)
        self.shown = ShownVersions(db, self.buffer, fresh=fresh)
        self.history = VersionHistory(db, self.buffer, self.search, fresh=fresh)

    def save_file(self, record: Record) -> None:
        """A file this build parsed: its version and problems; its article replaces the one shown if it
        is the newest version."""
        vid, article = record.version_id, record.article
        if article:
            aid = article.id
            key = recency(article.feed_time, record.name)
            shown = self.shown.of(aid)
            if shown is not None:  # another version exists: this one's text may be an edit of it
                self.history.keep(article, vid)
            if shown is None or key > shown.key:
                if shown is not None and shown.loaded:
                    self.history.keep_shown(aid, shown.version_id, self.articles.where(aid)["paragraphs"])
                    self.articles.delete(aid)
                self.articles.insert(article)
                self.shown.show(aid, Shown(key, vid, record.name, loaded=True))
            self.shown.touched.add(aid)
        self.buffer.add("versions", [record.version])
        self.buffer.add("build_errors", record.build_errors)

    def finish(self, *, full: bool, read_again: Callable[[str], Record]) -> None:
        """Once every file is saved: read again the earlier versions whose text must be kept (named by
        the version history), then settle versions, changes, links, authors and counts, and (full
        build) make the indexes and merge the search index."""
        self.articles.drop_deleted()
        for _, source_file in self.history.plan(self.shown.touched, self.shown.of_touched()):
            self.history.keep(read_again(source_file).article, version_id(source_file))
        self.buffer.flush()
        self.search.flush()
        if full:  # nothing below writes these indexes: merged while the rest settles
            self.search.optimize(fts.SEARCH_TABLES)
        self.authors.save()
        self.db["outlets"].upsert_all(rows.outlet_rows(self.articles.outlets.values()), pk="id")
        if full:
            schema.create_indexes(self.db)
        self.shown.settle()
        self.history.settle()
        self.links.settle(full=full, removed=self.shown.removed, added=self.articles.added,
                          added_domains=self.articles.domains)
        self.authors.respell_articles()
        for sql in COUNT_UPDATES:
            self.db.execute(sql)
        if full:
            summaries.compute(self.db)
            self.search.optimize(fts.VERSION_SEARCH_TABLES)
        else:  # every article whose rows this build deleted is one it re-added or removed
            summaries.update(self.db, self.articles.added | self.shown.removed)
