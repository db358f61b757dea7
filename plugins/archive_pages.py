"""Article and author pages, and figure thumbnails, for archive databases.

The row pages of articles and authors get the data their templates (row-archive-articles.html,
row-archive-authors.html) render from news_archive.article_page; image URL cells in the figures
table and in query results show the image. Other databases are left alone.
"""

from datasette import hookimpl
from datasette.utils import urlsafe_components
from markupsafe import Markup

from news_archive import article_page, site
from news_archive.sanitize import safe_url

# Row table -> (template variable, function that reads it)
PAGES = {"articles": ("article", article_page.article), "authors": ("author", article_page.author)}
IMAGE_COLUMNS = {"image_url", "proxied_url"}
THUMBNAIL = Markup(
    '<a href="{0}" title="{0}" rel="nofollow noopener noreferrer">'
    '<img src="{0}" alt="{0}" loading="lazy" referrerpolicy="no-referrer"'
    ' style="max-width: 160px; max-height: 100px"></a>'
)


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table not in PAGES or request is None:
        return None

    async def page_vars():
        db = datasette.get_database(database)
        pks = urlsafe_components(request.url_vars["pks"])
        if len(pks) != 1 or not pks[0].isdigit() or not site.is_archive_database(db):
            return {}
        name, read = PAGES[table]
        row_id = int(pks[0])
        return {name: await db.execute_fn(lambda conn: read(conn, row_id))}

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
