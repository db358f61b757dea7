"""Serve the site from several worker processes on one port, each a Datasette built as `datasette serve` builds it.

    python -m news_archive.pages.serve [--workers N] DATASETTE-SERVE-ARGUMENTS...

Every worker parses the arguments with `datasette serve`'s own command and gets the instance it would
serve (immutable files, --inspect-file counts, settings, metadata, templates, plugins; nothing read
twice in a different way), runs its checks and startup hooks before it accepts a connection, and
serves `ds.app()` with uvicorn, as `datasette serve` does.

Each worker listens on a socket of its own, bound to the same port with SO_REUSEPORT, so the kernel
spreads new connections evenly over them. (uvicorn's --workers shares one socket, and asyncio accepts
every pending connection on one wake-up: 50 keep-alive connections opened at once landed 43/7 or
2/48 on two workers.) The supervisor restarts a worker that dies, stops every worker on SIGTERM or
Ctrl-C, and stops serving if a worker cannot start; a worker whose parent is gone (killed with
SIGKILL) stops itself. Workers sign cookies with one secret (--secret, $DATASETTE_SECRET, or one made
at start), so a CSRF token or login from one worker holds on the others.

A worker runs its SQL in its own event loop's thread (num_sql_threads 0) unless the arguments choose
num_sql_threads: one process per core has no core for SQL threads to use, only one GIL they wait for
and a hand-off per statement. A request, once started, then runs to its end, so none waits behind
the statements of all the others (bench/load_test.py at 100,000 articles, 2 workers on 2 cores, 50
connections: 110 against 97 req/s, p99 0.75 s against 1.4 s with Datasette's 3 threads). The price:
a slow query (at most sql_time_limit_ms) holds the requests behind it on its worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import secrets
import signal
import socket
import sqlite3
import sys
import threading
import time

import click
import uvicorn
from datasette import cli as datasette_cli
from datasette.app import DEFAULT_SETTINGS
from uvicorn.config import STARTUP_FAILURE

APP = "news_archive.pages.serve:worker_app"
ARGUMENTS = "NEWS_ARCHIVE_SERVE_ARGUMENTS"  # the workers' `datasette serve` arguments, as JSON
PARENT = "NEWS_ARCHIVE_SERVE_PARENT"  # the supervisor's pid: a worker that outlives it stops
# `datasette serve` options that act in its one process after the instance is built (a reloader, a
# one-off request, a root token, a debugger, a browser), that workers cannot share (1.0's --internal
# file, written by each at startup) or a unix socket, which cannot be one per worker: refused, by
# parameter name, where the installed version has them.
SINGLE_PROCESS = ("reload", "get", "headers", "token", "actor", "root", "pdb", "open_browser", "internal", "uds")
# Seconds a stopping worker waits for the requests in flight before it cancels them.
GRACEFUL_SHUTDOWN = 5
POLL = 0.5  # seconds between a worker's looks at its parent, and the supervisor's at its workers
logger = logging.getLogger("uvicorn.error")


def datasette_from(arguments: list[str], check: bool = False):
    """The instance `datasette serve ARGUMENTS` would serve, not started, and the parsed arguments;
    with CHECK, once its databases have passed `datasette serve`'s checks (outside any event loop).

    Raises click's errors for bad arguments and files, as `datasette serve` prints them.
    """
    command = datasette_cli.serve
    with command.make_context("datasette serve", list(arguments)) as context:
        params = context.params
        options = {param.name: max(param.opts, key=len) for param in command.params}
        refused = [options[name] for name in SINGLE_PROCESS if params.get(name)]
        if refused:
            raise click.UsageError(f"{', '.join(refused)}: only with `datasette serve`, not with several workers")
        try:
            ds = context.invoke(command.callback, **params, return_instance=True)
            if check:
                asyncio.run(datasette_cli.check_databases(ds))
        except (OSError, ValueError) as error:  # an --inspect-file or --metadata it cannot read
            raise click.ClickException(str(error)) from None
        except sqlite3.DatabaseError as error:  # a file that is no SQLite database, met by a plugin
            files = ", ".join((*params["immutable"], *params["files"]))
            raise click.ClickException(f"cannot serve {files}: {error}") from None
    return ds, params


def worker_app():
    """One worker's ASGI app; uvicorn calls this in each worker process."""
    _stop_without(int(os.environ[PARENT]))
    ds, params = datasette_from(json.loads(os.environ[ARGUMENTS]))
    run_sql_in_event_loop(ds, params)
    app = ds.app()

    async def asgi(scope, receive, send):
        if scope["type"] == "lifespan":  # before this worker takes its first connection, as `datasette serve` does
            await datasette_cli.check_databases(ds)
            await ds.invoke_startup()
        await app(scope, receive, send)

    return asgi


def run_sql_in_event_loop(ds, params: dict) -> None:
    """Make DS (not started) run its SQL in the calling thread, as `--setting num_sql_threads 0`
    would, unless PARAMS (`datasette serve`'s) or a settings file chose another number of threads."""
    chosen = {name.removeprefix("settings.") for name, _ in params.get("settings") or ()}  # 1.0 says settings.X
    if "num_sql_threads" in chosen or ds.setting("num_sql_threads") != DEFAULT_SETTINGS["num_sql_threads"]:
        return
    ds.executor = None  # what Datasette's Database checks before each statement
    ds._settings["num_sql_threads"] = 0  # as /-/settings.json and /-/threads.json then say


def _stop_without(parent: int) -> None:
    """SIGTERM this process once PARENT is no longer its parent: a supervisor killed with SIGKILL
    cannot stop its workers, and they would keep serving the port."""

    def watch():
        while os.getppid() == parent:
            time.sleep(POLL)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="stop-without-parent", daemon=True).start()


def _listening(host: str, port: int, count: int) -> list[socket.socket]:
    """COUNT sockets bound to HOST:PORT together (SO_REUSEPORT: the kernel spreads connections over them)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:  # fails where anything listens, other workers too
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        port = probe.getsockname()[1]
    sockets = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sockets.append(sock)
    return sockets


def _serve(config: uvicorn.Config, sock: socket.socket) -> None:
    """A worker process: uvicorn serving the app on SOCK."""
    config.configure_logging()
    uvicorn.Server(config).run(sockets=[sock])


def supervise(config: uvicorn.Config, workers: int) -> None:
    """Run WORKERS processes, each serving CONFIG's app on its own socket, until SIGTERM or SIGINT;
    start a worker again when one dies; stop all, and exit, when one could not start."""
    sockets = _listening(config.host, config.port, workers)
    spawn = multiprocessing.get_context("spawn")
    multiprocessing.allow_connection_pickling()  # the sockets go to the workers

    def start(sock):
        process = spawn.Process(target=_serve, args=(config, sock), name="news-archive-worker")
        process.start()
        return process

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheme = "https" if config.ssl_keyfile else "http"
    logger.info("Serving %s://%s:%d from %d workers (supervisor %d)", scheme, config.host, config.port, workers,
                os.getpid())
    processes, failed = [start(sock) for sock in sockets], False
    while not stop.wait(POLL):
        for index, process in enumerate(processes):
            if process.exitcode == STARTUP_FAILURE:
                logger.error("Worker %d could not start; stopping", process.pid)
                failed = True
                stop.set()
            elif process.exitcode is not None and not stop.is_set():
                logger.warning("Worker %d exited (%s); starting another", process.pid, process.exitcode)
                processes[index] = start(sockets[index])
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(GRACEFUL_SHUTDOWN + 5)
        if process.exitcode is None:
            process.kill()
            process.join()
    if failed:
        sys.exit(STARTUP_FAILURE)


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("-w", "--workers", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              help="Worker processes, each a whole Datasette (default: one per CPU core).")
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def main(workers: int, arguments: tuple[str, ...]) -> None:
    """Serve what `datasette serve ARGUMENTS` serves, from WORKERS processes on its --host and --port.

    For example, what `make serve` serves: python -m news_archive.pages.serve -i archive.db
    --inspect-file counts.json --setting suggest_facets off --setting sql_time_limit_ms 3000 --port 8001
    """
    _, params = datasette_from(list(arguments), check=True)  # bad arguments and files fail here, before any worker
    os.environ[ARGUMENTS] = json.dumps(arguments)
    os.environ[PARENT] = str(os.getpid())
    os.environ.setdefault("DATASETTE_SECRET", secrets.token_hex(32))  # --secret, when given, still wins
    config = uvicorn.Config(APP, factory=True, host=params["host"], port=params["port"],
                            ssl_keyfile=params["ssl_keyfile"], ssl_certfile=params["ssl_certfile"], lifespan="on",
                            log_level="info", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN)
    try:
        supervise(config, workers)
    except OSError as error:  # the port is taken, or the host is not this machine's
        raise click.ClickException(f"cannot listen on {params['host']}:{params['port']}: {error}") from None


if __name__ == "__main__":
    main()
