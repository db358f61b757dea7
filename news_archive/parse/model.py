"""What parsing an article file produces: plain data, no storage concerns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    position: int  # place in the article's flow of paragraphs and figures, from 1
    # body, standfirst (the summary above an article), subhead, list_item, quote, credit (translator,
    # editors, contributors), footer (bios, copyright, feed and subscription notices, wherever they stand)
    kind: str
    text: str
    html: str | None  # the paragraph's markup, when it has any beyond its text (links, emphasis, <br>)


@dataclass
class Figure:
    position: int
    image_url: str | None  # the original image, unwrapped from any resizing proxy
    proxied_url: str | None  # the URL as the file has it, when it went through a proxy
    alt: str | None
    caption: str | None
    credit: str | None


@dataclass
class Link:
    position: int  # order among the article's links, from 1
    paragraph_position: int | None  # the paragraph holding the link, if any
    href: str
    text: str
    title: str | None


@dataclass
class Body:
    byline: str | None = None
    printed_date: str | None = None  # as printed in the byline or <time>, not yet converted
    pudate: str | None = None  # <time pudate="...">
    paragraphs: list[Paragraph] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    footer_names: list[str] = field(default_factory=list)  # proper-case names opening footer bios
    warnings: list[str] = field(default_factory=list)


@dataclass
class Author:
    name: str
    position: int


@dataclass
class Article:
    """One version of an article: everything a file says, in the shape the database wants."""

    url: str
    canonical_url: str
    title: str
    outlet_id: str
    outlet_name: str
    section: str | None
    published: str | None
    published_from: str | None  # time, byline, feed
    feed_time: str | None
    byline: str | None
    authors: list[Author]
    language: str
    script: str | None
    lead: str | None
    english_url: str | None
    credits: str | None
    body: Body
    warnings: list[str] = field(default_factory=list)
