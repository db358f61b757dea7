"""Keep every distinct saved text of an edited article, and the changes between them, in step with the build.

An article's versions, in feed-time order (the order that picks the one shown), fall into runs of
the same text (versions.text_hash: headline and paragraphs, normalized). When there are two runs or
more, the first version of each run keeps its headline and paragraphs in version_paragraphs, and
each pair of consecutive runs is a row of changes; re-saves with the same text keep nothing.

While files are applied, the text of every version of an article that has another is queued (the
build holds it then), and the version shown is copied from paragraphs before a newer one replaces
it. When all files are in, plan() orders each touched article's versions and names the files whose
text is needed but not held (a version that became the first of its run); the build reads them
again (keep()), then settle() drops the texts no run needs and writes changes and text_version_id.
The result depends only on the files, so an incremental build equals a full one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlite_utils

from ..textdiff import compare_texts, comparables
from . import fts, ids
from .buffer import RowBuffer, chunks
from .parsed import ArticleRecord

TABLE = "version_paragraphs"
TITLE_KIND = "title"  # the headline's row, at position 0


@dataclass(slots=True)
class Timeline:
    """One article's versions in feed-time order, cut into runs of the same text."""

    article_id: int
    runs: list[list[tuple[int, str | None, int | None]]]  # (version id, feed time, text_version_id as stored)

    def kept(self) -> list[int]:
        """The versions whose text is kept: the first of each run, when there are two runs or more."""
        return [run[0][0] for run in self.runs] if len(self.runs) > 1 else []


class VersionHistory:
    def __init__(self, db: sqlite_utils.Database, rows: RowBuffer, search: fts.SearchIndexBuffer,
                 fresh: bool):
        self.db, self.rows, self.search = db, rows, search
        self.fresh = fresh  # an empty database: what is kept is what this build held (and no index yet)
        self.next_id = (db.execute(f"select max(id) from [{TABLE}]").fetchone()[0] or 0) + 1
        self.held: set[int] = set()  # versions whose text this build queued
        self.timelines: list[Timeline] = []
        self.shown: dict[int, int] = {}  # article id -> version shown

    # -- while files are applied -----------------------------------------------------------------

    def keep(self, article: ArticleRecord, version_id: int) -> None:
        """Queue a parsed version's headline and paragraphs, with the index text the parser made."""
        tokens = fts.unpack_index_texts(article.index)
        texts = [(0, TITLE_KIND, article.title, tokens["articles"][0][0])]
        texts += [(position, kind, text, t[0])
                  for (_, position, kind, text, _), t in zip(article.paragraphs, tokens["paragraphs"])]
        self._queue(version_id, article.id, texts)

    def keep_shown(self, article_id: int, version_id: int, paragraphs_where: tuple[str, list] | None = None) -> None:
        """Copy the text of the version shown (in articles and paragraphs) unless it is kept already;
        paragraphs_where finds its paragraphs (the writer knows their ids while no index exists)."""
        if version_id in self.held or (not self.fresh and self._stored([version_id])):
            return
        self.rows.flush("articles")
        self.rows.flush("paragraphs")
        (title,) = self.db.execute("select title from articles where id = ?", [article_id]).fetchone()
        condition, params = paragraphs_where or ("article_id = ?", [article_id])
        paragraphs = self.db.execute(
            f"select position, kind, text from paragraphs where {condition} order by position", params)
        texts = [(0, TITLE_KIND, title), *paragraphs.fetchall()]
        tokens = fts.index_texts([text for _, _, text in texts])
        self._queue(version_id, article_id, [(*row, row_tokens) for row, row_tokens in zip(texts, tokens)])

    def _queue(self, version_id: int, article_id: int, texts: list[tuple[int, str, str, str]]) -> None:
        rows = []
        for position, kind, text, tokens in texts:
            rows.append((self.next_id, version_id, article_id, position, kind, text))
            self.search.add(TABLE, self.next_id, (tokens,))
            self.next_id += 1
        self.rows.add(TABLE, rows)
        self.held.add(version_id)

    def forget(self, version_ids: list[int]) -> None:
        """Remove the kept texts of versions whose files are gone or changed."""
        self._flush()
        marks = ", ".join("?" * len(version_ids))
        old = self.db.execute(f"select id, text from [{TABLE}] where version_id in ({marks})", version_ids).fetchall()
        if old:
            self.search.remove(TABLE, old)
            self.db.execute(f"delete from [{TABLE}] where version_id in ({marks})", version_ids)
        self.held.difference_update(version_ids)

    def _stored(self, version_ids) -> set[int]:
        self._flush()
        found = set()
        for chunk in chunks(sorted(version_ids), 500):
            found.update(vid for (vid,) in self.db.execute(
                f"select distinct version_id from [{TABLE}] where version_id in ({', '.join('?' * len(chunk))})", chunk))
        return found

    def _flush(self) -> None:
        self.rows.flush(TABLE)
        self.search.flush(TABLE)

    # -- when all files are in -------------------------------------------------------------------

    def plan(self, touched: set[int], shown: dict[int, int]) -> list[tuple[int, str]]:
        """Order the touched articles' versions; (version id, source file) of those to read again."""
        self.rows.flush("versions")
        self.db.execute("create temp table history_touched (id integer primary key)")
        self.db.conn.executemany("insert into temp.history_touched values (?)", ((aid,) for aid in touched))
        versions = defaultdict(list)
        for row in self.db.execute(
            "select article_id, id, source_file, feed_time, text_hash, text_version_id from versions"
            " where article_id in (select id from temp.history_touched)"
        ):
            versions[row[0]].append(row[1:])
        self.timelines = [_timeline(aid, rows) for aid, rows in versions.items()]
        self.shown = shown
        wanted = {vid for timeline in self.timelines for vid in timeline.kept()}
        missing = wanted - self._stored(wanted) - set(shown.values())
        files = {vid: name for rows in versions.values() for vid, name, *_ in rows}
        return sorted(((vid, files[vid]) for vid in missing), key=lambda item: item[1])

    def settle(self) -> None:
        """Keep the texts the runs need and no other; write changes and versions.text_version_id."""
        wanted = {vid: t for t in self.timelines for vid in t.kept()}
        for vid in wanted.keys() - self._stored(wanted):
            aid = wanted[vid].article_id
            if self.shown.get(aid) != vid:
                raise RuntimeError(f"version {vid}: its text was never read (plan() names the files to read)")
            self.keep_shown(aid, vid)  # its rows are the article's, in paragraphs
        self._drop_unwanted(set(wanted))
        self.db.execute("delete from changes where article_id in (select id from temp.history_touched)")
        self._flush()
        outlets = dict(self.db.execute(
            "select id, outlet_id from articles where id in (select id from temp.history_touched)").fetchall())
        edited = [t for t in self.timelines if t.kept()]
        for chunk in chunks(edited, 200):
            texts = _texts(self.db, [vid for t in chunk for vid in t.kept()])
            self.rows.add("changes", (row for t in chunk for row in _changes(t, texts, outlets.get(t.article_id))))
        self.rows.flush("changes")
        self._set_text_versions()
        self.db.execute("drop table temp.history_touched")

    def _drop_unwanted(self, wanted: set[int]) -> None:
        self._flush()
        old = self.db.execute(
            f"select id, version_id, text from [{TABLE}] where article_id in (select id from temp.history_touched)"
        ).fetchall()
        gone = [(rowid, text) for rowid, vid, text in old if vid not in wanted]
        if gone:
            self.search.remove(TABLE, gone)
            for chunk in chunks([rowid for rowid, _ in gone], 500):
                self.db.execute(f"delete from [{TABLE}] where id in ({', '.join('?' * len(chunk))})", chunk)

    def _set_text_versions(self) -> None:
        updates = []
        for timeline in self.timelines:
            for run in timeline.runs:
                first = run[0][0] if len(timeline.runs) > 1 else None
                updates += [(first, vid) for vid, _, stored in run if stored != first]
        self.db.conn.executemany("update versions set text_version_id = ? where id = ?", updates)


def _timeline(article_id: int, rows: list[tuple]) -> Timeline:
    runs: list[list[tuple]] = []
    last_hash = object()
    for vid, source_file, feed_time, text_hash, text_version_id in sorted(rows, key=lambda r: (r[2] or "", r[1])):
        if text_hash != last_hash:
            runs.append([])
            last_hash = text_hash
        runs[-1].append((vid, feed_time, text_version_id))
    return Timeline(article_id, runs)


def _texts(db: sqlite_utils.Database, version_ids: list[int]) -> dict[int, tuple[str, list[str]]]:
    """Version id -> (headline, paragraph texts), as kept."""
    found: dict[int, tuple[str, list[str]]] = {}
    for chunk in chunks(version_ids, 500):
        for vid, kind, text in db.execute(
            f"select version_id, kind, text from [{TABLE}] where version_id in ({', '.join('?' * len(chunk))})"
            " order by version_id, position", chunk
        ):
            title, paragraphs = found.setdefault(vid, (text if kind == TITLE_KIND else "", []))
            if kind != TITLE_KIND:
                paragraphs.append(text)
    return found


def _changes(timeline: Timeline, texts: dict, outlet_id: str | None):
    """The changes rows of one article (schema.COLUMNS order): each pair of consecutive runs."""
    firsts = [run[0] for run in timeline.runs]
    for (before, before_time, _), (after, after_time, _) in zip(firsts, firsts[1:]):
        (old_title, old_text), (new_title, new_text) = texts[before], texts[after]
        diff = compare_texts(old_text, new_text)
        old, new = comparables([old_title, new_title])
        headline = old.text != new.text
        text = diff.chars_added + diff.chars_removed > 0
        yield (
            ids.change_id(before, after), timeline.article_id, outlet_id, before, after, before_time, after_time,
            old_title if headline else None, new_title if headline else None, diff.chars_added,
            diff.chars_removed, diff.paragraphs_added, diff.paragraphs_removed, diff.paragraphs_changed,
            "both" if headline and text else "headline" if headline else "text",
        )

