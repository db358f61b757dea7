"""The front page in headless Chromium: the chart draws, the search box leads to the search page.

Skips without /usr/bin/chromium or the playwright package (see tests/servers.py).
"""

import sqlite3
import urllib.parse

import pytest

from servers import local_page, require_browser

from news_archive.research.overview import month_range

require_browser()  # skips the module without chromium or playwright


@pytest.fixture
def server(archive_server):
    return archive_server


@pytest.fixture(scope="module")
def months(archive_path):
    with sqlite3.connect(archive_path) as conn:
        return month_range([month for (month,) in conn.execute("select distinct substr(published, 1, 7) from articles")])


@pytest.fixture
def page(browser, server):
    with local_page(browser, server) as page:
        yield page


def test_chart_draws_a_bar_group_per_month(page, server, months):
    page.goto(server + "/", wait_until="load")
    chart = page.locator(".archive-overview svg.time-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 800 and box["height"] > 200
    assert page.locator(".archive-overview svg.time-chart g.bar").count() == len(months) == 95
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_search_box_submits_to_the_search_page(page, server):
    page.goto(server + "/", wait_until="load")
    page.locator(".archive-search input[name=q]").fill("王毅")
    with page.expect_navigation() as navigation:
        page.locator(".archive-search input[name=q]").press("Enter")
    assert navigation.value.status == 200
    url = urllib.parse.urlsplit(page.url)
    assert url.path == "/archive/search"
    assert urllib.parse.parse_qs(url.query) == {"q": ["王毅"]}
