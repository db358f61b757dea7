"""Every article's facets as arrays, loaded once per served database, for counting matches fast.

A search's matches are sets of article slots (an article's rowid in ``articles``, which is what
articles_fts uses); paragraphs map to slots through their id ranges (an article's paragraphs are one
run of ids). Counting, filtering, ordering and bucketing a few hundred thousand matches is then a
few numpy operations instead of SQL that maps every matching paragraph to its article per query.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1).toordinal()
NO_DAY = np.iinfo(np.int32).min  # an article without a publication date

ARTICLES_SQL = """
select articles.rowid, articles.id, articles.outlet_id, articles.published, articles.section,
  coalesce(articles.char_count, 0)
from articles order by articles.rowid
"""
# One row per run of consecutive paragraph ids of one article (normally one run per article).
PARAGRAPH_RUNS_SQL = """
select article_id, min(id), max(id), count(*) from paragraphs group by article_id
"""
PARAGRAPH_ARTICLES_SQL = "select id, article_id from paragraphs order by id"


def day_number(iso: str | None) -> int:
    """Days since 1970-01-01 of an ISO date or time's date part; NO_DAY when there is none."""
    if not iso or len(iso) < 10:
        return int(NO_DAY)
    try:
        return date.fromisoformat(iso[:10]).toordinal() - EPOCH
    except ValueError:
        return int(NO_DAY)


@dataclass
class Catalog:
    """Arrays indexed by article slot (rowid); slot 0 and deleted rowids are absent."""

    present: np.ndarray  # bool
    article_id: np.ndarray  # int64
    outlet: np.ndarray  # int16 index into outlet_ids
    outlet_ids: list[str]
    day: np.ndarray  # int32 days since 1970-01-01, NO_DAY when unknown
    section: np.ndarray  # int32 index into sections, -1 for none
    sections: list[str]
    length: np.ndarray  # float64 characters of text (for ranking)
    newest_rank: np.ndarray  # int64: 0 for the newest article (published, then id, descending)
    run_start: np.ndarray  # int64 first paragraph id of each run, ascending
    run_end: np.ndarray  # int64 last paragraph id of each run
    run_slot: np.ndarray  # int64 slot of each run
    _id_order: np.ndarray = field(repr=False, default=None)  # slots sorted by article_id

    @property
    def size(self) -> int:
        return len(self.present)

    @property
    def article_count(self) -> int:
        return int(self.present.sum())

    def slots_of_paragraphs(self, paragraph_ids: np.ndarray) -> np.ndarray:
        """The article slot of each paragraph id (ids outside every run give slot 0)."""
        run = np.searchsorted(self.run_start, paragraph_ids, side="right") - 1
        run = np.clip(run, 0, max(len(self.run_start) - 1, 0))
        if len(self.run_start) == 0:
            return np.zeros(len(paragraph_ids), dtype=np.int64)
        inside = (paragraph_ids >= self.run_start[run]) & (paragraph_ids <= self.run_end[run])
        return np.where(inside, self.run_slot[run], 0)

    def slots_of_articles(self, article_ids) -> np.ndarray:
        """Slots of the given article ids; unknown ids are left out."""
        ids = np.asarray(list(article_ids), dtype=np.int64)
        if not len(ids) or not len(self._id_order):
            return np.zeros(0, dtype=np.int64)
        sorted_ids = self.article_id[self._id_order]
        where = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
        found = sorted_ids[where] == ids
        return self._id_order[where[found]]

    def outlet_code(self, outlet_id: str) -> int | None:
        try:
            return self.outlet_ids.index(outlet_id)
        except ValueError:
            return None


def load(conn: sqlite3.Connection) -> Catalog:
    rows = conn.execute(ARTICLES_SQL).fetchall()
    size = (rows[-1][0] + 1) if rows else 1
    slots = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    present = np.zeros(size, dtype=bool)
    present[slots] = True
    article_id = np.zeros(size, dtype=np.int64)
    article_id[slots] = [row[1] for row in rows]
    outlet_ids = sorted({row[2] or "" for row in rows})
    outlet_index = {name: i for i, name in enumerate(outlet_ids)}
    outlet = np.zeros(size, dtype=np.int16)
    outlet[slots] = [outlet_index[row[2] or ""] for row in rows]
    sections = sorted({row[4] for row in rows if row[4]})
    section_index = {name: i for i, name in enumerate(sections)}
    section = np.full(size, -1, dtype=np.int32)
    section[slots] = [section_index.get(row[4], -1) for row in rows]
    day = np.full(size, NO_DAY, dtype=np.int32)
    day[slots] = [day_number(row[3]) for row in rows]
    length = np.zeros(size, dtype=np.float64)
    length[slots] = [row[5] for row in rows]
    newest_rank = np.zeros(size, dtype=np.int64)
    # Newest first: published descending (articles without one last), then id descending.
    by_newest = sorted(rows, key=lambda row: (row[3] or "", row[1]), reverse=True)
    newest_rank[[row[0] for row in by_newest]] = np.arange(len(by_newest))
    id_order = slots[np.argsort(article_id[slots], kind="stable")]
    catalog = Catalog(
        present=present, article_id=article_id, outlet=outlet, outlet_ids=outlet_ids, day=day,
        section=section, sections=sections, length=length, newest_rank=newest_rank,
        run_start=np.zeros(0, dtype=np.int64), run_end=np.zeros(0, dtype=np.int64),
        run_slot=np.zeros(0, dtype=np.int64), _id_order=id_order,
    )
    _load_paragraph_runs(conn, catalog)
    return catalog


def _load_paragraph_runs(conn: sqlite3.Connection, catalog: Catalog) -> None:
    runs = conn.execute(PARAGRAPH_RUNS_SQL).fetchall()
    if any(last - first + 1 != count for _, first, last, count in runs):
        runs = _runs_of_every_paragraph(conn)
    runs.sort(key=lambda run: run[1])
    catalog.run_start = np.array([run[1] for run in runs], dtype=np.int64)
    catalog.run_end = np.array([run[2] for run in runs], dtype=np.int64)
    slots = catalog.slots_of_articles(run[0] for run in runs)
    if len(slots) != len(runs):  # paragraphs of an article id not in articles: never matched
        known = set(catalog.article_id[slots].tolist())
        keep = [i for i, run in enumerate(runs) if run[0] in known]
        catalog.run_start, catalog.run_end = catalog.run_start[keep], catalog.run_end[keep]
    catalog.run_slot = slots


def _runs_of_every_paragraph(conn: sqlite3.Connection) -> list[tuple[int, int, int, int]]:
    """Runs from each paragraph's row, for an archive whose articles' ids interleave (never built so
    by build_db.py, but a hand-edited database may be)."""
    runs: list[list[int]] = []
    for paragraph_id, article_id in conn.execute(PARAGRAPH_ARTICLES_SQL):
        if runs and runs[-1][0] == article_id and runs[-1][2] == paragraph_id - 1:
            runs[-1][2] = paragraph_id
            runs[-1][3] += 1
        else:
            runs.append([article_id, paragraph_id, paragraph_id, 1])
    return [tuple(run) for run in runs]
