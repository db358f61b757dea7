"""The Datasette calls whose names or arguments differ between 0.65 and 1.0, each behind one function.

The plugins ask what the installed Datasette has rather than its version number: 1.0 replaced
``permission_allowed`` and ``ensure_permissions`` with ``allowed`` and ``ensure_permission`` on
resources (1.0a20), and moved metadata into its internal database (``set_*_metadata``, 1.0a14).
"""

from __future__ import annotations

import re

from datasette import hookspecs
from datasette.version import __version__


def defines_hook(name: str) -> bool:
    """Whether the installed Datasette has this plugin hook (1.0 lists an unknown one among its hooks)."""
    return hasattr(hookspecs, name)


def keeps_metadata_internally(datasette) -> bool:
    """True on Datasette 1.0, which has no get_metadata or canned_queries hook."""
    return hasattr(datasette, "set_database_metadata")


async def can_view_database(datasette, actor, database: str) -> bool:
    if hasattr(datasette, "allowed"):
        from datasette.resources import DatabaseResource

        return await datasette.allowed(action="view-database", resource=DatabaseResource(database=database),
                                       actor=actor)
    return await datasette.permission_allowed(actor, "view-database", database, default=True)


async def viewable_database(datasette, request):
    """The Database a plugin route names in its URL (database=), once the actor may see it: 404 for
    no such database, 403 for one it may not see."""
    from datasette.utils.asgi import NotFound

    name = request.url_vars["database"]
    try:
        db = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"Database not found: {name}") from None
    await ensure_can_view_database(datasette, request.actor, name)
    return db


async def ensure_can_view_database(datasette, actor, database: str) -> None:
    """Raise Forbidden unless actor may see the database, checked as Datasette's own database page does."""
    if hasattr(datasette, "ensure_permission"):
        from datasette.resources import DatabaseResource

        await datasette.ensure_permission(action="view-database", resource=DatabaseResource(database=database),
                                          actor=actor)
    else:
        await datasette.ensure_permissions(actor, [("view-database", database), "view-instance"])


def rejects_extra_next_url(version: str = __version__) -> bool:
    """True where ``?_extra=next_url`` is a 400: 1.0a36 put next_url in every table's JSON and dropped
    the extra, which datasette-cluster-map 0.18.2 (the newest) still asks for when it loads markers."""
    match = re.match(r"(\d+)\.\d+(?:a(\d+))?", version)
    major, alpha = int(match.group(1)), match.group(2)
    return major >= 1 and (alpha is None or int(alpha) >= 36)


def without_extra_next_url(query_string: bytes) -> bytes:
    """The query string, byte for byte, less its ``_extra=next_url`` parameters."""
    return b"&".join(part for part in query_string.split(b"&") if part != b"_extra=next_url")
