"""The parser worker: one file's bytes to a Parsed (article, places, search index text, link targets, text hash), and to the Record the writer saves."""

from __future__ import annotations

import gc
import hashlib
import itertools
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
FULL_COLLECTION_EVERY = 8  # chunks: the others collect the young generations only
_chunks = itertools.count()
WARM_UP = "<!--1600000000000-->\n[北京](https://example.com/warm-up)\n------\n<p>北京，上海</p>".encode()


def parse_file(source: SourceFile, known_sha256: str | None = None) -> Parsed:
    """Read and parse one file; when its bytes hash to ``known_sha256`` it is not parsed again."""
    parsed = _parse_file(source, known_sha256)
    _derive([parsed])
    return parsed


def parse_data(source: SourceFile, data: bytes, known_sha256: str | None = None) -> Parsed:
    parsed = _parse_data(source, data, known_sha256)
    _derive([parsed])
    return parsed


def read_file(source: SourceFile, known_sha256: str | None = None) -> Record:
    """parse_file's result as the writer saves it (rows shaped here, in the parser process)."""
    return rows.record(parse_file(source, known_sha256))


def parse_chunk(tasks: list[tuple[SourceFile, str | None]]) -> list[Record]:
    """read_file of each; the articles' texts normalized and tokenized for the index together
    (each call of either has a fixed cost: 0.04 ms an article, one call per article)."""
    parsed = [_parse_file(source, known) for source, known in tasks]
    _derive(parsed)
    records = [rows.record(one) for one in parsed]
    if not gc.isenabled():  # a parser process (start_parser): the chunk's trees are garbage now
        gc.collect(2 if next(_chunks) % FULL_COLLECTION_EVERY == 0 else 1)
    return records


def _parse_file(source: SourceFile, known_sha256: str | None) -> Parsed:
    try:
        with open(source.path, "rb") as file:
            data = file.read()
    except OSError as error:
        return Parsed(source, "", 0, error=f"cannot read: {error.strerror or error}")
    return _parse_data(source, data, known_sha256)


def _parse_data(source: SourceFile, data: bytes, known_sha256: str | None) -> Parsed:
    """The article of a file's bytes, or why there is none; what follows from it is _derive's."""
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
    return parsed


def _derive(parsed: list[Parsed]) -> None:
    """Places, search index texts, text hash and link targets of the parsed articles, done here, in
    parallel, so the process writing the database only writes. Every text is normalize()d once,
    for the place matcher and the search index alike."""
    articles = [one for one in parsed if one.article]
    normalized = fts.normalized_texts_of([one.article for one in articles])
    for one, texts, index_texts in zip(articles, normalized, fts.index_texts_of(normalized)):
        article = one.article
        try:
            one.places = article_places(article, NormalizedTexts(
                texts.title, texts.paragraphs, [caption for caption, _ in texts.figures]))
        except Exception as error:  # a matcher bug must not cost the article itself
            article.warnings.append(f"places not read: {type(error).__name__}: {error}")
        one.index_texts = index_texts
        one.text_hash = text_key(texts.title, texts.paragraphs)
        one.link_targets = [link_target(article.url, link.href) for link in article.body.links]


def start_parser(parent: int) -> None:
    """A parser process's set-up: it exits with the build; it parses an article once, which loads the
    gazetteer, the converters and the segmenter, then freezes every object so far out of the garbage
    collector's sight. Each article's bs4 tree is garbage only the collector frees (its nodes point
    at each other), and each full collection went over the 135,000 objects every parser holds:
    0.08 ms a file, now 0.02. The collector then runs once a chunk (parse_chunk), when the chunk's
    trees are all garbage, instead of every 700 allocations while they are alive and were walked
    again and again: 0.09-0.10 ms a file in collections, now 0.065-0.07."""
    exit_with_parent(parent)
    parse_data(SourceFile("", ""), WARM_UP)
    gc.freeze()
    gc.disable()


def exit_with_parent(parent: int) -> None:
    """In each parser process: exit once the build's main process is gone. Killed with SIGKILL (the
    OOM killer, kill -9), it cannot stop its pool, and the parsers would wait on its queue forever,
    holding the half-written database open."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
