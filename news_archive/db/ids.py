"""The id of every kind of row whose id is derived from what it is: stable across builds, so pages link to it."""

from __future__ import annotations

from ..ids import stable_id
from ..parse.model import Article


def article_id(article: Article) -> int:
    """From the canonical URL: an article keeps its page (/archive/articles/ID) across builds."""
    return stable_id(article.canonical_url)


def author_id(name: str) -> int:
    # Case-folded: "DAVID PIERSON" in one byline and "David Pierson" in another are one person.
    return stable_id("author", name.casefold())


def version_id(source_file: str) -> int:
    return stable_id("version", source_file)


def change_id(before_version_id: int, after_version_id: int) -> int:
    """Stable across builds, like the versions it joins (the change page's URL)."""
    return stable_id("change", before_version_id, after_version_id)


def build_error_id(source_file: str, message: str) -> int:
    return stable_id("build_error", source_file, message)
