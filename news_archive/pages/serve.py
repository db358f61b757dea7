"""Serve the site from several worker processes on one port, each a Datasette built as `datasette serve` builds it.

    python -m news_archive.pages.serve [--workers N] DATASETTE-SERVE-ARGUMENTS...

Every worker parses the arguments with `datasette serve`'s own command and gets the instance it would
serve (immutable files, --inspect-file counts, settings, metadata, templates, plugins; nothing read
twice in a different way), runs its checks and startup hooks before it accepts a connection, and
serves `ds.app()`. uvicorn's supervisor binds the port once, shares it with the workers, restarts a
worker that dies and, on SIGTERM or Ctrl-C, stops them all; a worker whose parent is gone (killed
with SIGKILL) stops itself. Workers sign cookies with one secret (--secret, $DATASETTE_SECRET, or one
made at start), so a CSRF token or login from one worker holds on the others.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import sqlite3
import threading
import time

import click
import uvicorn
from datasette import cli as datasette_cli

APP = "news_archive.pages.serve:worker_app"
ARGUMENTS = "NEWS_ARCHIVE_SERVE_ARGUMENTS"  # the workers' `datasette serve` arguments, as JSON
PARENT = "NEWS_ARCHIVE_SERVE_PARENT"  # the supervisor's pid: a worker that outlives it stops
# `datasette serve` options that act in its one process after the instance is built (a reloader, a
# one-off request, a root token, a debugger, a browser) or that workers cannot share (1.0's --internal
# file, written by each at startup): refused, by parameter name, where the installed version has them.
SINGLE_PROCESS = ("reload", "get", "headers", "token", "actor", "root", "pdb", "open_browser", "internal")
# Seconds a stopping worker waits for the requests in flight before it cancels them.
GRACEFUL_SHUTDOWN = 5
PARENT_POLL = 0.5


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
    parent = int(os.environ[PARENT])
    if parent != os.getpid():  # --workers 1: uvicorn serves in the supervisor's own process
        _stop_without(parent)
    ds, _ = datasette_from(json.loads(os.environ[ARGUMENTS]))
    app = ds.app()

    async def asgi(scope, receive, send):
        if scope["type"] == "lifespan":  # before this worker takes its first connection, as `datasette serve` does
            await datasette_cli.check_databases(ds)
            await ds.invoke_startup()
        await app(scope, receive, send)

    return asgi


def _stop_without(parent: int) -> None:
    """SIGTERM this process once PARENT is no longer its parent: a supervisor killed with SIGKILL
    cannot stop its workers, and they would keep serving the port."""

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="stop-without-parent", daemon=True).start()


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
    uvicorn.run(APP, factory=True, workers=workers, host=params["host"], port=params["port"], uds=params["uds"],
                ssl_keyfile=params["ssl_keyfile"], ssl_certfile=params["ssl_certfile"], lifespan="on",
                log_level="info", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN)


if __name__ == "__main__":
    main()
