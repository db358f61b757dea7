"""Attention over time: matching articles per day, week, month or year, and their share of all
archived articles in the same period (and outlet), so gaps in what was collected don't look like news.

The share's denominator is every article that passes the same filters (outlet, dates, section,
place) without the query: "what part of what we hold from there, then, mentions it".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .catalog import EPOCH, NO_DAY, Catalog
from .engine import Match


@dataclass(frozen=True)
class Periods:
    codes: np.ndarray  # period code per slot (meaningless where the day is unknown)
    first: int
    count: int
    labels: list[str]


def period_codes(days: np.ndarray, by: str) -> np.ndarray:
    if by == "day":
        return days.astype(np.int64)
    if by == "week":  # Monday-based: 1970-01-05 was a Monday, day 4
        return (days.astype(np.int64) + 3) // 7
    as_dates = days.astype("datetime64[D]")
    unit = "datetime64[M]" if by == "month" else "datetime64[Y]"
    return as_dates.astype(unit).astype(np.int64)


def period_label(code: int, by: str) -> str:
    if by == "day":
        return date.fromordinal(code + EPOCH).isoformat()
    if by == "week":
        year, week, _ = date.fromordinal(code * 7 - 3 + EPOCH).isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{1970 + code // 12}-{code % 12 + 1:02d}"
    return str(1970 + code)


def periods(catalog: Catalog, within: np.ndarray, by: str) -> Periods:
    """Every period from the first to the last dated article of ``within`` (a slot mask), empty ones included."""
    dated = within & (catalog.day != NO_DAY)
    codes = period_codes(np.where(catalog.day == NO_DAY, 0, catalog.day), by)
    if not dated.any():
        return Periods(codes, 0, 0, [])
    first, last = int(codes[dated].min()), int(codes[dated].max())
    return Periods(codes, first, last - first + 1, [period_label(code, by) for code in range(first, last + 1)])


def _counts(span: Periods, mask: np.ndarray, catalog: Catalog) -> np.ndarray:
    dated = mask & (catalog.day != NO_DAY)
    return np.bincount(span.codes[dated] - span.first, minlength=span.count)[: span.count]


def series(matches: list[Match], population: np.ndarray, catalog: Catalog, by: str, split: str | None) -> dict:
    """The series of each query (and outlet, when split), over one shared run of periods."""
    span = periods(catalog, population, by)
    lines = []
    for match in matches:
        groups = [(None, np.ones(catalog.size, dtype=bool))]
        if split == "outlet":
            outlets = np.unique(catalog.outlet[match.mask])
            groups = [(catalog.outlet_ids[code], catalog.outlet == code) for code in outlets.tolist()]
        for outlet, group in groups:
            found = _counts(span, match.mask & group, catalog)
            everything = _counts(span, population & group, catalog)
            lines.append({"q": match.query, "outlet": outlet, "points": _points(span.labels, found, everything)})
    undated = [int((match.mask & (catalog.day == NO_DAY)).sum()) for match in matches]
    return {"by": by, "periods": span.labels, "series": lines, "undated": undated}


def _points(labels: list[str], found: np.ndarray, everything: np.ndarray) -> list[dict]:
    return [
        {"period": label, "articles": articles, "all_articles": total, "share": (articles / total) if total else None}
        for label, articles, total in zip(labels, found.tolist(), everything.tolist())
    ]
