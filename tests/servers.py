"""A real `datasette serve -i` process on 127.0.0.1 and Debian's chromium to look at it (browser,
serving-safety and load tests)."""

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def datasette_serve(db, *settings: str):
    """Yield the base URL of `datasette serve -i DB` with the given extra arguments, then stop it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", "127.0.0.1", "--port", str(port),
         *settings],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("datasette did not start: " + process.stderr.read().decode())
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # still answering a heavy request: the load test's last ones
            process.kill()
            process.wait()


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
