"""Give every archive database the configuration in metadata.yml, on Datasette 0.65 and 1.0.

``datasette .`` reads metadata.yml itself; these hooks make plain ``datasette serve archive.db`` (or
a database file with another name) get the same titles, descriptions, facets and canned queries.
news_archive.pages.site_config shapes them for each version; the user's own metadata wins.
"""

from datasette import hookimpl

from news_archive.pages import site, site_config
from news_archive.pages.datasette_compat import defines_hook, keeps_metadata_internally


def archive_names(datasette) -> list[str]:
    return [name for name, db in datasette.databases.items()
            if not name.startswith("_") and site.is_archive_database(db)]


# Datasette 0.65's hooks, defined only there: 1.0 has neither (startup() serves it instead), and would
# list a hook it lacks among its plugin hooks.
if defines_hook("get_metadata"):
    @hookimpl
    def get_metadata(datasette, key, database, table):
        return site_config.hook_metadata(archive_names(datasette))

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
