"""The parser worker: one file's bytes to a Parsed (article, places, search index text, link targets, text hash), and to the Record the writer saves."""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time

from ..db import fts, rows
from ..db.links import link_target
from ..db.parsed import Parsed, Record, SourceFile
from ..parse.article import parse_article
from ..parse.source import SourceError
from ..places import NormalizedTexts, article_places
from ..textdiff import text_key

PARENT_CHECK_SECONDS = 0.5
WARM_UP = "<!--1600000000000-->\n[北京](https://example.com/warm-up)\n------\n<p>北京，上海</p>".encode()


def parse_file(source: SourceFile, known_sha256: str | None = None) -> Parsed:
    """Read and parse one file; when its bytes hash to ``known_sha256`` it is not parsed again."""
    try:
        with open(source.path, "rb") as file:
            data = file.read()
    except OSError as error:
        return Parsed(source, "", 0, error=f"cannot read: {error.strerror or error}")
    return parse_data(source, data, known_sha256)


def parse_data(source: SourceFile, data: bytes, known_sha256: str | None = None) -> Parsed:
    parsed = Parsed(source, hashlib.sha256(data).hexdigest(), len(data))
    if parsed.sha256 == known_sha256:
        parsed.unchanged = True
        return parsed
    try:
        parsed.article = parse_article(data)
    except SourceError as error:
        parsed.error = str(error)
    except RecursionError:
        parsed.error = "HTML nested too deeply to read"
    except Exception as error:  # a parser bug must cost one file, not the build
        parsed.error = f"parser failed: {type(error).__name__}: {error}"
    if parsed.article:
        article = parsed.article
        # Every text normalize()d once, for the place matcher and the search index alike.
        normalized = fts.normalized_texts(article)
        try:
            parsed.places = article_places(article, NormalizedTexts(
                normalized.title, normalized.paragraphs, [caption for caption, _ in normalized.figures]))
        except Exception as error:  # a matcher bug must not cost the article itself
            article.warnings.append(f"places not read: {type(error).__name__}: {error}")
        # Done here, in parallel, so the process writing the database only writes.
        parsed.index_texts = fts.article_index_texts(article, normalized)
        parsed.text_hash = text_key(normalized.title, normalized.paragraphs)
        parsed.link_targets = [link_target(article.url, link.href) for link in article.body.links]
    return parsed


def read_file(source: SourceFile, known_sha256: str | None = None) -> Record:
    """parse_file's result as the writer saves it (rows shaped here, in the parser process)."""
    return rows.record(parse_file(source, known_sha256))


def parse_chunk(tasks: list[tuple[SourceFile, str | None]]) -> list[Record]:
    return [read_file(source, known) for source, known in tasks]


def start_parser(parent: int) -> None:
    """A parser process's set-up: it exits with the build; it parses an article once, which loads the
    gazetteer, the converters and the segmenter, then freezes every object so far out of the garbage
    collector's sight. Each article's bs4 tree is garbage only the collector frees (its nodes point
    at each other), and each full collection went over the 135,000 objects every parser holds:
    0.08 ms a file, now 0.02."""
    exit_with_parent(parent)
    parse_data(SourceFile("", ""), WARM_UP)
    gc.freeze()


def exit_with_parent(parent: int) -> None:
    """In each parser process: exit once the build's main process is gone. Killed with SIGKILL (the
    OOM killer, kill -9), it cannot stop its pool, and the parsers would wait on its queue forever,
    holding the half-written database open."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
