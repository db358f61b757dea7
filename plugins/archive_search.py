"""Chinese-aware search for archive databases: Datasette's ?_search= on every searchable table.

Datasette searches with ``match escape_fts(:search)``; on connections to an archive database this
replaces escape_fts with news_archive.search.fts_query, which turns Chinese words (of any length, in
Simplified or Traditional script) into phrases over the index's bigrams. Other databases keep
Datasette's own escape_fts. It also adds search_highlight(text, q) and search_excerpt(text, q),
which return the original text as safe HTML with matches in <mark>.

The articles table's own search (?_search= and its search box) finds articles whose title, lead or
any paragraph holds every term: the search engine of news_archive.research computes them once per
search, and SQL looks each row up (news_archive.research.served).

A plain ?_search= on paragraphs, figures or version_paragraphs is counted from its FTS index alone
(see DATASETTE_SEARCH_COUNT).
"""

import re

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

from news_archive.pages import site
from news_archive.research import served
from news_archive.pages.excerpt import excerpt, highlight
from news_archive.search import MATCH_NOTHING, fts_query, term_queries


# trylast: Datasette registers its own escape_fts in this hook; ours must come after to win.
@hookimpl(trylast=True)
def prepare_connection(conn, database, datasette):
    if site.is_archive(conn):
        conn.create_function("escape_fts", 1, _escape_fts, deterministic=True)
        for (name, arguments), function in served.search_functions(datasette.get_database(database).path).items():
            conn.create_function(name, arguments, function, deterministic=True)
        conn.create_function("search_highlight", 2, highlight, deterministic=True)
        conn.create_function("search_excerpt", 2, excerpt, deterministic=True)


# Datasette 0.65 counts ?_search= matches with "select count(*) from paragraphs where rowid in (select
# rowid from paragraphs_fts where ...)": a b-tree seek into paragraphs per match, 150-230 ms of the
# 280 ms page for 中国's 272,000 paragraphs. Each X_fts of an archive indexes rows of X, and the build
# adds and deletes them together, so counting the index's matches gives the same exact total in
# 10 ms. Any other statement runs as it is (Datasette 1.0 counts at most 10,001 rows).
DATASETTE_SEARCH_COUNT = re.compile(
    r"select count\(\*\) from (\w+) where rowid in "
    r"\(select rowid from \1_fts where \1_fts match escape_fts\(:search\)\)\s*"
)
INDEX_COUNT = r"select count(*) from \1_fts where \1_fts match escape_fts(:search)"


@hookimpl
def startup(datasette):
    for db in site.archive_databases(datasette).values():
        _count_searches_from_index(db)


def _count_searches_from_index(db):
    execute = db.execute

    async def execute_counting_from_index(sql, *args, **kwargs):
        if DATASETTE_SEARCH_COUNT.fullmatch(sql):
            sql = DATASETTE_SEARCH_COUNT.sub(INDEX_COUNT, sql)
        return await execute(sql, *args, **kwargs)

    db.execute = execute_counting_from_index


def _escape_fts(search):
    return fts_query(search if isinstance(search, str) else "")


# A byte per article rowid, 1 where it matches (news_archive.research.served).
SEARCH_MATCHES = "substr(archive_search_flags(:archive_search), rowid + 1, 1) = x'01'"
COLUMN_SEARCH = "rowid in (select rowid from articles_fts where articles_fts match :{param})"
SEARCHABLE_COLUMNS = ("title", "lead")


# trylast: Datasette's own search filter runs first and says the table (which names no FTS table
# of its own) has no search; this filter's "supports_search" must be the one that counts.
@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    if table != "articles":
        return None
    db = datasette.get_database(database)
    if not site.is_archive_database(db):
        return None
    return _article_filters(request, db)


async def _article_filters(request, db):
    search = request.args.get("_search", "")
    clauses, params, descriptions = [], {}, []
    if search.strip():
        key = served.file_key(db.path)
        await db.execute_fn(lambda conn: served.remember(conn, key, search))  # computed here, off SQL's path
        params["archive_search"] = search
        clauses.append(SEARCH_MATCHES)
        descriptions.append(f'search matches "{search}"')
    for key in request.args:
        text = request.args[key]
        if key.startswith("_search_"):  # ?_search_title=: that column of articles_fts only
            column = key[len("_search_"):]
            if column not in SEARCHABLE_COLUMNS:
                raise BadRequest("Cannot search by that column")
            name = f"archive_search_{len(params)}"
            params[name] = " AND ".join(f"{column} : {q}" for q in term_queries(text)) or MATCH_NOTHING
            clauses.append(COLUMN_SEARCH.format(param=name))
            descriptions.append(f'search column "{column}" matches "{text}"')
    return FilterArguments(clauses, params, descriptions, {"supports_search": True, "search": search})
