"""Chinese full-text search with SQLite FTS5's default tokenizer: pure functions, no database.

index_text(text) goes into an FTS5 column; fts_query(search) is what to MATCH against it;
matches(search, text) says, without FTS, which texts that search should find.
"""

from .index import index_many, index_normalized, index_text
from .normalize import normalize
from .regex import matches, patterns
from .query import MATCH_NOTHING, fts_query, term_queries

__all__ = [
    "MATCH_NOTHING", "fts_query", "index_many", "index_normalized", "index_text", "matches", "normalize", "patterns",
    "term_queries",
]
