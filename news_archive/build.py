"""Build the archive database from folders of article files.

Files are parsed in parallel, then written in one pass into a temporary database that replaces the
output only when the build succeeds: an interrupted or failed build leaves the previous one intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from tqdm import tqdm

from . import fts, store
from .article import parse_article
from .model import Article
from .outlets import outlet_for
from .places import Mention, article_places
from .source import SourceError

ARTICLE_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}


class BuildFailed(Exception):
    """The build stopped; the previous database, if any, is untouched."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    name: str  # what the database records: the path relative to the input it was found under


@dataclass
class Parsed:
    source: SourceFile
    sha256: str
    size_bytes: int
    article: Article | None = None
    error: str | None = None
    places: list[Mention] = field(default_factory=list)  # found here, in the parallel workers


@dataclass
class Summary:
    articles: int = 0
    paragraphs: int = 0
    figures: int = 0
    links: int = 0
    versions: int = 0
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (file, level, message)

    def line(self) -> str:
        return (
            f"{self.articles} articles, {self.paragraphs} paragraphs, {self.figures} figures, "
            f"{self.links} links, {self.versions} files, {self.errors} errors, {self.warnings} warnings "
            f"in {self.seconds:.1f} s"
        )


def discover(inputs: list[Path]) -> list[SourceFile]:
    """Article files under each input (a file or a folder, read recursively), in a stable order."""
    found: list[SourceFile] = []
    for root in inputs:
        if root.is_file():
            found.append(SourceFile(root, root.name))
            continue
        if not root.is_dir():
            raise BuildFailed(f"{root}: no such file or directory")
        seen_dirs: set[tuple[int, int]] = set()
        for directory, subdirs, files in os.walk(root, followlinks=True):
            stat = os.stat(directory)
            # A symlink loop would revisit a folder forever; each real folder is read once.
            if (stat.st_dev, stat.st_ino) in seen_dirs:
                subdirs[:] = []
                continue
            seen_dirs.add((stat.st_dev, stat.st_ino))
            subdirs.sort()
            for name in sorted(files):
                path = Path(directory, name)
                if path.suffix.lower() in ARTICLE_SUFFIXES and not name.startswith("."):
                    found.append(SourceFile(path, path.relative_to(root).as_posix()))
    return sorted(found, key=lambda source: source.name)


def parse_file(source: SourceFile) -> Parsed:
    try:
        data = source.path.read_bytes()
    except OSError as error:
        return Parsed(source, "", 0, error=f"cannot read: {error.strerror or error}")
    parsed = Parsed(source, hashlib.sha256(data).hexdigest(), len(data))
    try:
        parsed.article = parse_article(data)
    except SourceError as error:
        parsed.error = str(error)
    except RecursionError:
        parsed.error = "HTML nested too deeply to read"
    except Exception as error:  # a parser bug must cost one file, not the build
        parsed.error = f"parser failed: {type(error).__name__}: {error}"
    if parsed.article:
        try:
            parsed.places = article_places(parsed.article)
        except Exception as error:  # a matcher bug must not cost the article itself
            parsed.article.warnings.append(f"places not read: {type(error).__name__}: {error}")
    return parsed


def parse_all(sources: list[SourceFile], jobs: int, progress: bool) -> list[Parsed]:
    bar = tqdm(total=len(sources), unit="file", desc="Parsing", disable=not progress, leave=False)
    with bar:
        if jobs <= 1 or len(sources) < 64:
            results = []
            for source in sources:
                results.append(parse_file(source))
                bar.update()
            return results
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = []
            for parsed in pool.map(parse_file, sources, chunksize=16):
                results.append(parsed)
                bar.update()
            return results


def build(inputs: list[Path], output: Path, *, strict: bool = False, jobs: int | None = None,
          progress: bool = False) -> Summary:
    started = time.perf_counter()
    summary = Summary()
    parsed = parse_all(discover(inputs), jobs or os.cpu_count() or 1, progress)
    for item in parsed:
        if item.error:
            summary.problems.append((item.source.name, "error", item.error))
        elif item.article and item.article.warnings:
            summary.problems.extend((item.source.name, "warning", w) for w in item.article.warnings)
    summary.errors = sum(level == "error" for _, level, _ in summary.problems)
    summary.warnings = len(summary.problems) - summary.errors
    if strict and summary.problems:
        file, level, message = summary.problems[0]
        raise BuildFailed(f"{file}: {message} ({len(summary.problems)} problems; --strict stops the build)")

    temporary = output.with_name(f".{output.name}.{os.getpid()}.building")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(output)
        _write(temporary, parsed, summary)
        os.replace(temporary, output)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if isinstance(error, (OSError, sqlite3.Error)):  # a full disk, a read-only folder ...
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise BuildFailed(f"{output}: cannot write the database: {reason}") from error
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _remove_stale_temporaries(output: Path) -> None:
    """Delete the temporary files of builds that were killed (their process is gone)."""
    for path in output.parent.glob(f".{output.name}.*.building"):
        pid = path.name[len(output.name) + 2:-len(".building")]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _write(path: Path, parsed: list[Parsed], summary: Summary) -> None:
    path.unlink(missing_ok=True)
    path.write_bytes(b"")  # fails with the OS's reason, where SQLite would say "unable to open database file"
    db = sqlite_utils.Database(path)
    try:
        for pragma in store.BUILD_PRAGMAS:
            db.execute(pragma)
        store.create_schema(db)
        versions: dict[str, list[Parsed]] = defaultdict(list)
        for item in parsed:
            if item.article:
                versions[item.article.canonical_url].append(item)
        current = {url: max(items, key=_recency) for url, items in versions.items()}
        archived = {url: store.article_id(item.article) for url, item in current.items()}
        _settle_author_names([item.article for item in current.values()])
        buffer = store.RowBuffer(db)
        with db.conn:
            articles = [item.article for item in current.values()]
            store.save_outlets(buffer, {outlet_for(a.url, a.outlet_name) for a in articles},
                               Counter(a.outlet_id for a in articles))
            store.save_authors(buffer, Counter(author.name for a in articles for author in a.authors))
            store.save_places(buffer, Counter(m.place_id for item in current.values() for m in item.places))
            for url in sorted(current):
                item = current[url]
                store.save_article(buffer, item.article, item.source.name, len(versions[url]), archived,
                                   item.places)
                summary.articles += 1
                summary.paragraphs += len(item.article.body.paragraphs)
                summary.figures += len(item.article.body.figures)
                summary.links += len(item.article.body.links)
            for item in parsed:
                article = item.article
                store.save_version(
                    buffer,
                    article_id=archived[article.canonical_url] if article else None,
                    source_file=item.source.name,
                    feed_time=article.feed_time if article else None,
                    sha256=item.sha256,
                    size_bytes=item.size_bytes,
                    is_current=article is not None and current[article.canonical_url] is item,
                )
                summary.versions += 1
            for file, level, message in dict.fromkeys(summary.problems):
                store.save_build_error(buffer, file, level, message)
            buffer.flush()
            store.create_indexes(db)
            fts.build_search_index(db)
    finally:
        db.close()


def _recency(item: Parsed) -> tuple:
    """The newest version wins: latest feed time, then the later file name, for a stable choice."""
    return (item.article.feed_time or "", item.source.name)


def _settle_author_names(articles: list[Article]) -> None:
    """One spelling per author across the archive: a proper-case form wins over ALL CAPS."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        for author in article.authors:
            spellings[author.name.casefold()].add(author.name)
    chosen = {key: min(names, key=lambda n: (n.isupper(), n)) for key, names in spellings.items()}
    for article in articles:
        for author in article.authors:
            author.name = chosen[author.name.casefold()]
