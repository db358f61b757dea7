"""A short run of bench/page_bench.py on the seeds archive: every page and baseline answers 200."""

import subprocess
import sys

from db_fixtures import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from page_bench import main, pages  # noqa: E402


def run_bench(*args):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "page_bench.py"), *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_page_bench(archive_path):
    out = run_bench("--db", str(archive_path), "--reps", "1", "--baseline-reps", "1")
    assert "FAILED" not in out and "HTTP " not in out, out
    table = out[out.index("| page |"):]
    for page in pages():
        assert f"\n| {page.label} | " in table, page.label
    ratios = [line for line in table.splitlines() if line.endswith("x |")]
    assert len(ratios) == sum(1 for page in pages() if page.baseline), table


def test_missing_database_skips(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "archive.db")]) == 0
    assert capsys.readouterr().out.startswith("SKIP: ")
