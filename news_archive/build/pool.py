"""Parse files in a pool of parser processes, yielding them in order with a bounded number in flight."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from tqdm import tqdm

from ..db.parsed import Record, SourceFile
from .worker import parse_chunk, read_file, start_parser

CHUNK = 16  # files per task sent to a parser process
SERIAL_BELOW = 64  # files: fewer are parsed in the build's own process
IN_FLIGHT_PER_JOB = 6  # chunks queued per process: enough to keep it busy, few enough to bound memory


def parse_stream(tasks: list[tuple[SourceFile, str | None]], jobs: int, progress: bool) -> Iterator[Record]:
    """The files' Records (worker.read_file) in the order given, parsed by ``jobs`` processes with a
    bounded number of files in flight, so memory stays flat however large the archive (results are
    written as they come).

    One job is one parser process too, beside the writer, so that writing (and the search index's
    process) overlap the parsing instead of adding to it (README: Scale). A few files, or a single
    core, are parsed in this process: a pool would only cost its start."""
    bar = tqdm(total=len(tasks), unit="file", desc="Parsing", disable=not progress, leave=False)
    with bar:
        if len(tasks) < SERIAL_BELOW or (jobs <= 1 and (os.cpu_count() or 1) <= 1):
            for source, known in tasks:
                yield read_file(source, known)
                bar.update()
            return
        chunks = (tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK))
        pool = ProcessPoolExecutor(max_workers=max(jobs, 1), initializer=start_parser, initargs=(os.getpid(),))
        try:
            pending = deque(pool.submit(parse_chunk, chunk) for chunk in islice(chunks, jobs * IN_FLIGHT_PER_JOB))
            while pending:
                results = pending.popleft().result()
                following = next(chunks, None)
                if following:
                    pending.append(pool.submit(parse_chunk, following))
                for record in results:
                    yield record
                    bar.update()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
