"""One article file as the database saves it: where it was found, its bytes' hash, and what was parsed from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..parse.model import Article
from ..places import Mention


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # a str, not a Path: a build holds one per file (100,000 Paths took 60 MB more)
    name: str  # what the database records: the path relative to the input it was found under
    size: int = 0
    mtime_ns: int = 0


@dataclass
class Parsed:
    """One file, as a parser worker returns it: the article and everything derived from it there."""

    source: SourceFile
    sha256: str
    size_bytes: int
    article: Article | None = None
    error: str | None = None
    places: list[Mention] = field(default_factory=list)
    index_texts: dict = field(default_factory=dict)  # fts.article_index_texts
    link_targets: list[tuple[str | None, int | None]] = field(default_factory=list)  # links.link_target per link
    text_hash: str | None = None  # textdiff.text_key: versions with the same one have the same headline and text
    unchanged: bool = False  # the file's bytes hash to what the archive already holds

    def problems(self) -> list[tuple[str, str, str]]:
        """(file, level, message): an error when the file could not be read, else its warnings."""
        if self.error:
            return [(self.source.name, "error", self.error)]
        return [(self.source.name, "warning", warning) for warning in dict.fromkeys(self.article.warnings)]
