"""Chinese-aware search for archive databases: Datasette's ?_search= and the search canned query.

Datasette searches with ``match escape_fts(:search)``; on connections to an archive database this
replaces escape_fts with news_archive.search.fts_query, which turns Chinese words (of any length, in
Simplified or Traditional script) into phrases over the index's bigrams. Other databases keep
Datasette's own escape_fts. It also adds search_highlight(text, q) and search_excerpt(text, q),
which return the original text as safe HTML with matches in <mark>.
"""

from datasette import hookimpl

from news_archive import site
from news_archive.excerpt import excerpt, highlight
from news_archive.search import fts_query


# trylast: Datasette registers its own escape_fts in this hook; ours must come after to win.
@hookimpl(trylast=True)
def prepare_connection(conn, database, datasette):
    if site.is_archive(conn):
        conn.create_function("escape_fts", 1, _escape_fts, deterministic=True)
        conn.create_function("search_highlight", 2, highlight, deterministic=True)
        conn.create_function("search_excerpt", 2, excerpt, deterministic=True)


def _escape_fts(search):
    return fts_query(search if isinstance(search, str) else "")
