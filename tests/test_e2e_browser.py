"""End to end: search, a facet and a CSV download on the articles page, in headless Chromium.

A real `datasette serve -i` on a database built from seeds/; every count is checked against SQLite.
Skips without /usr/bin/chromium or the playwright package (see tests/test_browser.py).
"""

import csv
import io
import re
import sqlite3

import httpx
import pytest

from servers import local_page, require_browser

SEED_TITLE = "中美重回谈判桌，但言辞分歧凸显双边关系脆弱性"
TERM = "王毅"
# Every seed article naming 王毅 is from nyt; their years differ, so the year facet narrows.
FACET = "year"
MATCHES = f"""select id, {FACET} from articles where title like '%王毅%'
             or id in (select article_id from paragraphs where text like '%王毅%')"""

require_browser()  # skips the module without chromium or playwright


@pytest.fixture
def server(archive_server):
    return archive_server


@pytest.fixture
def page(browser, server):
    with local_page(browser, server) as page:
        yield page


def _row_count(page) -> int:
    """The count in the page's "N rows where ..." heading."""
    heading = page.locator("h3").filter(has_text=re.compile(r"rows?\b")).first.inner_text()
    return int(re.search(r"([\d,]+) rows?", heading).group(1).replace(",", ""))


def test_search_facet_and_csv(page, server, archive_path):
    with sqlite3.connect(archive_path) as db:
        matches = db.execute(MATCHES).fetchall()
    value = max({v for _, v in matches}, key=lambda v: sum(m == v for _, m in matches))
    expected_ids = sorted(i for i, v in matches if v == value)
    assert 0 < len(expected_ids) < len(matches)  # the facet narrows

    page.goto(f"{server}/archive/articles", wait_until="load")
    page.fill("input[name=_search]", TERM)
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_url(re.compile(r"_search="))
    assert page.locator("table.rows-and-columns td.col-title", has_text=SEED_TITLE).count() == 1
    assert _row_count(page) == len(matches)

    page.locator(f".facet-info[data-column={FACET}] a[href*='{FACET}={value}']").first.click()
    page.wait_for_url(re.compile(f"{FACET}={value}"))
    assert _row_count(page) == len(expected_ids)

    href = page.locator("a", has_text=re.compile(r"^CSV$")).first.get_attribute("href")
    response = httpx.get(httpx.URL(page.url).join(href), timeout=30)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(int(row["id"]) for row in rows) == expected_ids
    assert {row[FACET] for row in rows} == {str(value)}
