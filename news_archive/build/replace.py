"""Build into a temporary file beside the output and rename it over the output only when the build succeeds."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildFailed


@contextlib.contextmanager
def replaced_on_success(output: Path, *, copy_previous: bool) -> Iterator[Path]:
    """The temporary file to build into: empty, or a copy of the previous build. It replaces ``output``
    when the block ends; if the block fails it is removed, and the output is left as it was. A full
    disk or an unwritable folder becomes a BuildFailed naming the reason."""
    temporary = output.with_name(f".{output.name}.{os.getpid()}.building")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(output)
        if copy_previous:
            shutil.copyfile(output, temporary)
        else:
            temporary.unlink(missing_ok=True)
            temporary.write_bytes(b"")  # fails with the OS's reason, where SQLite would say "unable to open database file"
        yield temporary
        os.replace(temporary, output)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if isinstance(error, (OSError, sqlite3.Error)):  # a full disk, a read-only folder ...
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise BuildFailed(f"{output}: cannot write the database: {reason}") from error
        raise


def remove_stale_temporaries(output: Path) -> None:
    """Delete the temporary files of builds that were killed (their process is gone): the database and
    its search index (.NAME.PID.building, .NAME.PID.index.building)."""
    for path in output.parent.glob(f".{output.name}.*.building"):
        pid = path.name[len(output.name) + 2:-len(".building")].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
