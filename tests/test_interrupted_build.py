"""Interrupted and failing builds keep the previous archive.db, byte for byte, and say what went wrong."""

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from db_fixtures import ROOT, SEED_FILE, SEEDS

from news_archive.build import cli

BUILD = [sys.executable, str(ROOT / "build_db.py"), str(SEEDS), "-q", "--full"]
# A full seeds/ build takes about 2.5 s on two cores (start, parse, write): kill points cover all three.
_RANDOM = random.Random(3)
KILL_AFTER = sorted(_RANDOM.uniform(0.2, 2.2) for _ in range(5))


def _intact(path, before: bytes) -> None:
    assert path.read_bytes() == before
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)


def _temporaries(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".building"))


def _kill_build(output, when) -> bool:
    """Start a build and SIGKILL it and its parser workers when `when()` is true; False if it
    finished first (then it has replaced the output, as a successful build does)."""
    process = subprocess.Popen(BUILD + ["-o", str(output)], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not when() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    finished = process.poll() == 0
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return not finished


def test_killed_builds_keep_the_previous_database(archive_path, tmp_path):
    output = tmp_path / "archive.db"
    shutil.copy(archive_path, output)
    before = output.read_bytes()
    killed = []
    for seconds in KILL_AFTER:
        started = time.monotonic()
        if _kill_build(output, lambda: time.monotonic() - started > seconds):
            killed.append(seconds)
            _intact(output, before)
        else:  # done before its kill: a new archive (its build_info says when it was built)
            before = output.read_bytes()
    assert len(killed) >= 3, f"builds finished before most kill points: {KILL_AFTER}"
    # Killed while writing: its temporary file stays behind, for the next build to remove.
    _kill_build(output, lambda: _temporaries(tmp_path))
    _intact(output, before)
    assert _temporaries(tmp_path)
    print(f"\nkilled builds after {', '.join(f'{s:.2f}' for s in killed)} s and while writing")

    # The next build, whatever it reads (one file here: a second whole build would add nothing), removes it.
    subprocess.run([sys.executable, str(ROOT / "build_db.py"), str(SEEDS / SEED_FILE), "-o", str(output), "-q"],
                   check=True, capture_output=True)
    assert _temporaries(tmp_path) == []
    with contextlib.closing(sqlite3.connect(output)) as db:
        assert db.execute("select source_file from articles").fetchall() == [(SEED_FILE,)]


def test_only_temporaries_of_dead_builds_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / f".one.db.{dead}.building").write_bytes(b"half")
    (tmp_path / ".one.db.1.building").write_bytes(b"pid 1 is alive: a build still running")
    result = CliRunner().invoke(cli.main, [str(SEEDS / SEED_FILE), "-o", str(tmp_path / "one.db"), "-q"])
    assert result.exit_code == 0, result.output
    assert _temporaries(tmp_path) == [".one.db.1.building"]


@contextlib.contextmanager
def _tmpfs(path, size: str):
    path.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def _fails_cleanly(output, before: bytes, problem: str, args=()) -> None:
    result = CliRunner().invoke(cli.main, [str(SEEDS), "-o", str(output), "-q", *args])
    assert result.exit_code == 1
    message = result.output.strip()
    assert message == f"Error: {output}: cannot write the database: {problem}"
    _intact(output, before)
    assert _temporaries(output.parent) == []


def test_full_disk(tmp_path):
    with _tmpfs(tmp_path / "small", "4m") as folder:
        output = folder / "archive.db"
        CliRunner().invoke(cli.main, [str(SEEDS / SEED_FILE), "-o", str(output), "-q"], catch_exceptions=False)
        _fails_cleanly(output, output.read_bytes(), "database or disk is full")


def test_full_disk_simulated(tmp_path, monkeypatch):
    """Where no tmpfs can be mounted: SQLite's page limit raises the same SQLITE_FULL."""
    output = tmp_path / "archive.db"
    CliRunner().invoke(cli.main, [str(SEEDS / SEED_FILE), "-o", str(output), "-q"], catch_exceptions=False)
    monkeypatch.setattr("news_archive.db.schema.BUILD_PRAGMAS",
                        ("PRAGMA journal_mode = OFF", "PRAGMA max_page_count = 100"))
    _fails_cleanly(output, output.read_bytes(), "database or disk is full")


def test_unwritable_output_folder(tmp_path):
    if os.geteuid() == 0:  # root writes through file modes: make the folder a read-only file system
        folder = tmp_path / "ro"
        with _tmpfs(folder, "4m"):
            output = folder / "archive.db"
            CliRunner().invoke(cli.main, [str(SEEDS / SEED_FILE), "-o", str(output), "-q"], catch_exceptions=False)
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            _fails_cleanly(output, output.read_bytes(), "Read-only file system")
        return
    output = tmp_path / "archive.db"
    CliRunner().invoke(cli.main, [str(SEEDS / SEED_FILE), "-o", str(output), "-q"], catch_exceptions=False)
    tmp_path.chmod(0o555)
    try:
        _fails_cleanly(output, output.read_bytes(), "Permission denied")
    finally:
        tmp_path.chmod(0o755)


def _children(pid: int) -> set[int]:
    try:
        return {int(child) for child in (Path(f"/proc/{pid}/task/{pid}/children").read_text().split())}
    except FileNotFoundError:
        return set()


def _running(pid: int) -> bool:
    """Alive and not a zombie (an exited child waits for its new parent to reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc (Linux)")
def test_a_killed_build_leaves_no_parser_process_behind(tmp_path):
    process = subprocess.Popen(BUILD + ["-o", str(tmp_path / "archive.db"), "-j", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while len(workers := _children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(workers) >= 2, "the build ended before its parser processes started"
        os.kill(process.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
        process.wait()
        deadline = time.monotonic() + 5
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_running(pid) for pid in workers), "parser processes outlived the build by 5 s"
    finally:  # whatever happened, nothing of this test keeps running
        for pid in workers | _children(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
