"""The rows a parsed file becomes (articles, paragraphs, figures, links, authors, places, versions, errors), as tuples in schema.COLUMNS order, and those of outlets and gazetteer places.

record() runs in the parser process: it shapes every row of a file but the dense ids, which the
writer adds (news_archive.db.articles), so the writer does no per-row work beyond that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..parse.model import Article
from ..parse.outlets import OUTLETS, Outlet, outlet_for
from ..parse.urls import domain_of
from ..places import Mention, gazetteer
from . import fts
from .ids import article_id, author_id, build_error_id, version_id
from .parsed import ArticleRecord, Parsed, Record


def record(parsed: Parsed) -> Record:
    """What the writer saves of a parsed file."""
    vid, article = version_id(parsed.source.name), parsed.article
    problems = parsed.problems() if not parsed.unchanged else []
    shaped = article_record(parsed) if article else None
    version = (vid, shaped.id if shaped else None, parsed.source.name, article.feed_time if article else None,
               parsed.sha256, parsed.size_bytes, parsed.source.mtime_ns, 0, parsed.text_hash, None)
    errors = [(build_error_id(file, message), file, level, message) for file, level, message in problems]
    return Record(parsed.source.name, parsed.source.mtime_ns, vid, version, problems, errors, shaped,
                  parsed.unchanged)


def article_record(parsed: Parsed) -> ArticleRecord:
    """The article's row (version_count is counted when the build ends) and its child rows."""
    article, body, aid = parsed.article, parsed.article.body, article_id(parsed.article)
    names = tuple(author.name for author in article.authors)
    head, tail = _article_columns(article, aid, parsed.source.name, parsed.places)
    index_of = {p.position: i for i, p in enumerate(body.paragraphs)}
    return ArticleRecord(
        aid, article.title, article.feed_time, outlet_for(article.url, article.outlet_name), domain_of(article.url),
        head, names, json.dumps(list(names), ensure_ascii=False), tail,
        [(aid, p.position, p.kind, p.text, p.html) for p in body.paragraphs],
        [(aid, f.position, f.image_url, f.proxied_url, f.alt, f.caption, f.credit) for f in body.figures],
        [(index_of.get(link.paragraph_position), link.position, link.href, link.text, link.title, domain)
         for link, (domain, _) in zip(body.links, parsed.link_targets)],
        [(i, target) for i, (_, target) in enumerate(parsed.link_targets) if target is not None],
        [(aid, author_id(author.name), author.position) for author in article.authors],
        [(aid, m.place_id, m.count, m.first_position) for m in parsed.places],
        fts.pack_index_texts(parsed.index_texts),
    )


def _article_columns(article: Article, aid: int, source_file: str, mentions: Sequence[Mention]) -> tuple[tuple, tuple]:
    """The articles row's columns before authors and after it."""
    body = article.body
    named = [gazetteer.places()[m.place_id] for m in mentions]
    countries = dict.fromkeys(c.name for p in named if (c := gazetteer.country_of(p)))
    head = (aid, article.title, article.url, article.outlet_id, article.section, article.published,
            article.published_from, int(article.published[:4]) if article.published else None, article.feed_time,
            article.byline)
    tail = (article.language, article.script, article.lead, len(body.paragraphs), len(body.figures),
            len(body.links), sum(len(p.text) for p in body.paragraphs), article.english_url, article.credits,
            source_file, None, json.dumps([p.name for p in named], ensure_ascii=False),
            json.dumps(list(countries), ensure_ascii=False))
    return head, tail


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
