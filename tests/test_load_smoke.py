"""A short run of bench/load_test.py: 10 connections for 2 s against one process, then two workers, and no errors."""

import re
import subprocess
import sys

from db_fixtures import ROOT


def test_load_smoke(archive_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_test.py"), "--db", str(archive_path),
         "--seconds", "2", "--connections", "10", "--workers", "2"],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    print("\n" + result.stdout.strip())
    summaries = re.findall(r"^(single process|2 workers) .*: (\d+) requests in .* req/s, p50 \d+ ms, p99 \d+ ms, "
                           r"errors (\d+)$", result.stdout, re.MULTILINE)
    assert [label for label, _, _ in summaries] == ["single process", "2 workers"], result.stdout
    assert all(int(requests) > 20 and errors == "0" for _, requests, errors in summaries), result.stdout
    for target in ("target 0", "target < 1000 ms", "target >= 2x"):
        assert target in result.stdout
    assert "/archive/article_place_map" in result.stdout.split("per URL")[1]  # the per-URL breakdown
