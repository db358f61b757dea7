"""A short run of bench/research_bench.py on the seeds archive: every page answers 200 (times are not checked)."""

import re
import subprocess
import sys

from db_fixtures import ROOT

BENCH = ROOT / "bench" / "research_bench.py"
sys.path.insert(0, str(ROOT / "bench"))
from research_bench import main, pages  # noqa: E402


def run_bench(*args):
    result = subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_research_bench(archive_path):
    out = run_bench("--db", str(archive_path), "--reps", "2", "--baseline-reps", "1")
    assert "FAILED" not in out and "HTTP " not in out, out
    assert "first search request of the process (status 200)" in out, out
    table = out[out.index("| page |"):].split("\n\n")[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("| ")]
    labels = {line.split(" | ")[0][2:] for line in rows}
    for expected in ("search?q=中国", "search?q=美国 疫苗", "search.json?q=中国&by=month&split=outlet",
                     "search/series.json?q=中国&split=outlet", "search/sentences?q=拜登",
                     "articles?_search=中国", "articles.json?_search=拜登", "search.csv?q=拜登"):
        assert expected in labels, (expected, table)
    assert sum("&outlet=" in label and "&from=2020&to=2020" in label for label in labels) == 4, table
    outlet = re.search(r"outlet with most articles: (\S+)", out).group(1)
    assert labels == {page.label for page in pages(outlet)}, table
    for line in rows:
        median = line.split(" | ")[1]
        assert median != "-", line  # a page that did not answer 200 has no times
    assert "process RSS after the run" in out, out


def test_missing_database_skips(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "archive.db")]) == 0
    assert capsys.readouterr().out.startswith("SKIP: ")
