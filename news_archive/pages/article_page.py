"""What the article and author pages show, read from an archive database.

Each function takes a sqlite3 connection and returns plain data for the row templates
(templates/archive_row_article.html, archive_row_author.html); anything from the article files
that is rendered as HTML has been through news_archive.pages.sanitize.
"""

from __future__ import annotations

import sqlite3

from markupsafe import Markup, escape

from .excerpt import mark_html
from .sanitize import clean_html, safe_url

ARTICLE_SQL = """
select articles.*, outlets.name as outlet
from articles left join outlets on outlets.id = articles.outlet_id
where articles.id = ?
"""
AUTHORS_SQL = """
select authors.id, authors.name
from article_authors join authors on authors.id = article_authors.author_id
where article_authors.article_id = ?
order by article_authors.position
"""
PARAGRAPHS_SQL = "select position, kind, text, html from paragraphs where article_id = ? order by position"
FIGURES_SQL = """
select position, image_url, proxied_url, alt, caption, credit
from figures where article_id = ? order by position
"""
# Archived articles this one links to, in the order of their first link; self-links left out, as in
# the most_linked_articles query.
LINKS_TO_SQL = """
select target.id, target.title, target.published, outlets.name as outlet
from links
join articles as target on target.id = links.target_article_id
left join outlets on outlets.id = target.outlet_id
where links.article_id = :id and links.target_article_id != :id
group by target.id
order by min(links.position)
"""
LINKED_FROM_SQL = """
select source.id, source.title, source.published, outlets.name as outlet
from links
join articles as source on source.id = links.article_id
left join outlets on outlets.id = source.outlet_id
where links.target_article_id = :id and links.article_id != :id
group by source.id
order by source.published desc
"""
# Oldest first, in the order that picks the version shown; each with the edit it brought, if any.
VERSIONS_SQL = """
select versions.id, versions.source_file, versions.feed_time, versions.sha256, versions.size_bytes,
  versions.is_current, versions.text_version_id, changes.id as change_id, changes.kind as edit,
  changes.chars_added, changes.chars_removed, changes.title_after
from versions left join changes on changes.after_version_id = versions.id
where versions.article_id = ?
order by coalesce(versions.feed_time, ''), versions.source_file
"""
# An archive built before versions' texts were kept (no changes table) still shows its versions.
VERSIONS_WITHOUT_CHANGES_SQL = """
select id, source_file, feed_time, sha256, size_bytes, is_current, null as text_version_id,
  null as change_id, null as edit, null as chars_added, null as chars_removed, null as title_after
from versions where article_id = ?
order by coalesce(feed_time, ''), source_file
"""
EDITS = {"headline": "the headline", "text": "the text", "both": "the headline and the text"}
AUTHOR_SQL = "select id, name, article_count from authors where id = ?"
AUTHOR_ARTICLES_SQL = """
select articles.id, articles.title, articles.published, outlets.name as outlet
from article_authors
join articles on articles.id = article_authors.article_id
left join outlets on outlets.id = articles.outlet_id
where article_authors.author_id = ?
order by articles.published desc, articles.id
"""


def article(conn: sqlite3.Connection, article_id: int, search: str | None = None) -> dict | None:
    """The article; with a search (the search page's ?q=), its matches marked in the title and text,
    the first one in the text (else the title) with id="first-match" for the link to scroll to."""
    rows = _rows(conn, ARTICLE_SQL, [article_id])
    if not rows:
        return None
    row = rows[0]
    page_blocks = blocks(conn, article_id, row["url"], search)
    saved = versions(conn, article_id)
    return {
        "id": row["id"],
        "title": row["title"],
        "url": safe_url(row["url"]),
        "outlet_id": row["outlet_id"],
        "outlet": row["outlet"] or row["outlet_id"],
        "published": row["published"],
        "published_display": display_time(row["published"]),
        "lang": "-".join(part for part in (row["language"], row["script"]) if part),
        "byline": row["byline"],
        "authors": _rows(conn, AUTHORS_SQL, [article_id]),
        "english_url": safe_url(row["english_url"]),
        "source_file": row["source_file"],
        "title_html": _first_match_in_title(mark_html(escape(row["title"] or ""), search), page_blocks),
        "blocks": page_blocks,
        "links_to": _rows(conn, LINKS_TO_SQL, {"id": article_id}),
        "linked_from": _rows(conn, LINKED_FROM_SQL, {"id": article_id}),
        "versions": saved,
        "edit_count": sum(1 for version in saved if version["change_id"]),
    }


def versions(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """The files the article was read from, oldest first; each says what it changed (edit_text)."""
    has_changes = conn.execute("select 1 from sqlite_master where type = 'table' and name = 'changes'").fetchone()
    saved = _rows(conn, VERSIONS_SQL if has_changes else VERSIONS_WITHOUT_CHANGES_SQL, [article_id])
    for version in saved:
        version["feed_display"] = display_time(version["feed_time"])
        version["edit_text"] = EDITS.get(version["edit"])
    return saved


FIRST_MATCH = '<mark id="first-match">'


def _first_match_in_title(title_html: Markup, page_blocks: list[dict]) -> Markup:
    """The title's first mark is the one to scroll to when the text has none."""
    texts = [block.get("html", "") for block in page_blocks]
    texts += [item["html"] for block in page_blocks for item in block.get("list_items", [])]
    if any(FIRST_MATCH in str(text) for text in texts):
        return title_html
    return Markup(str(title_html).replace("<mark>", FIRST_MATCH, 1))


def paragraph_html(paragraph: dict, base_url: str | None) -> Markup:
    """The stored markup, sanitized; a plain-text paragraph (no markup stored) escaped, line breaks kept."""
    if paragraph["html"] is None:  # escape() leaves line breaks as they are
        return Markup(str(escape(paragraph["text"])).replace("\n", "<br>"))
    return clean_html(paragraph["html"], base_url)


def blocks(conn: sqlite3.Connection, article_id: int, base_url: str | None, search: str | None = None) -> list[dict]:
    """Paragraphs and figures in reading order; consecutive list items grouped into one list."""
    items = [
        {"type": "paragraph", "position": p["position"], "kind": p["kind"],
         "html": mark_html(paragraph_html(p, base_url), search)}
        for p in _rows(conn, PARAGRAPHS_SQL, [article_id])
    ]
    for item in items:
        if "<mark>" in item["html"]:
            item["html"] = Markup(str(item["html"]).replace("<mark>", FIRST_MATCH, 1))
            break
    items += [figure(f) for f in _rows(conn, FIGURES_SQL, [article_id])]
    items.sort(key=lambda item: item["position"])
    grouped: list[dict] = []
    for item in items:
        if item.get("kind") == "list_item":
            if not (grouped and grouped[-1]["type"] == "list"):
                grouped.append({"type": "list", "list_items": []})
            grouped[-1]["list_items"].append(item)
        else:
            grouped.append(item)
    return grouped


def figure(row: dict) -> dict:
    return {
        "type": "figure",
        "position": row["position"],
        "src": safe_url(row["image_url"]) or safe_url(row["proxied_url"]),
        # An alt text that repeats the caption would be read out twice.
        "alt": "" if row["alt"] == row["caption"] else row["alt"] or "",
        "caption": row["caption"],
        "credit": row["credit"],
    }


def author(conn: sqlite3.Connection, author_id: int) -> dict | None:
    rows = _rows(conn, AUTHOR_SQL, [author_id])
    if not rows:
        return None
    return {**rows[0], "articles": _rows(conn, AUTHOR_ARTICLES_SQL, [author_id])}


def display_time(value: str | None) -> str | None:
    """'2024-02-01T21:00:55Z' as '2024-02-01 21:00 UTC'; a bare date as it is."""
    if not value or "T" not in value:
        return value
    return f"{value[:10]} {value[11:16]} UTC"


def _rows(conn: sqlite3.Connection, sql: str, params) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
