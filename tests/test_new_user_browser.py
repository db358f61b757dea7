"""A new user's first visit, in headless Chromium, on whichever Datasette is installed (0.65 or 1.0).

The README's commands: build_db.py into a file named news.db (any name must work), `datasette
inspect`, then `datasette serve -i` with the Makefile's settings. Then, as a reader clicks: the front
page, its search box, the first result's article, the map, a canned query (a place on the front
page) and its CSV. A screenshot of each step goes to the test's tmp_path (printed; --basetemp keeps
them). Skips without /usr/bin/chromium or the playwright package.
"""

import csv
import io
import re

import httpx
import pytest
from datasette.version import __version__
from servers import local_page, require_browser

TERM = "拜登"

require_browser()  # skips the module without chromium or playwright


@pytest.fixture
def server(news_server):
    """news.db, built and served as the README says (db_fixtures.news_db, servers.news_server)."""
    return news_server


def _rows_shown(page) -> int:
    return page.locator("table.rows-and-columns tbody tr").count()


def test_a_new_users_walk_through_the_archive(browser, server, tmp_path):
    shots = []

    def shot(page, name):
        shots.append(tmp_path / f"{len(shots) + 1}-{name}.png")
        page.screenshot(path=str(shots[-1]))

    with local_page(browser, server) as page:
        page.goto(server + "/")
        assert page.locator("h1").first.inner_text() == "Chinese-language news archive"
        overview = page.locator('section.archive-overview[data-database="news"]')
        assert "articles" in overview.locator(".archive-holds").inner_text()
        shot(page, "front-page")

        overview.locator("input[name=q]").fill(TERM)
        overview.locator("input[name=q]").press("Enter")
        page.wait_for_url(re.compile(r"/news/search\?q="))
        total = int(page.locator(".search-summary strong.total").inner_text().replace(",", ""))
        assert total > 0 and page.locator(".search-results li").count() == min(total, 20)
        shot(page, "search")

        page.locator(".search-results .result-title a").first.click()
        page.wait_for_url(re.compile(r"/news/articles/\d+"))
        assert page.locator("article.archive-article mark").count() > 0  # the search's terms, marked
        shot(page, "article")

        page.goto(server + "/news/article_place_map")
        page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=20_000)
        shot(page, "map")

        page.goto(server + "/")
        place = page.locator(".overview-places a").first
        name = place.inner_text()
        place.click()
        page.wait_for_url(re.compile(r"/news/articles_mentioning_place\?place="))
        rows = _rows_shown(page)
        assert rows > 0 and page.locator("td.col-place", has_text=name).count() == rows
        shot(page, "canned-query")

        href = page.locator(".export-links a", has_text=re.compile(r"^CSV$")).get_attribute("href")
        response = httpx.get(httpx.URL(page.url).join(href), timeout=30)
        assert response.status_code == 200
        csv_rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(csv_rows) == rows and {row["place"] for row in csv_rows} == {name}
    print(f"\nDatasette {__version__}: screenshots " + " ".join(str(path) for path in shots))
