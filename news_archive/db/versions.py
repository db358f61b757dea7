"""Which version each article shows: the newest by feed time, then by file name; settled into versions when the build ends."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from .buffer import RowBuffer


@dataclass(slots=True)
class Shown:
    """The version an article shows."""

    key: tuple[str, str]  # recency(): (feed_time or "", source_file)
    version_id: int
    source_file: str
    loaded: bool  # False: its rows are not in the database yet (the build must parse that file again)


def recency(feed_time: str | None, source_file: str) -> tuple[str, str]:
    return (feed_time or "", source_file)


class ShownVersions:
    """The version shown of every article this build touched (its versions changed), read from the
    previous build's versions when an incremental build first meets the article."""

    def __init__(self, db: sqlite_utils.Database, rows: RowBuffer, *, fresh: bool):
        self.db, self.rows = db, rows
        self.fresh = fresh  # an empty database: nothing to look up
        self.shown: dict[int, Shown | None] = {}
        self.touched: set[int] = set()  # articles whose versions changed: is_current, version_count
        self.removed: set[int] = set()  # articles left with no version

    def of(self, aid: int) -> Shown | None:
        if aid not in self.shown and not self.fresh:
            row = self.db.execute(
                "select id, source_file, feed_time from versions where article_id = ? and is_current = 1", [aid]
            ).fetchone()
            self.shown[aid] = Shown(recency(row[2], row[1]), row[0], row[1], loaded=True) if row else None
        return self.shown.get(aid)

    def show(self, aid: int, shown: Shown | None) -> None:
        self.shown[aid] = shown

    def newest_remaining(self, aid: int) -> Shown | None:
        """The version to show once the one shown is gone (its rows still to be loaded), or None."""
        self.rows.flush("versions")
        rows = self.db.execute("select id, source_file, feed_time from versions where article_id = ?", [aid]).fetchall()
        if not rows:
            self.removed.add(aid)
            return None
        vid, source_file, feed_time = max(rows, key=lambda r: recency(r[2], r[1]))
        return Shown(recency(feed_time, source_file), vid, source_file, loaded=False)

    def unloaded(self) -> list[tuple[int, str]]:
        """(article id, source file) of articles to be shown from a version this build did not parse."""
        return [(aid, s.source_file) for aid, s in self.shown.items() if s is not None and not s.loaded]

    def of_touched(self) -> dict[int, int]:
        """article id -> version id shown, for the touched articles still in the archive."""
        return {aid: s.version_id for aid in self.touched if (s := self.shown.get(aid))}

    def settle(self) -> None:
        """versions.is_current and articles.version_count of the touched articles."""
        self.db.execute("create temp table settled (article_id integer primary key, version_id integer)")
        self.db.conn.executemany("insert into temp.settled values (?, ?)", self.of_touched().items())
        self.db.execute(
            "update versions set is_current = (id = (select version_id from temp.settled s where s.article_id ="
            " versions.article_id)) where article_id in (select article_id from temp.settled)"
        )
        self.db.execute(
            "update articles set version_count = (select count(*) from versions where versions.article_id = articles.id)"
            " where id in (select article_id from temp.settled)"
        )
        self.db.execute("drop table temp.settled")
