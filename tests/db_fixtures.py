"""Databases built once per test run from the repository's seeds/: the first xdist worker to need one
builds it, the others wait for it and read the same file."""

import fcntl
import os
import re
import subprocess
import sys
from collections.abc import Callable
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


def built_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder NAME, filled by MAKE(folder) once in this run: xdist's workers (each a session of its
    own) share their base temporary folder's parent, and take turns with a lock on it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this run's, shared by its workers
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the worker dies
        if not (folder / "built").exists():
            folder.mkdir(exist_ok=True)
            make(folder)
            (folder / "built").touch()
    return folder


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory) -> Path:
    """seeds/ built by news_archive.build, with a pool of parser processes. Tests only read it."""
    return built_once(tmp_path_factory, "archive", lambda folder: build([SEEDS], folder / "archive.db")) / "archive.db"


@pytest.fixture(scope="session")
def archive_db(archive_path) -> sqlite_utils.Database:
    return sqlite_utils.Database(archive_path)


@pytest.fixture(scope="session")
def news_db(tmp_path_factory) -> tuple[Path, Path]:
    """seeds/ built as the README says, by build_db.py, into a file named news.db (any name gets the
    archive's pages), and its table counts written by `datasette inspect`: (news.db, counts.json).
    In one parser process (-j 1): test_build compares it with archive.db, which a pool of them parsed."""
    def make(folder):
        subprocess.run([sys.executable, str(ROOT / "build_db.py"), str(SEEDS), "-o", str(folder / "news.db"), "-q",
                        "-j", "1"], check=True)
        subprocess.run([sys.executable, "-m", "datasette", "inspect", str(folder / "news.db"),
                        "--inspect-file", str(folder / "counts.json")], check=True)

    folder = built_once(tmp_path_factory, "news", make)
    return folder / "news.db", folder / "counts.json"
