"""The map of article_place_map on Datasette 1.0: datasette-cluster-map's marker requests made valid.

datasette-cluster-map 0.18.2, the newest, loads the markers from the table's JSON with
``?_extra=next_url``; Datasette 1.0a36 dropped that extra (next_url is always there now) and answers
400, so the map drew no marker. On such a Datasette, requests to an archive database lose that one
parameter (news_archive.pages.datasette_compat); everything else is passed on untouched.
"""

from datasette import hookimpl
from datasette.utils import tilde_decode

from news_archive.pages import site
from news_archive.pages.datasette_compat import rejects_extra_next_url, without_extra_next_url


@hookimpl
def asgi_wrapper(datasette):
    if not rejects_extra_next_url():
        return None

    def wrap(app):
        async def strip_extra_next_url(scope, receive, send):
            if scope["type"] == "http" and b"_extra=next_url" in scope.get("query_string", b"") \
                    and _is_archive_path(datasette, scope["path"]):
                scope = dict(scope, query_string=without_extra_next_url(scope["query_string"]))
            await app(scope, receive, send)

        return strip_extra_next_url

    return wrap


def _is_archive_path(datasette, path: str) -> bool:
    name = tilde_decode(path.lstrip("/").split("/", 1)[0])  # ASGI paths come percent-decoded
    db = datasette.databases.get(name)
    return db is not None and not name.startswith("_") and site.is_archive_database(db)
