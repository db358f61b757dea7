"""Give every archive database the configuration in metadata.yml, on Datasette 0.65 and 1.0.

``datasette .`` reads metadata.yml itself; these hooks make plain ``datasette serve archive.db`` (or
a database file with another name) get the same titles, descriptions, facets and canned queries.
news_archive.pages.site_config shapes them for each version; the user's own metadata wins.
"""

import weakref

from datasette import hookimpl

from news_archive.pages import site, site_config
from news_archive.pages.datasette_compat import defines_hook, keeps_metadata_internally


def archive_names(datasette) -> list[str]:
    return list(site.archive_databases(datasette))


# Datasette 0.65's hooks, defined only there: 1.0 has neither (startup() serves it instead), and would
# list a hook it lacks among its plugin hooks.
if defines_hook("get_metadata"):
    @hookimpl
    def get_metadata(datasette, key, database, table):
        names = archive_names(datasette)
        given = _given.get(datasette)
        if given is None or given[0] != names:
            given = _given[datasette] = (names, site_config.hook_metadata(names))
        return given[1]

    # Datasette -> (its archive names, the metadata given it). Asked 20-40 times a page, a fresh copy
    # each time cost 5-10 ms of a 30-60 ms table page. Datasette merges the instance's own metadata into
    # the dicts it is given, the same values every time, so one copy per instance ends as a fresh one would.
    _given: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

if defines_hook("canned_queries"):
    @hookimpl
    def canned_queries(datasette, database, actor):
        if database in archive_names(datasette):
            return site_config.queries()
        return None


@hookimpl
def startup(datasette):
    if keeps_metadata_internally(datasette):
        return lambda: site_config.configure(datasette, archive_names(datasette))
    return None
