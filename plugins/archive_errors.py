"""A table sorted by a column it does not offer is a bad request (400), as on Datasette 1.0, not a 500."""

from datasette import hookimpl
from datasette.views.base import DatasetteError

from news_archive.pages.errors import bad_sort_is_a_bad_request


@hookimpl(tryfirst=True)
def handle_exception(exception):
    if isinstance(exception, DatasetteError):
        bad_sort_is_a_bad_request(exception)
    # None: Datasette's own handler renders the error page, with the status set here.
