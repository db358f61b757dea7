"""A researcher's path through the search page in a real browser (`datasette serve` + Debian chromium):
from the front page type a word, see the total and the chart, filter to one outlet and one year, go
to page 2, open an article with the terms marked, download the CSV, read the sentences.
Screenshots go to the test's tmp_path (front page, search page with its chart, sentences)."""

import csv
import io
import urllib.parse
import urllib.request

import pytest

from servers import local_page, require_browser
from test_research_search import Scan

require_browser()  # skips the module without chromium or playwright
WORD = "美国"


@pytest.fixture
def server(archive_server):
    return archive_server


@pytest.fixture(scope="module")
def scan(archive_db):
    return Scan(archive_db)


def test_search_filter_page_open_and_download(browser, server, scan, tmp_path):
    want_all = scan.matching(WORD)
    outlet, year = "nyt", "2020"
    want = scan.matching(WORD, {"outlet": [outlet], "from": f"{year}-01-01", "to": f"{year}-12-31"})
    assert len(want) > 20, "the filtered search needs a second page"
    with local_page(browser, server, accept_downloads=True) as page:
        page.goto(server + "/", wait_until="load")
        page.screenshot(path=str(tmp_path / "front-page.png"), full_page=True)
        page.fill("input[name=q]", WORD)
        page.press("input[name=q]", "Enter")
        page.wait_for_load_state("load")
        assert page.locator(".search-summary .total").inner_text() == f"{len(want_all):,}"
        assert page.locator(".attention svg").is_visible()

        page.check(f"input[name=outlet][value={outlet}]")
        page.fill("input[name=from]", f"{year}-01-01")
        page.fill("input[name=to]", f"{year}-12-31")
        page.click("form.archive-search input[type=submit]")
        page.wait_for_load_state("load")
        assert page.locator(".search-summary .total").inner_text() == f"{len(want):,}"
        assert page.locator(".active-filters").inner_text().count("✕") == 3
        page.screenshot(path=str(tmp_path / "search-page.png"), full_page=True)

        first_page = page.locator(".search-results li .result-title a").all_inner_texts()
        page.click("a[rel=next]")
        page.wait_for_load_state("load")
        assert "page=2" in page.url and "outlet=nyt" in page.url and "from=2020-01-01" in page.url
        second_page = page.locator(".search-results li .result-title a").all_inner_texts()
        assert second_page and not set(second_page) & set(first_page)

        page.click(".search-results li .result-title a >> nth=0")
        page.wait_for_load_state("load")
        first_match = page.locator("#first-match")
        assert first_match.inner_text() == WORD and first_match.is_visible()  # marked and scrolled into view
        assert page.locator("mark").count() >= 1
        page.go_back()

        with page.expect_download() as download:
            page.click("a:text-is('CSV') >> nth=0")
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
        assert {int(row["id"]) for row in rows} == want

        page.click("a:text-is('Sentences')")
        page.wait_for_load_state("load")
        assert page.locator("table.kwic td.match").first.inner_text() == WORD
        page.screenshot(path=str(tmp_path / "sentences.png"), full_page=False)
    print(f"\nscreenshots in {tmp_path}")


def test_atom_feed_is_served(server):
    with urllib.request.urlopen(server + "/archive/search.atom?q=" + urllib.parse.quote(WORD)) as response:
        assert response.headers["content-type"].startswith("application/atom+xml")
        assert response.read().count(b"<entry>") == 50
