"""The place map in a real browser: a `datasette serve` process and headless Chromium (Playwright).

Skips without /usr/bin/chromium or the playwright package. Map tiles come from OpenStreetMap, which a
test cannot reach: requests leaving the test server are refused, and the markers must draw anyway.
"""


import pytest
from db_fixtures import SEED_FILE, SEEDS
from servers import chromium, datasette_serve, local_only, require_browser

from news_archive.build import build


sync_api = require_browser()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("map") / "archive.db"
    build([SEEDS / SEED_FILE, SEEDS / "rfi", SEEDS / "voa"], db)
    with datasette_serve(db) as base:
        yield base


def test_map_page_draws_clustered_markers(server, tmp_path):
    with chromium(sync_api) as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        local_only(page, server)
        page.goto(server + "/archive/article_place_map")
        page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=20_000)
        markers = page.locator(".leaflet-marker-icon, .marker-cluster").count()
        page.locator(".leaflet-container").screenshot(path=str(tmp_path / "article_place_map.png"))
        print(f"\nmap: {markers} markers and clusters; screenshot {tmp_path / 'article_place_map.png'}")
        assert markers > 0
        page.locator(".marker-cluster, .leaflet-marker-icon").first.click()
        if page.locator(".leaflet-popup-content").count() == 0:  # a cluster zooms in; a marker opens its popup
            page.locator(".leaflet-marker-icon:not(.marker-cluster)").first.click()
        popup = page.locator(".leaflet-popup-content a")
        popup.wait_for(timeout=10_000)
        assert popup.get_attribute("href").startswith("articles/")
