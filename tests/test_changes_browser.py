"""An edited article and its changes in a real browser: `datasette serve -i` on a database built from
seeds/ (named news.db: any archive file name gets the pages) and headless Chromium.

Screenshots of each page go to the test's tmp_path (printed; --basetemp keeps them). Skips without
/usr/bin/chromium or the playwright package (no `playwright install`: the system Chromium is used).
"""

import pytest
from servers import local_page, require_browser

from news_archive.ids import stable_id

require_browser()  # skips the module without chromium or playwright
TRUMP = "https://www.bbc.com/zhongwen/simp/world-54382923"


@pytest.fixture
def server(news_server):
    return news_server


def test_from_an_edited_article_to_its_change_and_a_comparison(browser, server, tmp_path):
    shots = []

    def shot(page, name, **options):
        shots.append(tmp_path / f"{len(shots) + 1}-{name}.png")
        page.screenshot(path=str(shots[-1]), **options)

    with local_page(browser, server, width=1200) as page:
        page.goto(f"{server}/news/articles/{stable_id(TRUMP)}")
        edited = page.locator(".archive-article .edited a")
        assert edited.inner_text() == "Edited 2 times"
        shot(page, "article")
        edited.click()
        versions = page.locator("ol.versions li")
        assert versions.count() == 3 and versions.nth(2).locator("strong").inner_text() == "shown"
        assert page.locator("#versions").is_visible()
        shot(page, "article-versions")

        page.locator("ol.versions a.edit").first.click()
        page.wait_for_load_state()
        assert page.url.startswith(f"{server}/news/changes/")
        diff = page.locator(".archive-diff")
        assert diff.locator("h1").inner_text() == "特朗普夫妇确诊感染新冠病毒 美国总统选战陷入“未知之地”"
        # Readable without colour: additions underlined, removals struck through.
        styles = page.evaluate("""() => ['ins', 'del'].map(tag =>
            getComputedStyle(document.querySelector('.text-diff ' + tag)).textDecorationLine)""")
        assert styles == ["underline", "line-through"]
        folded = diff.locator("details.unchanged").first
        assert not folded.locator("p").first.is_visible()
        folded.locator("summary").click()
        assert folded.locator("p").first.is_visible()
        shot(page, "change")
        shot(page, "change-full", full_page=True)

        page.locator("nav.edits a", has_text="all versions of the article").click()
        page.wait_for_load_state()
        page.select_option("form.compare-versions select[name=b]", index=2)
        page.locator("form.compare-versions button").click()
        page.wait_for_load_state()
        assert "/news/versions/compare?" in page.url
        assert page.locator(".archive-diff .versions-compared").inner_text().count("2020-10-02/") == 2
        shot(page, "compare")
    assert all(path.stat().st_size > 20_000 for path in shots)
    print("\nscreenshots " + " ".join(str(path) for path in shots))
