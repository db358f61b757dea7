"""Databases built once per test session (and per xdist worker) from the repository's seeds/."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from news_archive.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILE = "000_cc2fef80fd5ee816.txt"
SEED_URL = "https://cn.nytimes.com/world/20240202/china-us-fentanyl-iran-north-korea/"
# `make serve`'s --setting arguments.
SERVE_SETTINGS = [arg for pair in re.findall(r"--setting (\S+) (\S+)", (ROOT / "Makefile").read_text())
                  for arg in ("--setting", *pair)]


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    build([SEEDS], path)
    return path


@pytest.fixture(scope="session")
def archive_db(archive_path) -> sqlite_utils.Database:
    return sqlite_utils.Database(archive_path)


@pytest.fixture(scope="session")
def news_db(tmp_path_factory) -> tuple[Path, Path]:
    """seeds/ built as the README says, by build_db.py, into a file named news.db (any name gets the
    archive's pages), and its table counts written by `datasette inspect`: (news.db, counts.json).
    In one parser process (-j 1): test_build compares it with archive.db, which a pool of them parsed."""
    folder = tmp_path_factory.mktemp("news")
    db, counts = folder / "news.db", folder / "counts.json"
    subprocess.run([sys.executable, str(ROOT / "build_db.py"), str(SEEDS), "-o", str(db), "-q", "-j", "1"], check=True)
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(db), "--inspect-file", str(counts)], check=True)
    return db, counts
