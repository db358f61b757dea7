"""The search page of every archive database: /DB/search (.json, .csv, .atom), its attention-over-time
series (/DB/search/series.json, .csv) and its sentences (/DB/search/sentences, .json, .csv).

Routes registered by a plugin are matched before Datasette's own, so /archive/search is this page;
only archive databases get them. The views here read the request, run news_archive.research on a
query thread, and render or stream what it returns.
"""

from datasette import hookimpl
from datasette.utils.asgi import AsgiStream, Response

from news_archive.pages import site
from news_archive.pages.datasette_compat import viewable_database
from news_archive.research import atom, exports, pages, served
from news_archive.research.kwic import WIDTH
from news_archive.research.pages import Searcher
from news_archive.research.params import ParameterError, SearchParams, parse
from news_archive.research.served import ENGINE

CHUNK = 500  # rows fetched per query-thread call while streaming an export
CSV = "text/csv; charset=utf-8"


@hookimpl
def register_routes(datasette):
    database = site.archive_database_pattern(datasette)
    if database is None:
        return []
    return [
        (rf"^/{database}/search(\.(?P<format>json|csv|atom))?$", search_view),
        (rf"^/{database}/search/series\.(?P<format>json|csv)$", series_view),
        (rf"^/{database}/search/sentences(\.(?P<format>json|csv))?$", sentences_view),
    ]


@hookimpl
def startup(datasette):
    async def load_catalogs():
        # Once per process and file (0.9 s at 100,000 articles), before the first search instead of in it.
        for db in site.archive_databases(datasette).values():
            key = served.file_key(db.path)
            await db.execute_fn(lambda conn, key=key: ENGINE.catalog(conn, key))

    return load_catalogs


async def search_view(request, datasette):
    format_ = request.url_vars.get("format")
    base = _base(datasette, request)
    try:
        if format_ == "csv":
            return await _export(datasette, request, exports.csv_line(exports.ARTICLE_COLUMNS),
                                 lambda rows, first: exports.csv_rows(rows, exports.ARTICLE_COLUMNS), "", CSV, "search.csv")
        if format_ == "json" and request.args.get("_all"):
            return await _export_json(datasette, request)
        if format_ == "atom":
            return await _atom(datasette, request)
        if format_ == "json":
            with_series = "by" in request.args
            return Response.json(await _run(datasette, request, lambda s, p: pages.search_json(s, p, base, with_series)))
        context = await _run(datasette, request, lambda s, p: pages.search_page(s, p, base))
    except ParameterError as error:
        return await _error(datasette, request, error, format_, "archive_search.html", {"results": None})
    return Response.html(await _render(datasette, request, "archive_search.html", context))


async def series_view(request, datasette):
    try:
        data = await _run(datasette, request, pages.series_json)
    except ParameterError as error:
        return await _error(datasette, request, error, "json", None, {})
    if request.url_vars["format"] == "json":
        return Response.json(data)
    return Response(exports.series_csv(data), content_type=CSV)


async def sentences_view(request, datasette):
    format_ = request.url_vars.get("format")
    try:
        start = _cursor(request)
        if format_ == "csv":
            return await _sentences_csv(datasette, request)
        context = await _run(datasette, request, lambda s, p: pages.sentences_page(s, p, start))
    except ParameterError as error:
        return await _error(datasette, request, error, format_, "archive_sentences.html", {"lines": []})
    if format_ == "json":
        params = context.pop("params")
        return Response.json({"q": params.q, "start": start, **context})
    return Response.html(await _render(datasette, request, "archive_sentences.html", {**context, "start": start, "width": WIDTH}))


async def _run(datasette, request, work, with_db=False):
    """work(searcher, params) on one of the database's query threads; ParameterError for bad parameters."""
    db = await viewable_database(datasette, request)
    file_key = served.file_key(db.path)

    def run(conn):
        searcher = Searcher(ENGINE, conn, file_key)
        return work(searcher, parse(request.args, searcher.outlet_ids()))

    result = await db.execute_fn(run)
    return (db, result) if with_db else result


async def _export(datasette, request, head, write_rows, tail, content_type, filename):
    """Stream every matching article, CHUNK rows per query-thread call."""
    db, (match, slots) = await _run(datasette, request, lambda s, p: s.export_order(p), with_db=True)

    async def stream(writer):
        await writer.write(head(match) if callable(head) else head)
        for offset in range(0, len(slots), CHUNK):
            rows = await db.execute_fn(lambda conn, offset=offset: Searcher(ENGINE, conn, None).export_chunk(match, slots[offset:offset + CHUNK]))
            await writer.write(write_rows(rows, offset == 0))
        await writer.write(tail)

    headers = {"content-disposition": f'attachment; filename="{filename}"'} if filename else {}
    return AsgiStream(stream, headers=headers, content_type=content_type)


async def _export_json(datasette, request):
    return await _export(datasette, request, lambda match: exports.json_head(match.query, match.total, match.paragraphs),
                         exports.json_rows, exports.JSON_TAIL, "application/json; charset=utf-8", None)


async def _atom(datasette, request):
    name = request.url_vars["database"]
    params, rows = await _run(datasette, request, lambda s, p: (p, s.feed_entries(p) if p.q else []))
    search = datasette.urls.database(name) + "/search"
    page_url = datasette.absolute_url(request, f"{search}?{params.query_string(page=1)}")
    feed_url = datasette.absolute_url(request, f"{search}.atom?{params.query_string(page=1, sort='relevance')}")
    entries = exports.feed_entries(rows, lambda article: datasette.absolute_url(request, datasette.urls.row(name, "articles", article)))
    title = f"Archive search: {params.q}" if params.q else "Archive search"
    return Response(atom.feed(title, feed_url, page_url, entries), content_type="application/atom+xml; charset=utf-8")


async def _sentences_csv(datasette, request):
    db, (match, order) = await _run(datasette, request, lambda s, p: s.sentence_order(p) if p.q else (None, []), with_db=True)

    async def stream(writer):
        await writer.write(exports.csv_line(exports.SENTENCE_COLUMNS))
        position = 0
        while match is not None and position is not None:
            lines, position = await db.execute_fn(
                lambda conn, position=position: Searcher(ENGINE, conn, None).sentences(match, order, position, CHUNK)
            )
            await writer.write(exports.csv_rows(lines, exports.SENTENCE_COLUMNS))

    return AsgiStream(stream, headers={"content-disposition": 'attachment; filename="sentences.csv"'}, content_type=CSV)


async def _error(datasette, request, error: ParameterError, format_, template, empty):
    """400 naming the parameter: JSON for data formats, the page with the message for HTML."""
    if format_ or template is None:
        return Response.json({"ok": False, "error": str(error), "parameter": error.parameter}, status=400)
    context = {"error": str(error), "params": SearchParams(), **empty}
    return Response.html(await _render(datasette, request, template, context), status=400)


def _base(datasette, request) -> str:
    return datasette.urls.database(request.url_vars["database"]) + "/search"


async def _render(datasette, request, template, context):
    page = {"database": request.url_vars["database"], "search_base": _base(datasette, request), "error": None}
    return await datasette.render_template(template, {**page, **context}, request=request, view_name="archive_search")


def _cursor(request) -> int:
    value = request.args.get("start", "0").strip() or "0"
    if not value.isdigit():
        raise ParameterError("start", f"{value!r} is not a whole number")
    return int(value)
