"""What an archive holds, for its front page: counts, dates, outlets, articles per month, the latest
articles, the most-named places.

Plain functions of a sqlite3 connection. Each reads an index, not the articles' rows: the outlets
and months come from one pass over (outlet_id, published, …), the latest articles from (published).
"""

from __future__ import annotations

import sqlite3

LATEST = 10
PLACES = 20


def overview(conn: sqlite3.Connection) -> dict:
    outlet_rows, months, monthly = outlets_and_months(conn)
    return {
        "articles": sum(outlet["articles"] for outlet in outlet_rows),
        "outlets": len(outlet_rows),
        "paragraphs": conn.execute("select count(*) from paragraphs").fetchone()[0],
        "first_published": min((o["first_published"] for o in outlet_rows if o["first_published"]), default=None),
        "last_published": max((o["last_published"] for o in outlet_rows if o["last_published"]), default=None),
        "outlet_rows": outlet_rows,
        "months": months,
        "monthly": monthly,
        "latest": latest_articles(conn),
        "places": most_named_places(conn),
    }


def outlets_and_months(conn: sqlite3.Connection) -> tuple[list[dict], list[str], list[dict]]:
    """Outlets with their article counts and first and last publication times, most articles first;
    every month from the first article's to the last one's; each outlet's articles per month."""
    cells = conn.execute(
        "select outlet_id, substr(published, 1, 7), count(*), min(published), max(published)"
        " from articles group by outlet_id, substr(published, 1, 7)"
    ).fetchall()
    names = dict(conn.execute("select id, name from outlets"))
    outlets: dict[str, dict] = {}
    for outlet_id, _, count, first, last in cells:
        outlet = outlets.setdefault(outlet_id, {"id": outlet_id, "name": names.get(outlet_id, outlet_id),
                                                "articles": 0, "first_published": None, "last_published": None})
        outlet["articles"] += count
        outlet["first_published"] = _earliest(outlet["first_published"], first)
        outlet["last_published"] = _latest(outlet["last_published"], last)
    outlet_rows = sorted(outlets.values(), key=lambda o: (-o["articles"], o["id"]))
    months = month_range([month for _, month, *_ in cells if month])
    index = {month: i for i, month in enumerate(months)}
    counts = {o["id"]: [0] * len(months) for o in outlet_rows}
    for outlet_id, month, count, *_ in cells:
        if month:
            counts[outlet_id][index[month]] = count
    monthly = [{"id": o["id"], "name": o["name"], "counts": counts[o["id"]]} for o in outlet_rows]
    return outlet_rows, months, monthly


def month_range(months: list[str]) -> list[str]:
    """Every month ("2021-03") from the earliest of months to the latest, those without articles too."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    result = []
    while (label := f"{year:04d}-{month:02d}") <= last:
        result.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def latest_articles(conn: sqlite3.Connection, limit: int = LATEST) -> list[dict]:
    rows = conn.execute(
        "select articles.id, title, outlets.name, published from articles"
        " left join outlets on outlets.id = articles.outlet_id"
        " where published is not null order by published desc, articles.rowid desc limit ?", [limit])
    return [{"id": id, "title": title, "outlet": outlet, "published": published}
            for id, title, outlet, published in rows]


def most_named_places(conn: sqlite3.Connection, limit: int = PLACES) -> list[dict]:
    rows = conn.execute(
        "select name, article_count from places where article_count > 0"
        " order by article_count desc, name limit ?", [limit])
    return [{"name": name, "article_count": count} for name, count in rows]


def _earliest(a: str | None, b: str | None) -> str | None:
    return min(x for x in (a, b) if x) if a or b else None


def _latest(a: str | None, b: str | None) -> str | None:
    return max(x for x in (a, b) if x) if a or b else None
