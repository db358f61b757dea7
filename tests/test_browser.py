"""The article page in a real browser: a `datasette serve` process and headless Chromium (Playwright).

Skips without /usr/bin/chromium or the playwright package (apt-get install chromium fonts-noto-cjk;
pip install playwright; no `playwright install` needed: the system Chromium is used).
"""

from pathlib import Path

import pytest
from db_fixtures import SEED_URL, SEEDS, SEED_FILE
from servers import datasette_serve, local_page, require_browser

from news_archive.build import build
from news_archive.ids import stable_id

XSS_FILE = Path(__file__).resolve().parent / "data" / "xss_article.md"
XSS_URL = "https://cn.nytimes.com/world/20240203/xss-test/"

require_browser()  # skips the module without chromium or playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`datasette serve` on a database built from the seed article and the crafted XSS file."""
    db = tmp_path_factory.mktemp("browser") / "archive.db"
    build([SEEDS / SEED_FILE, XSS_FILE], db)
    with datasette_serve(db) as base:
        yield base


@pytest.fixture
def page(browser, server):
    """A page that reaches only the test server: the tests need no network, so images fail to load."""
    with local_page(browser, server, width=1200) as page:
        yield page


def _open_article(page, server, url) -> list[str]:
    """Open the article's page; the messages of any alert, confirm or prompt it shows."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/archive/articles/{stable_id(url)}", wait_until="load")
    page.mouse.wheel(0, 20000)  # scroll through, so lazy images and anything else deferred get their chance
    page.wait_for_timeout(300)
    return dialogs


@pytest.mark.parametrize("url", [XSS_URL, SEED_URL])
def test_no_script_from_the_article_runs(page, server, url):
    assert _open_article(page, server, url) == []
    assert page.locator("article.archive-article").count() == 1
    assert page.locator("article.archive-article script").count() == 0
    assert page.locator("article.archive-article [style], article.archive-article iframe, "
                        "article.archive-article object, article.archive-article svg").count() == 0
    assert page.locator("[onerror], [onload], [onclick], [onmouseover]").count() == 0
    hrefs = page.eval_on_selector_all("a[href], img[src]", "els => els.map(e => e.href || e.src)")
    assert hrefs and not [h for h in hrefs if not h.startswith(("http://", "https://", "mailto:"))]


def test_crafted_article_is_shown_as_text(page, server):
    _open_article(page, server, XSS_URL)
    article = page.locator("article.archive-article")
    assert "<script>" in article.locator("h1").inner_text()  # the title's markup is shown, not run
    body = article.locator(".article-body").inner_text()
    for text in ("第一段正文。", "危险链接", "带样式的段落。", "未闭合粗体斜体", "最后一段"):
        assert text in body
    assert "alert" not in body  # script contents are dropped, not shown
    assert article.locator("a", has_text="正常链接").get_attribute("href") == SEED_URL
    assert article.locator("a", has_text="危险链接").get_attribute("href") is None
    assert article.locator("a", has_text="相对链接").get_attribute("href") == "https://cn.nytimes.com/relative/path"
    # The figures whose image URL is javascript: or "x" keep their caption and lose the image.
    assert article.locator("figure img").count() == 1
    assert "图注" in article.locator("figure").nth(1).inner_text()


def test_screenshot_of_the_seed_article(page, server, tmp_path):
    _open_article(page, server, SEED_URL)
    assert page.locator("figure").count() == 3
    assert page.locator("text=Linked from").count() == 1
    path = tmp_path / "seed-article.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.exists() and path.stat().st_size > 20_000
