"""What the change page (the row page of changes) and the compare page show.

Plain functions of a sqlite3 connection returning data for the templates archive_row_change.html
and archive_compare.html. The texts compared are the ones the build kept (version_paragraphs, see
news_archive.db.history); the diff is of plain text, so the templates escape every piece of it.
"""

from __future__ import annotations

import sqlite3

from .article_page import display_time, versions
from ..textdiff import TextDiff, compare_texts, compare_titles

CHANGE_SQL = """
select changes.*, articles.title, articles.outlet_id, outlets.name as outlet
from changes join articles on articles.id = changes.article_id left join outlets on outlets.id = changes.outlet_id
where changes.id = ?
"""
VERSION_SQL = """
select versions.id, versions.article_id, versions.source_file, versions.feed_time, versions.text_version_id,
  articles.title, outlets.name as outlet
from versions join articles on articles.id = versions.article_id left join outlets on outlets.id = articles.outlet_id
where versions.id = ?
"""
KEPT_SQL = "select text from version_paragraphs where version_id = ? order by position"
SHOWN_TITLE_SQL = "select title from articles where id = ?"
SHOWN_SQL = "select text from paragraphs where article_id = ? order by position"


def change(conn: sqlite3.Connection, change_id: int) -> dict | None:
    """A change's page (the row page of changes): the two versions compared, and its neighbours."""
    rows = _rows(conn, CHANGE_SQL, [change_id])
    if not rows:
        return None
    row = rows[0]
    edits = [v["change_id"] for v in versions(conn, row["article_id"]) if v["change_id"]]
    place = edits.index(change_id)
    return {
        **compare(conn, row["before_version_id"], row["after_version_id"]),
        "change": row,
        "number": place + 1,
        "edit_count": len(edits),
        "previous_id": edits[place - 1] if place else None,
        "next_id": edits[place + 1] if place + 1 < len(edits) else None,
    }


def compare(conn: sqlite3.Connection, before_id: int, after_id: int) -> dict:
    """Two versions of one article compared; ValueError when they are not that."""
    before, after = (_version(conn, vid) for vid in (before_id, after_id))
    if before["article_id"] != after["article_id"]:
        raise ValueError("the two versions are of different articles")
    (old_title, old_text), (new_title, new_text) = (_text(conn, v) for v in (before, after))
    titles = compare_titles(old_title, new_title)
    diff = compare_texts(old_text, new_text)
    return {
        # The headline as of the later version: the article shown may have another by now.
        "article_id": before["article_id"], "article_title": new_title or after["title"], "outlet": after["outlet"],
        "before": before, "after": after,
        "title_before": titles[0] if titles else None, "title_after": titles[1] if titles else None,
        "diff": diff, "blocks": [_block(block) for block in diff.blocks], "same_text": _unchanged(diff),
    }


def _version(conn: sqlite3.Connection, version_id: int) -> dict:
    rows = _rows(conn, VERSION_SQL, [version_id])
    if not rows:
        raise LookupError(f"no version {version_id}")
    version = rows[0]
    version["feed_display"] = display_time(version["feed_time"])
    return version


def _text(conn: sqlite3.Connection, version: dict) -> tuple[str, list[str]]:
    """(headline, paragraphs) of a version: the kept text it shares, or, for an article that has had
    one text only, the one shown."""
    if version["text_version_id"] is None:
        title = conn.execute(SHOWN_TITLE_SQL, [version["article_id"]]).fetchone()[0]
        texts = [text for (text,) in conn.execute(SHOWN_SQL, [version["article_id"]])]
        return title or "", texts
    texts = [text for (text,) in conn.execute(KEPT_SQL, [version["text_version_id"]])]
    return texts[0] or "", texts[1:]  # the headline is kept at position 0


def _block(block) -> dict:
    """A block as the template takes it; unchanged runs name their first words for the folded summary."""
    shown = {"kind": block.kind, "paragraphs": block.paragraphs, "before": block.before, "after": block.after}
    if block.kind == "same":
        shown["count"] = len(block.paragraphs)
        first = block.paragraphs[0][0].text.strip()
        shown["opening"] = first if len(first) <= 24 else first[:24] + "…"
    return shown


def _unchanged(diff: TextDiff) -> bool:
    return diff.chars_added == diff.chars_removed == 0


def _rows(conn: sqlite3.Connection, sql: str, params) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
