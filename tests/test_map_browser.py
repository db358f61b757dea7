"""The place map of seeds/ in a real browser: a `datasette serve` process and headless Chromium (Playwright).

Skips without /usr/bin/chromium or the playwright package. Map tiles come from OpenStreetMap, which a
test cannot reach: requests leaving the test server are refused, and the markers must draw anyway.
"""

from servers import local_page, require_browser

require_browser()  # skips the module without chromium or playwright


def test_map_page_draws_clustered_markers(browser, archive_server, tmp_path):
    server = archive_server
    with local_page(browser, server, width=1200) as page:
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
