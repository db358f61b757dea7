"""Fixtures shared by every test module: seed files parsed on demand; the archive built from seeds/,
a news.db built by build_db.py and servers of both, each once per test session, and a browser per
module (defined in db_fixtures and servers; made available here so no module builds or starts its own)."""

import glob
from pathlib import Path

import pytest

from db_fixtures import archive_db, archive_path, news_db  # noqa: F401
from servers import archive_server, browser, news_server  # noqa: F401

from news_archive.parse.article import parse_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def seed():
    """Parse the seed file whose path under seeds/ starts with the given text ("bbc/1048095")."""

    def parse(prefix: str):
        matches = sorted(SEEDS.glob(glob.escape(prefix) + "*"))
        assert len(matches) == 1, f"{prefix!r} names {len(matches)} seed files"
        return parse_article(matches[0].read_bytes())

    return parse


# Whole modules that drive a browser, serve under load, benchmark, fuzz or kill builds: `make test` and CI
# run them; `make test-fast` (pytest -m "not slow") leaves them out while a change is being made, and the
# few tests marked @pytest.mark.slow in other modules (exhaustive checks of what faster ones sample).
SLOW_MODULES = {
    "test_browser", "test_e2e_browser", "test_map_browser", "test_front_page_browser", "test_research_browser",
    "test_changes_browser", "test_new_user_browser", "test_load_smoke", "test_page_bench", "test_research_bench",
    "test_change_bench", "test_fuzz_build", "test_interrupted_build", "test_serving_safety", "test_serve_workers",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
