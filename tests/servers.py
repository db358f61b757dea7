"""A real `datasette serve -i` process (or several workers) on 127.0.0.1 and Debian's chromium to look
at it (browser, serving-safety, load and worker tests); the servers of the session's databases start
once per session (and xdist worker), for every module that uses them."""

import contextlib
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(db, port: int, *arguments: str, workers: int | None = None) -> list[str]:
    """`datasette serve -i DB` on 127.0.0.1:PORT with ARGUMENTS; with WORKERS, the same arguments
    served by that many worker processes (news_archive.pages.serve)."""
    serve = (["-m", "datasette", "serve"] if workers is None
             else ["-m", "news_archive.pages.serve", "--workers", str(workers)])
    return [sys.executable, *serve, "-i", str(db), "--host", "127.0.0.1", "--port", str(port), *arguments]


@contextlib.contextmanager
def running(command: list[str], port: int, workers: int = 1):
    """Start a server COMMAND listening on 127.0.0.1:PORT, yield its process once it answers and its
    WORKERS have each finished starting up (uvicorn logs each), then stop it."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               encoding="utf-8", errors="replace")
    log: list[str] = []

    def read_log():  # as it comes, so a chatty server never blocks on a full pipe
        for line in process.stderr:
            log.append(line)

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
                if sum("Application startup complete" in line for line in log) >= workers:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                reader.join(5)
                raise RuntimeError("the server did not start: " + "".join(log))
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # still answering a heavy request: the load test's last ones
            process.kill()
            process.wait()


@contextlib.contextmanager
def datasette_serve(db, *settings: str, workers: int | None = None):
    """Yield the base URL of `datasette serve -i DB` with the given extra arguments (server_command),
    then stop it."""
    port = free_port()
    with running(server_command(db, port, *settings, workers=workers), port, workers or 1):
        yield f"http://127.0.0.1:{port}"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_browser():
    """Playwright's sync API; skips the calling test module when it or Debian's chromium is missing.

    No `playwright install`: the tests drive the system Chromium (apt-get install chromium fonts-noto-cjk).
    """
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)
    return sync_api


@contextlib.contextmanager
def chromium(sync_api):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def local_only(page, base: str) -> None:
    """Refuse every request that leaves the test server: the tests need no network (images, map tiles)."""
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())


@contextlib.contextmanager
def local_page(browser, base: str, width: int = 1280, height: int = 900, **options):
    """A new page of its own browser context that reaches only the test server (local_only)."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    try:
        page = context.new_page()
        local_only(page, base)
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium, one per module that drives it (skips without it or playwright). Not one
    per session: while Playwright's sync API runs, asyncio.run() (Datasette's test client) cannot."""
    with chromium(require_browser()) as browser:
        yield browser


@pytest.fixture(scope="session")
def archive_server(archive_path):
    """The base URL of `datasette serve -i` on the session's archive.db."""
    with datasette_serve(archive_path) as base:
        yield base


@pytest.fixture(scope="session")
def news_server(news_db):
    """The base URL of news.db served as `make serve` serves archive.db: its counts, the Makefile's settings."""
    from db_fixtures import SERVE_SETTINGS

    db, counts = news_db
    with datasette_serve(db, "--inspect-file", str(counts), *SERVE_SETTINGS) as base:
        yield base
