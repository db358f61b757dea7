"""Fixtures shared by the parser tests. They read seeds/ and tests/data/ only."""

import glob
from pathlib import Path

import pytest

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
