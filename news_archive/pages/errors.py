"""Which of Datasette 0.65's errors are the user's bad request (a 400 naming the problem), not the server's."""

# The message Datasette gives ?_sort= or ?_sort_desc= on a column outside the table's sortable_columns
# (metadata.yml leaves out the columns no index orders, which took seconds at 100,000 articles).
BAD_SORT = "Cannot sort table by "


def bad_sort_is_a_bad_request(error) -> None:
    """Give a DatasetteError about an unsortable column the status 400 (Datasette 1.0 does the same)."""
    if error.status == 500 and str(getattr(error, "message", "")).startswith(BAD_SORT):
        error.status = 400
