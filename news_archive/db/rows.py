"""The rows a parsed file becomes (articles, paragraphs, figures, links, authors, places, versions, errors), as tuples in schema.COLUMNS order, and those of outlets and gazetteer places."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..parse.model import Article, Body
from ..parse.outlets import OUTLETS, Outlet
from ..places import Mention, gazetteer
from .ids import article_id, author_id, build_error_id
from .parsed import Parsed


def article_row(article: Article, *, source_file: str, authors: Sequence[str], mentions: Sequence[Mention]) -> tuple:
    """The articles row; version_count is counted when the build ends (other versions may follow)."""
    body = article.body
    named = [gazetteer.places()[m.place_id] for m in mentions]
    countries = dict.fromkeys(c.name for p in named if (c := gazetteer.country_of(p)))
    return (
        article_id(article), article.title, article.url, article.outlet_id, article.section, article.published,
        article.published_from, int(article.published[:4]) if article.published else None, article.feed_time,
        article.byline, json.dumps(list(authors), ensure_ascii=False), article.language, article.script,
        article.lead, len(body.paragraphs), len(body.figures), len(body.links),
        sum(len(p.text) for p in body.paragraphs), article.english_url, article.credits, source_file, None,
        json.dumps([p.name for p in named], ensure_ascii=False), json.dumps(list(countries), ensure_ascii=False),
    )


# The rows of an article's child tables, their dense ids counted from ``first`` (news_archive.db.articles
# hands them out).

def paragraph_rows(first: int, aid: int, body: Body) -> list[tuple]:
    return [(first + i, aid, p.position, p.kind, p.text, p.html) for i, p in enumerate(body.paragraphs)]


def figure_rows(first: int, aid: int, body: Body) -> list[tuple]:
    return [(first + i, aid, f.position, f.image_url, f.proxied_url, f.alt, f.caption, f.credit)
            for i, f in enumerate(body.figures)]


def link_rows(first: int, aid: int, parsed: Parsed, paragraph_ids: dict[int, int]) -> list[tuple]:
    """target_article_id is set when the build ends, once every archived article is in."""
    return [(first + i, aid, paragraph_ids.get(link.paragraph_position), link.position, link.href, link.text,
             link.title, domain, None)
            for i, (link, (domain, _)) in enumerate(zip(parsed.article.body.links, parsed.link_targets))]


def article_author_rows(first: int, aid: int, article: Article) -> list[tuple]:
    return [(first + i, aid, author_id(author.name), author.position) for i, author in enumerate(article.authors)]


def article_place_rows(first: int, aid: int, mentions: Sequence[Mention]) -> list[tuple]:
    return [(first + i, aid, m.place_id, m.count, m.first_position) for i, m in enumerate(mentions)]


def version_row(parsed: Parsed, vid: int, aid: int | None) -> tuple:
    """is_current and text_version_id are settled when the build ends."""
    article = parsed.article
    return (vid, aid, parsed.source.name, article.feed_time if article else None, parsed.sha256, parsed.size_bytes,
            parsed.source.mtime_ns, 0, parsed.text_hash, None)


def build_error_rows(parsed: Parsed) -> list[tuple]:
    return [(build_error_id(file, message), file, level, message) for file, level, message in parsed.problems()]


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
