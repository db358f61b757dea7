"""build(): find the files, plan what to parse, parse them in parallel and save them into a temporary database that replaces the output.

The temporary database is a fresh one (a full build) or a copy of the previous build (an
incremental one); it replaces the output only when the build succeeds, so an interrupted or failed
build leaves the previous one intact.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from ..db import save, schema
from ..db.incremental import IncrementalBuild
from ..db.parsed import Record, SourceFile
from ..db.save import Saver
from .discover import discover
from .errors import BuildFailed
from .fingerprint import build_fingerprint
from .indexer import index_process
from .plan import Plan, plan
from .pool import parse_stream
from .replace import replaced_on_success
from .summary import Summary
from .worker import read_file


def build(inputs: list[Path], output: Path, *, strict: bool = False, jobs: int | None = None,
          progress: bool = False, full: bool = False) -> Summary:
    """Bring ``output`` up to date with the files under ``inputs``.

    Files already in the archive with the same size and modification time, or the same SHA-256, are
    not parsed again; a build that finds nothing changed leaves the database untouched. A full build
    (``full``, no usable previous database, or a changed parser) parses every file.
    """
    started = time.perf_counter()
    sources = discover(inputs)
    work = plan(sources, output, full=full)
    summary = Summary(mode="full" if work.full else "incremental", why_full=work.why_full)
    if work.nothing_to_do:
        summary.mode = "unchanged"
        summary.count_file(output)
        _strict_about_the_archive(output, summary, strict)
    else:
        with replaced_on_success(output, copy_previous=not work.full) as temporary:
            _save(temporary, work, sources, summary, strict=strict, jobs=jobs or os.cpu_count() or 1,
                  progress=progress)
            _strict_about_the_archive(output, summary, strict)  # fails before the output is replaced
    summary.seconds = time.perf_counter() - started
    return summary


def _strict_about_the_archive(output: Path, summary: Summary, strict: bool) -> None:
    """--strict fails a build when the archive still records problems, this build's or earlier ones'."""
    problems = summary.errors + summary.warnings
    if strict and problems:
        raise BuildFailed(f"{output}: the archive records {problems} problems (see its build_errors table);"
                          f" --strict needs none")


def _save(path: Path, work: Plan, sources: list[SourceFile], summary: Summary, *, strict: bool, jobs: int,
          progress: bool) -> None:
    """Parse the planned files and save them into the database at ``path``: a fresh one, or a copy of
    the previous build."""
    by_name = {source.name: source for source in sources}

    def read_again(source_file: str) -> Record:  # a file the plan did not parse, whose version is needed
        return read_file(by_name[source_file])

    db = sqlite_utils.Database(path)
    try:
        for pragma in schema.BUILD_PRAGMAS:
            db.execute(pragma)
        if work.full:
            save.create(db)
        with index_process(path) if work.full else contextlib.nullcontext() as index:
            saver = Saver(db, fresh=work.full, index=index)
            with db.conn:
                _save_files(saver, work, summary, strict=strict, jobs=jobs, progress=progress, read_again=read_again)
                if index:
                    index.copy_into(db)
                _record_build(db, full=work.full)
                summary.count(db.conn)
        # Give back the pages replaced rows and merged index segments left free (executescript steps
        # the pragma to the end; execute() would free one page).
        db.conn.executescript("PRAGMA incremental_vacuum")
    finally:
        db.close()


def _save_files(saver: Saver, work: Plan, summary: Summary, *, strict: bool, jobs: int, progress: bool,
                read_again: Callable[[str], Record]) -> None:
    """Parse the planned files in parallel and save each as it comes, in file order; then settle."""
    incremental = None if work.full else IncrementalBuild(saver)
    if incremental:
        incremental.forget_files(work.gone)
        summary.removed = len(work.gone)
    for record in parse_stream(work.tasks, jobs, progress):
        if record.unchanged:
            incremental.note_unchanged(record)
            continue
        _note_problems(record, summary, strict)
        if incremental:
            incremental.forget_files([record.name])
        saver.save_file(record)
    if incremental:
        incremental.show_remaining(read_again)
    saver.finish(full=work.full, read_again=read_again)


def _note_problems(record: Record, summary: Summary, strict: bool) -> None:
    summary.parsed += 1
    problems = record.problems
    summary.problems.extend(problems)
    if strict and problems:
        file, _, message = problems[0]
        raise BuildFailed(f"{file}: {message} (--strict stops the build at the first problem)")


def _record_build(db: sqlite_utils.Database, *, full: bool) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    info = {"fingerprint": build_fingerprint(), "built": now}
    if full:
        info["full_build"] = now
    db["build_info"].upsert_all(({"key": k, "value": v} for k, v in info.items()), pk="key")
