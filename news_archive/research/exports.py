"""The search's downloads as text: CSV lines, the pieces of a streamed JSON document, feed entries."""

from __future__ import annotations

import csv
import io
import json

ARTICLE_COLUMNS = ["id", "url", "title", "outlet_id", "outlet", "published", "passage"]
SERIES_COLUMNS = ["q", "outlet", "period", "articles", "all_articles", "share"]
SENTENCE_COLUMNS = ["article_id", "title", "outlet", "published", "paragraph_id", "left", "match", "right", "sentence"]


def csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["" if value is None else value for value in values])
    return buffer.getvalue()


def csv_rows(rows: list[dict], columns: list[str]) -> str:
    return "".join(csv_line([row[column] for column in columns]) for row in rows)


def series_csv(data: dict) -> str:
    lines = [
        csv_line([line["q"], line["outlet"], point["period"], point["articles"], point["all_articles"],
                  None if point["share"] is None else f"{point['share']:.6f}"])
        for line in data["series"] for point in line["points"]
    ]
    return csv_line(SERIES_COLUMNS) + "".join(lines)


def json_head(q: str, total: int, paragraphs: int) -> str:
    """The start of {"q", "total", "paragraphs", "results": [...]}, streamed row by row after it."""
    head = json.dumps({"q": q, "total": total, "paragraphs": paragraphs}, ensure_ascii=False)
    return head[:-1] + ', "results": ['


def json_rows(rows: list[dict], first: bool) -> str:
    text = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return text if first or not text else ",\n" + text


JSON_TAIL = "]}"


def feed_entries(rows: list[dict], article_url) -> list[dict]:
    """Atom entries for result rows; article_url(id) is the absolute URL of an article's page."""
    return [
        {"id": article_url(row["id"]), "link": article_url(row["id"]), "url": row["url"], "title": row["title"],
         "published": row["published"], "author": row["outlet"], "summary": row["passage"]}
        for row in rows
    ]
