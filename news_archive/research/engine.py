"""Which articles a search matches, how many, in what order, with which passage.

An article matches a query when every term is in its title, its lead or one of its paragraphs
(the same rule as the articles table's search), and it passes every filter. FTS5 gives each term's
matching rowids (paragraphs_fts, articles_fts) in one string per term; everything after that is
array work over the Catalog, so a word in 270,000 paragraphs costs tens of milliseconds, not seconds.

Relevance is BM25 over articles: a term's frequency in an article is the number of its paragraphs
that hold the term, its title counting TITLE_WEIGHT paragraphs; length is the article's characters;
ties go to the newer article.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..pages.excerpt import excerpt, excerpt_text, highlight
from ..search import MATCH_NOTHING, normalize, term_queries
from . import catalog as catalog_module
from .cache import LRU
from .catalog import Catalog
from .params import ParameterError, SearchParams

TITLE_WEIGHT = 5
K1, B = 1.2, 0.75
EXPORT_CHUNK = 500

PARAGRAPH_HITS_SQL = "select group_concat(rowid) from paragraphs_fts where paragraphs_fts match ?"
ARTICLE_HITS_SQL = "select group_concat(rowid) from articles_fts where articles_fts match ?"
PLACE_ARTICLES_SQL = """
select article_places.article_id from article_places
where article_places.place_id in (select id from places where name = :place or name = :simplified
  or lower(name_en) = lower(:place))
"""
RESULT_ROWS_SQL = """
select articles.rowid, articles.id, articles.title, articles.url, articles.outlet_id,
  coalesce(outlets.name, articles.outlet_id) as outlet, articles.published, articles.lead
from articles left join outlets on outlets.id = articles.outlet_id
where articles.rowid in (select value from json_each(?))
"""
PARAGRAPH_TEXTS_SQL = "select id, text from paragraphs where id in (select value from json_each(?))"


def _rowids(conn: sqlite3.Connection, sql: str, expression: str) -> np.ndarray:
    joined = conn.execute(sql, [expression]).fetchone()[0]
    if not joined:
        return np.zeros(0, dtype=np.int64)
    ids = np.fromstring(joined, dtype=np.int64, sep=",")
    if len(ids) > 1 and not np.all(ids[1:] > ids[:-1]):
        ids = np.unique(ids)
    return ids


@dataclass
class TermHits:
    """Where one term (one FTS5 phrase) occurs in the whole archive."""

    expression: str
    paragraph_ids: np.ndarray  # ascending
    paragraph_slots: np.ndarray  # the article slot of each
    title_slots: np.ndarray
    mask: np.ndarray  # bool per slot: title, lead or a paragraph holds the term
    size: int

    @cached_property
    def _by_slot(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.paragraph_slots, kind="stable")
        return self.paragraph_slots[order], self.paragraph_ids[order]

    def paragraphs_of(self, slot: int) -> np.ndarray:
        slots, ids = self._by_slot
        return ids[np.searchsorted(slots, slot, "left"):np.searchsorted(slots, slot, "right")]

    @cached_property
    def paragraph_counts(self) -> np.ndarray:
        counts = np.bincount(self.paragraph_slots, minlength=self.size).astype(np.float64)
        counts[self.title_slots] += TITLE_WEIGHT
        return counts

    @cached_property
    def article_frequency(self) -> int:
        return int(self.mask.sum())


def term_hits(conn: sqlite3.Connection, catalog: Catalog, expression: str) -> TermHits:
    paragraph_ids = _rowids(conn, PARAGRAPH_HITS_SQL, expression)
    paragraph_slots = catalog.slots_of_paragraphs(paragraph_ids)
    opening_slots = _rowids(conn, ARTICLE_HITS_SQL, expression)
    title_slots = _rowids(conn, ARTICLE_HITS_SQL, f"title : {expression}")
    mask = np.zeros(catalog.size, dtype=bool)
    mask[paragraph_slots] = True
    mask[opening_slots[opening_slots < catalog.size]] = True
    mask &= catalog.present
    title_slots = title_slots[title_slots < catalog.size]
    return TermHits(expression, paragraph_ids, paragraph_slots, title_slots, mask, catalog.size)


@dataclass
class Match:
    """The articles one query matches under the filters."""

    query: str
    terms: list[TermHits]
    mask: np.ndarray
    catalog: Catalog = field(repr=False)

    @cached_property
    def total(self) -> int:
        return int(self.mask.sum())

    @cached_property
    def paragraphs(self) -> int:
        """Paragraphs of the matching articles that hold at least one of the terms."""
        return len(self.paragraph_ids)

    @cached_property
    def paragraph_ids(self) -> np.ndarray:
        parts = [term.paragraph_ids[self.mask[term.paragraph_slots]] for term in self.terms]
        if len(parts) == 1:
            return parts[0]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def ordered(self, sort: str) -> np.ndarray:
        """Matching slots in the order asked for."""
        slots = np.flatnonzero(self.mask)
        rank = self.catalog.newest_rank[slots]
        if sort == "newest":
            return slots[np.argsort(rank, kind="stable")]
        if sort == "oldest":
            undated = self.catalog.day[slots] == catalog_module.NO_DAY
            return slots[np.lexsort((-rank, undated))]
        return slots[np.lexsort((rank, -self.scores(slots)))]

    def scores(self, slots: np.ndarray) -> np.ndarray:
        catalog = self.catalog
        count = max(catalog.article_count, 1)
        average = max(float(catalog.length[catalog.present].mean()) if catalog.article_count else 1.0, 1.0)
        norm = K1 * (1 - B + B * catalog.length[slots] / average)
        score = np.zeros(len(slots))
        for term in self.terms:
            frequency = term.article_frequency
            idf = np.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            tf = term.paragraph_counts[slots]
            score += idf * tf * (K1 + 1) / (tf + norm)
        return score


class Engine:
    """Searches over one archive database file; its caches live as long as the process."""

    def __init__(self, term_cache: int = 12, filter_cache: int = 32):
        self._catalogs: LRU[Catalog] = LRU(4)
        self._terms: LRU[TermHits] = LRU(term_cache)
        self._filters: LRU[np.ndarray] = LRU(filter_cache)

    def clear(self) -> None:
        """Forget cached matches (the catalog stays): benchmarks time searches from scratch."""
        self._terms.clear()
        self._filters.clear()

    def catalog(self, conn: sqlite3.Connection, file_key) -> Catalog:
        return self._catalogs.get(file_key, lambda: catalog_module.load(conn))

    def match(self, conn: sqlite3.Connection, file_key, query: str, params: SearchParams) -> Match:
        catalog = self.catalog(conn, file_key)
        expressions = term_queries(query) or [MATCH_NOTHING]
        terms = [self._terms.get((file_key, e), lambda e=e: term_hits(conn, catalog, e)) for e in expressions]
        mask = self.filter_mask(conn, file_key, params).copy()
        for term in terms:
            mask &= term.mask
        return Match(query, terms, mask, catalog)

    def filter_mask(self, conn: sqlite3.Connection, file_key, params: SearchParams) -> np.ndarray:
        """The articles that pass the filters, whatever the query."""
        key = (file_key, params.outlets, params.date_from, params.date_to, params.section, params.place)
        return self._filters.get(key, lambda: _filter_mask(conn, self.catalog(conn, file_key), params))


def _filter_mask(conn: sqlite3.Connection, catalog: Catalog, params: SearchParams) -> np.ndarray:
    mask = catalog.present.copy()
    if params.outlets:
        codes = [catalog.outlet_code(outlet) for outlet in params.outlets]
        mask &= np.isin(catalog.outlet, [code for code in codes if code is not None])
    if params.date_from:
        mask &= catalog.day >= params.date_from.toordinal() - catalog_module.EPOCH
    if params.date_to:
        mask &= (catalog.day <= params.date_to.toordinal() - catalog_module.EPOCH) & (catalog.day != catalog_module.NO_DAY)
    if params.section:
        if params.section not in catalog.sections:
            raise ParameterError("section", f"no section {params.section!r} in this archive")
        mask &= catalog.section == catalog.sections.index(params.section)
    if params.place:
        mask &= _place_mask(conn, catalog, params.place)
    return mask


def _place_mask(conn: sqlite3.Connection, catalog: Catalog, place: str) -> np.ndarray:
    article_ids = [row[0] for row in conn.execute(PLACE_ARTICLES_SQL, {"place": place, "simplified": normalize(place)})]
    if not article_ids and not conn.execute(
        "select 1 from places where name = ? or name = ? or lower(name_en) = lower(?)", [place, normalize(place), place]
    ).fetchone():
        raise ParameterError("place", f"no place {place!r} in the gazetteer (give its Chinese or English name: 北京, Beijing)")
    mask = np.zeros(catalog.size, dtype=bool)
    mask[catalog.slots_of_articles(article_ids)] = True
    return mask


def result_rows(conn: sqlite3.Connection, match: Match, slots: np.ndarray, html: bool = True) -> list[dict]:
    """One dict per slot, in the slots' order: the article's columns and its best passage."""
    slot_list = [int(slot) for slot in slots]
    rows = {row[0]: row for row in conn.execute(RESULT_ROWS_SQL, [json.dumps(slot_list)])}
    best = {slot: best_paragraph(match, slot) for slot in slot_list}
    wanted = [paragraph for paragraph in best.values() if paragraph is not None]
    texts = dict(conn.execute(PARAGRAPH_TEXTS_SQL, [json.dumps(wanted)])) if wanted else {}
    passage = excerpt if html else excerpt_text
    results = []
    for slot in slot_list:
        row = rows.get(slot)
        if row is None:
            continue
        _, article_id, title, url, outlet_id, outlet, published, lead = row
        text = texts.get(best[slot])
        found = passage(text, match.query) if text else None
        if found is None:  # the title or lead matched (or a paragraph the excerpt cannot place)
            found = passage(lead, match.query) or (highlight((lead or "")[:160], "") if html else (lead or "")[:160])
        results.append({
            "id": article_id, "url": url, "title": title, "outlet_id": outlet_id, "outlet": outlet,
            "published": published, "paragraph_id": best[slot], ("excerpt_html" if html else "passage"): found,
            **({"title_html": highlight(title, match.query)} if html else {}),
        })
    return results


def best_paragraph(match: Match, slot: int) -> int | None:
    """The article's paragraph holding the most terms (the first such one)."""
    counts: dict[int, int] = {}
    for term in match.terms:
        for paragraph in term.paragraphs_of(slot).tolist():
            counts[paragraph] = counts.get(paragraph, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda paragraph: (-counts[paragraph], paragraph))


def page_of(conn: sqlite3.Connection, match: Match, sort: str, page: int, size: int) -> list[dict]:
    ordered = match.ordered(sort)
    chosen = ordered[(page - 1) * size: page * size]
    rows = result_rows(conn, match, chosen)
    if sort == "relevance" and len(chosen):
        for row, score in zip(rows, match.scores(chosen).tolist()):
            row["rank"] = round(score, 4)
    else:
        for row in rows:
            row["rank"] = None
    return rows


def export_rows(conn: sqlite3.Connection, match: Match, sort: str) -> Iterator[list[dict]]:
    """Every matching article in order, in chunks, with its passage as plain text."""
    ordered = match.ordered(sort)
    for start in range(0, len(ordered), EXPORT_CHUNK):
        yield result_rows(conn, match, ordered[start:start + EXPORT_CHUNK], html=False)
