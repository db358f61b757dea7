"""The front page's overview, article, author and change pages, and figure thumbnails, for archive databases.

The front page and an archive database's page get what the archive holds (archive_overviews:
news_archive.research.overview and its chart, for _archive_overview.html); the row pages of
articles and authors get the data their templates (archive_row_article.html,
archive_row_author.html) render from news_archive.pages.article_page, and those of changes the
comparison archive_row_change.html renders from news_archive.pages.change_page; image URL cells in the
figures table and in query results show the image. Other databases are left alone.
"""

import os
import weakref

from datasette import hookimpl
from datasette.utils import urlsafe_components
from markupsafe import Markup

from news_archive.pages import article_page, change_page, site
from news_archive.pages.datasette_compat import can_view_database
from news_archive.research import overview
from news_archive.research.chart import Line, data_table, time_chart
from news_archive.pages.sanitize import safe_url

# Row table -> (template variable, function that reads it: conn, id, the search page's ?q=)
PAGES = {
    "articles": ("article", article_page.article),
    "authors": ("author", lambda conn, author_id, search: article_page.author(conn, author_id)),
    "changes": ("change", lambda conn, change_id, search: change_page.change(conn, change_id)),
}
IMAGE_COLUMNS = {"image_url", "proxied_url"}
THUMBNAIL = Markup(
    '<a href="{0}" title="{0}" rel="nofollow noopener noreferrer">'
    '<img src="{0}" alt="{0}" loading="lazy" referrerpolicy="no-referrer"'
    ' style="max-width: 160px; max-height: 100px"></a>'
)


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name == "index":
        return overview_vars(datasette, request, list(datasette.databases))
    # The database view also renders ?sql= results (query.html), which show no overview.
    if view_name == "database" and not (request and request.args.get("sql")):
        return overview_vars(datasette, request, [database])
    if view_name == "row" and table in PAGES and request is not None:
        return row_vars(datasette, request, database, table)
    return None


def overview_vars(datasette, request, names):
    async def page_vars():
        overviews = []
        for name in names:
            db = datasette.get_database(name)
            if name.startswith("_") or not site.is_archive_database(db):
                continue
            actor = request.actor if request else None
            if await can_view_database(datasette, actor, name):
                overviews.append({"database": name, **await archive_overview(db)})
        return {"archive_overviews": overviews}

    return page_vars


# Database -> ((mtime_ns, size) of its file, overview): the served file is immutable, a rebuilt
# one has another time or size.
_overviews: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def archive_overview(db) -> dict:
    """overview.overview() of the database with its chart, computed once per file."""
    key = _file_key(db.path)
    cached = _overviews.get(db)
    if cached and cached[0] == key:
        return cached[1]
    data = await db.execute_fn(overview.overview)
    data = {**data, **_monthly_chart(data, db.name)}
    _overviews[db] = (key, data)
    return data


def _file_key(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


def _monthly_chart(data: dict, database: str) -> dict:
    months = data["months"]
    lines = [Line(outlet["name"], outlet["counts"]) for outlet in data["monthly"]]
    title = f"Articles per month by outlet in {database}"
    return {"chart": time_chart(months, lines, stacked=True, title=title),
            "chart_table": data_table(months, lines)}


def row_vars(datasette, request, database, table):
    async def page_vars():
        db = datasette.get_database(database)
        pks = urlsafe_components(request.url_vars["pks"])
        if len(pks) != 1 or not pks[0].isdigit() or not site.is_archive_database(db):
            return {}
        name, read = PAGES[table]
        row_id, search = int(pks[0]), request.args.get("q")
        return {name: await db.execute_fn(lambda conn: read(conn, row_id, search))}

    return page_vars


@hookimpl
def render_cell(value, column, table, database, datasette):
    # table is None for query results: canned queries and SQL that select these columns.
    if column not in IMAGE_COLUMNS or table not in ("figures", None) or not isinstance(value, str):
        return None
    url = safe_url(value)
    if url is None:
        return None

    async def thumbnail():
        if not site.is_archive_database(datasette.get_database(database)):
            return None
        return THUMBNAIL.format(url)

    return thumbnail
