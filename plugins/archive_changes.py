"""The compare page of every archive database, /DB/versions/compare?a=VERSION&b=VERSION (.json too), and
links from canned queries' change_id cells to the change pages (the row pages of changes).

Only archive databases get the route; the comparison itself is news_archive.pages.change_page.compare.
"""

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from news_archive.pages import change_page, site
from news_archive.pages.datasette_compat import viewable_database


@hookimpl
def register_routes(datasette):
    database = site.archive_database_pattern(datasette)
    if database is None:
        return []
    return [(rf"^/{database}/versions/compare(\.(?P<format>json))?$", compare_view)]


async def compare_view(request, datasette):
    name = request.url_vars["database"]
    db = await viewable_database(datasette, request)
    as_json = request.url_vars.get("format") == "json"
    ids = [request.args.get(key, "") for key in ("a", "b")]
    if not all(value.isdigit() for value in ids):
        return _error(as_json, 400, "a and b must be version ids: ?a=VERSION&b=VERSION (see the article's versions)")
    try:
        view = await db.execute_fn(lambda conn: change_page.compare(conn, int(ids[0]), int(ids[1])))
    except LookupError as error:
        return _error(as_json, 404, str(error))
    except ValueError as error:
        return _error(as_json, 400, str(error))
    if as_json:
        return Response.json(_json(view), default=str)
    html = await datasette.render_template("archive_compare.html", {"view": view, "database": name}, request=request)
    return Response.html(html)


def _error(as_json: bool, status: int, message: str) -> Response:
    if as_json:
        return Response.json({"ok": False, "error": message}, status=status)
    return Response.html(f"<p>{escape(message)}</p>", status=status)


def _json(view: dict) -> dict:
    def pieces(paragraph):
        return [[piece.kind, piece.text] for piece in paragraph]

    diff = view["diff"]
    return {
        "article_id": view["article_id"],
        "before": view["before"], "after": view["after"],
        "title_before": pieces(view["title_before"]) if view["title_before"] else None,
        "title_after": pieces(view["title_after"]) if view["title_after"] else None,
        "chars_added": diff.chars_added, "chars_removed": diff.chars_removed,
        "paragraphs_added": diff.paragraphs_added, "paragraphs_removed": diff.paragraphs_removed,
        "paragraphs_changed": diff.paragraphs_changed,
        "blocks": [{"kind": block.kind, **{key: [pieces(p) for p in getattr(block, key)]
                                           for key in ("paragraphs", "before", "after")}} for block in diff.blocks],
    }


@hookimpl
def render_cell(value, column, table, database, datasette):
    # table is None for query results: the canned queries name the change they list change_id.
    if column != "change_id" or table is not None or not isinstance(value, int):
        return None
    if not site.is_archive_database(datasette.get_database(database)):
        return None
    return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, "changes", value), value)
