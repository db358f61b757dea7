"""What only an incremental build does: forget the files gone or changed, and show again the versions left to show.

An article shown from a file that is gone or changed falls back to its newest remaining version; that
version's file did not change, so the build did not parse it: show_remaining() reads it again and
inserts its rows. Read this only when an incremental build is what you change.
"""

from __future__ import annotations

from collections.abc import Callable

from .buffer import chunks
from .ids import version_id
from .parsed import Record
from .save import Saver


class IncrementalBuild:
    def __init__(self, saver: Saver):
        self.saver = saver
        self.db = saver.db

    def forget_files(self, source_files: list[str]) -> None:
        """Remove the versions of files that are gone or changed (before a changed one is saved again);
        an article shown from one of them falls back to its newest remaining version, or leaves the
        archive if none remains."""
        shown = self.saver.shown
        for chunk in chunks([version_id(name) for name in source_files]):
            marks = ", ".join("?" * len(chunk))
            gone = self.db.execute(f"select id, article_id from versions where id in ({marks})", chunk).fetchall()
            for _, aid in gone:
                if aid is not None:
                    shown.of(aid)  # what it shows, read before its versions go
            self.db.execute("delete from build_errors where source_file in"
                            f" (select source_file from versions where id in ({marks}))", chunk)
            self.db.execute(f"delete from versions where id in ({marks})", chunk)
            self.saver.history.forget(chunk)
            for vid, aid in gone:
                if aid is None:
                    continue
                shown.touched.add(aid)
                current = shown.of(aid)
                if current is not None and current.version_id == vid:
                    if current.loaded:
                        self.saver.articles.delete(aid)
                    shown.show(aid, shown.newest_remaining(aid))

    def note_unchanged(self, record: Record) -> None:
        """A file whose time moved but whose bytes did not: remember the time, so it is not read again."""
        self.db.execute("update versions set file_mtime_ns = ? where id = ?", [record.mtime_ns, record.version_id])

    def show_remaining(self, read_again: Callable[[str], Record]) -> None:
        """Insert the rows of each fallback version (its file unchanged, so not parsed by this build)."""
        for aid, source_file in self.saver.shown.unloaded():
            self.saver.articles.insert(read_again(source_file).article)
            self.saver.shown.of(aid).loaded = True
