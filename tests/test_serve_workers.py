"""Several worker processes (news_archive.pages.serve) serve what one `datasette serve` serves, each of
them answers requests, a dead one is replaced, and none outlives its supervisor, stopped or killed.

Each supervisor started costs a few seconds of CPU (three Pythons importing Datasette): one serves the
checks of a running server in turn, ending with its SIGTERM; another is killed."""

import asyncio
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from db_fixtures import SERVE_SETTINGS as SETTINGS
from servers import free_port, running, server_command

from news_archive.pages import serve
SECRET = "the same secret on every worker"
WORKERS = 2
JSON_PAGES = ["/-/settings.json", "/-/plugins.json", "/-/versions.json", "/-/databases.json",
              f"/archive/articles.json?_facet=section&_search={quote('中国')}", "/archive/article_place_map.json"]
HTML_PAGES = ["/", "/archive", "/archive/articles", f"/archive/paragraphs?_search={quote('王毅')}",
              f"/archive/search?q={quote('王毅')}", "/archive/article_place_map", "/archive/articles.csv?_size=max"]


@pytest.fixture(scope="module")
def arguments(archive_path, tmp_path_factory):
    counts = tmp_path_factory.mktemp("workers") / "counts.json"
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(archive_path), "--inspect-file", str(counts)],
                   check=True)
    return ["--inspect-file", str(counts), *SETTINGS, "--secret", SECRET]


def _get(port: int, path: str, connection=None, **headers) -> tuple[int, bytes]:
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def _comparable(path: str, port: int, body: bytes):
    """The page without what differs between two servers of the same files: their port in absolute
    URLs, the time queries took, and the order of plugins of the same name (a set in Datasette)."""
    text = body.decode().replace(f"http://127.0.0.1:{port}", "")
    if ".json" not in path:
        return re.sub(r"Queries took [\d.]+ ?ms", "", text)
    data = json.loads(text)
    if isinstance(data, dict):
        data.pop("query_ms", None)
    return sorted(data, key=json.dumps) if path == "/-/plugins.json" else data


def _processes() -> dict[int, tuple[int, str]]:
    """Every process's parent and state (Z: a zombie, already gone)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return found


def _below(pid: int) -> set[int]:
    processes, tree = _processes(), {pid}
    while below := {child for child, (parent, _) in processes.items() if parent in tree} - tree:
        tree |= below
    return tree - {pid}


def _alive(pids) -> set[int]:
    processes = _processes()
    return {pid for pid in pids if pid in processes and processes[pid][1] != "Z"}


def _worker_of(connection: http.client.HTTPConnection, port: int, workers: set[int]) -> int:
    """The worker holding the server's end of CONNECTION (/proc/net/tcp names its socket's inode)."""
    client_port = connection.sock.getsockname()[1]
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and int(fields[2].split(":")[1], 16) == client_port:
            socket = f"socket:[{fields[9]}]"
            for pid in workers:
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    try:
                        if os.readlink(fd) == socket:
                            return pid
                    except OSError:
                        continue
    raise AssertionError(f"no worker holds the connection from port {client_port}")


def test_workers_serve_what_datasette_serve_serves_and_keep_going(archive_path, arguments):
    """The same pages as `datasette serve`, from every worker; then a worker that dies is replaced,
    a second server on the port is refused, and SIGTERM takes every worker with the supervisor."""
    single, multi = free_port(), free_port()
    with running(server_command(archive_path, multi, *arguments, workers=WORKERS), multi, WORKERS) as supervisor:
        with running(server_command(archive_path, single, *arguments), single):
            for path in JSON_PAGES + HTML_PAGES:
                (status, one), (status_multi, many) = _get(single, path), _get(multi, path)
                assert status == status_multi == 200, path
                if path == "/-/settings.json":  # the one difference: workers run their SQL in their loop
                    one, many = json.loads(one), json.loads(many)
                    assert (one.pop("num_sql_threads"), many.pop("num_sql_threads")) == (3, 0)
                    assert many == one
                    continue
                assert _comparable(path, multi, many) == _comparable(path, single, one), path
        _every_worker_answers_with_the_one_secret(multi, supervisor.pid)
        _a_worker_that_dies_is_replaced(multi, supervisor.pid)
        result = subprocess.run(server_command(archive_path, multi, *arguments, workers=WORKERS),
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1 and f"cannot listen on 127.0.0.1:{multi}" in result.stderr, result.stderr
        _no_worker_outlives(supervisor, signal.SIGTERM)


def _every_worker_answers_with_the_one_secret(port: int, supervisor: int) -> None:
    """Requests reach every worker, and each signs with the one secret: an actor cookie holds on all."""
    cookie = Datasette(secret=SECRET).sign({"a": {"id": "reader"}}, "actor")
    workers, served = _below(supervisor), {}
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(12)]
    for connection in connections:
        status, body = _get(port, "/-/actor.json", connection, Cookie=f"ds_actor={cookie}")
        assert status == 200 and json.loads(body)["actor"] == {"id": "reader"}
        worker = _worker_of(connection, port, workers)
        served[worker] = served.get(worker, 0) + 1
    for connection in connections:
        connection.close()
    assert len(served) == WORKERS, served


def _no_worker_outlives(supervisor: subprocess.Popen, stop: signal.Signals) -> None:
    below = _below(supervisor.pid)
    assert len(below) >= WORKERS
    os.kill(supervisor.pid, stop)
    supervisor.wait(10)
    deadline = time.monotonic() + 5
    while _alive(below) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(below), f"still running {time.monotonic() - deadline + 5:.1f} s after {stop.name}"


def test_no_worker_outlives_a_killed_supervisor(archive_path, arguments):
    port = free_port()
    with running(server_command(archive_path, port, *arguments, workers=WORKERS), port, WORKERS) as supervisor:
        assert _get(port, "/archive/articles")[0] == 200
        _no_worker_outlives(supervisor, signal.SIGKILL)


def _workers(supervisor: int) -> set[int]:
    return {pid for pid in _alive(_below(supervisor)) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()}


def _a_worker_that_dies_is_replaced(port: int, supervisor: int) -> None:
    workers = _workers(supervisor)
    assert len(workers) == WORKERS
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while (victim in _workers(supervisor) or len(_workers(supervisor)) < WORKERS) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert victim not in _workers(supervisor) and len(_workers(supervisor)) == WORKERS
    assert all(_get(port, "/archive")[0] == 200 for _ in range(10))


@pytest.mark.parametrize("extra, threads", [([], 0), (["--setting", "num_sql_threads", "2"], 2),
                                            (["--setting", "num_sql_threads", "3"], 3)])
def test_workers_run_sql_in_their_loop_unless_told_otherwise(archive_path, extra, threads):
    ds, params = serve.datasette_from(["-i", str(archive_path), *extra])
    serve.run_sql_in_event_loop(ds, params)
    assert ds.setting("num_sql_threads") == threads and (ds.executor is None) is (threads == 0)
    rows = asyncio.run(ds.get_database("archive").execute("select count(*) from articles")).rows
    assert rows[0][0] == 387  # every article of seeds/: the query runs either way


@pytest.mark.parametrize("extra, message", [
    (["--workers", "0"], "0 is not in the range x>=1"),
    (["--reload"], "--reload: only with `datasette serve`"),
    (["--root", "--get", "/"], "--get, --root: only with `datasette serve`"),
    (["--port", "eighty"], "'eighty' is not a valid integer"),
    (["--inspect-file", "missing.json"], "missing.json"),
    ([__file__], "file is not a database"),
])
def test_bad_arguments_fail_before_any_worker_starts(archive_path, monkeypatch, extra, message):
    """serve.main in this process (a Python with Datasette imported costs a second); starting workers fails the test."""
    for name in (serve.ARGUMENTS, serve.PARENT, "DATASETTE_SECRET"):  # what main() sets once the arguments pass
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(serve, "supervise", _must_not_supervise)
    result = CliRunner().invoke(serve.main, ["-i", str(archive_path), *extra])
    assert result.exit_code != 0 and message in result.output, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # click's message, not a traceback


def _must_not_supervise(config, workers):
    raise AssertionError("workers started")


def test_bad_arguments_exit_the_process_with_a_message(archive_path):
    result = subprocess.run([sys.executable, "-m", "news_archive.pages.serve", "-i", str(archive_path), __file__],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "file is not a database" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
