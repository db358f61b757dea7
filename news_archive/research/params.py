"""The search page's URL parameters: read, checked (errors name the parameter), and written back."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

SORTS = ("relevance", "newest", "oldest")
PERIODS = ("day", "week", "month", "year")
MEASURES = ("articles", "share")
SPLITS = ("outlet",)
DEFAULT_SIZE = 20
MAX_SIZE = 100
MAX_QUERIES = 8


class ParameterError(ValueError):
    """A parameter the page cannot use; the message names it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class SearchParams:
    queries: tuple[str, ...] = ()  # q, repeatable: the first gives the results, all are charted
    outlets: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    section: str | None = None
    place: str | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE
    by: str = "month"
    split: str | None = None
    measure: str = "articles"

    @property
    def q(self) -> str:
        return self.queries[0] if self.queries else ""

    @property
    def has_filters(self) -> bool:
        return bool(self.outlets or self.date_from or self.date_to or self.section or self.place)

    def with_(self, **changes) -> SearchParams:
        return replace(self, **changes)

    def query_string(self, **changes) -> str:
        """The URL query for these parameters (with changes), defaults left out, so links keep every filter."""
        params = self.with_(**changes) if changes else self
        pairs = [("q", q) for q in params.queries]
        pairs += [("outlet", outlet) for outlet in params.outlets]
        optional = [
            ("from", params.date_from.isoformat() if params.date_from else None),
            ("to", params.date_to.isoformat() if params.date_to else None),
            ("section", params.section),
            ("place", params.place),
            ("sort", None if params.sort == "relevance" else params.sort),
            ("page", None if params.page == 1 else str(params.page)),
            ("size", None if params.size == DEFAULT_SIZE else str(params.size)),
            ("by", None if params.by == "month" else params.by),
            ("split", params.split),
            ("measure", None if params.measure == "articles" else params.measure),
        ]
        pairs += [(key, value) for key, value in optional if value]
        return urlencode(pairs)


def parse(args, outlet_ids) -> SearchParams:
    """SearchParams from request arguments (anything with .getlist and .get, like Datasette's
    request.args); outlet_ids are the outlets the archive holds. Raises ParameterError."""
    queries = tuple(dict.fromkeys(q.strip() for q in args.getlist("q") if q and q.strip()))
    if len(queries) > MAX_QUERIES:
        raise ParameterError("q", f"at most {MAX_QUERIES} queries can be compared at once")
    outlets = tuple(dict.fromkeys(o.strip() for o in args.getlist("outlet") if o and o.strip()))
    unknown = [o for o in outlets if o not in outlet_ids]
    if unknown:
        raise ParameterError("outlet", f"no outlet {unknown[0]!r} in this archive (known: {', '.join(sorted(outlet_ids))})")
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise ParameterError("from", f"{date_from} is after to={date_to}")
    return SearchParams(
        queries=queries,
        outlets=outlets,
        date_from=date_from,
        date_to=date_to,
        section=_text(args, "section"),
        place=_text(args, "place"),
        sort=_choice(args, "sort", SORTS, "relevance"),
        page=_whole(args, "page", 1, 1, None),
        size=_whole(args, "size", DEFAULT_SIZE, 1, MAX_SIZE),
        by=_choice(args, "by", PERIODS, "month"),
        split=_choice(args, "split", SPLITS, None),
        measure=_choice(args, "measure", MEASURES, "articles"),
    )


def _text(args, name: str) -> str | None:
    value = (args.get(name) or "").strip()
    return value or None


def _date(args, name: str) -> date | None:
    value = _text(args, name)
    if value is None:
        return None
    try:
        if len(value) == 4 and value.isdigit():  # a year: from=2021 is 2021-01-01, to=2021 is 2021-12-31
            return date(int(value), 1, 1) if name == "from" else date(int(value), 12, 31)
        if len(value) == 7 and value[4] == "-":  # a month
            year, month = int(value[:4]), int(value[5:])
            return date(year, month, 1 if name == "from" else monthrange(year, month)[1])
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(name, f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _choice(args, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = _text(args, name)
    if value is None:
        return default
    if value not in choices:
        raise ParameterError(name, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _whole(args, name: str, default: int, low: int, high: int | None) -> int:
    value = _text(args, name)
    if value is None:
        return default
    if not value.isdigit():
        raise ParameterError(name, f"{value!r} is not a whole number")
    number = int(value)
    if number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ParameterError(name, f"{number} is out of range ({bound})")
    return number
