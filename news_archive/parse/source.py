"""Split an article file into its header fields and its HTML body.

The layout: optional Jekyll front matter (``---`` ... ``---``), a ``<!--epoch-ms-->`` line (the feed
item's time), a ``[title](url)`` line (the title may hold brackets and line breaks), a ``------`` line,
then the article's HTML.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from functools import cached_property

import yaml

from .text import one_line
from .urls import HTTP_SCHEME, is_http_url


class SourceError(ValueError):
    """The file cannot be read as an article; the message says why."""


@dataclass(frozen=True)
class SourceDocument:
    title: str
    url: str
    body_html: str
    feed_time_ms: int | None
    front_matter_block: str = ""  # the YAML between the --- lines, read only when asked for

    @cached_property
    def front_matter(self) -> dict:
        """The front matter's keys. Most articles never need them (the header line has the title and
        URL, the feed time line the date, and a known host the outlet): YAML was a third of splitting a file."""
        return _load_front_matter(self.front_matter_block) if self.front_matter_block else {}


# libyaml's loader when PyYAML was built with it: the pure-Python one is a fifth of the parse time.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_FEED_TIME = re.compile(r"\A\s*<!--\s*(\d{9,16})\s*-->[ \t]*\n")
_SEPARATOR = re.compile(r"^-{3,}[ \t]*$", re.M)
# The URL may hold one level of balanced parentheses (e.g. Wikipedia links).
_TITLE_LINK = re.compile(
    r"\A\s*\[(?P<title>.*)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)\s*\Z", re.S
)


def decode(data: bytes) -> str:
    if not data.strip():
        raise SourceError("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError("UTF-16 file: article files must be UTF-8")
    if b"\x00" in data:
        raise SourceError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise SourceError(
            f"not UTF-8: invalid byte 0x{byte:02x} at offset {error.start} (GBK, Big5 or another legacy encoding?)"
        ) from None


def parse_source(text: str) -> SourceDocument:
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    front_matter_block = ""
    match = _FRONT_MATTER.match(text)
    if match:
        front_matter_block = match.group(1)
        text = text[match.end():]
    elif re.match(r"---[ \t]*\n", text):
        raise SourceError("front matter not closed: no '---' line ends the block the file starts with")
    feed_time_ms = None
    match = _FEED_TIME.match(text)
    if match:
        feed_time_ms = int(match.group(1))
        text = text[match.end():]
    separator = _SEPARATOR.search(text)
    link = _TITLE_LINK.match(text[: separator.start()]) if separator else None
    if link is None:
        # Some archives (nei.st in news-beyond-wall) keep title and URL only in the front matter.
        front_matter = _load_front_matter(front_matter_block) if feed_time_ms is None else {}
        if _front_matter_header(front_matter):
            return SourceDocument(
                title=one_line(html.unescape(front_matter["title"])),
                url=front_matter["from"].strip(),
                body_html=text.strip(),
                feed_time_ms=None,
                front_matter_block=front_matter_block,
            )
        if separator is None:
            raise SourceError("no header: missing the '------' line after [title](url)")
        header = text[: separator.start()]
        raise SourceError(f"no header: expected [title](url) before '------', found {header.strip()[:80]!r}")
    body = text[separator.end():]
    url = link.group("url").strip()
    if not HTTP_SCHEME.match(url):
        raise SourceError(f"header URL is not http(s): {url[:80]!r}")
    if not is_http_url(url):
        raise SourceError(f"header URL has no valid host or port: {url[:80]!r}")
    return SourceDocument(
        title=one_line(html.unescape(link.group("title"))),
        url=url,
        body_html=body.strip(),
        feed_time_ms=feed_time_ms,
        front_matter_block=front_matter_block,
    )


def _front_matter_header(front_matter: dict) -> bool:
    title, url = front_matter.get("title"), front_matter.get("from")
    return isinstance(title, str) and isinstance(url, str) and is_http_url(url.strip())


def _load_front_matter(block: str) -> dict:
    # Front matter only repeats what the header says; a malformed block must not cost the article.
    try:
        loaded = yaml.load(block, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
