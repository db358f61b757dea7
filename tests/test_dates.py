"""Dates as articles print them, turned into UTC."""

from datetime import timezone

import pytest

from news_archive.parse.dates import CHINA, PARIS, from_epoch_ms, lag_hours, parse_printed_date, parse_pudate


def test_pudate_is_china_standard_time():
    assert parse_pudate("2024-02-02 05:00:55") == "2024-02-01T21:00:55Z"
    assert parse_pudate("2月2日") is None


@pytest.mark.parametrize("printed, zone, expected", [
    ("2020-07-16 16:44:26", CHINA, ("2020-07-16T08:44:26Z", True)),  # NYT 2020 byline
    ("18/07/2020 - 23:19", PARIS, ("2020-07-18T21:19:00Z", True)),  # RFI, summer time (UTC+2)
    ("18/01/2021 - 23:19", PARIS, ("2021-01-18T22:19:00Z", True)),  # RFI, winter time (UTC+1)
    ("2020-07-17T02:16:46", timezone.utc, ("2020-07-17T02:16:46Z", True)),  # Reuters
    ("2020-07-02T15:04:14.931Z", CHINA, ("2020-07-02T15:04:14Z", True)),  # DW: the zone is printed
    ("Mon, 20 Jul 2020 14:54:38 GMT", CHINA, ("2020-07-20T14:54:38Z", True)),  # VOA
    ("Sat, 27 Jun 2020 14:20:41 +0000", CHINA, ("2020-06-27T14:20:41Z", True)),  # CDT "日期："
    ("2020年 7月 11日", CHINA, ("2020-07-11", False)),  # BBC: a date, no time to convert
    ("2020-07-15", CHINA, ("2020-07-15", False)),
    ("2020年2月30日", CHINA, None),
    ("", CHINA, None),
    ("综合报道", CHINA, None),
])
def test_printed_dates(printed, zone, expected):
    assert parse_printed_date(printed, zone) == expected


def test_feed_time_and_lag():
    assert from_epoch_ms(1706864821000) == "2024-02-02T09:07:01Z"
    assert lag_hours("2024-02-02T09:00:00Z", "2024-02-02T09:30:00Z") == 0.5
    assert lag_hours("2024-02-02T09:30:00Z", "2024-02-02T09:00:00Z") == -0.5


def test_article_without_a_time_of_day_takes_the_feed_time(seed):
    article = seed("bbc/1048095")  # the byline prints "2020年 7月 11日"
    assert (article.published, article.published_from, article.feed_time) == (
        "2020-07-11T14:46:40Z", "feed", "2020-07-11T14:46:40Z")
