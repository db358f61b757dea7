"""Parse one article file into an Article: header, body, authors, dates, language."""

from __future__ import annotations

import re
from datetime import timezone

from .. import han
from .dates import NAIVE_BYLINE_ZONE, from_epoch_ms, parse_printed_date, parse_pudate
from .html_body import parse_body
from .model import Article, Author, Body
from .outlets import known_outlet, outlet_for, section_for
from .source import decode, parse_source
from .urls import canonical_url

# Runs, not single characters: findall() of each character made a string a character (27 us a sample, 5 now).
_HAN_RUNS = re.compile(f"[{han.BMP}]+")
_LATIN_RUNS = re.compile(r"[A-Za-z]+")
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:[,，、;；/／&]|\band\b)\s*")
# What a byline says about the author's role rather than who: "任琛（摘编）", "李鱼 综合报导", "采访记者： William Yang".
_ROLE_NOTE = re.compile(r"[（(][^）)]*[）)]|\s*(综合报道|综合报导|綜合報導|摘编|摘編|编译|編譯)\Z|\A(采访)?记者[：:]\s*")
# Publications, not people: "《纽约时报》", "德国之声中文网".
_NOT_A_PERSON = re.compile(r"\A《.*》\Z|德国之声|中文网")
# "点击查看本文英文版。": the link to the article's original English edition.
_ENGLISH_EDITION = re.compile(r"英文版|English version", re.I)
# Kinds of paragraph that can open an article; a briefing is all list items.
_LEAD_KINDS = ("standfirst", "body", "list_item")


def parse_article(data: bytes) -> Article:
    """Raises SourceError when the file is not an article; returns warnings for what it could not read."""
    source = parse_source(decode(data))
    body = parse_body(source.body_html)
    warnings = list(body.warnings)
    if not body.paragraphs and not body.figures:
        warnings.append("empty body: the file has a title and URL but no paragraphs or figures")
    outlet = known_outlet(source.url) or outlet_for(source.url, _feed_name(source))
    feed_time = from_epoch_ms(source.feed_time_ms) if source.feed_time_ms else _front_matter_time(source)
    published, published_from = _published(body, outlet.id, feed_time)
    text_sample = source.title + "".join(p.text for p in body.paragraphs[:5])
    language = _language(text_sample)
    return Article(
        url=source.url,
        canonical_url=canonical_url(source.url),
        title=source.title,
        outlet_id=outlet.id,
        outlet_name=outlet.name,
        section=section_for(source.url, outlet),
        published=published,
        published_from=published_from,
        feed_time=feed_time,
        byline=body.byline,
        authors=split_authors(body.byline, body.footer_names),
        language=language,
        script=_script(text_sample) if language == "zh" else None,
        lead=next((p.text for p in body.paragraphs if p.kind in _LEAD_KINDS), None),
        english_url=next((link.href for link in body.links if _ENGLISH_EDITION.search(link.text)), None),
        credits="\n".join(p.text for p in body.paragraphs if p.kind == "credit") or None,
        body=body,
        warnings=warnings,
    )


def split_authors(byline: str | None, footer_names: list[str]) -> list[Author]:
    """'DAVID PIERSON, OLIVIA WANG' -> two authors, in the footer's proper case where it names them."""
    if not byline:
        return []
    proper = {name.casefold(): name for name in footer_names}
    names: list[str] = []
    for part in _AUTHOR_SEPARATORS.split(byline):
        name = " ".join(_ROLE_NOTE.sub("", part).split())
        if not name or _NOT_A_PERSON.search(name):
            continue
        name = proper.get(name.casefold(), name)
        if name.casefold() not in (n.casefold() for n in names):
            names.append(name)
    return [Author(name, position) for position, name in enumerate(names, 1)]


def _published(body: Body, outlet_id: str, feed_time: str | None) -> tuple[str | None, str | None]:
    """<time pudate>, else a byline date with a time of day, else the feed time, else a bare date."""
    if body.pudate:
        value = parse_pudate(body.pudate)
        if value:
            return value, "time"
    printed = None
    if body.printed_date:
        printed = parse_printed_date(body.printed_date, NAIVE_BYLINE_ZONE.get(outlet_id, timezone.utc))
        if printed and printed[1]:
            return printed[0], "byline"
    if feed_time:
        return feed_time, "feed"
    if printed:
        return printed[0], "byline"
    return None, None


def _feed_name(source) -> str | None:
    """The front matter's feed name, which names an outlet of a host we do not know."""
    name = source.front_matter.get("author")
    return name if isinstance(name, str) else None


def _front_matter_time(source) -> str | None:
    value = source.front_matter.get("date")
    if value is None:
        return None
    parsed = parse_printed_date(str(value))
    return parsed[0] if parsed and parsed[1] else None


def _language(text: str) -> str:
    hanzi = sum(map(len, _HAN_RUNS.findall(text)))
    latin = sum(map(len, _LATIN_RUNS.findall(text)))
    # Latin letters come in words of ~5; a Chinese article quoting English names stays Chinese.
    return "zh" if hanzi * 5 >= latin else "en"


def _script(text: str) -> str:
    """Hant when converting to Simplified changes more characters than converting to Traditional."""
    simplified = han.converter("t2s").convert(text)
    if simplified == text:  # nothing Traditional: Hans whatever s2t would change (3 articles in 4)
        return "Hans"
    changed_by_t2s = sum(map(str.__ne__, text, simplified))
    changed_by_s2t = sum(map(str.__ne__, text, han.converter("s2t").convert(text)))
    return "Hant" if changed_by_t2s > changed_by_s2t else "Hans"
