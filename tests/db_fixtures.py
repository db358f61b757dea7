"""A database built once per test session from the repository's seeds/."""

from pathlib import Path

import pytest
import sqlite_utils

from news_archive.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILE = "000_cc2fef80fd5ee816.txt"
SEED_URL = "https://cn.nytimes.com/world/20240202/china-us-fentanyl-iran-north-korea/"


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    build([SEEDS], path)
    return path


@pytest.fixture(scope="session")
def archive_db(archive_path) -> sqlite_utils.Database:
    return sqlite_utils.Database(archive_path)
