"""The rows a parsed file becomes (articles, paragraphs, figures, links, authors, places, versions, errors), and those of outlets and gazetteer places."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..parse.model import Article, Body
from ..parse.outlets import OUTLETS, Outlet
from ..places import Mention, gazetteer
from .ids import article_id, author_id, build_error_id
from .parsed import Parsed


def article_row(article: Article, *, source_file: str, authors: Sequence[str], mentions: Sequence[Mention]) -> dict:
    """The articles row; version_count is counted when the build ends (other versions may follow)."""
    body = article.body
    named = [gazetteer.places()[m.place_id] for m in mentions]
    return {
        "id": article_id(article),
        "title": article.title,
        "url": article.url,
        "outlet_id": article.outlet_id,
        "section": article.section,
        "published": article.published,
        "published_from": article.published_from,
        "year": int(article.published[:4]) if article.published else None,
        "feed_time": article.feed_time,
        "byline": article.byline,
        "authors": json.dumps(list(authors), ensure_ascii=False),
        "language": article.language,
        "script": article.script,
        "lead": article.lead,
        "paragraph_count": len(body.paragraphs),
        "figure_count": len(body.figures),
        "link_count": len(body.links),
        "char_count": sum(len(p.text) for p in body.paragraphs),
        "english_url": article.english_url,
        "credits": article.credits,
        "source_file": source_file,
        "version_count": None,
        "places": json.dumps([p.name for p in named], ensure_ascii=False),
        "countries": json.dumps(list(dict.fromkeys(
            c.name for p in named if (c := gazetteer.country_of(p)))), ensure_ascii=False),
    }


# The rows of an article's child tables, without their dense ids (news_archive.db.articles numbers them).

def paragraph_rows(aid: int, body: Body) -> list[dict]:
    return [{"article_id": aid, "position": p.position, "kind": p.kind, "text": p.text, "html": p.html}
            for p in body.paragraphs]


def figure_rows(aid: int, body: Body) -> list[dict]:
    return [{"article_id": aid, "position": f.position, "image_url": f.image_url, "proxied_url": f.proxied_url,
             "alt": f.alt, "caption": f.caption, "credit": f.credit} for f in body.figures]


def link_rows(aid: int, parsed: Parsed, paragraph_ids: dict[int, int]) -> list[dict]:
    """target_article_id is set when the build ends, once every archived article is in."""
    return [{"article_id": aid, "paragraph_id": paragraph_ids.get(link.paragraph_position), "position": link.position,
             "href": link.href, "text": link.text, "title": link.title, "domain": domain, "target_article_id": None}
            for link, (domain, _) in zip(parsed.article.body.links, parsed.link_targets)]


def article_author_rows(aid: int, article: Article) -> list[dict]:
    return [{"article_id": aid, "author_id": author_id(author.name), "position": author.position}
            for author in article.authors]


def article_place_rows(aid: int, mentions: Sequence[Mention]) -> list[dict]:
    return [{"article_id": aid, "place_id": m.place_id, "mentions": m.count, "first_position": m.first_position}
            for m in mentions]


def version_row(parsed: Parsed, vid: int, aid: int | None) -> dict:
    """is_current and text_version_id are settled when the build ends."""
    article = parsed.article
    return {
        "id": vid, "article_id": aid, "source_file": parsed.source.name,
        "feed_time": article.feed_time if article else None, "sha256": parsed.sha256,
        "size_bytes": parsed.size_bytes, "file_mtime_ns": parsed.source.mtime_ns, "is_current": 0,
        "text_hash": parsed.text_hash, "text_version_id": None,
    }


def build_error_rows(parsed: Parsed) -> list[dict]:
    return [{"id": build_error_id(file, message), "source_file": file, "level": level, "error": message}
            for file, level, message in parsed.problems()]


def outlet_rows(used: Iterable[Outlet]) -> list[dict]:
    """Every known outlet and any other the articles name; article_count is counted when the build ends."""
    known = {outlet.id: outlet for outlet in OUTLETS}
    known.update({outlet.id: outlet for outlet in used})
    return [{"id": o.id, "name": o.name, "name_en": o.name_en, "homepage": o.homepage, "article_count": 0}
            for o in sorted(known.values(), key=lambda o: o.id)]


def place_rows() -> list[dict]:
    """Every gazetteer place (not the not_place phrases); article_count is counted when the build ends."""
    rows = []
    for place in sorted(gazetteer.places().values(), key=lambda p: p.id):
        if place.kind != gazetteer.NOT_PLACE:
            country = gazetteer.country_of(place)
            rows.append({
                "id": place.id, "name": place.name, "name_en": place.name_en, "kind": place.kind,
                "country_id": country.id if country else None, "country_code": place.country_code,
                "latitude": place.latitude, "longitude": place.longitude, "population": place.population,
                "source_id": place.source_id, "article_count": 0,
            })
    return rows
