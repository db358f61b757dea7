"""A short run of bench/change_bench.py on the seeds archive: every change page it picks answers 200."""

import subprocess
import sys

from db_fixtures import ROOT


def test_change_bench(archive_path):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "change_bench.py"), "--db", str(archive_path),
                             "--reps", "2"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "FAILED" not in result.stdout and "HTTP " not in result.stdout, result.stdout
    table = result.stdout[result.stdout.index("| page |"):]
    for label in ("largest change", "median change", "headline change", "compare first/last", "its article page"):
        assert f"\n| {label} | " in table, label
