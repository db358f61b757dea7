"""Dates as printed in articles, turned into UTC ISO 8601.

Naive times (no zone printed) are read in the zone each outlet prints them in. The evidence for each
zone is in tests/test_time_zones.py (its table is in README.md, "Time zones"): with it, no article's
feed time precedes its publication time and the typical feed lag is minutes; reading the times one
hour further west would put some feed times before publication, and one hour further east would make
every lag an hour or more.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
PARIS = ZoneInfo("Europe/Paris")

# The zone of naive byline times, by outlet id; outlets not listed print UTC.
NAIVE_BYLINE_ZONE = {"nyt": CHINA, "rfi": PARIS}


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_epoch_ms(ms: int) -> str:
    return iso_utc(datetime.fromtimestamp(ms / 1000, timezone.utc))


def parse_pudate(value: str) -> str | None:
    """``<time pudate>``: a naive time in China Standard Time (UTC+8)."""
    moment = _naive(value)
    return iso_utc(moment.replace(tzinfo=CHINA)) if moment else None


_NAIVE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y - %H:%M")
_CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _naive(value: str) -> datetime | None:
    value = value.strip()
    for pattern in _NAIVE_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def parse_printed_date(value: str, naive_zone=timezone.utc) -> tuple[str, bool] | None:
    """A date printed in a byline or a ``<time>``: (ISO 8601 string, has a time of day), or None.

    Date-only values stay dates ("2020-07-15"): turning a local date into UTC would invent a time.
    """
    value = value.strip()
    if not value:
        return None
    moment = _naive(value)
    if moment is not None:
        return iso_utc(moment.replace(tzinfo=naive_zone)), True
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None:
        if len(value) == 10:
            return moment.date().isoformat(), False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=naive_zone)
        return iso_utc(moment), True
    try:
        return iso_utc(parsedate_to_datetime(value)), True
    except (TypeError, ValueError, IndexError):
        pass
    match = _CHINESE_DATE.search(value)
    if match:
        year, month, day = map(int, match.groups())
        try:
            return datetime(year, month, day).date().isoformat(), False
        except ValueError:
            return None
    return None


def lag_hours(published_iso: str, feed_iso: str) -> float:
    """Hours from publication to the feed item (negative: the feed saw it before it was published)."""
    published = datetime.fromisoformat(published_iso.replace("Z", "+00:00"))
    feed = datetime.fromisoformat(feed_iso.replace("Z", "+00:00"))
    return (feed - published) / timedelta(hours=1)
