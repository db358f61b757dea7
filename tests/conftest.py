"""Fixtures shared by every test module: seed files parsed on demand, and the archive built from
seeds/ once per test session (defined in db_fixtures; made available here so no module builds its own)."""

import glob
from pathlib import Path

import pytest

from db_fixtures import archive_db, archive_path  # noqa: F401

from news_archive.article import parse_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def seed():
    """Parse the seed file whose path under seeds/ starts with the given text ("bbc/1048095")."""

    def parse(prefix: str):
        matches = sorted(SEEDS.glob(glob.escape(prefix) + "*"))
        assert len(matches) == 1, f"{prefix!r} names {len(matches)} seed files"
        return parse_article(matches[0].read_bytes())

    return parse
