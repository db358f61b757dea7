"""Build the archive database from folders of article files, incrementally: build(), BuildFailed, Summary.

discover (the files), plan (which to parse), worker and pool (parsing, in parallel), indexer (a
full build's search index, in a process of its own), run (build(): parse, save, settle, into a
temporary file), replace (the temporary file over the output, and the
clean-up after killed builds), fingerprint (which code's builds a build may continue), summary (the
counts and the line printed), cli (the build_db command). What a parsed file becomes in the
database is news_archive.db.
"""

from .errors import BuildFailed
from .run import build
from .summary import Summary

__all__ = ["BuildFailed", "Summary", "build"]
