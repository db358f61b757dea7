"""What the search, series and sentences pages show, as plain data (the plugin renders it)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import numpy as np

from . import chart, kwic
from . import engine as engine_module
from .engine import Engine, Match
from .params import SearchParams
from .series import series

FEED_SIZE = 50
SENTENCE_BATCH = 40  # paragraphs read at a time while filling a page of sentences

OUTLETS_SQL = "select id, coalesce(name, id) as name from outlets order by article_count desc, id"
SENTENCE_PARAGRAPHS_SQL = """
select paragraphs.id, paragraphs.text, articles.id, articles.title, articles.published,
  coalesce(outlets.name, articles.outlet_id)
from paragraphs join articles on articles.id = paragraphs.article_id
left join outlets on outlets.id = articles.outlet_id
where paragraphs.id in (select value from json_each(?))
"""


@dataclass
class Searcher:
    """One archive database file, as seen from one query thread's connection."""

    engine: Engine
    conn: sqlite3.Connection
    file_key: tuple

    def outlets(self) -> list[dict]:
        return [{"id": row[0], "name": row[1]} for row in self.conn.execute(OUTLETS_SQL)]

    def sections(self) -> list[str]:
        return self.engine.catalog(self.conn, self.file_key).sections

    def outlet_ids(self) -> set[str]:
        return set(self.engine.catalog(self.conn, self.file_key).outlet_ids) - {""}

    def match(self, params: SearchParams, query: str | None = None) -> Match:
        return self.engine.match(self.conn, self.file_key, params.q if query is None else query, params)

    def results(self, params: SearchParams) -> dict:
        """The page of results the parameters ask for, with the totals (the JSON contract)."""
        if not params.q:
            return {"q": "", "total": 0, "paragraphs": 0, "page": params.page, "size": params.size,
                    "pages": 0, "next_page": None, "results": []}
        match = self.match(params)
        pages = -(-match.total // params.size)
        results = engine_module.page_of(self.conn, match, params.sort, params.page, params.size)
        return {
            "q": params.q, "total": match.total, "paragraphs": match.paragraphs, "page": params.page,
            "size": params.size, "pages": pages,
            "next_page": params.page + 1 if params.page < pages else None,
            "results": results,
        }

    def outlet_counts(self, params: SearchParams) -> list[dict]:
        """Where: matching articles per outlet, and their share of what the archive holds from it
        under the same filters (source comparison), most first."""
        catalog = self.engine.catalog(self.conn, self.file_key)
        population = self.engine.filter_mask(self.conn, self.file_key, params)
        found = np.bincount(catalog.outlet[self.match(params).mask], minlength=len(catalog.outlet_ids))
        everything = np.bincount(catalog.outlet[population], minlength=len(catalog.outlet_ids))
        names = {outlet["id"]: outlet["name"] for outlet in self.outlets()}
        counts = [
            {"outlet_id": outlet, "outlet": names.get(outlet, outlet), "articles": articles, "all_articles": total,
             "share": articles / total if total else None}
            for outlet, articles, total in zip(catalog.outlet_ids, found.tolist(), everything.tolist())
            if articles
        ]
        return sorted(counts, key=lambda row: (-row["articles"], row["outlet_id"]))

    def other_totals(self, params: SearchParams) -> list[dict]:
        """Totals of the queries compared with the first one."""
        return [{"q": q, "total": self.match(params, q).total} for q in params.queries[1:]]

    def series(self, params: SearchParams) -> dict:
        catalog = self.engine.catalog(self.conn, self.file_key)
        population = self.engine.filter_mask(self.conn, self.file_key, params)
        matches = [self.match(params, q) for q in params.queries]
        return {"measure": params.measure, "split": params.split,
                **series(matches, population, catalog, params.by, params.split)}

    def feed_entries(self, params: SearchParams) -> list[dict]:
        match = self.match(params)
        return engine_module.result_rows(self.conn, match, match.ordered("newest")[:FEED_SIZE], html=False)

    def export_order(self, params: SearchParams) -> tuple[Match, np.ndarray]:
        match = self.match(params)
        return match, match.ordered(params.sort)

    def export_chunk(self, match: Match, slots: np.ndarray) -> list[dict]:
        return engine_module.result_rows(self.conn, match, slots, html=False)

    def sentence_order(self, params: SearchParams) -> tuple[Match, np.ndarray]:
        """The matching paragraphs of the matching articles: newest article first, then in reading order."""
        match = self.match(params)
        ids = match.paragraph_ids
        slots = match.catalog.slots_of_paragraphs(ids)
        return match, ids[np.lexsort((ids, match.catalog.newest_rank[slots]))]

    def sentences(self, match: Match, paragraph_ids: np.ndarray, start: int, size: int) -> tuple[list[dict], int | None]:
        """Lines from whole paragraphs, from the start-th matching paragraph, until at least ``size``
        lines; and the ordinal to continue from (None at the end)."""
        found: list[dict] = []
        position = start
        while position < len(paragraph_ids) and len(found) < size:
            batch = paragraph_ids[position:position + SENTENCE_BATCH].tolist()
            rows = {row[0]: row for row in self.conn.execute(SENTENCE_PARAGRAPHS_SQL, [json.dumps(batch)])}
            for paragraph_id in batch:
                position += 1
                found += _sentence_rows(rows.get(paragraph_id), match.query)
                if len(found) >= size:
                    break
        return found, (position if position < len(paragraph_ids) else None)


def _sentence_rows(row, query: str) -> list[dict]:
    if row is None:
        return []
    paragraph_id, text, article_id, title, published, outlet = row
    return [
        {"article_id": article_id, "title": title, "outlet": outlet, "published": published,
         "paragraph_id": paragraph_id, "left": line.left, "match": line.match, "right": line.right,
         "sentence": line.sentence}
        for line in kwic.lines(text or "", query)
    ]


def search_json(searcher: Searcher, params: SearchParams, base: str, with_series: bool) -> dict:
    """The JSON contract of /DB/search.json: a page of results, its totals, the next page's URL, and
    the series when asked for (by=)."""
    data = _with_next(searcher.results(params), params, base + ".json")
    if params.q:
        data["outlets"] = searcher.outlet_counts(params)
    if with_series and params.q:
        data["series"] = searcher.series(params)["series"]
    return data


def search_page(searcher: Searcher, params: SearchParams, base: str) -> dict:
    """What the search page's template shows."""
    outlets = searcher.outlets()
    context = {"params": params, "results": _with_next(searcher.results(params), params, base),
               "outlets": outlets, "sections": searcher.sections()}
    if params.q:
        context["others"] = searcher.other_totals(params)
        context["outlet_counts"] = searcher.outlet_counts(params)
        context["series"] = found = searcher.series(params)
        names = {outlet["id"]: outlet["name"] for outlet in outlets}
        lines = chart_lines(found, names, params.measure)
        percent = params.measure == "share"
        context["chart"] = chart.time_chart(found["periods"], lines, percent=percent, title="Matching articles per " + params.by)
        context["chart_table"] = chart.data_table(found["periods"], lines, percent=percent)
    return context


def chart_lines(found: dict, outlet_names: dict[str, str], measure: str) -> list[chart.Line]:
    value = "share" if measure == "share" else "articles"
    return [
        chart.Line(" · ".join(part for part in (line["q"], outlet_names.get(line["outlet"], line["outlet"])) if part),
                   [point[value] for point in line["points"]])
        for line in found["series"]
    ]


def sentences_page(searcher: Searcher, params: SearchParams, start: int) -> dict:
    """A page of sentences from the start-th matching paragraph, and the query of the next page."""
    if not params.q:
        return {"params": params, "lines": [], "next": None, "total": 0, "paragraphs": 0}
    match, order = searcher.sentence_order(params)
    lines, following = searcher.sentences(match, order, start, params.size)
    return {"params": params, "lines": lines, "total": match.total, "paragraphs": match.paragraphs,
            "next": None if following is None else params.query_string() + f"&start={following}"}


def series_json(searcher: Searcher, params: SearchParams) -> dict:
    return {"q": list(params.queries), **searcher.series(params)} if params.q else {"q": [], "series": []}


def _with_next(results: dict, params: SearchParams, url: str) -> dict:
    following = results.pop("next_page")
    return {**results, "next": f"{url}?{params.query_string(page=following)}" if following else None}
