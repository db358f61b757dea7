"""Build the archive database from folders of article files, incrementally.

Files are parsed in parallel and written as they come into a temporary database (a fresh one, or a
copy of the previous build) that replaces the output only when the build succeeds: an interrupted
or failed build leaves the previous one intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from itertools import islice
from pathlib import Path

import sqlite_utils
from tqdm import tqdm

from . import fts, store
from .parse.article import parse_article
from .parse.model import Article
from .places import Mention, article_places
from .parse.source import SourceError
from .textdiff import text_key
from .writer import ArchiveWriter

ARTICLE_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}
CHUNK = 16  # files per task sent to a parser process
IN_FLIGHT_PER_JOB = 16  # chunks queued per process: enough to keep it busy, few enough to bound memory
PARENT_CHECK_SECONDS = 0.5


class BuildFailed(Exception):
    """The build stopped; the previous database, if any, is untouched."""


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
    link_targets: list[tuple[str | None, int | None]] = field(default_factory=list)  # store.link_target per link
    text_hash: str | None = None  # textdiff.text_key: versions with the same one have the same headline and text
    unchanged: bool = False  # the file's bytes hash to what the archive already holds

    def problems(self) -> list[tuple[str, str, str]]:
        """(file, level, message): an error when the file could not be read, else its warnings."""
        if self.error:
            return [(self.source.name, "error", self.error)]
        return [(self.source.name, "warning", warning) for warning in dict.fromkeys(self.article.warnings)]


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
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (file, level, message), this build's
    mode: str = "full"  # full, incremental or unchanged
    why_full: str | None = None
    parsed: int = 0  # files read and parsed by this build
    removed: int = 0  # files gone since the previous build

    def line(self) -> str:
        totals = (
            f"{self.articles} articles, {self.paragraphs} paragraphs, {self.figures} figures, "
            f"{self.links} links, {self.versions} files, {self.errors} errors, {self.warnings} warnings "
            f"in {self.seconds:.1f} s"
        )
        if self.mode == "unchanged":
            return f"{totals} (up to date: no file changed)"
        if self.mode == "incremental":
            return f"{totals} (incremental: {self.parsed} files parsed, {self.removed} removed)"
        return f"{totals} (full build{': ' + self.why_full if self.why_full else ''})"


def discover(inputs: list[Path]) -> list[SourceFile]:
    """Article files under each input (a file or a folder, read recursively), in a stable order."""
    found: list[SourceFile] = []
    for root in inputs:
        if root.is_file():
            found.append(_source(str(root), root.name))
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
            prefix = Path(directory).relative_to(root).as_posix()
            for name in sorted(files):
                if os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES and not name.startswith("."):
                    found.append(_source(os.path.join(directory, name), name if prefix == "." else f"{prefix}/{name}"))
    return sorted(found, key=lambda source: source.name)


def _source(path: str, name: str) -> SourceFile:
    try:
        stat = os.stat(path)
    except OSError:  # a dangling symlink: parse_file reports why it cannot be read
        return SourceFile(path, name)
    return SourceFile(path, name, stat.st_size, stat.st_mtime_ns)


def parse_file(source: SourceFile, known_sha256: str | None = None) -> Parsed:
    """Read and parse one file; when its bytes hash to ``known_sha256`` it is not parsed again."""
    try:
        with open(source.path, "rb") as file:
            data = file.read()
    except OSError as error:
        return Parsed(source, "", 0, error=f"cannot read: {error.strerror or error}")
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
        try:
            parsed.places = article_places(article)
        except Exception as error:  # a matcher bug must not cost the article itself
            article.warnings.append(f"places not read: {type(error).__name__}: {error}")
        # Done here, in parallel, so the process writing the database only writes.
        normalized = fts.normalized_texts(article)
        parsed.index_texts = fts.article_index_texts(article, normalized)
        parsed.text_hash = text_key(normalized.title, normalized.paragraphs)
        parsed.link_targets = [store.link_target(article.url, link.href) for link in article.body.links]
    return parsed


def _parse_chunk(tasks: list[tuple[SourceFile, str | None]]) -> list[Parsed]:
    return [parse_file(source, known) for source, known in tasks]


def _exit_with_parent(parent: int) -> None:
    """In each parser process: exit once the build's main process is gone. Killed with SIGKILL (the
    OOM killer, kill -9), it cannot stop its pool, and the parsers would wait on its queue forever,
    holding the half-written database open."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def parse_stream(tasks: list[tuple[SourceFile, str | None]], jobs: int, progress: bool) -> Iterator[Parsed]:
    """Parsed files in the order given, parsed by ``jobs`` processes with a bounded number of files in
    flight, so memory stays flat however large the archive (results are written as they come)."""
    bar = tqdm(total=len(tasks), unit="file", desc="Parsing", disable=not progress, leave=False)
    with bar:
        if jobs <= 1 or len(tasks) < 64:
            for source, known in tasks:
                yield parse_file(source, known)
                bar.update()
            return
        chunks = (tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK))
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_exit_with_parent, initargs=(os.getpid(),))
        try:
            pending = deque(pool.submit(_parse_chunk, chunk) for chunk in islice(chunks, jobs * IN_FLIGHT_PER_JOB))
            while pending:
                results = pending.popleft().result()
                following = next(chunks, None)
                if following:
                    pending.append(pool.submit(_parse_chunk, following))
                for parsed in results:
                    yield parsed
                    bar.update()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def build(inputs: list[Path], output: Path, *, strict: bool = False, jobs: int | None = None,
          progress: bool = False, full: bool = False) -> Summary:
    """Bring ``output`` up to date with the files under ``inputs``.

    Files already in the archive with the same size and modification time, or the same SHA-256, are
    not parsed again; a build that finds nothing changed leaves the database untouched. A full build
    (``full``, no usable previous database, or a changed parser) parses every file.
    """
    started = time.perf_counter()
    summary = Summary()
    sources = discover(inputs)
    known, summary.why_full = (None, "asked for") if full else _previous_build(output)
    if known is None:
        tasks = [(source, None) for source in sources]
        gone: list[str] = []
    else:
        summary.mode = "incremental"
        present = {source.name for source in sources}
        gone = sorted(name for name in known if name not in present)
        tasks = [(s, known[s.name][0] if s.name in known else None) for s in sources
                 if s.name not in known or known[s.name][1:] != (s.size, s.mtime_ns)]
        if not gone and not tasks:
            summary.mode = "unchanged"
            _count(output, summary)
            summary.seconds = time.perf_counter() - started
            if strict and summary.errors + summary.warnings:
                raise BuildFailed(f"{output}: the archive records {summary.errors + summary.warnings} problems "
                                  f"(see its build_errors table); --strict needs none")
            return summary

    temporary = output.with_name(f".{output.name}.{os.getpid()}.building")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(output)
        if known is None:
            temporary.unlink(missing_ok=True)
            temporary.write_bytes(b"")  # fails with the OS's reason, where SQLite would say "unable to open database file"
        else:
            shutil.copyfile(output, temporary)
        _write(temporary, tasks, gone, summary, strict=strict, jobs=jobs or os.cpu_count() or 1,
               progress=progress, fresh=known is None, sources=sources)
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


def _previous_build(output: Path) -> tuple[dict[str, tuple[str, int, int]] | None, str | None]:
    """What the previous build recorded of each file, (sha256, size, mtime_ns) by name, or why there is
    nothing to build on (then the build is a full one)."""
    if not output.exists():
        return None, None
    try:
        db = sqlite3.connect(f"file:{output}?mode=ro", uri=True)
        try:
            info = dict(db.execute("select key, value from build_info"))
            if info.get("fingerprint") != build_fingerprint():
                return None, "the parser or schema changed since the previous build"
            return {name: (sha, size, mtime) for name, sha, size, mtime in db.execute(
                "select source_file, sha256, size_bytes, file_mtime_ns from versions")}, None
        finally:
            db.close()
    except sqlite3.Error as error:
        return None, f"the previous database cannot be built on ({error})"


@lru_cache(maxsize=1)
def build_fingerprint() -> str:
    """A hash of this package's code and data: a build by different code starts afresh."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".tsv") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _count(path: Path, summary: Summary) -> None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _count_into(db, summary)
    finally:
        db.close()


def _count_into(db, summary: Summary) -> None:
    for table in ("articles", "paragraphs", "figures", "links", "versions"):
        setattr(summary, table, db.execute(f"select count(*) from [{table}]").fetchone()[0])
    levels = dict(db.execute("select level, count(*) from build_errors group by level").fetchall())
    summary.errors, summary.warnings = levels.get("error", 0), levels.get("warning", 0)


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


def _write(path: Path, tasks: list[tuple[SourceFile, str | None]], gone: list[str], summary: Summary, *,
           strict: bool, jobs: int, progress: bool, fresh: bool, sources: list[SourceFile]) -> None:
    """Apply the files to the database at ``path``: a fresh one, or a copy of the previous build."""
    db = sqlite_utils.Database(path)
    try:
        for pragma in store.BUILD_PRAGMAS:
            db.execute(pragma)
        if fresh:
            for pragma in store.NEW_DATABASE_PRAGMAS:
                db.execute(pragma)
            store.create_schema(db)
            fts.create_search_tables(db)
            db["places"].insert_all(store.place_rows())
        writer = ArchiveWriter(db, fresh=fresh)
        with db.conn:
            writer.forget_files(gone)
            summary.removed = len(gone)
            for parsed in parse_stream(tasks, jobs, progress):
                if parsed.unchanged:
                    writer.note_unchanged(parsed)
                    continue
                summary.parsed += 1
                problems = parsed.problems()
                summary.problems.extend(problems)
                if strict and problems:
                    file, _, message = problems[0]
                    raise BuildFailed(f"{file}: {message} (--strict stops the build at the first problem)")
                if not fresh:
                    writer.forget_files([parsed.source.name])
                writer.apply(parsed)
            by_name = {source.name: source for source in sources}
            for _, source_file in writer.unloaded():
                writer.load(parse_file(by_name[source_file]))
            for source_file in writer.texts_to_read():
                writer.keep_text(parse_file(by_name[source_file]))
            writer.finish(full=fresh)
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            info = {"fingerprint": build_fingerprint(), "built": now}
            if fresh:
                info["full_build"] = now
            db["build_info"].upsert_all(({"key": k, "value": v} for k, v in info.items()), pk="key")
            _count_into(db.conn, summary)
        # Give back the pages replaced rows and merged index segments left free (executescript steps
        # the pragma to the end; execute() would free one page).
        db.conn.executescript("PRAGMA incremental_vacuum")
        if strict and summary.errors + summary.warnings:
            raise BuildFailed(f"{path.name}: the archive records {summary.errors + summary.warnings} problems "
                              f"(see its build_errors table); --strict needs none")
    finally:
        db.close()

