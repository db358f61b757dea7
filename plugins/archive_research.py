"""The search page of every archive database: /DB/search (.json, .csv, .atom), its attention-over-time
series (/DB/search/series.json, .csv) and its sentences (/DB/search/sentences, .json, .csv).

Routes registered by a plugin are matched before Datasette's own, so /archive/search is this page;
only archive databases get them. The hooks here only read the request and hand off to
news_archive.research.
"""

import csv
import io
import json
import re

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import AsgiStream, Forbidden, NotFound, Response

from news_archive import site
from news_archive.datasette_compat import ensure_can_view_database
from news_archive.research import atom, chart, params as search_params, served
from news_archive.research.kwic import WIDTH
from news_archive.research.pages import Searcher
from news_archive.research.served import ENGINE
from news_archive.research.params import ParameterError

EXPORT_COLUMNS = ["id", "url", "title", "outlet_id", "outlet", "published", "passage"]
SERIES_COLUMNS = ["q", "outlet", "period", "articles", "all_articles", "share"]
SENTENCE_COLUMNS = ["article_id", "title", "outlet", "published", "paragraph_id", "left", "match", "right", "sentence"]


@hookimpl
def register_routes(datasette):
    names = [
        re.escape(tilde_encode(name)) for name, db in datasette.databases.items()
        if not name.startswith("_") and site.is_archive_database(db)
    ]
    if not names:
        return []
    database = f"(?P<database>{'|'.join(names)})"
    return [
        (rf"^/{database}/search(\.(?P<format>json|csv|atom))?$", search_view),
        (rf"^/{database}/search/series\.(?P<format>json|csv)$", series_view),
        (rf"^/{database}/search/sentences(\.(?P<format>json|csv))?$", sentences_view),
    ]


@hookimpl
def startup(datasette):
    async def load_catalogs():
        # Once per process and file (0.7 s at 100,000 articles), before the first search instead of in it.
        for name, db in datasette.databases.items():
            if not name.startswith("_") and site.is_archive_database(db):
                key = served.file_key(db.path)
                await db.execute_fn(lambda conn, key=key: ENGINE.catalog(conn, key))

    return load_catalogs


async def _searcher_call(datasette, request, work):
    """Run work(searcher, params) on one of the database's query threads."""
    name = request.url_vars["database"]
    try:
        db = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"Database not found: {name}")
    await ensure_can_view_database(datasette, request.actor, name)
    file_key = served.file_key(db.path)

    def run(conn):
        searcher = Searcher(ENGINE, conn, file_key)
        return work(searcher, search_params.parse(request.args, searcher.outlet_ids()))

    return db, await db.execute_fn(run)


def _bad_request(error: ParameterError, format_: str | None):
    if format_ in ("json", "csv", "atom"):
        return Response.json({"ok": False, "error": str(error), "parameter": error.parameter}, status=400)
    return None


async def search_view(request, datasette):
    format_ = request.url_vars.get("format")
    name = request.url_vars["database"]
    try:
        if format_ == "csv":
            return await _export_csv(datasette, request)
        if format_ == "json" and request.args.get("_all"):
            return await _export_json(datasette, request)
        if format_ == "atom":
            return await _atom(datasette, request)
        _, context = await _searcher_call(datasette, request, lambda searcher, params: _search_context(searcher, params, format_, request, _base(datasette, name)))
    except ParameterError as error:
        if format_:
            return _bad_request(error, format_)
        context = {"error": str(error), "params": search_params.SearchParams(), "results": None}
        return Response.html(await _render(datasette, request, name, context), status=400)
    if format_ == "json":
        return Response.json(context["data"], default=str)
    return Response.html(await _render(datasette, request, name, context))


def _search_context(searcher, params, format_, request, base):
    results = searcher.results(params)
    following = results.pop("next_page")
    extension = ".json" if format_ == "json" else ""
    results["next"] = f"{base}{extension}?{params.query_string(page=following)}" if following else None
    if format_ == "json":
        data = dict(results)
        if "by" in request.args and params.q:
            data["series"] = searcher.series(params)["series"]
        return {"data": data}
    outlets = searcher.outlets()
    context = {"params": params, "results": results, "outlets": outlets, "sections": searcher.sections(), "error": None}
    if params.q:
        context["others"] = searcher.other_totals(params)
        context["series"] = series = searcher.series(params)
        names = {outlet["id"]: outlet["name"] for outlet in outlets}
        lines = [
            chart.Line(" · ".join(part for part in (line["q"], names.get(line["outlet"], line["outlet"])) if part),
                       [point["share" if params.measure == "share" else "articles"] for point in line["points"]])
            for line in series["series"]
        ]
        percent = params.measure == "share"
        context["chart"] = chart.time_chart(series["periods"], lines, percent=percent, title="Matching articles per " + params.by)
        context["chart_table"] = chart.data_table(series["periods"], lines, percent=percent)
    return context


def _base(datasette, database: str) -> str:
    return datasette.urls.database(database) + "/search"


async def _render(datasette, request, database, context, template="archive_search.html"):
    page = {
        "database": database, "search_base": _base(datasette, database),
        "error": None,
    }
    return await datasette.render_template(template, {**page, **context}, request=request, view_name="archive_search")


async def _stream(datasette, request, start, write_chunk, content_type, filename):
    """Stream every chunk of a query's results; start(searcher, params) gives (head, chunks)."""
    db, (head, match, slots) = await _searcher_call(datasette, request, start)
    chunk = 500

    async def stream(writer):
        await writer.write(head)
        for offset in range(0, len(slots), chunk):
            rows = await db.execute_fn(lambda conn, offset=offset: Searcher(ENGINE, conn, None).export_chunk(match, slots[offset:offset + chunk]))
            await writer.write(write_chunk(rows, offset == 0))
        await writer.write(write_chunk(None, False))

    headers = {"content-disposition": f'attachment; filename="{filename}"'} if filename else {}
    return AsgiStream(stream, headers=headers, content_type=content_type)


async def _export_csv(datasette, request):
    def start(searcher, params):
        match, slots = searcher.export_order(params)
        return _csv_line(EXPORT_COLUMNS), match, slots

    def write(rows, first):
        return "" if rows is None else "".join(_csv_line([row[c] for c in EXPORT_COLUMNS]) for row in rows)

    return await _stream(datasette, request, start, write, "text/csv; charset=utf-8", "search.csv")


async def _export_json(datasette, request):
    def start(searcher, params):
        match, slots = searcher.export_order(params)
        head = json.dumps({"q": params.q, "total": match.total, "paragraphs": match.paragraphs}, ensure_ascii=False)
        return head[:-1] + ', "results": [', match, slots

    def write(rows, first):
        if rows is None:
            return "]}"
        text = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
        return text if first or not text else ",\n" + text

    return await _stream(datasette, request, start, write, "application/json; charset=utf-8", None)


async def _atom(datasette, request):
    name = request.url_vars["database"]
    _, (params, entries) = await _searcher_call(datasette, request, lambda s, p: (p, s.feed_entries(p) if p.q else []))
    page_url = datasette.absolute_url(request, datasette.urls.database(name) + "/search?" + params.query_string(page=1))
    feed_url = datasette.absolute_url(request, datasette.urls.database(name) + "/search.atom?" + params.query_string(page=1, sort="relevance"))
    items = [
        {"id": datasette.absolute_url(request, datasette.urls.row(name, "articles", row["id"])),
         "link": datasette.absolute_url(request, datasette.urls.row(name, "articles", row["id"])),
         "url": row["url"], "title": row["title"], "published": row["published"],
         "author": row["outlet"], "summary": row["passage"]}
        for row in entries
    ]
    title = f"Archive search: {params.q}" if params.q else "Archive search"
    return Response(atom.feed(title, feed_url, page_url, items), content_type="application/atom+xml; charset=utf-8")


async def series_view(request, datasette):
    format_ = request.url_vars["format"]
    try:
        _, data = await _searcher_call(datasette, request, lambda s, p: {"q": list(p.queries), **s.series(p)} if p.q else {"q": [], "series": []})
    except ParameterError as error:
        return _bad_request(error, format_)
    if format_ == "json":
        return Response.json(data)
    rows = [
        _csv_line([line["q"], line["outlet"] or "", point["period"], point["articles"], point["all_articles"],
                   "" if point["share"] is None else f"{point['share']:.6f}"])
        for line in data["series"] for point in line["points"]
    ]
    return Response(_csv_line(SERIES_COLUMNS) + "".join(rows), content_type="text/csv; charset=utf-8")


async def sentences_view(request, datasette):
    format_ = request.url_vars.get("format")
    name = request.url_vars["database"]
    try:
        start = _cursor(request)
        if format_ == "csv":
            return await _sentences_csv(datasette, request)

        def work(searcher, params):
            if not params.q:
                return {"params": params, "lines": [], "next": None, "total": 0, "paragraphs": 0}
            match, order = searcher.sentence_order(params)
            lines, following = searcher.sentences(match, order, start, params.size)
            return {"params": params, "lines": lines, "total": match.total, "paragraphs": match.paragraphs,
                    "next": None if following is None else params.query_string() + f"&start={following}"}

        _, context = await _searcher_call(datasette, request, work)
    except ParameterError as error:
        if format_:
            return _bad_request(error, format_)
        context = {"error": str(error), "params": search_params.SearchParams(), "lines": []}
        return Response.html(await _render_sentences(datasette, request, name, context), status=400)
    if format_ == "json":
        params = context.pop("params")
        return Response.json({"q": params.q, "start": start, **context})
    return Response.html(await _render_sentences(datasette, request, name, {**context, "start": start, "width": WIDTH}))


async def _render_sentences(datasette, request, database, context):
    return await _render(datasette, request, database, context, "archive_sentences.html")


async def _sentences_csv(datasette, request):
    db, (match, order) = await _searcher_call(datasette, request, lambda s, p: s.sentence_order(p) if p.q else (None, []))

    async def stream(writer):
        await writer.write(_csv_line(SENTENCE_COLUMNS))
        position = 0
        while match is not None and position is not None:
            lines, position = await db.execute_fn(
                lambda conn, position=position: Searcher(ENGINE, conn, None).sentences(match, order, position, 500)
            )
            await writer.write("".join(_csv_line([line[c] for c in SENTENCE_COLUMNS]) for line in lines))

    return AsgiStream(stream, headers={"content-disposition": 'attachment; filename="sentences.csv"'},
                      content_type="text/csv; charset=utf-8")


def _cursor(request) -> int:
    value = request.args.get("start", "0").strip() or "0"
    if not value.isdigit():
        raise ParameterError("start", f"{value!r} is not a whole number")
    return int(value)


def _csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["" if value is None else value for value in values])
    return buffer.getvalue()
