"""A short run of bench/load_test.py: 10 connections for 5 s against a real server, and no errors."""

import re
import subprocess
import sys

from db_fixtures import ROOT


def test_load_smoke(archive_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_test.py"), "--db", str(archive_path),
         "--seconds", "5", "--connections", "10"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = re.search(r"(\d+) requests in .* req/s, p50 \d+ ms, p99 \d+ ms, errors (\d+)", result.stdout)
    assert summary, result.stdout
    print("\n" + result.stdout.strip())
    assert int(summary.group(1)) > 20 and summary.group(2) == "0", result.stdout
