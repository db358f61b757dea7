"""The evidence, from seeds/, for the zones news_archive.parse.dates reads times without a zone in.

A feed cannot carry an article before it is published, so with the right zone no lag from publication
to feed item is negative. The feeds were polled at least hourly, so some articles were caught within
minutes and the 10th-percentile lag is under an hour. Reading the times one hour further west would
make the smallest lags negative (so the zone is not further west); one hour further east would add an
hour to every lag, leaving no article caught within the hour (so it is not further east either).

`pytest -s tests/test_time_zones.py` prints the table of lags.
"""

import math
import statistics
from datetime import timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from news_archive.parse.article import parse_article
from news_archive.parse.dates import CHINA, NAIVE_BYLINE_ZONE, PARIS, lag_hours, parse_printed_date

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# (outlet, where the time came from): (the zone it is read in, the zone one hour further west).
NAIVE = {
    ("nyt", "time"): (CHINA, timezone(timedelta(hours=7))),  # <time pudate="2024-02-02 05:00:55">
    ("nyt", "byline"): (CHINA, timezone(timedelta(hours=7))),  # <i>黄安伟<br>2020-07-16 16:44:26</i>
    ("rfi", "byline"): (PARIS, ZoneInfo("Europe/London")),  # <div>18/07/2020 - 23:19</div>
    ("reuters", "byline"): (timezone.utc, timezone(timedelta(hours=-1))),  # <i>2020-07-17T02:16:46</i>
}
# These print their zone: "2020-07-02T15:04:14.931Z", "Mon, 20 Jul 2020 14:54:38 GMT".
EXPLICIT = {("dw", "byline"), ("voa", "byline")}


@lru_cache(maxsize=None)
def dated_articles() -> dict[tuple[str, str], list]:
    """The seed articles with a publication time read from the file and a feed time, by group."""
    groups: dict[tuple[str, str], list] = {}
    for path in sorted(SEEDS.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt"):
            article = parse_article(path.read_bytes())
            if article.published_from in ("time", "byline") and article.feed_time:
                groups.setdefault((article.outlet_id, article.published_from), []).append(article)
    return groups


def lags(group) -> list[float]:
    return sorted(lag_hours(a.published, a.feed_time) for a in dated_articles()[group])


def p10(values: list[float]) -> float:
    return sorted(values)[math.ceil(0.1 * len(values)) - 1]  # nearest rank


def test_the_zones_under_test_are_the_parsers_and_the_lag_table():
    assert NAIVE_BYLINE_ZONE == {"nyt": CHINA, "rfi": PARIS}  # every other outlet: UTC
    assert set(dated_articles()) == set(NAIVE) | EXPLICIT
    print("\n| outlet | time from | articles | min lag (h) | p10 (h) | median (h) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for group in sorted(dated_articles()):
        values = lags(group)
        print(f"| {group[0]} | {group[1]} | {len(values)} | {min(values):.2f} | {p10(values):.2f} "
              f"| {statistics.median(values):.2f} |")


@pytest.mark.parametrize("group", sorted(set(NAIVE) | EXPLICIT), ids="/".join)
def test_no_article_is_published_after_its_feed_item_and_most_are_caught_within_the_hour(group):
    values = lags(group)
    assert len(values) >= 10
    assert min(values) >= 0
    assert p10(values) < 1


@pytest.mark.parametrize("group", sorted(NAIVE), ids="/".join)
def test_one_hour_further_west_puts_feed_items_before_publication(group):
    zone, west = NAIVE[group]
    west_lags = []
    for article in dated_articles()[group]:
        printed = article.body.pudate if group[1] == "time" else article.body.printed_date
        assert parse_printed_date(printed, zone)[0] == article.published
        west_lags.append(lag_hours(parse_printed_date(printed, west)[0], article.feed_time))
    assert min(west_lags) < 0

