"""One article file as the database saves it: where it was found, its bytes' hash, what was parsed from it, and the rows it becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..parse.model import Article
from ..parse.outlets import Outlet
from ..places import Mention


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # a str, not a Path: a build holds one per file (100,000 Paths took 60 MB more)
    name: str  # what the database records: the path relative to the input it was found under
    size: int = 0
    mtime_ns: int = 0


@dataclass
class Parsed:
    """One file, as a parser worker parses it: the article and everything derived from it there."""

    source: SourceFile
    sha256: str
    size_bytes: int
    article: Article | None = None
    error: str | None = None
    places: list[Mention] = field(default_factory=list)
    index_texts: dict = field(default_factory=dict)  # fts.index_texts_of
    link_targets: list[tuple[str | None, int | None]] = field(default_factory=list)  # links.link_target per link
    text_hash: str | None = None  # textdiff.text_key: versions with the same one have the same headline and text
    unchanged: bool = False  # the file's bytes hash to what the archive already holds

    def problems(self) -> list[tuple[str, str, str]]:
        """(file, level, message): an error when the file could not be read, else its warnings."""
        if self.error:
            return [(self.source.name, "error", self.error)]
        return [(self.source.name, "warning", warning) for warning in dict.fromkeys(self.article.warnings)]


# What the writer is sent of a file (news_archive.db.rows.record makes it in the parser process):
# rows as tuples in schema.COLUMNS order, without the dense ids only the writer can hand out. Tuples
# of plain values unpickle 3-4x faster than the Article's dataclasses, in the one process all wait for.

class ArticleRecord(NamedTuple):
    """An article's rows. Child rows start with the article id; the writer puts each row's id first."""

    id: int
    title: str
    feed_time: str | None
    outlet: Outlet
    domain: str  # of the article's URL
    head: tuple  # the articles row's columns from id to byline
    authors: tuple[str, ...]  # names as the byline spells them (the archive may settle on another spelling)
    authors_json: str  # of those names
    tail: tuple  # the articles row's columns after authors
    paragraphs: list[tuple]  # (article id, position, kind, text, html)
    figures: list[tuple]  # (article id, position, image_url, proxied_url, alt, caption, credit)
    links: list[tuple]  # (index of its paragraph or None, position, href, text, title, domain)
    link_targets: list[tuple[int, int]]  # (index of the link, id its target would have as an archived article)
    article_authors: list[tuple]  # (article id, author id, position)
    article_places: list[tuple]  # (article id, place id, count, first position)
    index: bytes  # fts.pack_index_texts: tokens the writer only hands on to the search index


class Record(NamedTuple):
    """One file: its versions row and build_errors rows, and its article's rows if it has one."""

    name: str  # the source file, as the database records it
    mtime_ns: int
    version_id: int
    version: tuple  # the versions row
    problems: list[tuple[str, str, str]]  # (file, level, message), as Parsed.problems()
    build_errors: list[tuple]  # the build_errors rows
    article: ArticleRecord | None
    unchanged: bool = False
